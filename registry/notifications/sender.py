"""Delivery of the e-mail outbox over SMTP, by a background task or one CLI pass.

A pass claims due rows, sends each and records the outcome on its row:

- Claiming is one UPDATE that writes this pass's `claim` token and a lease
  (`claimed_until`) on rows nobody holds; only rows carrying the token are then sent.
  PostgreSQL re-checks the UPDATE's conditions on a row another sender just claimed
  (and `SKIP LOCKED` passes over rows being claimed), SQLite runs one writer at a
  time; so two senders, in two processes or on two machines, never send the same row.
  A sender that dies mid-pass leaves its rows to be claimed again once the lease ends.
- Each row is marked sent right after the server accepted it, so a crash re-sends
  at most the message in flight (its Message-ID is the row's id, for the receiving
  side to recognise).
- A failure keeps the row: `attempts` + 1, `last_error`, and `next_attempt_at`
  pushed back exponentially (30 s, 1 min, 2 min, ... at most an hour). A mail
  server that is down loses nothing; it only delays. Only a recipient the server
  refuses for good (a 5xx for that address) ends the row with `failed_at`; the
  notification is still in the person's inbox.

The outbox is the platform's, like the audit heads that `accord audit sign-heads`
signs: the sender reads every tenant's due rows in one query, by design, and changes
nothing but delivery bookkeeping (no tenant state, so no audit event).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from registry.notifications.settings import SmtpSettings, load_smtp_settings
from tenants.database import as_datetime, current_engine, fetch, write_transaction

log = logging.getLogger(__name__)

BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
LEASE = timedelta(minutes=5)
BATCH = 50

#: The rows due now that no sender holds, and the claim of up to `LIMIT` of them; the
#: outer conditions repeat the inner ones so that a row another sender claimed in
#: the meantime is left alone.
CLAIM_SQL = (
    "UPDATE notification_email SET claim = {}, claimed_until = {} WHERE id IN ("
    "SELECT id FROM notification_email WHERE sent_at IS NULL AND failed_at IS NULL"
    " AND next_attempt_at <= {} AND (claimed_until IS NULL OR claimed_until < {})"
    " ORDER BY next_attempt_at LIMIT {}%s)"
    " AND sent_at IS NULL AND failed_at IS NULL"
    " AND next_attempt_at <= {} AND (claimed_until IS NULL OR claimed_until < {})"
)
CLAIMED_SQL = (
    "SELECT e.id, e.to_address, e.subject, e.body, e.link, e.attempts, t.name AS tenant_name"
    " FROM notification_email e JOIN tenant t ON t.id = e.tenant"
    " WHERE e.claim = {} ORDER BY e.next_attempt_at"
)
SENT_SQL = (
    "UPDATE notification_email SET sent_at = {}, attempts = attempts + 1, last_error = '',"
    " claim = NULL, claimed_until = NULL WHERE id = {} AND claim = {}"
)
RETRY_SQL = (
    "UPDATE notification_email SET attempts = attempts + 1, last_error = {},"
    " next_attempt_at = {}, claim = NULL, claimed_until = NULL WHERE id = {} AND claim = {}"
)
FAILED_SQL = (
    "UPDATE notification_email SET attempts = attempts + 1, last_error = {}, failed_at = {},"
    " claim = NULL, claimed_until = NULL WHERE id = {} AND claim = {}"
)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt (1, 2, ...)."""
    exponent = min(max(attempts - 1, 0), 20)
    return min(BACKOFF_FIRST * (2**exponent), BACKOFF_MAX)


@dataclass
class PassResult:
    """What one pass did: rows claimed, sent, to be retried, refused for good."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def compose(row: dict[str, Any], settings: SmtpSettings) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = row["to_address"]
    message["Subject"] = row["subject"]
    message["Date"] = format_datetime(datetime.now(UTC))
    # The row's id: a message re-sent after a crash is recognisably the same one.
    message["Message-ID"] = f"<{row['id']}@accord.notifications>"
    lines = [row["body"].rstrip()] if row["body"] else []
    if row["link"]:
        lines.append(f"Open in Accord: {settings.base_url}{row['link']}")
    lines.append(f"-- \nAccord, for {row['tenant_name']}")
    message.set_content("\n\n".join(lines) + "\n")
    return message


class Permanent(Exception):
    """The server refused this recipient for good."""


class Mailbox:
    """One SMTP connection for a pass (blocking; used from a worker thread)."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        s = self.settings
        smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
        try:
            smtp.ehlo()
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if s.user:
                smtp.login(s.user, s.password)
        except BaseException:
            smtp.close()
            raise
        self.smtp = smtp

    def send(self, message: EmailMessage) -> None:
        if self.smtp is None:
            self.open()
        assert self.smtp is not None
        try:
            self.smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(500 <= code < 600 for code in codes):
                raise Permanent(_describe(exc)) from exc
            raise

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.smtp.quit()
            self.smtp = None


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:1000]


