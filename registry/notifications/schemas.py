"""What the inbox routes answer."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec


class NotificationOut(msgspec.Struct, kw_only=True):
    """One entry of your inbox; `read_at` is null until you mark it read."""

    id: UUID
    kind: str
    subject: str
    body: str
    link: str | None
    created_at: datetime
    read_at: datetime | None


class InboxPage(msgspec.Struct, kw_only=True):
    """A page of your inbox, newest first, and how many entries are still unread."""

    items: list[NotificationOut]
    unread: int
    limit: int
    offset: int
    next_offset: int | None


class MarkedRead(msgspec.Struct, kw_only=True):
    """How many entries this request marked read (already-read ones are not counted)."""

    marked: int
