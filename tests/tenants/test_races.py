"""Invariants that must hold however requests interleave, on both engines: one
person per address, and never a tenant without an administrator."""

from __future__ import annotations

import asyncio

from registry.audit.ledger import OPERATOR
from registry.identity import service as identity
from tenants.errors import Conflict
from tenants.roles import Role
from tenants.scope import TenantScope
from tenants.service import grant_role
from tenants.tables import Membership, Person

ATTEMPTS = 50


async def _admins(tenant_id) -> int:
    return await Membership.count().where(
        (Membership.tenant == tenant_id) & (Membership.role == Role.ADMIN.value)
    )


async def test_fifty_concurrent_adds_of_one_new_address_make_one_person(api, factory):
    # Half from each of two associations: the one that wins creates the person; the
    # other association's first add invites that account (202) and every other add is
    # a clean refusal (the role is held, or an invitation is already open).
    a, b = await factory.tenant("race", rooms=False), await factory.tenant("race", rooms=False)
    email = f"contested.{a.slug}@example.org"

    async def add(i: int) -> int:
        world = a if i % 2 else b
        response = await api.post(
            f"/api/v1/t/{world.slug}/members",
            json={"email": email, "role": "member"},
            headers=world[Role.ADMIN].headers,
        )
        return response.status_code

    statuses = await asyncio.gather(*(add(i) for i in range(ATTEMPTS)))

    assert sorted(statuses) == [201, 202] + [409] * (ATTEMPTS - 2)
    assert await Person.count().where(Person.email == email) == 1
    person = await Person.objects().where(Person.email == email).first()
    assert person is not None
    assert await Membership.count().where(Membership.person == person.id) == 1


async def test_two_administrators_removing_each_other_at_once_leave_one(api, factory):
    world = await factory.tenant("race", rooms=False)
    first = world[Role.ADMIN]
    second = await factory.party(world.tenant, Role.ADMIN, f"admin2.{world.slug}@example.org")

    async def remove(i: int) -> int:
        caller, target = (first, second) if i % 2 else (second, first)
        response = await api.delete(
            f"/api/v1/t/{world.slug}/members/{target.membership_id}", headers=caller.headers
        )
        return response.status_code

    statuses = await asyncio.gather(*(remove(i) for i in range(ATTEMPTS)))

    assert statuses.count(204) == 1, statuses
    # The others: the last administrator kept (409), the target already gone or the
    # caller no longer an administrator (404, 403); never a server error.
    assert set(statuses) <= {204, 403, 404, 409}, statuses
    assert await _admins(world.tenant.id) == 1


async def test_fifty_administrators_removed_at_once_leave_exactly_one(factory, database):
    world = await factory.tenant("race", rooms=False)
    for n in range(ATTEMPTS - 1):
        await grant_role(
            world.tenant, f"admin{n}.{world.slug}@example.org", Role.ADMIN, actor=OPERATOR
        )
    rows = await Membership.select(Membership.id).where(
        (Membership.tenant == world.tenant.id) & (Membership.role == Role.ADMIN.value)
    )
    assert len(rows) == ATTEMPTS
    scope = TenantScope(world.tenant.id, world.slug)

    async def remove(membership_id) -> str:
        try:
            await identity.remove_member(scope, membership_id, actor=OPERATOR)
        except Conflict:
            return "kept"
        return "removed"

    outcomes = await asyncio.gather(*(remove(row["id"]) for row in rows))

    assert sorted(outcomes) == ["kept"] + ["removed"] * (ATTEMPTS - 1)
    assert await _admins(world.tenant.id) == 1
