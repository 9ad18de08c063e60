"""Tenant settings, suspension and membership over the API."""

from __future__ import annotations

import msgspec

from registry.audit.ledger import OPERATOR
from registry.identity import service as identity
from tenants.database import write_transaction
from tenants.roles import Role
from tenants.scope import TenantScope
from tenants.service import ACTIVE, SUSPENDED, grant_role, set_tenant_status
from tenants.tables import Membership


async def test_admin_updates_tenant_and_bad_country_names_the_field(api, factory):
    world = await factory.tenant("ten")
    url, headers = f"/api/v1/t/{world.slug}", world[Role.ADMIN].headers
    ok = await api.patch(
        url, json={"name": "New Name", "time_zone": "Pacific/Fiji"}, headers=headers
    )
    assert ok.status_code == 200
    assert ok.json()["name"] == "New Name"
    assert ok.json()["time_zone"] == "Pacific/Fiji"
    bad = await api.patch(url, json={"country": "ZZ"}, headers=headers)
    assert bad.status_code == 400
    assert bad.json()["errors"] == [
        {"field": "country", "message": "'ZZ' is not an ISO 3166-1 country code"}
    ]
    zone = await api.patch(url, json={"time_zone": "Mars/Olympus"}, headers=headers)
    assert zone.status_code == 400
    assert zone.json()["errors"][0]["field"] == "time_zone"
    unknown = await api.patch(url, json={"colour": "red"}, headers=headers)
    assert unknown.status_code == 400
    after = await api.get(url, headers=headers)
    assert after.json()["name"] == "New Name"  # nothing half-written by the bad requests


async def test_suspended_tenant_answers_403_and_keeps_its_data(api, factory):
    world = await factory.tenant("ten")
    url = f"/api/v1/t/{world.slug}/members"
    before = await api.get(url, headers=world[Role.ADMIN].headers)
    await set_tenant_status(world.slug, SUSPENDED, "fees unpaid", actor=OPERATOR)
    response = await api.get(url, headers=world[Role.ADMIN].headers)
    assert response.status_code == 403
    assert response.json()["detail"] == (
        f"tenant {world.slug!r} is suspended: fees unpaid; nothing is changed or shown"
    )
    refused = await api.post(
        url, json={"email": "x@example.org", "role": "member"}, headers=world[Role.ADMIN].headers
    )
    assert refused.status_code == 403
    await set_tenant_status(world.slug, ACTIVE, actor=OPERATOR)
    after = await api.get(url, headers=world[Role.ADMIN].headers)
    assert after.json()["items"] == before.json()["items"]


async def test_suspension_does_not_leak_to_outsiders(api, factory):
    world, outsider = await factory.tenant("ten"), await factory.tenant("ten")
    await set_tenant_status(world.slug, SUSPENDED, actor=OPERATOR)
    response = await api.get(f"/api/v1/t/{world.slug}", headers=outsider[Role.ADMIN].headers)
    assert response.status_code == 404


async def test_members_paginate(api, factory):
    world = await factory.tenant("ten", rooms=False)
    headers = world[Role.ADMIN].headers
    first = await api.get(f"/api/v1/t/{world.slug}/members?limit=4", headers=headers)
    page = first.json()
    assert len(page["items"]) == 4
    assert page["next_offset"] == 4
    rest = await api.get(f"/api/v1/t/{world.slug}/members?limit=4&offset=4", headers=headers)
    assert len(rest.json()["items"]) == len(Role) - 4
    assert rest.json()["next_offset"] is None
    ids = {m["id"] for m in page["items"]} | {m["id"] for m in rest.json()["items"]}
    assert len(ids) == len(Role)


async def test_granting_a_held_role_is_a_conflict(api, factory):
    world = await factory.tenant("ten")
    response = await api.post(
        f"/api/v1/t/{world.slug}/members",
        json={"email": world[Role.BOARD].email, "role": "board"},
        headers=world[Role.ADMIN].headers,
    )
    assert response.status_code == 409
    bad_role = await api.post(
        f"/api/v1/t/{world.slug}/members",
        json={"email": "someone@example.org", "role": "president"},
        headers=world[Role.ADMIN].headers,
    )
    assert bad_role.status_code == 400
    assert bad_role.json()["errors"][0]["field"] == "role"


