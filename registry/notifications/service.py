"""Notifications: the inbox every capability writes to, and each person reads.

`notify` is called by other capabilities inside their own `write_transaction()`: it
writes one inbox row and one outbox row per recipient, and never sends anything
itself (a mail server that is slow or down must not hold a governance change, and
a change that rolls back must not have announced itself). The outbox is delivered
later by `registry.notifications.sender`.

A person reads and marks only their own inbox: another person's entry is not found.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from registry.audit.ledger import Actor
from registry.notifications.schemas import InboxPage, NotificationOut
from registry.notifications.tables import Notification, NotificationEmail
from tenants.database import as_datetime, as_uuid, current_engine, write_transaction
from tenants.errors import NotFound
from tenants.roles import Role
from tenants.scope import TenantScope

log = logging.getLogger(__name__)

KIND = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*$")
KIND_MAX = 64
SUBJECT_MAX = 200
LINK_MAX = 500
BODY_MAX = 20_000


class NotInTransaction(RuntimeError):
    """`notify` was called outside the caller's write transaction."""


def _clip(text: str, limit: int) -> str:
    """Text cut to fit its column; a too-long subject must not undo the caller's change."""
    text = " ".join(text.split()) if limit <= SUBJECT_MAX else text
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


MEMBERS_SQL = (
    "SELECT DISTINCT m.person, p.email FROM membership m JOIN person p ON p.id = m.person"
    " WHERE m.tenant = {tenant}"
)


async def member_addresses(scope: TenantScope) -> dict[UUID, str]:
    """The e-mail address of each member of the tenant, by person id."""
    rows = await scope.rows(MEMBERS_SQL)
    return {as_uuid(row["person"]): str(row["email"]) for row in rows}


async def notify(
    scope: TenantScope,
    recipients: Iterable[UUID],
    *,
    kind: str,
    subject: str,
    body: str,
    link: str | None = None,
) -> None:
    """Put a notification in each recipient's inbox and queue one e-mail to each.

    Runs inside the caller's write transaction. Recipients are de-duplicated; a
    person who is not (or no longer) a member of the tenant is skipped with a
    warning rather than told about a tenant they cannot see. `kind` names the event
    (`relationship.submitted`, `motion.opened`, ...); `link` is a path in the web
    pages (e.g. `/t/alia/...`).
    """
    if current_engine().current_transaction.get() is None:
        raise NotInTransaction("notify() runs inside the change's write_transaction()")
    if len(kind) > KIND_MAX or not KIND.match(kind):
        raise ValueError(f"notification kind {kind!r} is not a dotted lowercase name")
    if link is not None and not link.startswith("/"):
        raise ValueError(f"notification link {link!r} must be a path starting with '/'")
    wanted = list(dict.fromkeys(recipients))
    if not wanted:
        return
    addresses = await member_addresses(scope)
    strangers = [person for person in wanted if person not in addresses]
    if strangers:
        log.warning(
            "notify(%s): %d recipients are not members of %s; skipped",
            kind,
            len(strangers),
            scope.slug,
        )
    members = [person for person in wanted if person in addresses]
    if not members:
        return
    now = datetime.now(UTC)
    subject, body = _clip(subject, SUBJECT_MAX), _clip(body, BODY_MAX)
    link = None if link is None else _clip(link, LINK_MAX)
    inbox = [
        Notification(
            tenant=scope.tenant_id,
            person=person,
            kind=kind,
            subject=subject,
            body=body,
            link=link,
            created_at=now,
        )
        for person in members
    ]
    await Notification.insert(*inbox)
    outbox = [
        NotificationEmail(
            tenant=scope.tenant_id,
            person=entry.person,
            notification=entry.id,
            to_address=addresses[entry.person],
            kind=kind,
            subject=subject,
            body=body,
            link=link,
            created_at=now,
            next_attempt_at=now,
        )
        for entry in inbox
    ]
    await NotificationEmail.insert(*outbox)


PEOPLE_SQL = "SELECT DISTINCT person FROM membership WHERE tenant = {tenant} AND role IN (%s)"


async def people_with_role(scope: TenantScope, *roles: Role) -> list[UUID]:
    """Ids of the tenant's members holding any of `roles`, in a stable order."""
    if not roles:
        return []
    values = sorted({Role(role).value for role in roles})
    sql = PEOPLE_SQL % ", ".join("{}" for _ in values)
    rows = await scope.rows(sql, *values)
    return sorted(as_uuid(row["person"]) for row in rows)


