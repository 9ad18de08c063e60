"""The member register of a tenant, always through its `TenantScope`.

An import is planned first (`plan_import`: every row classified as add, change,
lapse, unchanged or refuse, each refusal naming its row and column) and applied only
on request, in one write transaction with one audit event: all or nothing by
default, or the good rows only in the explicit "skip-bad" mode. Records absent from
the file are left as they are (an export may be partial). A file that changes
nothing writes nothing, so importing the same file twice is a no-op.

When a record changes so that a live participant of a mentoring intake (an accepted
or matched application whose intake has not ended) no longer meets the scheme
policy's membership rules, the coordinators are told in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import msgspec

from policies import Policy, PolicyError, evaluate, load_policy, load_preset
from policies.rules.eligibility import MembershipRule
from registry.audit.ledger import Actor, lock_head
from registry.members import parsing
from registry.members.schemas import (
    Action,
    ImportReport,
    RecordOut,
    RecordPage,
    RecordPatch,
    RowOutcome,
    RowProblem,
)
from registry.members.tables import MemberRecord
from registry.notifications.service import notify, people_with_role
from registry.policies.service import CURRENT_SQL
from tenants import clock
from tenants.database import as_uuid, write_transaction
from tenants.errors import Conflict, InvalidInput, NotFound
from tenants.roles import Role
from tenants.scope import TenantScope
from tenants.validation import check_country, check_email, check_name

log = logging.getLogger(__name__)

COMPARED = ("name", "email", "membership_class", "status", "paid_until", "joined_on", "country")
Progress = Callable[[int], None]


# --- vocabulary -------------------------------------------------------------------------


def policy_classes(policy: Policy) -> list[str]:
    """The membership classes a policy knows: its header's vocabulary, and every class
    its membership rules name."""
    found = list(policy.document.policy.membership_classes)
    for rule in policy.rules:
        if isinstance(rule, MembershipRule):
            found += rule.classes
    return list(dict.fromkeys(found))


async def vocabulary(scope: TenantScope) -> list[str]:
    """The tenant's membership classes, from its stored policies and the presets its
    mentoring schemes use; empty when none names any (then any class is accepted)."""
    found: list[str] = []
    for row in await scope.rows(CURRENT_SQL):
        try:
            policy = load_policy(
                row["document"], format="json" if row["format"] == "json" else "toml"
            )
        except PolicyError:
            continue
        found += policy_classes(policy)
    presets = await scope.rows(
        "SELECT DISTINCT policy_name FROM mentoring_scheme"
        " WHERE tenant = {tenant} AND policy_source = 'preset'"
    )
    for row in presets:
        try:
            found += policy_classes(load_preset(row["policy_name"]))
        except PolicyError:
            continue
    return list(dict.fromkeys(found))


# --- reading ----------------------------------------------------------------------------


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _out(row: dict[str, Any]) -> RecordOut:
    updated = row["updated_at"]
    if not isinstance(updated, datetime):
        updated = datetime.fromisoformat(str(updated))
    return RecordOut(
        id=as_uuid(row["id"]),
        number=row["number"],
        name=row["name"],
        email=row["email"],
        membership_class=row["membership_class"],
        status=row["status"],
        paid_until=_date(row["paid_until"]),
        joined_on=_date(row["joined_on"]),
        country=row["country"],
        updated_at=updated,
    )


async def has_register(scope: TenantScope) -> bool:
    rows = await scope.rows("SELECT 1 AS found FROM member_record WHERE tenant = {tenant} LIMIT 1")
    return bool(rows)


async def list_records(
    scope: TenantScope,
    *,
    status: str | None = None,
    search: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> RecordPage:
    """Records by member number; `search` matches number, name or e-mail."""
    if not 1 <= limit <= 1000:
        raise InvalidInput("limit", "between 1 and 1000")
    if offset < 0:
        raise InvalidInput("offset", "cannot be negative")
    query = scope.select(MemberRecord)
    count = scope.count(MemberRecord)
    if status is not None:
        if status not in parsing.STATUSES:
            raise InvalidInput("status", f"one of {', '.join(parsing.STATUSES)}")
        query = query.where(MemberRecord.status == status)
        count = count.where(MemberRecord.status == status)
    if search:
        pattern = f"%{search.strip().lower()}%"
        match = (
            MemberRecord.number.ilike(pattern)
            | MemberRecord.name.ilike(pattern)
            | MemberRecord.email.ilike(pattern)
        )
        query = query.where(match)
        count = count.where(match)
    rows = await query.order_by(MemberRecord.number).limit(limit).offset(offset)
    total = await count
    following = offset + limit
    return RecordPage(
        items=[_out(row) for row in rows],
        total=total,
        limit=limit,
        offset=offset,
        next_offset=following if following < total else None,
    )


async def get_record(scope: TenantScope, record_id: UUID | str) -> RecordOut:
    row = await _record_row(scope, record_id)
    return _out(row)


async def _record_row(scope: TenantScope, record_id: UUID | str) -> dict[str, Any]:
    try:
        oid = record_id if isinstance(record_id, UUID) else UUID(str(record_id))
    except ValueError:
        raise NotFound(f"no member record {record_id}") from None
    row: dict[str, Any] | None = (
        await scope.select(MemberRecord).where(MemberRecord.id == oid).first()
    )
    if row is None:
        raise NotFound(f"no member record {oid}")
    return row


async def find_record(
    scope: TenantScope, *, email: str | None = None, number: str | None = None
) -> dict[str, Any] | None:
    """The register's record of a person: by member number first, then by e-mail (the
    most recently updated when several records share an address)."""
    if number:
        row = await scope.select(MemberRecord).where(MemberRecord.number == number.strip()).first()
        if row is not None:
            return dict(row)
    if email:
        row = (
            await scope.select(MemberRecord)
            .where(MemberRecord.email == email.strip().lower())
            .order_by(MemberRecord.updated_at, ascending=False)
            .first()
        )
        if row is not None:
            return dict(row)
    return None


async def records_without_account(scope: TenantScope) -> list[RecordOut]:
    """Records whose e-mail address is not that of anyone holding a role in this tenant,
    by member number, whatever their status (an inviter filters as it needs). The
    person may have an account in another association: they are invited to join."""
    rows = await scope.rows(
        "SELECT r.* FROM member_record r WHERE r.tenant = {tenant} AND NOT EXISTS ("
        "SELECT 1 FROM membership m JOIN person p ON p.id = m.person"
        " WHERE m.tenant = r.tenant AND p.email = r.email) ORDER BY r.number"
    )
    return [_out(row) for row in rows]


# --- eligibility ------------------------------------------------------------------------


def membership_of(record: dict[str, Any]) -> dict[str, Any]:
    """A register record as the policy subject's `membership`."""
    membership: dict[str, Any] = {
        "class": record["membership_class"],
        "status": record["status"],
        "type": "institutional"
        if record["membership_class"].casefold() == "institutional"
        else "personal",
        "number": record["number"],
    }
    joined, paid = _date(record["joined_on"]), _date(record["paid_until"])
    if joined is not None:
        membership["since"] = joined.isoformat()
    if paid is not None:
        membership["until"] = paid.isoformat()
    return membership


