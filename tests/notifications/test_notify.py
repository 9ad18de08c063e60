"""notify() and people_with_role(): the contract other capabilities build on."""

from __future__ import annotations

import pytest

from registry.audit.ledger import OPERATOR
from registry.notifications.service import (
    NotInTransaction,
    inbox,
    notify,
    people_with_role,
)
from registry.notifications.tables import NotificationEmail
from tenants.database import write_transaction
from tenants.roles import Role
from tenants.scope import TenantScope


def scope_of(world) -> TenantScope:
    return TenantScope(world.tenant.id, world.slug)


@pytest.fixture(scope="module")
async def world(factory):
    return await factory.tenant("notify")


async def test_people_with_role_names_the_holders(world):
    scope = scope_of(world)
    board = await people_with_role(scope, Role.BOARD)
    assert board == [world[Role.BOARD].person_id]
    both = await people_with_role(scope, Role.BOARD, Role.EXECUTIVE)
    assert set(both) == {world[Role.BOARD].person_id, world[Role.EXECUTIVE].person_id}
    assert await people_with_role(scope) == []


async def test_people_with_role_stays_in_its_tenant(factory, world):
    other = await factory.tenant("notify-other")
    assert world[Role.BOARD].person_id not in await people_with_role(scope_of(other), Role.BOARD)


async def test_notify_fills_inbox_and_outbox_once_per_person(world):
    scope = scope_of(world)
    board = world[Role.BOARD].person_id
    async with write_transaction():
        await notify(
            scope,
            [board, board],
            kind="motion.opened",
            subject="Motion opened: partnership with the Library of Alexandria",
            body="Vote before Friday.",
            link=f"/t/{world.slug}/motions/x",
        )
    page = await inbox(scope, board)
    assert [n.subject for n in page.items][:1] == [
        "Motion opened: partnership with the Library of Alexandria"
    ]
    assert page.unread >= 1
    mails = await NotificationEmail.select().where(
        (NotificationEmail.person == board) & (NotificationEmail.kind == "motion.opened")
    )
    assert len(mails) == 1
    assert mails[0]["to_address"] == world[Role.BOARD].email
    assert mails[0]["sent_at"] is None and mails[0]["attempts"] == 0


async def test_notify_rolls_back_with_the_callers_change(world):
    scope = scope_of(world)
    person = world[Role.EXECUTIVE].person_id
    before = (await inbox(scope, person)).unread
    with pytest.raises(RuntimeError, match="changed my mind"):
        async with write_transaction():
            await notify(scope, [person], kind="request.submitted", subject="s", body="b")
            raise RuntimeError("changed my mind")
    assert (await inbox(scope, person)).unread == before


async def test_notify_outside_a_transaction_is_refused(world):
    with pytest.raises(NotInTransaction):
        await notify(scope_of(world), [world[Role.ADMIN].person_id], kind="x", subject="s", body="")


async def test_notify_skips_people_of_another_tenant(factory, world):
    other = await factory.tenant("notify-stranger")
    stranger = other[Role.MEMBER].person_id
    async with write_transaction():
        await notify(scope_of(world), [stranger], kind="match.published", subject="s", body="")
    assert (await inbox(scope_of(world), stranger)).items == []
    kinds = [n.kind for n in (await inbox(scope_of(other), stranger)).items]
    assert "tenant.welcome" in kinds and "match.published" not in kinds


async def test_long_subject_is_clipped_not_refused(world):
    scope = scope_of(world)
    person = world[Role.COORDINATOR].person_id
    async with write_transaction():
        await notify(scope, [person], kind="screening.case_opened", subject="x" * 500, body="")
        await OPERATOR.record(scope.tenant_id, "test.noop", "test", "1")
    page = await inbox(scope, person)
    assert len(page.items[0].subject) == 200
