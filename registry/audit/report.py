"""A human-readable governance report of a tenant's audit log for a period.

For boards and auditors who want to *read* what was decided, rather than verify a
bundle: one row per governance event (see `GOVERNANCE_ACTIONS`) with its audit `seq`,
so every row can be checked against the signed log (`accord audit prove --seq N`).

- `report_rows(events, people)` is pure: audit events (as stored, in any order) and a
  map person id -> e-mail in, report rows out (governance events only, in seq order).
- `write_csv` / `write_xlsx` turn rows into a file (CSV: header then rows, UTF-8;
  XLSX: a title row naming the tenant, the period and the signed tree head, then a
  bold, frozen header row and the rows).
- `load_report` reads a period's events, the people they name and the latest signed
  tree head from the database; `render` picks the writer by format.

Confidential fields are redacted in the ledger itself ("[redacted]"); the report
shows them as stored and redacts again any field in `ledger.CONFIDENTIAL` whatever
it holds, so a report can never carry a secret.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from uuid import UUID

from registry.audit.chain import REDACTED
from registry.audit.ledger import CONFIDENTIAL, OPERATOR_ROLE
from registry.spreadsheet import MEDIA_TYPES
from tenants.text import printable

Format = Literal["csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx")
CSV_MEDIA_TYPE = MEDIA_TYPES["csv"]
XLSX_MEDIA_TYPE = MEDIA_TYPES["xlsx"]

#: The actions a governance report shows, with their label in words. Everything else
#: in the log (sign-ins, tokens issued, tenant created or renamed, ...) is operational
#: and left out. Later capabilities add their decisions to this same mapping: board
#: motions and each vote (motion.*, vote.*), MOU changes (mou.*), approvals and
#: screening adjudications (screening.adjudicated, ...).
GOVERNANCE_ACTIONS: dict[str, str] = {
    "tenant.suspended": "Tenant suspended",
    "tenant.resumed": "Tenant resumed",
    "membership.granted": "Role granted",
    "membership.removed": "Role removed",
    "policy.changed": "Policy changed",
    "key.rotated": "Keys rotated",
    "token.revoked": "Token revoked",
    "relationship_request.submit": "Relationship request submitted",
    "relationship_request.refer": "Relationship request referred to the board",
    "relationship_request.approve": "Relationship request approved",
    "relationship_request.reject": "Relationship request rejected",
    "relationship_request.decline": "Relationship request declined",
    "relationship_request.withdraw": "Relationship request withdrawn",
    "screening_case.opened": "Screening case opened",
    "screening_case.adjudicated": "Screening case adjudicated",
}

OPERATOR_LABEL = "platform operator"
HEADER = ("Seq", "Time (UTC)", "Action", "Object", "Who", "Role", "Reason", "Changes")
#: Column widths (characters) of the XLSX sheet, in HEADER order.
WIDTHS = (8, 21, 18, 46, 30, 18, 36, 70)
NONE = "(none)"


@dataclass(frozen=True, slots=True)
class ReportRow:
    seq: int
    time: str  # "YYYY-MM-DD HH:MM:SS", UTC
    action: str  # in words, from GOVERNANCE_ACTIONS
    object: str  # "object_type object_id"
    who: str  # the person's e-mail, or "platform operator"
    role: str  # the roles the actor held in the tenant
    reason: str
    changes: str  # "field: before -> after; ..."

    def cells(self) -> tuple[int | str, ...]:
        return (
            self.seq,
            self.time,
            self.action,
            self.object,
            self.who,
            self.role,
            self.reason,
            self.changes,
        )


@dataclass(frozen=True, slots=True)
class ReportTitle:
    """What the XLSX title row states about the report."""

    tenant: str
    since: datetime | None = None
    until: datetime | None = None
    tree_size: int | None = None  # of the latest signed tree head, if any
    root_hash: str | None = None

    def text(self) -> str:
        start = _moment(self.since) if self.since else "the beginning"
        end = _moment(self.until) if self.until else "now"
        head = (
            f"signed tree head: size {self.tree_size}, root {self.root_hash}"
            if self.tree_size is not None
            else "no signed tree head yet"
        )
        return f"Governance report of {self.tenant}, from {start} to {end} (UTC); {head}"


def _moment(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _time(value: Any) -> str:
    """A ledger time ("2026-01-01T00:00:00.000000Z") as "2026-01-01 00:00:00"."""
    if isinstance(value, datetime):
        return _moment(value if value.tzinfo else value.replace(tzinfo=UTC))
    text = str(value)
    try:
        return _moment(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return text


def _value(field: str, value: Any, people: Mapping[str, str]) -> str:
    if value is None:
        return NONE
    if field in CONFIDENTIAL:
        return REDACTED
    if field == "person" and str(value) in people:
        return people[str(value)]
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_value(str(k), v, people)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(field, v, people) for v in value) + "]"
    return str(value)


def summarise_changes(changes: Mapping[str, Any], people: Mapping[str, str]) -> str:
    """`{"status": ["active", "suspended"]}` as "status: active -> suspended", one cell."""
    parts = []
    for field in sorted(changes):
        change = changes[field]
        if isinstance(change, Sequence) and not isinstance(change, str) and len(change) == 2:
            before, after = change
            parts.append(
                f"{field}: {_value(field, before, people)} -> {_value(field, after, people)}"
            )
        else:
            parts.append(f"{field}: {_value(field, change, people)}")
    return "; ".join(parts)


def _who(actor: Mapping[str, Any], people: Mapping[str, str]) -> str:
    person = actor.get("person")
    if person is None:
        return OPERATOR_LABEL
    return people.get(str(person), str(person))


def report_row(event: Mapping[str, Any], people: Mapping[str, str]) -> ReportRow:
    actor = event.get("actor") or {}
    object_id = event.get("object_id")
    return ReportRow(
        seq=int(event["seq"]),
        time=_time(event["time"]),
        action=GOVERNANCE_ACTIONS.get(event["action"], event["action"]),
        object=f"{event['object_type']} {object_id}" if object_id else event["object_type"],
        who=_who(actor, people),
        role=actor.get("role") or (OPERATOR_ROLE if actor.get("person") is None else ""),
        reason=event.get("reason") or "",
        changes=summarise_changes(event.get("changes") or {}, people),
    )


def report_rows(
    events: Iterable[Mapping[str, Any]], people: Mapping[str, str] | None = None
) -> list[ReportRow]:
    """The governance events among `events`, in seq order, as report rows.

    `people` maps person ids (as strings) to e-mails, for the actor and for any
    `person` field in the changes; an unknown id is shown as it is.
    """
    people = people or {}
    chosen = sorted(
        (e for e in events if e["action"] in GOVERNANCE_ACTIONS), key=lambda e: int(e["seq"])
    )
    return [report_row(event, people) for event in chosen]


def people_in(events: Iterable[Mapping[str, Any]]) -> set[str]:
    """The person ids an events' report names (actors and `person` changes)."""
    found: set[str] = set()
    for event in events:
        person = (event.get("actor") or {}).get("person")
        if person:
            found.add(str(person))
        change = (event.get("changes") or {}).get("person")
        if isinstance(change, Sequence) and not isinstance(change, str):
            found.update(str(v) for v in change if v)
    return found


