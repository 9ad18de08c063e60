"""Which due-diligence findings stand.

Findings are append-only: each attestation is a row that is never changed. A later
clean finding of the same kind supersedes an earlier clean one (the newest counts),
but an *adverse* finding (discrimination found, a reputation assessed unsatisfactory,
nobody available to work on the relationship, a governance-risk justification
rejected) stands until a coordinator records a reversal that names it, with a reason
and evidence. A later clean attestation does not lift it: an association must not
lose a finding of discrimination because someone attested otherwise afterwards.

A reversal is itself a row of the same table (kind `reversal`, naming the finding it
reverses), so the request's page, the board papers and the audit log show both, in
the order they were recorded.

Pure reading over the rows (`read`), plus the one query that loads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from policies.dates import human_date
from registry.relationships.records import loads
from registry.relationships.tables import RelationshipAttestation
from tenants import clock
from tenants.database import as_datetime, as_uuid
from tenants.errors import Conflict, NotFound
from tenants.scope import TenantScope

REVERSAL = "reversal"

Status = Literal["in_force", "superseded", "outweighed", "reversed", "reversal"]
#: What each status means, for pages and papers.
STATUS_WORDS: dict[str, str] = {
    "in_force": "in force",
    "superseded": "superseded by a newer finding of its kind",
    "outweighed": "does not lift the adverse finding that stands",
    "reversed": "reversed",
    "reversal": "reversal",
}


def _day(value: Any) -> str:
    try:
        return human_date(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


def adverse_reason(kind: str, details: dict[str, Any]) -> str | None:
    """Why this finding is adverse, or None for a clean one."""
    if kind == "non_discrimination" and details.get("discriminates_on"):
        grounds = ", ".join(str(g) for g in details["discriminates_on"])
        return f"discrimination found on the basis of {grounds}"
    if kind == "reputation" and details.get("result") == "unsatisfactory":
        return f"reputation assessed as unsatisfactory on {_day(details.get('assessed_on'))}"
    if kind == "personnel" and int(details.get("staff", 0)) + int(details.get("members", 0)) == 0:
        return "no staff member or member is available to work on the relationship"
    if kind == "governance_justification" and details.get("rejected"):
        return "the governance-risk justification was rejected"
    return None


@dataclass(frozen=True)
class Finding:
    row: dict[str, Any]
    """The attestation row, `details` decoded."""
    status: Status
    adverse: str | None
    reverses: UUID | None
    """For a reversal: the finding it reverses."""
    reversed_by: UUID | None

    @property
    def id(self) -> UUID:
        return as_uuid(self.row["id"])

    @property
    def kind(self) -> str:
        return str(self.row["kind"])

    @property
    def attested_at(self) -> datetime:
        at = as_datetime(self.row["attested_at"])
        assert at is not None
        return at


@dataclass(frozen=True)
class Findings:
    records: list[Finding]
    """Every finding and reversal, in the order recorded."""

    @property
    def standing(self) -> dict[str, dict[str, Any]]:
        """The finding in force of each kind (what the policy reads). Of several adverse
        findings of a kind still standing, the newest is read."""
        found: dict[str, dict[str, Any]] = {}
        # In force: every adverse finding not reversed, or else the one newest clean
        # finding of its kind; later rows overwrite earlier ones.
        for record in self.records:
            if record.status == "in_force":
                found[record.kind] = record.row
        return found

    @property
    def adverse(self) -> list[Finding]:
        """Adverse findings in force, oldest first."""
        return [r for r in self.records if r.status == "in_force" and r.adverse is not None]

    def get(self, finding_id: UUID) -> Finding:
        for record in self.records:
            if record.id == finding_id:
                return record
        raise NotFound(f"no finding {finding_id} on this request")


def _sort_key(row: dict[str, Any]) -> tuple[datetime, str]:
    at = as_datetime(row["attested_at"])
    assert at is not None
    return (at, str(row["id"]))


def read(rows: list[dict[str, Any]]) -> Findings:
    """What stands, from every attestation row of one request."""
    ordered = sorted(
        ({**r, "details": loads(r["details"], {})} for r in rows),
        key=_sort_key,
    )
    reversed_by: dict[str, UUID] = {}
    for row in ordered:
        if row["kind"] == REVERSAL and row["details"].get("reverses"):
            reversed_by.setdefault(str(row["details"]["reverses"]), as_uuid(row["id"]))
    # The newest clean finding of each kind (reversals and reversed ones aside).
    newest: dict[str, str] = {}
    for row in ordered:
        if (
            row["kind"] != REVERSAL
            and str(row["id"]) not in reversed_by
            and adverse_reason(row["kind"], row["details"]) is None
        ):
            newest[row["kind"]] = str(row["id"])
    adverse_standing = {
        row["kind"]
        for row in ordered
        if row["kind"] != REVERSAL
        and str(row["id"]) not in reversed_by
        and adverse_reason(row["kind"], row["details"]) is not None
    }
    records: list[Finding] = []
    for row in ordered:
        kind = row["kind"]
        oid = str(row["id"])
        adverse = None if kind == REVERSAL else adverse_reason(kind, row["details"])
        status: Status
        if kind == REVERSAL:
            status = "reversal"
        elif oid in reversed_by:
            status = "reversed"
        elif adverse is not None:
            status = "in_force"
        elif newest.get(kind) != oid:
            status = "superseded"
        elif kind in adverse_standing:
            status = "outweighed"
        else:
            status = "in_force"
        reverses = row["details"].get("reverses") if kind == REVERSAL else None
        records.append(
            Finding(
                row=row,
                status=status,
                adverse=adverse,
                reverses=as_uuid(reverses) if reverses else None,
                reversed_by=reversed_by.get(oid),
            )
        )
    return Findings(records)


async def findings_of(scope: TenantScope, request_id: UUID) -> Findings:
    rows = await scope.select(RelationshipAttestation).where(
        RelationshipAttestation.request == request_id
    )
    return read(rows)


def reversible(findings: Findings, finding_id: UUID) -> Finding:
    """The adverse finding in force that a reversal may name; Conflict saying why not."""
    finding = findings.get(finding_id)
    if finding.kind == REVERSAL:
        raise Conflict(f"{finding_id} is itself a reversal; record a new finding instead")
    if finding.status == "reversed":
        raise Conflict(f"the finding {finding_id} was already reversed by {finding.reversed_by}")
    if finding.adverse is None:
        raise Conflict(
            f"the finding {finding_id} is not adverse: a newer finding of its kind "
            "supersedes it, no reversal is needed"
        )
    return finding


def line(finding: Finding, names: dict[str, str] | None = None, zone: str = "UTC") -> str:
    """One line for the board papers: when (the association's day, in its `zone`),
    what, who, and where it stands."""
    row = finding.row
    who = (names or {}).get(str(row["attested_by"]), "") if row["attested_by"] else ""
    by = f" by {who}" if who else ""
    when = clock.local_day(finding.attested_at, zone).isoformat()
    if finding.kind == REVERSAL:
        details = row["details"]
        return (
            f"- {when} reversal{by} of finding {finding.reverses}: {details.get('reason', '')}"
            f" (evidence: {row['evidence'] or 'none'})"
        )
    what = finding.kind.replace("_", " ")
    summary = finding.adverse or "clean"
    status = STATUS_WORDS[finding.status]
    if finding.reversed_by is not None:
        status += f" by {finding.reversed_by}"
    return f"- {when} {what}{by} [{finding.id}]: {summary}; {status}"