def _entry(row: dict[str, Any]) -> NotificationOut:
    created_at = as_datetime(row["created_at"])
    assert created_at is not None
    return NotificationOut(
        id=as_uuid(row["id"]),
        kind=row["kind"],
        subject=row["subject"],
        body=row["body"],
        link=row["link"],
        created_at=created_at,
        read_at=as_datetime(row["read_at"]),
    )


INBOX_SQL = (
    "SELECT id, kind, subject, body, link, created_at, read_at FROM notification"
    " WHERE tenant = {tenant} AND person = {}%s ORDER BY created_at DESC, id DESC"
    " LIMIT {} OFFSET {}"
)
UNREAD_SQL = (
    "SELECT COUNT(*) AS n FROM notification"
    " WHERE tenant = {tenant} AND person = {} AND read_at IS NULL"
)


async def unread_count(scope: TenantScope, person_id: UUID) -> int:
    rows = await scope.rows(UNREAD_SQL, person_id)
    return int(rows[0]["n"])


async def inbox(
    scope: TenantScope,
    person_id: UUID,
    *,
    limit: int = 50,
    offset: int = 0,
    unread_only: bool = False,
) -> InboxPage:
    """A page of the person's inbox in this tenant, newest first."""
    sql = INBOX_SQL % (" AND read_at IS NULL" if unread_only else "")
    rows = await scope.rows(sql, person_id, limit + 1, offset)
    return InboxPage(
        items=[_entry(row) for row in rows[:limit]],
        unread=await unread_count(scope, person_id),
        limit=limit,
        offset=offset,
        next_offset=offset + limit if len(rows) > limit else None,
    )


async def get_notification(
    scope: TenantScope, person_id: UUID, notification_id: UUID
) -> NotificationOut:
    rows = await scope.rows(
        "SELECT id, kind, subject, body, link, created_at, read_at FROM notification"
        " WHERE tenant = {tenant} AND person = {} AND id = {}",
        person_id,
        notification_id,
    )
    if not rows:
        raise NotFound(f"no notification {notification_id}")
    return _entry(rows[0])


async def mark_read(
    scope: TenantScope, person_id: UUID, notification_id: UUID, *, actor: Actor
) -> NotificationOut:
    """Mark one of the person's own entries read (again: nothing changes)."""
    async with write_transaction():
        entry = await get_notification(scope, person_id, notification_id)
        if entry.read_at is None:
            now = datetime.now(UTC)
            await scope.update(Notification, {Notification.read_at: now}).where(
                Notification.id == notification_id
            )
            await actor.record(
                scope.tenant_id,
                "notification.read",
                "notification",
                notification_id,
                {"read_at": [None, now]},
            )
    return await get_notification(scope, person_id, notification_id)


async def mark_all_read(scope: TenantScope, person_id: UUID, *, actor: Actor) -> int:
    """Mark every unread entry of the person read; how many were marked."""
    async with write_transaction():
        unread = await unread_count(scope, person_id)
        if not unread:
            return 0
        now = datetime.now(UTC)
        await scope.update(Notification, {Notification.read_at: now}).where(
            (Notification.person == person_id) & Notification.read_at.is_null()
        )
        await actor.record(
            scope.tenant_id,
            "notification.read_all",
            "person",
            person_id,
            {"marked": [None, unread]},
        )
    return unread


async def queue_email(
    tenant_id: UUID,
    person_id: UUID,
    address: str,
    *,
    kind: str,
    subject: str,
    body: str,
    link: str | None = None,
) -> None:
    """Queue one e-mail with no inbox entry: for a person who is not (yet) a member,
    such as an invitee, or about their account rather than the tenant (a password
    reset). Runs inside the caller's write transaction, like `notify`."""
    if current_engine().current_transaction.get() is None:
        raise NotInTransaction("queue_email() runs inside the change's write_transaction()")
    if link is not None and not link.startswith("/"):
        raise ValueError(f"e-mail link {link!r} must be a path starting with '/'")
    now = datetime.now(UTC)
    await NotificationEmail.insert(
        NotificationEmail(
            tenant=tenant_id,
            person=person_id,
            to_address=address,
            kind=kind,
            subject=_clip(subject, SUBJECT_MAX),
            body=_clip(body, BODY_MAX),
            link=link,
            created_at=now,
            next_attempt_at=now,
        )
    )