async def test_last_admin_cannot_be_removed(api, factory):
    world = await factory.tenant("ten")
    admin = world[Role.ADMIN]
    response = await api.delete(
        f"/api/v1/t/{world.slug}/members/{admin.membership_id}", headers=admin.headers
    )
    assert response.status_code == 409
    assert await Membership.exists().where(Membership.id == admin.membership_id)


async def test_removed_role_stops_working(api, factory):
    world = await factory.tenant("ten")
    auditor = world[Role.AUDITOR]
    assert (
        await api.get(f"/api/v1/t/{world.slug}/keys", headers=auditor.headers)
    ).status_code == 200
    removed = await api.delete(
        f"/api/v1/t/{world.slug}/members/{auditor.membership_id}",
        headers=world[Role.ADMIN].headers,
    )
    assert removed.status_code == 204
    # No role left in this tenant: the tenant no longer exists for this person.
    assert (
        await api.get(f"/api/v1/t/{world.slug}/keys", headers=auditor.headers)
    ).status_code == 404


async def test_person_in_two_tenants_sees_both(api, factory):
    a, b = await factory.tenant("ten"), await factory.tenant("ten")
    # An association cannot add an existing account (tests/api/test_accounts.py);
    # the platform operator can, as `accord users add` does.
    await grant_role(b.tenant, a[Role.COORDINATOR].email, Role.MEMBER, actor=OPERATOR)
    me = await api.get("/api/v1/me", headers=a[Role.COORDINATOR].headers)
    tenants = {m["tenant"]: m["roles"] for m in me.json()["memberships"]}
    assert tenants == {a.slug: ["coordinator"], b.slug: ["member"]}
    # The token is bound to tenant A; it does not open tenant B.
    other = await api.get(f"/api/v1/t/{b.slug}", headers=a[Role.COORDINATOR].headers)
    assert other.status_code == 404


async def test_unknown_query_parameter_is_named(api, factory):
    world = await factory.tenant("ten")
    response = await api.get(
        f"/api/v1/t/{world.slug}/members?limt=5", headers=world[Role.ADMIN].headers
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "limt", "message": "unknown query parameter; accepted: limit, offset, role"}
    ]


async def test_nul_characters_are_refused_not_crashed_on(api, factory):
    world = await factory.tenant("ten")
    headers = world[Role.ADMIN].headers
    path = await api.get("/api/v1/t/a%00b/members", headers=headers)
    assert path.status_code == 404
    query = await api.get(f"/api/v1/t/{world.slug}/members?role=admin%00", headers=headers)
    assert query.status_code == 400
    body = await api.post(
        f"/api/v1/t/{world.slug}/members",
        json={"email": "nul\u0000@example.org", "role": "member"},
        headers=headers,
    )
    assert body.status_code == 400
    assert body.json()["errors"][0]["field"] == "email"
    sign_in = await api.post("/auth/sign-in", json={"email": "a\u0000@b.org", "password": "x"})
    assert sign_in.status_code == 400


async def test_member_reads_the_same_inside_a_transaction_as_on_the_page(api, factory):
    # Outside a transaction rows come straight from the driver; inside, through
    # Piccolo's dicts: the member must read the same either way.
    world = await factory.tenant("ten")
    party = world[Role.COORDINATOR]
    scope = TenantScope(world.tenant.id, world.slug)
    page = await api.get(f"/api/v1/t/{world.slug}/members", headers=world[Role.ADMIN].headers)
    listed = next(m for m in page.json()["items"] if m["id"] == str(party.membership_id))
    async with write_transaction():
        inside = await identity.get_member(scope, party.membership_id)
    assert msgspec.json.decode(msgspec.json.encode(inside)) == listed
    assert listed["person_id"] == str(party.person_id)