async def claim(now: datetime, batch: int = BATCH) -> tuple[str, list[dict[str, Any]]]:
    """Claim up to `batch` due rows for this pass; its token and the rows."""
    token = secrets.token_hex(16)
    skip = " FOR UPDATE SKIP LOCKED" if isinstance(current_engine(), PostgresEngine) else ""
    async with write_transaction():
        await fetch(CLAIM_SQL % skip, token, now + LEASE, now, now, batch, now, now)
    return token, await fetch(CLAIMED_SQL, token)


async def _mark(sql: str, *args: Any) -> None:
    async with write_transaction():
        await fetch(sql, *args)


async def send_pass(
    settings: SmtpSettings | None = None,
    *,
    now: Callable[[], datetime] | None = None,
    batch: int = BATCH,
) -> PassResult:
    """Deliver what is due now; returns what happened. Does nothing when delivery is off."""
    settings = settings or load_smtp_settings()
    clock = now or (lambda: datetime.now(UTC))
    result = PassResult()
    if not settings.enabled:
        return result
    token, rows = await claim(clock(), batch)
    result.claimed = len(rows)
    if not rows:
        return result
    mailbox = Mailbox(settings)
    try:
        for n, row in enumerate(rows):
            message = compose(row, settings)
            try:
                await asyncio.to_thread(mailbox.send, message)
            except Permanent as exc:
                await _mark(FAILED_SQL, str(exc), clock(), row["id"], token)
                result.failed += 1
                result.errors.append(str(exc))
            except (smtplib.SMTPException, OSError) as exc:
                error = _describe(exc)
                result.errors.append(error)
                # No connection at all (server down, refused login): the rest of the
                # batch would fail the same way, so all of it waits its back-off
                # rather than knocking on a closed door once per message.
                unreachable = mailbox.smtp is None
                for waiting in rows[n:] if unreachable else [row]:
                    attempts = int(waiting["attempts"]) + 1
                    await _mark(RETRY_SQL, error, clock() + backoff(attempts), waiting["id"], token)
                    result.retried += 1
                if unreachable:
                    break
                # The connection may be broken: the next message opens a new one.
                await asyncio.to_thread(mailbox.close)
            else:
                await _mark(SENT_SQL, clock(), row["id"], token)
                result.sent += 1
    finally:
        await asyncio.to_thread(mailbox.close)
    return result


async def outbox_status() -> dict[str, Any]:
    """Counts of the outbox (for the operator): waiting, sent, failed, oldest waiting."""
    rows = await fetch(
        "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM notification_email"
        " WHERE sent_at IS NULL AND failed_at IS NULL"
    )
    sent = await fetch("SELECT COUNT(*) AS n FROM notification_email WHERE sent_at IS NOT NULL")
    failed = await fetch("SELECT COUNT(*) AS n FROM notification_email WHERE failed_at IS NOT NULL")
    oldest = as_datetime(rows[0]["oldest"])
    return {
        "waiting": int(rows[0]["n"]),
        "sent": int(sent[0]["n"]),
        "failed": int(failed[0]["n"]),
        "oldest_waiting": oldest.isoformat() if oldest else None,
    }


class Sender:
    """The background task of an app process: a pass every `poll_seconds`."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            try:
                result = await send_pass(self.settings)
                if result.retried or result.failed:
                    log.warning(
                        "outbox: %d sent, %d to retry, %d refused; last error: %s",
                        result.sent,
                        result.retried,
                        result.failed,
                        result.errors[-1],
                    )
                if result.claimed == BATCH:
                    continue  # more is due: no pause
            except asyncio.CancelledError:
                raise
            except Exception:
                # The database may be briefly unreachable; the next pass tries again.
                log.exception("outbox pass failed")
            await asyncio.sleep(self.settings.poll_seconds)

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._run(), name="accord-outbox")

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None


_sender: Sender | None = None


async def start_sender() -> None:
    """Litestar on_startup: start delivering when a mail server is configured."""
    global _sender
    settings = load_smtp_settings()
    if not settings.enabled:
        log.info("outbox: ACCORD_SMTP_HOST is not set; e-mail waits in the outbox")
        return
    _sender = Sender(settings)
    _sender.start()


async def stop_sender() -> None:
    """Litestar on_shutdown: stop after the message in flight (its row stays claimed
    until the lease ends, then another sender takes it)."""
    global _sender
    if _sender is not None:
        await _sender.stop()
        _sender = None