async def with_register(scope: TenantScope, subject: dict[str, Any], email: str) -> dict[str, Any]:
    """The applicant subject with its membership facts from the register, when the tenant
    keeps one (found by the member number the applicant gave, else by their e-mail);
    what the applicant typed is not used for them. Without a register, the subject
    says its membership is as declared."""
    subject = dict(subject)
    if not await has_register(scope):
        subject["membership_source"] = "declared"
        return subject
    declared = subject.get("membership") or {}
    number = declared.get("number") if isinstance(declared, dict) else None
    record = await find_record(
        scope, email=email, number=number if isinstance(number, str) else None
    )
    subject["membership_source"] = "register"
    if record is None:
        subject.pop("membership", None)
    else:
        subject["membership"] = membership_of(record)
    return subject


# --- import -----------------------------------------------------------------------------


@dataclass(slots=True)
class Plan:
    report: ImportReport
    adds: list[parsing.ParsedRecord]
    changes: list[tuple[dict[str, Any], parsing.ParsedRecord]]
    present: frozenset[str]
    """The fields the file has a column for: a change touches only these."""


def _shown(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _differences(
    existing: dict[str, Any], record: parsing.ParsedRecord, present: frozenset[str]
) -> dict[str, list[str | None]]:
    found: dict[str, list[str | None]] = {}
    for name in COMPARED:
        if name not in present:
            continue  # a column the export does not have leaves the field as it is
        before = existing[name]
        if name in ("paid_until", "joined_on"):
            before = _date(before)
        after = getattr(record, name)
        if before != after:
            found[name] = [_shown(before), _shown(after)]
    return found


def _is_lapse(changes: dict[str, list[str | None]]) -> bool:
    status = changes.get("status")
    return bool(status and status[0] in parsing.HELD and status[1] not in parsing.HELD)


async def plan_import(
    scope: TenantScope,
    content: bytes,
    *,
    skip_bad: bool = False,
    progress: Progress | None = None,
) -> Plan:
    """What importing `content` would do; nothing is written."""
    header, rows, total = parsing.read_table(content)
    mapping = parsing.map_columns(header)
    classes = parsing.class_lookup(await vocabulary(scope))
    present = frozenset({"name", *(f for f in parsing.FIELDS if f in mapping.columns)})
    existing = {row["number"]: dict(row) for row in await scope.select(MemberRecord)}
    outcomes: list[RowOutcome] = []
    counts = dict.fromkeys(("add", "change", "lapse", "unchanged", "refuse"), 0)
    adds: list[parsing.ParsedRecord] = []
    changes: list[tuple[dict[str, Any], parsing.ParsedRecord]] = []
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        row_number = index + 2  # the header is row 1
        record, problems = parsing.parse_row(row, row_number, mapping, classes)
        if record is not None and record.number in seen:
            problems = [
                parsing.Problem(
                    row_number,
                    mapping.header_of("number"),
                    f"member number {record.number} is also on row {seen[record.number]}",
                )
            ]
            record = None
        if record is None:
            counts["refuse"] += 1
            outcomes.append(
                RowOutcome(
                    row=row_number,
                    number=parsing._string(parsing._cell(row, mapping.columns.get("number")))
                    or None,
                    action="refuse",
                    problems=[
                        RowProblem(row=p.row, column=p.column, message=p.message) for p in problems
                    ],
                )
            )
        else:
            seen[record.number] = row_number
            before = existing.get(record.number)
            if before is None:
                counts["add"] += 1
                adds.append(record)
                outcomes.append(RowOutcome(row=row_number, number=record.number, action="add"))
            else:
                found = _differences(before, record, present)
                if not found:
                    counts["unchanged"] += 1
                else:
                    action: Action = "lapse" if _is_lapse(found) else "change"
                    counts[action] += 1
                    changes.append((before, record))
                    outcomes.append(
                        RowOutcome(
                            row=row_number, number=record.number, action=action, changes=found
                        )
                    )
        if progress is not None:
            progress(1)
    report = ImportReport(
        rows=total,
        mapping=mapping.shown(),
        ignored=mapping.ignored(),
        counts=counts,
        outcomes=outcomes,
        dry_run=True,
        applied=False,
        mode="skip-bad" if skip_bad else "all-or-nothing",
        sha256=hashlib.sha256(content).hexdigest(),
    )
    return Plan(report, adds, changes, present)


def first_problems(report: ImportReport, limit: int = 3) -> str:
    found = [
        f"row {p.row}, column {p.column!r}: {p.message}"
        for outcome in report.outcomes
        for p in outcome.problems
    ]
    more = f" (and {len(found) - limit} more)" if len(found) > limit else ""
    return "; ".join(found[:limit]) + more


async def import_register(
    scope: TenantScope,
    content: bytes,
    *,
    apply: bool,
    actor: Actor,
    skip_bad: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """A dry run of the file, or (with `apply`) its changes made in one transaction.

    All or nothing by default: any refused row and nothing is applied (Conflict naming
    the first problems). With `skip_bad`, the good rows are applied and the refused
    ones reported."""
    plan = await plan_import(scope, content, skip_bad=skip_bad, progress=progress)
    report = plan.report
    if not apply:
        return report
    refused = report.counts["refuse"]
    if refused and not skip_bad:
        raise Conflict(
            f"{refused} of {report.rows} rows are refused, so nothing was imported: "
            f"{first_problems(report)}. Correct them, or import the good rows only "
            "(skip-bad mode)."
        )
    if not plan.adds and not plan.changes:
        return msgspec.structs.replace(report, dry_run=False)
    now = datetime.now(UTC)
    async with write_transaction():
        await lock_head(scope.tenant_id)
        # Planned outside the lock: re-plan inside it so that a concurrent import
        # cannot make this one's adds collide or its changes stale.
        plan = await plan_import(scope, content, skip_bad=skip_bad)
        report = plan.report
        if plan.adds:
            await MemberRecord.insert(
                *[
                    MemberRecord(
                        tenant=scope.tenant_id, created_at=now, updated_at=now, **record.values()
                    )
                    for record in plan.adds
                ]
            )
        for before, record in plan.changes:
            await scope.update(
                MemberRecord,
                {**_columns(_present(record, plan.present)), MemberRecord.updated_at: now},
            ).where(MemberRecord.id == as_uuid(before["id"]))
        counts = report.counts
        await actor.record(
            scope.tenant_id,
            "member_register.imported",
            "member_register",
            report.sha256,
            {
                "added": [None, [r.number for r in plan.adds]],
                "changed": [None, [o.number for o in report.outcomes if o.action == "change"]],
                "lapsed": [None, [o.number for o in report.outcomes if o.action == "lapse"]],
                "refused_rows": [None, [o.row for o in report.outcomes if o.action == "refuse"]],
                "mode": [None, report.mode],
                "counts": [None, counts],
            },
        )
        await _tell_coordinators(
            scope, [{**before, **_present(record, plan.present)} for before, record in plan.changes]
        )
    return msgspec.structs.replace(report, dry_run=False, applied=True)


def _present(record: parsing.ParsedRecord, present: frozenset[str]) -> dict[str, Any]:
    return {name: value for name, value in record.values().items() if name in present}


def _columns(values: dict[str, Any]) -> dict[Any, Any]:
    return {getattr(MemberRecord, name): value for name, value in values.items()}


# --- one record -------------------------------------------------------------------------


async def update_record(
    scope: TenantScope, record_id: UUID | str, patch: RecordPatch, *, actor: Actor
) -> RecordOut:
    """Change one record; audited, and coordinators told if a live participant is no
    longer eligible. A patch that changes nothing writes nothing."""
    values: dict[str, Any] = {}
    if patch.name is not msgspec.UNSET:
        values["name"] = check_name(patch.name)
    if patch.email is not msgspec.UNSET:
        values["email"] = check_email(patch.email)
    if patch.membership_class is not msgspec.UNSET:
        found = parsing.class_lookup(await vocabulary(scope))(patch.membership_class.strip())
        if found is None:
            raise InvalidInput(
                "membership_class",
                f"{patch.membership_class!r} is not one of the association's classes",
            )
        values["membership_class"] = found
    if patch.status is not msgspec.UNSET:
        values["status"] = patch.status
    if patch.paid_until is not msgspec.UNSET:
        values["paid_until"] = patch.paid_until
    if patch.joined_on is not msgspec.UNSET:
        values["joined_on"] = patch.joined_on
    if patch.country is not msgspec.UNSET:
        values["country"] = None if patch.country is None else check_country(patch.country)
    async with write_transaction():
        await lock_head(scope.tenant_id)
        row = await _record_row(scope, record_id)
        changes = {}
        for name, after in values.items():
            before = _date(row[name]) if name in ("paid_until", "joined_on") else row[name]
            if before != after:
                changes[name] = [_shown(before), _shown(after)]
        if changes:
            await scope.update(
                MemberRecord, {**_columns(values), MemberRecord.updated_at: datetime.now(UTC)}
            ).where(MemberRecord.id == as_uuid(row["id"]))
            await actor.record(
                scope.tenant_id,
                "member_register.record.changed",
                "member_record",
                row["id"],
                changes,
            )
            updated = {**row, **values}
            await _tell_coordinators(scope, [updated])
    return await get_record(scope, record_id)


# --- lapses mid-programme ---------------------------------------------------------------

LIVE_SQL = (
    "SELECT a.id, a.subject, a.role, i.name AS intake_name, i.scheme, p.email,"
    " p.name AS person_name"
    " FROM mentoring_application a JOIN mentoring_intake i ON i.id = a.intake"
    " JOIN person p ON p.id = a.person"
    " WHERE a.tenant = {tenant} AND a.status IN ('accepted', 'matched') AND i.ends_on >= {}"
)


async def _tell_coordinators(scope: TenantScope, records: Iterable[dict[str, Any]]) -> None:
    """Tell the coordinators about each live participant whose changed record no longer
    meets the scheme policy's membership rules (runs inside the caller's transaction)."""
    from registry.mentoring.schemes import scheme_policy  # mentoring reads this module

    by_email = {str(r["email"]).lower(): r for r in records}
    by_number = {str(r["number"]): r for r in records}
    if not by_email:
        return
    today = await clock.today(scope)
    live = await scope.rows(LIVE_SQL, today)
    schemes: dict[str, Policy] = {}
    lapsed: list[tuple[dict[str, Any], list[str]]] = []
    for application in live:
        subject = application["subject"]
        subject = json.loads(subject) if isinstance(subject, str) else dict(subject or {})
        declared = subject.get("membership") or {}
        record = by_number.get(str(declared.get("number"))) if declared.get("number") else None
        record = record or by_email.get(str(application["email"]).lower())
        if record is None:
            continue
        scheme_key = str(application["scheme"])
        if scheme_key not in schemes:
            rows = await scope.rows(
                "SELECT * FROM mentoring_scheme WHERE tenant = {tenant} AND id = {}",
                as_uuid(application["scheme"]),
            )
            schemes[scheme_key] = await scheme_policy(scope, rows[0])
        subject["membership"] = membership_of(record)
        subject["membership_source"] = "register"
        try:
            decision = evaluate(schemes[scheme_key], subject, as_of=today)
        except Exception:  # a stored subject the current policy cannot read
            log.warning(
                "member register: application %s could not be re-evaluated",
                application["id"],
                exc_info=True,
            )
            continue
        reasons = [
            r.reason for r in decision.rules if r.kind == "membership" and r.effect == "ineligible"
        ]
        if reasons:
            lapsed.append((application, reasons))
    if not lapsed:
        return
    coordinators = await people_with_role(scope, Role.COORDINATOR)
    for application, reasons in lapsed:
        await notify(
            scope,
            coordinators,
            kind="members.register.not_eligible",
            subject=f"{application['person_name'] or application['email']} is no longer "
            f"eligible for {application['intake_name']}",
            body=f"The member register changed: {' '.join(reasons)}",
            link=f"/t/{scope.slug}/mentoring/applications/{application['id']}",
        )
