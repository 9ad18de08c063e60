"""Every state change appends exactly one event, in the change's own transaction."""

from __future__ import annotations

import asyncio
from uuid import UUID

import pytest

from registry.audit.ledger import OPERATOR, Actor, NotInTransaction, record
from registry.audit.store import chain_head, sign_head
from registry.identity import service as identity
from tenants import keys, sessions
from tenants.database import current_engine, write_transaction
from tenants.errors import Conflict, Unauthorized
from tenants.roles import Role
from tenants.scope import TenantScope
from tenants.service import (
    ACTIVE,
    SUSPENDED,
    create_tenant,
    grant_role,
    set_tenant_status,
    update_tenant,
)
from tenants.tables import Person
from tenants.tokens import issue_token, revoke_token
from tests.audit.ledger_helpers import assert_log_valid, count_of, events_of

PASSWORD = "a long enough password"
ADMIN = Actor(
    person_id=UUID(int=7),
    roles=("admin",),
    token_id=UUID(int=9),
    request_id="req-1",
    client="192.0.2.1",
)


@pytest.fixture
async def world(factory):
    return await factory.tenant("led")


async def _one_new_event(tenant_id: UUID, before: int) -> dict:
    events = await events_of(tenant_id)
    assert len(events) == before + 1, [e["action"] for e in events[before:]]
    return events[-1]


async def test_tenant_creation_is_the_first_event(database):
    tenant = await create_tenant("led-new-assoc", "New Association", "NZ", actor=ADMIN)
    (event,) = await events_of(tenant.id)
    assert event["seq"] == 1
    assert event["action"] == "tenant.created"
    assert event["tenant"] == "led-new-assoc"
    assert event["object_type"] == "tenant" and event["object_id"] == str(tenant.id)
    assert event["changes"]["name"] == [None, "New Association"]
    assert event["actor"] == {
        "person": str(UUID(int=7)),
        "role": "admin",
        "token_id": str(UUID(int=9)),
    }
    assert event["request_id"] == "req-1" and event["client"] == "192.0.2.1"
    assert event["time"].endswith("Z")


async def test_tenant_update_suspend_resume(world):
    tid = world.tenant.id
    n = await count_of(tid)
    await update_tenant(world.slug, name="Renamed", actor=ADMIN)
    event = await _one_new_event(tid, n)
    assert event["action"] == "tenant.updated"
    assert event["changes"]["name"][1] == "Renamed"
    await set_tenant_status(world.slug, SUSPENDED, "fees unpaid", actor=ADMIN)
    event = await _one_new_event(tid, n + 1)
    assert (event["action"], event["reason"]) == ("tenant.suspended", "fees unpaid")
    assert event["changes"] == {"status": [ACTIVE, SUSPENDED]}
    await set_tenant_status(world.slug, ACTIVE, actor=ADMIN)
    assert (await _one_new_event(tid, n + 2))["action"] == "tenant.resumed"
    await assert_log_valid(tid, world.slug)


async def test_role_grant_and_removal(world):
    tid = world.tenant.id
    scope = TenantScope(tid, world.slug)
    n = await count_of(tid)
    grant = await grant_role(
        world.tenant, "granted@example.org", Role.BOARD, password_hash="secret-hash", actor=ADMIN
    )
    event = await _one_new_event(tid, n)
    assert event["action"] == "membership.granted"
    assert event["object_id"] == str(grant.membership.id)
    assert event["changes"]["role"] == [None, "board"]
    assert event["changes"]["password_hash"] == [None, "[redacted]"]
    assert "secret-hash" not in str(event)
    # Granting twice changes nothing and records nothing.
    await grant_role(world.tenant, "granted@example.org", Role.BOARD, actor=ADMIN)
    assert await count_of(tid) == n + 1

    member = await identity.add_member(scope, "added@example.org", "member", actor=ADMIN)
    assert (await _one_new_event(tid, n + 1))["changes"]["email"] == [None, "added@example.org"]
    await identity.remove_member(scope, member.id, actor=ADMIN)
    event = await _one_new_event(tid, n + 2)
    assert event["action"] == "membership.removed"
    assert event["changes"]["role"] == ["member", None]


async def test_token_issue_and_revoke(world):
    tid = world.tenant.id
    n = await count_of(tid)
    issued = await issue_token(tid, world[Role.MEMBER].person_id, label="ci", actor=ADMIN)
    event = await _one_new_event(tid, n)
    assert (event["action"], event["object_id"]) == ("token.issued", str(issued.id))
    assert issued.secret not in str(event)
    await revoke_token(tid, issued.id, actor=ADMIN)
    assert (await _one_new_event(tid, n + 1))["action"] == "token.revoked"
    await revoke_token(tid, issued.id, actor=ADMIN)  # already revoked: no change
    assert await count_of(tid) == n + 2


async def test_key_rotation(world):
    tid = world.tenant.id
    n = await count_of(tid)
    async with write_transaction():
        row = await keys.rotate_tenant_keys(tid, actor=ADMIN)
    event = await _one_new_event(tid, n)
    assert (event["action"], event["object_id"]) == ("key.rotated", row.key_id)


