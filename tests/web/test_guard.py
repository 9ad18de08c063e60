"""Every page of a tenant passes the same tenant wall as the API: generated from the
app's own web routes, like tests/api/test_isolation.py and test_roles.py."""

from __future__ import annotations

import pytest

from tenants.roles import Role
from tests.api.routes import OBJECT_IN_TENANT
from tests.web.helpers import signed_in
from tests.web.routes import web_tenant_routes

ROUTES = web_tenant_routes()


def ids_in(world):
    return {name: find(world) for name, find in OBJECT_IN_TENANT.items()}


def test_every_page_declares_roles_and_its_objects_have_finders():
    assert len(ROUTES) >= 10
    for route in ROUTES:
        assert route.roles, f"{route} declares no roles"
        missing = [p for p in route.params if p not in OBJECT_IN_TENANT]
        assert not missing, f"{route}: add a finder for {missing} to OBJECT_IN_TENANT"


@pytest.fixture(scope="module")
async def browsers(live_server, factory):
    """Tenants A and B, and a signed-in browser (with its CSRF token) per role of A."""
    a, b = await factory.tenant("web-guard-a"), await factory.tenant("web-guard-b")
    clients = {role: await signed_in(live_server, a[role].email) for role in Role}
    yield a, b, clients
    for client, _ in clients.values():
        await client.aclose()


async def _visit(client, csrf, route, url):
    data = {"csrf_token": csrf} if route.method != "GET" else None
    return await client.request(route.method, url, data=data)


@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_pages_of_another_tenant_are_not_found(browsers, route):
    _a, b, clients = browsers
    for role in Role:
        client, csrf = clients[role]
        response = await _visit(client, csrf, route, route.url(b.slug, ids_in(b)))
        assert response.status_code == 404, (role, response.text[:500])
        assert f"no tenant {b.slug!r}".replace("'", "&#39;") in response.text


@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_roles_not_named_are_refused(browsers, route):
    a, _b, clients = browsers
    for role in Role:
        if role in route.roles:
            continue
        client, csrf = clients[role]
        response = await _visit(client, csrf, route, route.url(a.slug, ids_in(a)))
        assert response.status_code == 403, (role, response.text[:500])
        assert "needs one of the roles" in response.text


@pytest.mark.parametrize("route", [r for r in ROUTES if r.params], ids=str)
async def test_object_of_b_on_a_page_of_a_is_not_found(browsers, route):
    a, b, clients = browsers
    client, csrf = clients[Role.ADMIN]
    if Role.ADMIN not in route.roles:
        client, csrf = clients[sorted(route.roles)[0]]
    response = await _visit(client, csrf, route, route.url(a.slug, ids_in(b)))
    assert response.status_code == 404, response.text[:500]


@pytest.mark.parametrize("route", [r for r in ROUTES if r.method != "GET"], ids=str)
async def test_changes_without_the_csrf_token_are_refused(browsers, route):
    a, _b, clients = browsers
    client, _ = clients[sorted(route.roles)[0]]
    response = await client.request(route.method, route.url(a.slug, ids_in(a)), data={})
    assert response.status_code == 403
    assert "form has expired" in response.text
