"""Clearance of a party: is this organisation, with its current officers and the
signatories named for it, clear to deal with under the association's partner policy
now?

One answer, four words, each with its reasons in words and the day it was given
(the association's own calendar, `tenants.clock`):

- `blocked`: a confirmed sanctions hit on the organisation, a current or former
  officer or a signatory; or an adverse finding of due diligence that the policy
  refuses (discrimination found, reputation unsatisfactory, too few personnel: a
  rule with the effect `ineligible` other than sanctions, the board's approval and
  the curable governance-risk rule). Whatever any vote says.
- `held`: a screening case awaits a coordinator's adjudication.
- `not_cleared`: a subject was never screened, a list the policy requires was not
  checked (screening fails closed), or the due diligence is missing.
- `clear`: none of these.

(A relationship request still a draft is `not_screened`: screening runs on
submission.)

Relationship requests ask it about their own partner (`judge`, with the request's
own live Decision); MOUs ask it about every party (`party`, `of_parties`), when an
approval or renewal motion opens and when it carries, at signing, at activation and
at renewal. Neither room imports the other's service for it.

**Where an MOU party's due diligence is found.** A party needs the same due
diligence as a relationship request: its organisation and officers screened against
the lists the policy requires, and the findings the policy asks for (non-
discrimination, reputation, personnel, a governance-risk justification when the
country is flagged). It is read from the partner's relationship requests:

1. its most recent *approved* request, if any (the board approved it after its due
   diligence was complete);
2. otherwise its most recent submitted request that was not withdrawn: its due
   diligence counts once the Decision stored on it waits for nothing (apart from
   screening, which is read live here, and the board's approval). A request rejected
   without an adverse finding does not count: due diligence is done again in a new
   request.

The Decision stored on a request is the one the relationships room made when its
findings were last recorded or it last moved. An adverse finding that stands on the
chosen request (`relationships.findings`: until a reversal names it) blocks the
party. No request at all: not cleared, saying so.

**Signatories are people.** Each person named to sign for a partner is screened when
named (`screen_signatories`, at signing) like an officer: a hit opens a screening
case on the partner, which holds (open) or blocks (confirmed) the partner as any
officer's would, the MOU and the partner's requests alike. The association's own
signatory is not screened: the association is not a party it deals with.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal
from uuid import UUID

from policies import Decision
from registry.audit.ledger import Actor
from registry.relationships import cases, diligence, findings
from registry.relationships.diligence import ScreeningState
from registry.relationships.tables import PartnerOrganisation, RelationshipRequest
from tenants import clock
from tenants.database import as_datetime, as_uuid
from tenants.errors import NotFound
from tenants.scope import TenantScope

Status = Literal["clear", "held", "blocked", "not_cleared", "not_screened"]

WORDS: dict[str, str] = {
    "clear": "clear",
    "held": "held",
    "blocked": "blocked",
    "not_cleared": "not cleared",
    "not_screened": "not screened",
}

#: Rules whose refusal is not a finding about the partner: sanctions (read from the
#: cases, live), the board's approval (the motion decides), and the governance-risk
#: rule, which due diligence cures by writing the justification.
NOT_ADVERSE = frozenset({"sanctions", "approval"}) | diligence.CURABLE
#: Request states whose due diligence is never read: not yet screened, or given up.
UNREAD_STATES = ("draft", "withdrawn")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Verdict:
    """The clearance of one party (or one request's partner) on one day."""

    status: Status
    reasons: tuple[str, ...]
    as_of: date
    partner_id: UUID | None = None
    name: str = ""

    @property
    def clear(self) -> bool:
        return self.status == "clear"

    @property
    def reason(self) -> str | None:
        return "; ".join(self.reasons) or None

    @property
    def words(self) -> str:
        return WORDS[self.status]

    def sentence(self) -> str:
        """`Fiji Library Association is held: 1 screening case awaits ...`"""
        who = self.name or "the partner"
        tail = f": {self.reason}" if self.reason else ""
        return f"{who} is {self.words}{tail}"

    def line(self) -> str:
        """For papers and exports: `Fiji Library Association: clear (as of 2026-12-03)`."""
        tail = f" - {self.reason}" if self.reason else ""
        return f"{self.name}: {self.words} (as of {self.as_of.isoformat()}){tail}"


def adverse_findings(rules: Iterable[Any]) -> list[str]:
    """The policy's refusals that are findings about the partner (entries of a
    Decision, as objects or as the stored JSON)."""
    found = []
    for entry in rules:
        kind, effect, reason = _entry(entry)
        if effect == "ineligible" and kind not in NOT_ADVERSE:
            found.append(reason)
    return found


def adverse_of(recorded: findings.Findings, decision: Decision | None) -> list[str]:
    """The adverse findings that stand on a request (`relationships.findings`: until a
    reversal names them), else the policy's refusals that are findings about the
    partner."""
    standing = [f.adverse for f in recorded.adverse if f.adverse]
    if standing:
        return standing
    return adverse_findings(decision.rules) if decision is not None else []


def _waiting(rules: Iterable[Any]) -> list[str]:
    """What due diligence still waits for, screening aside (it is read live)."""
    found = []
    for entry in rules:
        kind, effect, reason = _entry(entry)
        passed = entry["passed"] if isinstance(entry, dict) else entry.passed
        if kind in ("sanctions", "approval") or passed:
            continue
        if effect == "refer" or kind in diligence.CURABLE:
            found.append(reason)
    return found


def _entry(entry: Any) -> tuple[str, str, str]:
    if isinstance(entry, dict):
        return str(entry.get("kind")), str(entry.get("effect")), str(entry.get("reason", ""))
    return str(entry.kind), str(entry.effect), str(entry.reason)


def judge(
    screening: ScreeningState,
    required: Sequence[str],
    *,
    as_of: date,
    adverse: Sequence[str] = (),
    missing: Sequence[str] = (),
    draft: bool = False,
    partner_id: UUID | None = None,
    name: str = "",
) -> Verdict:
    """The clearance from the screening now, the adverse findings and what due
    diligence is missing. Blocked before held before not cleared."""

    def verdict(status: Status, *reasons: str) -> Verdict:
        return Verdict(status, tuple(reasons), as_of, partner_id, name)

    if draft:
        return verdict("not_screened", "not submitted: screening runs on submission")
    if screening.confirmed or adverse:
        reasons = []
        if screening.confirmed:
            reasons.append(
                "a confirmed sanctions hit blocks the relationship whatever the board "
                f"votes: {'; '.join(screening.confirmed)}"
            )
        reasons += [f"adverse finding: {finding}" for finding in adverse]
        return verdict("blocked", *reasons)
    if screening.open_cases:
        n = screening.open_cases
        return verdict(
            "held",
            f"{n} screening case{'s' if n != 1 else ''} await{'' if n != 1 else 's'} "
            "a coordinator's adjudication",
        )
    reasons = []
    if screening.unscreened:
        reasons.append(f"not screened yet: {', '.join(screening.unscreened)}")
    else:
        checked = {source for source, _ in screening.lists_checked}
        absent = [list_name for list_name in required if list_name not in checked]
        if absent or not checked:
            what = ", ".join(absent) if absent else "any sanctions list"
            reasons.append(
                f"not cleared: {what} was not checked, and screening fails closed "
                "(import the list; the partner is screened again)"
            )
    reasons += list(missing)
    if reasons:
        return verdict("not_cleared", *reasons)
    return verdict("clear")


# -- parties ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DueDiligence:
    """The due diligence found for a partner (see the module's docstring)."""

    request_id: UUID | None
    adverse: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


async def due_diligence(scope: TenantScope, partner_id: UUID, name: str) -> DueDiligence:
    rows = await scope.select(
        RelationshipRequest,
        RelationshipRequest.id,
        RelationshipRequest.state,
        RelationshipRequest.title,
        RelationshipRequest.decision,
        RelationshipRequest.outcome_reason,
        RelationshipRequest.submitted_at,
    ).where(
        (RelationshipRequest.partner == partner_id)
        & RelationshipRequest.state.not_in(list(UNREAD_STATES))
    )
    rows.sort(key=lambda r: (r["state"] == "approved", as_datetime(r["submitted_at"]) or EPOCH))
    if not rows:
        return DueDiligence(
            None,
            missing=[
                f"no due diligence on record: {name} has no submitted relationship request "
                "(raise one for it and complete its due diligence: screening of the "
                "organisation and its officers, and the findings the policy requires)"
            ],
        )
    chosen = rows[-1]
    request_id = as_uuid(chosen["id"])
    stored = diligence.stored_decision(chosen["decision"])
    entries = list((stored or {}).get("rules", []))
    recorded = await findings.findings_of(scope, request_id)
    adverse = [f.adverse for f in recorded.adverse if f.adverse] or adverse_findings(entries)
    title = chosen["title"]
    if adverse:
        return DueDiligence(request_id, adverse=adverse)
    if chosen["state"] == "approved":
        return DueDiligence(request_id)
    if chosen["state"] == "rejected":
        why = chosen["outcome_reason"] or "rejected"
        return DueDiligence(
            request_id,
            missing=[
                f"its relationship request '{title}' was rejected ({why}): due diligence "
                "is done again in a new request"
            ],
        )
    if stored is None:
        return DueDiligence(request_id, missing=[f"its request '{title}' is not assessed yet"])
    waiting = _waiting(entries)
    if waiting:
        return DueDiligence(
            request_id,
            missing=[
                f"due diligence of its request '{title}' is not complete: " + " ".join(waiting)
            ],
        )
    return DueDiligence(request_id)


async def party(
    scope: TenantScope,
    partner_id: UUID,
    *,
    policy: diligence.PartnerPolicy | None = None,
    as_of: date | None = None,
) -> Verdict:
    """The clearance of one partner as a party to an MOU, now."""
    row = (
        await scope.select(PartnerOrganisation, PartnerOrganisation.id, PartnerOrganisation.name)
        .where(PartnerOrganisation.id == partner_id)
        .first()
    )
    if row is None:
        raise NotFound(f"no partner {partner_id}")
    name = str(row["name"])
    day = as_of or await clock.today(scope)
    policy = policy or await diligence.partner_policy(scope)
    if policy is None:
        return Verdict(
            "not_cleared",
            ("the association has no policy for partner organisations, so nobody is cleared",),
            day,
            partner_id,
            name,
        )
    required = policy.required_lists
    screening = await cases.screening_state(scope, partner_id, required)
    found = await due_diligence(scope, partner_id, name)
    return judge(
        screening,
        required,
        as_of=day,
        adverse=found.adverse,
        missing=found.missing,
        partner_id=partner_id,
        name=name,
    )


async def of_parties(scope: TenantScope, partner_ids: Iterable[UUID]) -> list[Verdict]:
    """Each party's clearance, by name."""
    policy = await diligence.partner_policy(scope)
    day = await clock.today(scope)
    verdicts = [await party(scope, p, policy=policy, as_of=day) for p in partner_ids]
    return sorted(verdicts, key=lambda v: v.name)


def refusal(verdicts: Iterable[Verdict]) -> str | None:
    """Why these parties may not be dealt with now, naming each one; None when all
    are clear."""
    unclear = [v.sentence() for v in verdicts if not v.clear]
    return "; ".join(unclear) if unclear else None


def papers(verdicts: Sequence[Verdict]) -> str:
    """The clearance section of a motion's papers."""
    if not verdicts:
        return "Clearance of the parties: no party named"
    lines = ["Clearance of the parties (sanctions screening and due diligence):"]
    lines += [f"- {v.line()}" for v in verdicts]
    return "\n".join(lines)


# -- signatories ------------------------------------------------------------------------


@dataclass(frozen=True)
class Signatory:
    """A person named to sign an MOU for a partner: the `mou_signatory` row."""

    id: UUID
    partner_id: UUID
    name: str


async def screen_signatories(
    scope: TenantScope,
    context: cases.ScreeningContext,
    signatories: Sequence[Signatory],
    *,
    actor: Actor,
) -> list[UUID]:
    """Inside the caller's write transaction: screen each person named to sign for a
    partner against the lists, keep the result, open a case for each hit (the
    coordinators are told). The ids of the cases opened."""
    by_partner: dict[UUID, list[cases.Subject]] = {}
    for person in signatories:
        names = tuple(dict.fromkeys(n for n in (person.name.strip(),) if n))
        by_partner.setdefault(person.partner_id, []).append(
            cases.Subject(
                person.partner_id, None, person.name, names, None, None, signatory_id=person.id
            )
        )
    opened: list[UUID] = []
    for subjects in by_partner.values():
        outcome = await cases.run_screening(
            scope, context, subjects, trigger="signing", request_id=None, actor=actor
        )
        opened += outcome.opened
    return opened


def lists_missing(context: cases.ScreeningContext) -> list[str]:
    """Required lists with no stored version: nobody can be screened against them."""
    loaded = {version.split("@", 1)[0] for version in context.versions}
    if not loaded:
        return list(context.required_lists) or ["any sanctions list"]
    return [name for name in context.required_lists if name not in loaded]


def verdict_json(verdict: Verdict) -> dict[str, Any]:
    return {
        "status": verdict.status,
        "reasons": list(verdict.reasons),
        "as_of": verdict.as_of.isoformat(),
    }