# -- writers ------------------------------------------------------------------------


#: A spreadsheet opening a CSV runs a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: int | str) -> int | str:
    """A text cell a spreadsheet would run as a formula, quoted with a leading "'"."""
    value = printable(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(rows: Iterable[ReportRow]) -> bytes:
    """Header and rows as CSV (UTF-8 with a byte order mark, so spreadsheets detect it).

    Text that would start a formula (a reason "=HYPERLINK(...)") gets a leading "'".
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([_csv_cell(cell) for cell in row.cells()])
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(rows: Iterable[ReportRow], title: ReportTitle) -> bytes:
    """One sheet: the title row, a bold frozen header row, the rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Governance report"
    sheet.append([printable(title.text())])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=12)
    sheet.append(list(HEADER))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A3"
    for row in rows:
        sheet.append([printable(cell) for cell in row.cells()])
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in sheet.iter_rows(min_row=3):
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
        line[-1].alignment = wrap
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render(rows: Sequence[ReportRow], title: ReportTitle, format: Format) -> bytes:
    if format == "xlsx":
        return write_xlsx(rows, title)
    return write_csv(rows)


def filename(slug: str, format: Format) -> str:
    return f"{slug}-governance-report.{format}"


# -- reading the database -------------------------------------------------------------


async def load_report(
    tenant_id: UUID, slug: str, since: datetime | None, until: datetime | None
) -> tuple[list[ReportRow], ReportTitle]:
    """The governance rows of events with since <= time < until, and the title."""
    import json

    from registry.audit.store import latest_head
    from registry.audit.tables import AuditEvent
    from tenants.tables import Person

    query = AuditEvent.select(AuditEvent.body).where(
        (AuditEvent.tenant == tenant_id) & AuditEvent.action.is_in(list(GOVERNANCE_ACTIONS))
    )
    if since is not None:
        query = query.where(AuditEvent.time >= since)
    if until is not None:
        query = query.where(AuditEvent.time < until)
    events = [json.loads(row["body"]) for row in await query.order_by(AuditEvent.seq)]
    ids = []
    for person in people_in(events):
        try:
            ids.append(UUID(person))
        except ValueError:
            continue
    people: dict[str, str] = {}
    if ids:
        found = await Person.select(Person.id, Person.email).where(Person.id.is_in(ids))
        people = {str(row["id"]): row["email"] for row in found}
    head = await latest_head(tenant_id, slug)
    title = ReportTitle(
        tenant=slug,
        since=since,
        until=until,
        tree_size=head[0].tree_size if head else None,
        root_hash=head[0].root_hash if head else None,
    )
    return report_rows(events, people), title
