"""What the member register's routes take and answer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from tenants import text

Status = Literal["current", "financial", "lapsed", "resigned"]
Action = Literal["add", "change", "lapse", "unchanged", "refuse"]


class RecordOut(msgspec.Struct, kw_only=True):
    """One member's record as the association's membership system has it."""

    id: UUID
    number: str
    name: str
    email: str
    membership_class: str
    status: Status
    paid_until: date | None
    joined_on: date | None
    country: str | None
    updated_at: datetime


class RecordPage(msgspec.Struct, kw_only=True):
    items: list[RecordOut]
    total: int
    limit: int
    offset: int
    next_offset: int | None


class RecordPatch(text.Input, kw_only=True):
    """Fields to change on one record; absent fields stay as they are. `paid_until`
    and `joined_on` may be null to clear them."""

    name: Annotated[str, text.kind(text.NAME, max_length=200)] | msgspec.UnsetType = msgspec.UNSET
    email: Annotated[str, msgspec.Meta(max_length=254)] | msgspec.UnsetType = msgspec.UNSET
    membership_class: Annotated[str, msgspec.Meta(max_length=100)] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    status: Status | msgspec.UnsetType = msgspec.UNSET
    paid_until: date | msgspec.UnsetType | None = msgspec.UNSET
    joined_on: date | msgspec.UnsetType | None = msgspec.UNSET
    country: Annotated[str, msgspec.Meta(max_length=3)] | msgspec.UnsetType | None = msgspec.UNSET


class RowProblem(msgspec.Struct, kw_only=True):
    row: int
    """The spreadsheet's row number (the header is row 1)."""
    column: str
    """The column's header as the file has it."""
    message: str


class RowOutcome(msgspec.Struct, kw_only=True, omit_defaults=True):
    """What the import does (or would do) with one row; unchanged rows are counted only."""

    row: int
    number: str | None = None
    action: Action
    changes: dict[str, list[str | None]] = {}
    """field -> [before, after], for a change or a lapse."""
    problems: list[RowProblem] = []


class ImportReport(msgspec.Struct, kw_only=True):
    """A dry run's or an applied import's account of the file.

    `mapping` is header -> field, `ignored` the headers no field reads. `applied` is
    true only when this request changed the register."""

    rows: int
    mapping: dict[str, str]
    ignored: list[str]
    counts: dict[str, int]
    outcomes: list[RowOutcome]
    dry_run: bool
    applied: bool
    mode: Literal["all-or-nothing", "skip-bad"]
    sha256: str