async def test_sign_in_success_failure_and_sign_out(world, factory):
    other = await factory.tenant("led2")
    email = world[Role.COORDINATOR].email
    await grant_role(other.tenant, email, Role.MEMBER, actor=ADMIN)
    await Person.update({Person.password_hash: sessions.hash_password(PASSWORD)}).where(
        Person.email == email
    )
    anonymous = Actor(request_id="req-s", client="198.51.100.7")
    counts = {t.id: await count_of(t.id) for t in (world.tenant, other.tenant)}

    with pytest.raises(Unauthorized):
        await sessions.sign_in(email, "wrong password!!", "198.51.100.7", actor=anonymous)
    for tenant_id, n in counts.items():
        event = await _one_new_event(tenant_id, n)
        assert event["action"] == "auth.sign_in_failed"
        assert event["object_id"] == str(world[Role.COORDINATOR].person_id)
        assert event["actor"]["person"] is None and event["client"] == "198.51.100.7"

    signed = await sessions.sign_in(email, PASSWORD, "198.51.100.7", actor=anonymous)
    for tenant_id, n in counts.items():
        event = await _one_new_event(tenant_id, n + 1)
        assert event["action"] == "auth.signed_in"
        assert event["actor"]["person"] == str(signed.person.id)
        assert PASSWORD not in str(event)
    principal = await sessions.authenticate_session(signed.session_secret)
    assert principal is not None and principal.session_id is not None
    await sessions.sign_out(principal.session_id, actor=anonymous)
    for tenant_id, n in counts.items():
        assert (await _one_new_event(tenant_id, n + 2))["action"] == "auth.signed_out"


async def test_unknown_email_failure_is_in_no_tenant_log(world):
    n = await count_of(world.tenant.id)
    with pytest.raises(Unauthorized):
        await sessions.sign_in(
            "nobody-led@example.org", "whatever at all", "192.0.2.9", actor=OPERATOR
        )
    assert await count_of(world.tenant.id) == n


async def test_failed_operations_write_nothing(world):
    tid = world.tenant.id
    scope = TenantScope(tid, world.slug)
    n = await count_of(tid)
    with pytest.raises(Conflict):
        await set_tenant_status(world.slug, ACTIVE, actor=ADMIN)  # already active
    with pytest.raises(Conflict):
        await identity.remove_member(scope, world[Role.ADMIN].membership_id, actor=ADMIN)
    with pytest.raises(Conflict):
        await identity.add_member(scope, world[Role.MEMBER].email, "member", actor=ADMIN)
    assert await count_of(tid) == n
    await assert_log_valid(tid, world.slug)


async def test_rollback_takes_the_event_with_it(world):
    tid = world.tenant.id
    n = await count_of(tid)
    with pytest.raises(RuntimeError, match="boom"):
        async with write_transaction():
            await record(ADMIN, tid, "test.rolled_back", "thing", "1")
            assert await count_of(tid) == n + 1
            raise RuntimeError("boom")
    assert await count_of(tid) == n
    await record_in_transaction(tid)
    await assert_log_valid(tid, world.slug)


async def record_in_transaction(tenant_id: UUID) -> dict:
    async with write_transaction():
        return await record(ADMIN, tenant_id, "test.recorded", "thing", "1", {"x": [1, 2]})


async def test_record_outside_a_transaction_is_refused(world):
    with pytest.raises(NotInTransaction):
        await record(ADMIN, world.tenant.id, "test.loose", "thing", None)


async def test_values_are_made_canonical(world):
    event = await record_in_transaction(world.tenant.id)
    assert event["changes"] == {"x": [1, 2]}
    async with write_transaction():
        event = await record(
            ADMIN, world.tenant.id, "test.values", "thing", UUID(int=1), {"f": [0.5, 2**60]}
        )
    assert event["changes"] == {"f": ["0.5", str(2**60)]}
    assert event["object_id"] == str(UUID(int=1))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET action = 'forged'",
        "DELETE FROM audit_event",
        "UPDATE audit_tree_head SET tree_size = 0",
        "DELETE FROM audit_node",
    ],
)
async def test_ledger_rows_cannot_be_changed_or_removed(world, statement):
    await record_in_transaction(world.tenant.id)
    await sign_head(await chain_head(world.tenant.id, world.slug))
    before = await events_of(world.tenant.id)
    with pytest.raises(Exception, match="append-only"):
        await current_engine().run_ddl(statement)
    assert await events_of(world.tenant.id) == before


async def test_two_hundred_concurrent_appends_never_fork(world):
    tid = world.tenant.id
    start = await count_of(tid)
    results = await asyncio.gather(*(record_in_transaction(tid) for _ in range(200)))
    assert sorted(e["seq"] for e in results) == list(range(start + 1, start + 201))
    await assert_log_valid(tid, world.slug)


async def test_concurrent_appends_to_two_tenants_stay_separate(factory):
    a, b = await factory.tenant("leda"), await factory.tenant("ledb")
    await asyncio.gather(*(record_in_transaction(t.tenant.id) for t in (a, b) for _ in range(50)))
    for world in (a, b):
        events = await assert_log_valid(world.tenant.id, world.slug)
        assert {e["tenant"] for e in events} == {world.slug}
