"""The web pages of a tenant, read from the application like tests/api/routes.py
reads the API's routes: a new page is covered by the guard tests without a new test."""

from __future__ import annotations

from tests.api.routes import TenantRoute, tenant_routes


def web_tenant_routes() -> list[TenantRoute]:
    return [route for route in tenant_routes(api=False) if route.path.startswith("/t/")]
