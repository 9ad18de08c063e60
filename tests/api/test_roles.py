"""The role matrix: every tenant route declares its roles and refuses all others."""

from __future__ import annotations

from uuid import uuid4

import pytest
from litestar import get

from registry.http.tenancy import TenantWall, enter_tenant
from tenants.errors import Forbidden
from tenants.principal import Principal
from tenants.roles import Role
from tests.api.routes import OBJECT_IN_TENANT, STATE_CHANGING, body_for, tenant_routes

ROUTES = tenant_routes()
CASES = [
    (route, role)
    for route in ROUTES
    for role in Role
    if route.roles is not None and role not in route.roles
]


def test_every_tenant_route_declares_roles():
    undeclared = [str(r) for r in ROUTES if not r.roles]
    assert not undeclared


def test_every_tenant_route_and_page_passes_the_tenant_wall():
    everything = ROUTES + tenant_routes(api=False)
    unwalled = [str(r) for r in everything if TenantWall not in r.handler.resolve_middleware()]
    assert len(everything) > len(ROUTES) and not unwalled


async def test_the_wall_refuses_a_route_that_declares_no_roles():
    @get("/api/v1/t/{tenant:str}/forgotten")
    async def forgotten() -> None:
        pass

    someone = Principal(person_id=uuid4())
    with pytest.raises(Forbidden, match="declares no roles; refused by default"):
        await enter_tenant(someone, "any-tenant", forgotten)


def test_state_changing_routes_are_not_all_open():
    admin_only = [r for r in ROUTES if r.method in STATE_CHANGING and r.roles == {Role.ADMIN}]
    assert admin_only, "the matrix below would test nothing"


@pytest.fixture(scope="module")
async def world(factory):
    return await factory.tenant("roles")


@pytest.mark.parametrize(("route", "role"), CASES, ids=lambda v: str(v))
async def test_role_not_named_is_refused(api, world, route, role):
    ids = {name: find(world) for name, find in OBJECT_IN_TENANT.items()}
    response = await api.request(
        route.method, route.url(world.slug, ids), json=body_for(route), headers=world[role].headers
    )
    assert response.status_code == 403, response.text
    assert "needs one of the roles" in response.json()["detail"]


async def test_named_role_is_admitted(api, world):
    response = await api.post(
        f"/api/v1/t/{world.slug}/members",
        json={"email": "admitted@example.org", "role": "board"},
        headers=world[Role.ADMIN].headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["role"] == "board"
