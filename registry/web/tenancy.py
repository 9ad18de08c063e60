"""The base of every page of a tenant: `/t/{tenant}/...`, behind the same tenant
wall as the API (`TenantWall`, roles declared with `allow(...)` on each page)."""

from __future__ import annotations

from litestar import Controller

from registry.http.tenancy import TenantRoutes, TenantWall
from registry.web.auth import PAGE, WebSession
from registry.web.rendering import PAGE_ERRORS, PAGE_HEADERS

WEB_TENANT_PATH = "/t/{tenant:str}"


class TenantPages(Controller):
    """Pages of one tenant: a live session (and CSRF token for changes), then the
    tenant wall; `caller`, `tenant_scope` and `actor` as for the API's handlers."""

    middleware = [WebSession, TenantWall]
    dependencies = TenantRoutes.dependencies
    include_in_schema = False
    opt = PAGE
    exception_handlers = PAGE_ERRORS
    response_headers = PAGE_HEADERS
