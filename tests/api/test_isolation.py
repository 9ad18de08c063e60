"""Tenant isolation, generated from the app's routes: A can never reach B."""

from __future__ import annotations

import pytest

from tenants.roles import Role
from tests.api.routes import OBJECT_IN_TENANT, TenantRoute, body_for, tenant_routes

ROUTES = tenant_routes()


def ids_in(world):
    return {name: find(world) for name, find in OBJECT_IN_TENANT.items()}


@pytest.fixture(scope="module")
async def two_tenants(factory):
    return await factory.tenant("iso-a"), await factory.tenant("iso-b")


def test_routes_were_found():
    assert len(ROUTES) >= 10
    for route in ROUTES:
        missing = [p for p in route.params if p not in OBJECT_IN_TENANT]
        assert not missing, f"{route}: add a finder for {missing} to OBJECT_IN_TENANT"


@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_caller_of_a_gets_404_on_b(api, two_tenants, route: TenantRoute):
    a, b = two_tenants
    for role in Role:
        response = await api.request(
            route.method,
            route.url(b.slug, ids_in(b)),
            json=body_for(route),
            headers=a[role].headers,
        )
        assert response.status_code == 404, (role, response.text)
        assert response.json()["detail"] == f"no tenant {b.slug!r}"


@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_unknown_tenant_looks_like_a_foreign_one(api, two_tenants, route: TenantRoute):
    a, b = two_tenants
    response = await api.request(
        route.method,
        route.url("no-such-assoc", ids_in(b)),
        json=body_for(route),
        headers=a[Role.ADMIN].headers,
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "no tenant 'no-such-assoc'"


@pytest.mark.parametrize("route", [r for r in ROUTES if r.params], ids=str)
async def test_object_of_b_is_404_on_a_path(api, two_tenants, route: TenantRoute):
    a, b = two_tenants
    # A role the route admits, so that the refusal is about B's object, not the role
    # (the executive's and the board's routes do not admit the administrator).
    roles = route.roles or frozenset({Role.ADMIN})
    role = Role.ADMIN if Role.ADMIN in roles else sorted(roles)[0]
    response = await api.request(
        route.method,
        route.url(a.slug, ids_in(b)),
        json=body_for(route),
        headers=a[role].headers,
    )
    assert response.status_code == 404, response.text
    # And B's object is still there, untouched, for B's own administrator.
    if route.method == "DELETE" and "membership_id" in route.params:
        own = await api.get(
            f"/api/v1/t/{b.slug}/members/{b[Role.MEMBER].membership_id}",
            headers=b[Role.ADMIN].headers,
        )
        assert own.status_code == 200


async def test_b_token_is_still_valid_after_a_tried_to_revoke_it(api, two_tenants):
    a, b = two_tenants
    await api.delete(
        f"/api/v1/t/{a.slug}/tokens/{b[Role.MEMBER].token_id}", headers=a[Role.ADMIN].headers
    )
    response = await api.get(f"/api/v1/t/{b.slug}/tokens", headers=b[Role.MEMBER].headers)
    assert response.status_code == 200
