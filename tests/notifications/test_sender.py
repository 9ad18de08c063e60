"""The outbox delivered over SMTP to a real local server (aiosmtpd), including the
server being down and then up, refusals, and two senders running at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from registry.notifications.sender import PassResult, backoff, send_pass
from registry.notifications.service import notify
from registry.notifications.settings import SmtpSettings
from registry.notifications.tables import NotificationEmail
from tenants.database import write_transaction
from tenants.roles import Role
from tenants.scope import TenantScope
from tests.notifications.smtp import MailServer, assert_each_received_once, notify_everyone


@pytest.fixture
def mail_server():
    server = MailServer()
    server.start()
    yield server
    server.stop()


def settings_for(server: MailServer) -> SmtpSettings:
    return SmtpSettings(
        host="127.0.0.1",
        port=server.port,
        user="",
        sender="accord@example.org",
        base_url="https://accord.example.org",
        timeout_seconds=3,
    )


async def announce(world, role: Role, subject: str, link: str | None = None) -> None:
    scope = TenantScope(world.tenant.id, world.slug)
    async with write_transaction():
        await notify(
            scope,
            [world[role].person_id],
            kind="decision.made",
            subject=subject,
            body="The board carried the motion.",
            link=link,
        )


async def outbox_of(world, role: Role, subject: str | None = None) -> list[dict]:
    """The role's outbox rows (of one subject: the suite's world seeds notify too)."""
    query = NotificationEmail.select().where(NotificationEmail.person == world[role].person_id)
    if subject is not None:
        query = query.where(NotificationEmail.subject == subject)
    return await query


def received(server: MailServer, world, role: Role, subject: str) -> list:
    return [m for m in server.collector.to(world[role].email) if m["Subject"] == subject]


async def drain(settings: SmtpSettings, now=None, batch: int = 50) -> PassResult:
    """Passes until nothing due is left (the suite's other tenants have e-mail waiting
    too, older than this test's); what they did, added up."""
    total = PassResult()
    while True:
        result = await send_pass(settings, now=now, batch=batch)
        total.claimed += result.claimed
        total.sent += result.sent
        total.retried += result.retried
        total.failed += result.failed
        if result.claimed == 0:
            return total


def test_backoff_doubles_up_to_an_hour():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(50) == timedelta(hours=1)


async def test_delivered_once_with_link_and_sender(factory, mail_server):
    world = await factory.tenant("mail")
    await announce(world, Role.BOARD, "Decision: MOU approved", link=f"/t/{world.slug}")
    result = await drain(settings_for(mail_server))
    assert result.sent >= 1 and result.retried == 0
    mails = received(mail_server, world, Role.BOARD, "Decision: MOU approved")
    assert len(mails) == 1
    message = mails[0]
    assert message["Subject"] == "Decision: MOU approved"
    assert message["From"] == "accord@example.org"
    text = message.get_payload(decode=True).decode()
    assert "The board carried the motion." in text
    assert f"https://accord.example.org/t/{world.slug}" in text
    [row] = await outbox_of(world, Role.BOARD, "Decision: MOU approved")
    assert row["sent_at"] is not None and row["attempts"] == 1
    # A second pass sends nothing again.
    await drain(settings_for(mail_server))
    assert len(received(mail_server, world, Role.BOARD, "Decision: MOU approved")) == 1


async def test_server_down_then_up_loses_nothing(factory):
    world = await factory.tenant("mail-down")
    server = MailServer()  # a port with nothing listening yet
    settings = settings_for(server)
    await announce(world, Role.EXECUTIVE, "Request submitted")
    start = datetime.now(UTC)

    down = await drain(settings, now=lambda: start)
    assert down.sent == 0 and down.retried >= 2
    [row] = await outbox_of(world, Role.EXECUTIVE, "Request submitted")
    assert row["sent_at"] is None and row["attempts"] == 1
    assert "refused" in row["last_error"].lower() or "connect" in row["last_error"].lower()
    assert row["next_attempt_at"] >= start + timedelta(seconds=29)
    # The whole batch waited: the member's welcome e-mail too, after one attempt.
    [welcome] = await outbox_of(world, Role.MEMBER, f"Welcome to {world.slug}")
    assert welcome["attempts"] == 1 and welcome["sent_at"] is None

    # Still down a minute later: a second failure doubles the wait.
    later = start + timedelta(seconds=31)
    await drain(settings, now=lambda: later)
    [row] = await outbox_of(world, Role.EXECUTIVE, "Request submitted")
    assert row["attempts"] == 2
    assert row["next_attempt_at"] >= later + timedelta(seconds=59)

    server.start()
    try:
        # Up, but the back-off has not elapsed: nothing is tried yet.
        early = await drain(settings, now=lambda: later + timedelta(seconds=10))
        assert received(server, world, Role.EXECUTIVE, "Request submitted") == []
        assert early.retried == 0
        due = later + timedelta(seconds=61)
        await drain(settings, now=lambda: due)
        assert len(received(server, world, Role.EXECUTIVE, "Request submitted")) == 1
        [row] = await outbox_of(world, Role.EXECUTIVE, "Request submitted")
        assert row["sent_at"] is not None and row["attempts"] == 3 and row["last_error"] == ""
    finally:
        server.stop()


async def test_refused_recipient_ends_its_row_only(factory, mail_server):
    world = await factory.tenant("mail-refused")
    mail_server.collector.refuse.add(world[Role.AUDITOR].email)
    await announce(world, Role.AUDITOR, "Export ready")
    await announce(world, Role.ADMIN, "Export ready")
    await drain(settings_for(mail_server))
    [refused] = await outbox_of(world, Role.AUDITOR, "Export ready")
    assert refused["failed_at"] is not None and refused["sent_at"] is None
    assert "550" in refused["last_error"]
    assert len(received(mail_server, world, Role.ADMIN, "Export ready")) == 1


async def test_two_senders_at_once_send_each_mail_once(factory, mail_server):
    world = await factory.tenant("mail-race")
    subjects = [f"Round {n}" for n in range(5)]
    await notify_everyone(world, "match.published", subjects)
    settings = settings_for(mail_server)
    results = await asyncio.gather(*(send_pass(settings, batch=7) for _ in range(4)))
    await drain(settings, batch=7)  # what the small batches left
    assert sum(r.claimed for r in results) >= 7
    assert_each_received_once(mail_server, world, subjects)


async def test_delivery_off_without_a_host(factory):
    world = await factory.tenant("mail-off")
    await announce(world, Role.MEMBER, "Hello")
    result = await send_pass(SmtpSettings(host="", port=25, user=""))
    assert result.claimed == 0
    rows = await outbox_of(world, Role.MEMBER)
    assert rows and all(row["attempts"] == 0 and row["sent_at"] is None for row in rows)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
async def test_login_with_the_configured_user_and_a_wrong_password_waits(factory):
    world = await factory.tenant("mail-auth")
    server = MailServer(login=("accord", "s3cret-relay"))
    server.start()
    try:
        await announce(world, Role.BOARD, "Motion opened")
        # A generous timeout: on a loaded machine the relay may answer slowly, and a
        # timeout would be a different failure than the 535 this test is about.
        wrong = SmtpSettings(
            host="127.0.0.1", port=server.port, user="accord", password="nope", timeout_seconds=60
        )
        await drain(wrong)
        [row] = await outbox_of(world, Role.BOARD, "Motion opened")
        assert row["sent_at"] is None and row["attempts"] == 1
        assert "535" in row["last_error"]  # authentication failed: kept, not refused
        right = SmtpSettings(
            host="127.0.0.1", port=server.port, user="accord", password="s3cret-relay"
        )
        await drain(right, now=lambda: datetime.now(UTC) + timedelta(minutes=2))
        assert len(received(server, world, Role.BOARD, "Motion opened")) == 1
    finally:
        server.stop()
