"""Relationship requests: raised, submitted to the executive, screened, due diligence,
referred to the board, decided.

Each transition is a function named after it (`submit`, `receive`, `refer`, ...) that
checks the state and the caller's role (`states.check`), changes the request, records
its audit event and stores the policy's Decision, all in one write transaction.

Clearance is `registry.clearance`'s answer for the request's partner, with the
request's own live Decision: a confirmed hit on the partner, a current or former
officer or a signatory, or an adverse finding, blocks the request whatever the board
votes; an open case holds it; a required list not checked leaves it not cleared
(screening fails closed). Only a clear request is referred to the board, and the
board's result is applied only to a request still clear (`_decide`).

Importing this module registers the board's `relationship_request` handler
(`registry.board.service` imports it before opening or closing a motion).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, timedelta
from typing import Any
from uuid import UUID

import msgspec

from policies import Decision
from registry import clearance
from registry.audit.ledger import Actor
from registry.board.service import get_motion, latest_motion, on_motion_decided, open_motion
from registry.notifications.service import notify, people_with_role
from registry.relationships import cases, diligence, findings, records, reviews, states
from registry.relationships.partners import partner_row, summary
from registry.relationships.records import dumps, is_staff, loads, now, reads_all, request_row
from registry.relationships.schemas import (
    AttestationIn,
    AttestationOut,
    Clearance,
    DueDiligence,
    Personnel,
    PersonnelIn,
    PolicyUsed,
    Priority,
    ReasonIn,
    ReferIn,
    RequestIn,
    RequestOut,
    RequestPage,
    RequestPatch,
    RequestSummary,
    ReversalIn,
)
from registry.relationships.tables import (
    PartnerOrganisation,
    RelationshipAttestation,
    RelationshipRequest,
    ScreeningCase,
)
from tenants import clock
from tenants.database import as_datetime, as_uuid, write_transaction
from tenants.errors import Conflict, Forbidden, InvalidInput, NotFound
from tenants.roles import Role
from tenants.scope import TenantScope
from tenants.tables import Membership

SUBJECT_KIND = "relationship_request"
DEFAULT_MOTION_DAYS = 14
MAX_PERSONNEL = 100


# --- reading ----------------------------------------------------------------------------


def _check_visible(row: dict[str, Any], actor: Actor) -> None:
    """A member sees the requests they raised; another's is not found."""
    if reads_all(actor):
        return
    if row["raised_by"] is None or as_uuid(row["raised_by"]) != actor.person_id:
        raise NotFound(f"no relationship request {row['id']}")


async def _visible_row(scope: TenantScope, request_id: UUID | str, actor: Actor) -> dict[str, Any]:
    row = await request_row(scope, request_id)
    _check_visible(row, actor)
    return row


@dataclass(frozen=True)
class Assessment:
    """Everything the request's page and its transitions need to know about it now."""

    policy: diligence.PartnerPolicy | None
    decision: Decision | None
    clearance: Clearance
    screening: diligence.ScreeningState
    findings: findings.Findings

    @property
    def attestations(self) -> dict[str, dict[str, Any]]:
        """The finding in force of each kind."""
        return self.findings.standing

    @property
    def waiting(self) -> list[str]:
        if self.policy is None:
            return ["the association has no policy for partner organisations"]
        if self.decision is None:
            return []
        return diligence.waiting_for(self.decision)


def _clearance(verdict: clearance.Verdict) -> Clearance:
    return Clearance(status=verdict.status, reason=verdict.reason, as_of=verdict.as_of)


async def _board_vote(scope: TenantScope, row: dict[str, Any]) -> dict[str, Any] | None:
    if row["motion_id"] is None:
        return None
    motion = await latest_motion(scope, SUBJECT_KIND, as_uuid(row["id"]))
    if motion is None or motion.status == "open" or not motion.tally.quorate:
        return None  # a lapsed motion decided nothing
    tally = motion.tally
    return {
        "board_size": tally.board_size,
        "present": tally.present,
        "votes_for": tally.votes_for,
        "votes_against": tally.votes_against,
        "abstained": tally.abstained,
        "recused": tally.recused,
        **(
            {"decided_on": (await clock.day_of(scope, motion.closed_at)).isoformat()}
            if motion.closed_at
            else {}
        ),
    }


async def assess(scope: TenantScope, row: dict[str, Any]) -> Assessment:
    """The policy's view of the request now (nothing is stored)."""
    policy = await diligence.partner_policy(scope)
    partner = await partner_row(scope, row["partner"])
    required = policy.required_lists if policy is not None else []
    screening = await cases.screening_state(scope, as_uuid(row["partner"]), required)
    recorded = await findings.findings_of(scope, as_uuid(row["id"]))
    decision = None
    if policy is not None:
        subject = diligence.subject_for(row, partner, recorded.standing, screening)
        board = await _board_vote(scope, row)
        if board is not None:
            subject["board"] = board
        decision = diligence.decide(policy, subject, await clock.today(scope))
    verdict = clearance.judge(
        screening,
        required,
        as_of=await clock.today(scope),
        adverse=clearance.adverse_of(recorded, decision),
        draft=row["state"] == states.DRAFT,
        partner_id=as_uuid(row["partner"]),
        name=partner["name"],
    )
    return Assessment(policy, decision, _clearance(verdict), screening, recorded)


async def _store_assessment(
    scope: TenantScope, row: dict[str, Any], assessment: Assessment, actor: Actor
) -> None:
    """Keep the Decision, the priority and the policy version on the request; an
    audit event when the outcome or the priority changed."""
    decision = assessment.decision
    if decision is None or assessment.policy is None:
        return
    before = diligence.stored_decision(row["decision"])
    values = {
        RelationshipRequest.decision: decision.to_json(),
        RelationshipRequest.priority_score: decision.priority,
        RelationshipRequest.priority_reasons: dumps(diligence.priority_reasons(decision)),
        RelationshipRequest.policy_name: assessment.policy.name,
        RelationshipRequest.policy_version: assessment.policy.version,
    }
    await scope.update(RelationshipRequest, values).where(RelationshipRequest.id == row["id"])
    old_outcome = before["outcome"] if before else None
    if old_outcome != decision.outcome or row["priority_score"] != decision.priority:
        await actor.record(
            scope.tenant_id,
            "relationship_request.assessed",
            "relationship_request",
            row["id"],
            {
                "outcome": [old_outcome, decision.outcome],
                "priority": [row["priority_score"], decision.priority],
                "policy": [
                    None,
                    f"{assessment.policy.name} v{assessment.policy.version} "
                    f"({decision.policy.sha256[:12]})",
                ],
            },
            reason="; ".join(decision.reasons),
        )


def _attestation_out(finding: findings.Finding) -> AttestationOut:
    row = finding.row
    return AttestationOut(
        id=as_uuid(row["id"]),
        kind=row["kind"],
        details=row["details"] if isinstance(row["details"], dict) else loads(row["details"], {}),
        evidence=row["evidence"],
        evidence_sha256=row["evidence_sha256"] or None,
        attested_by=None if row["attested_by"] is None else as_uuid(row["attested_by"]),
        attested_at=finding.attested_at,
        status=finding.status,
        adverse=finding.adverse,
        reverses=finding.reverses,
        reversed_by=finding.reversed_by,
    )


async def _request_out(scope: TenantScope, row: dict[str, Any]) -> RequestOut:
    assessment = await assess(scope, row)
    partner = await partner_row(scope, row["partner"])
    stored = diligence.stored_decision(row["decision"])
    policy = None
    if stored is not None and row["policy_version"] is not None:
        policy = PolicyUsed(
            name=row["policy_name"],
            version=int(row["policy_version"]),
            label=stored["policy"]["version"],
            sha256=stored["policy"]["sha256"],
        )
    case_rows = await cases.partner_cases(scope, as_uuid(row["partner"]))
    waiting = assessment.waiting if row["state"] != states.DRAFT else ["not submitted yet"]
    held = assessment.clearance.status in ("held", "not_cleared", "not_screened")
    return RequestOut(
        id=as_uuid(row["id"]),
        state=row["state"],
        partner=summary(partner),
        kind=row["kind"],
        title=row["title"],
        raised_by=None if row["raised_by"] is None else as_uuid(row["raised_by"]),
        raised_as=row["raised_as"],
        on_behalf_of=row["on_behalf_of"],
        assistance=loads(row["assistance"], []),
        shared_interests=row["shared_interests"],
        expected_outcomes=row["expected_outcomes"],
        mutual_benefits=row["mutual_benefits"],
        sdgs=loads(row["sdgs"], []),
        personnel=[msgspec.convert(p, Personnel) for p in loads(row["personnel"], [])],
        priority=Priority(score=row["priority_score"], reasons=loads(row["priority_reasons"], [])),
        clearance=assessment.clearance,
        due_diligence=DueDiligence(
            complete=not waiting and not held,
            missing=waiting + ([assessment.clearance.reason or ""] if held else []),
        ),
        decision=stored,
        policy=policy,
        attestations=[_attestation_out(f) for f in assessment.findings.records],
        cases=[cases.case_out(c) for c in case_rows],
        motion_id=None if row["motion_id"] is None else as_uuid(row["motion_id"]),
        outcome_reason=row["outcome_reason"],
        submitted_at=as_datetime(row["submitted_at"]),
        decided_at=as_datetime(row["decided_at"]),
        next_review_due=reviews.as_date(row["next_review_due"]),
        reviews=[
            reviews.review_out(r) for r in await reviews.review_rows(scope, as_uuid(row["id"]))
        ],
        created_at=as_datetime(row["created_at"]),  # type: ignore[arg-type]
        updated_at=as_datetime(row["updated_at"]),  # type: ignore[arg-type]
    )


async def get_request(scope: TenantScope, request_id: UUID | str, actor: Actor) -> RequestOut:
    return await _request_out(scope, await _visible_row(scope, request_id, actor))


def summary_clearance(row: dict[str, Any], partner_cases: list[dict[str, Any]]) -> str:
    """The clearance status for a list or the export, from the partner's cases and the
    stored Decision (which names a required list that was not checked)."""
    if row["state"] == states.DRAFT:
        return "not_screened"
    statuses = {c["status"] for c in partner_cases}
    stored = diligence.stored_decision(row["decision"])
    if "confirmed" in statuses or clearance.adverse_findings((stored or {}).get("rules", [])):
        return "blocked"
    if "open" in statuses:
        return "held"
    for entry in (stored or {}).get("rules", []):
        if entry.get("kind") == "sanctions" and entry.get("data", {}).get("missing_lists"):
            return "not_cleared"
    return "clear"


async def _page(
    scope: TenantScope, rows: list[dict[str, Any]], limit: int, offset: int
) -> RequestPage:
    shown = rows[:limit]
    partner_ids = list({r["partner"] for r in shown})
    partners: dict[str, dict[str, Any]] = {}
    by_partner: dict[str, list[dict[str, Any]]] = {}
    if partner_ids:
        for p in await scope.select(PartnerOrganisation).where(
            PartnerOrganisation.id.is_in(partner_ids)
        ):
            partners[str(p["id"])] = p
        for c in await scope.select(
            ScreeningCase, ScreeningCase.partner, ScreeningCase.status
        ).where(ScreeningCase.partner.is_in(partner_ids)):
            by_partner.setdefault(str(c["partner"]), []).append(c)
    items = [
        RequestSummary(
            id=as_uuid(r["id"]),
            state=r["state"],
            title=r["title"],
            kind=r["kind"],
            partner=summary(partners[str(r["partner"])]),
            priority=Priority(score=r["priority_score"], reasons=loads(r["priority_reasons"], [])),
            clearance_status=summary_clearance(r, by_partner.get(str(r["partner"]), [])),  # type: ignore[arg-type]
            submitted_at=as_datetime(r["submitted_at"]),
            updated_at=as_datetime(r["updated_at"]),  # type: ignore[arg-type]
        )
        for r in shown
    ]
    return RequestPage(
        items=items,
        limit=limit,
        offset=offset,
        next_offset=offset + limit if len(rows) > limit else None,
    )


async def list_requests(
    scope: TenantScope,
    actor: Actor,
    *,
    limit: int,
    offset: int,
    state: str | None = None,
    partner_id: UUID | None = None,
) -> RequestPage:
    """Newest first; a member sees the requests they raised."""
    query = scope.select(RelationshipRequest)
    if not reads_all(actor):
        query = query.where(RelationshipRequest.raised_by == actor.person_id)
    if state is not None:
        query = query.where(RelationshipRequest.state == state)
    if partner_id is not None:
        query = query.where(RelationshipRequest.partner == partner_id)
    rows = (
        await query.order_by(RelationshipRequest.created_at, ascending=False)
        .order_by(RelationshipRequest.id)
        .limit(limit + 1)
        .offset(offset)
    )
    return await _page(scope, rows, limit, offset)


QUEUE_SQL = (
    "SELECT * FROM relationship_request WHERE tenant = {tenant} AND state IN ({}, {}, {})"
    " ORDER BY CASE WHEN priority_score IS NULL THEN 1 ELSE 0 END, priority_score DESC,"
    " submitted_at, id LIMIT {} OFFSET {}"
)


async def executive_queue(scope: TenantScope, *, limit: int, offset: int) -> RequestPage:
    """Requests awaiting the executive, highest regional priority first, then the
    longest waiting."""
    rows = await scope.rows(QUEUE_SQL, *states.QUEUE, limit + 1, offset)
    return await _page(scope, rows, limit, offset)


# --- raising and editing ----------------------------------------------------------------


async def _personnel(scope: TenantScope, people: list[PersonnelIn]) -> list[dict[str, Any]]:
    if len(people) > MAX_PERSONNEL:
        raise InvalidInput("personnel", f"at most {MAX_PERSONNEL} people")
    out = []
    for index, person in enumerate(people):
        where = f"personnel[{index}]"
        item: dict[str, Any] = {
            "name": records.required_text(person.name, f"{where}.name", 300),
            "kind": person.kind,
            "availability": records.text(person.availability, f"{where}.availability", 200),
        }
        if person.hours_per_month is not None:
            item["hours_per_month"] = person.hours_per_month
        if person.person_id is not None:
            member = await scope.count(Membership).where(Membership.person == person.person_id)
            if not member:
                raise InvalidInput(
                    f"{where}.person_id", f"{person.person_id} is not a member of the association"
                )
            item["person_id"] = str(person.person_id)
        out.append(item)
    return out


def _text_fields(data: RequestIn | RequestPatch) -> dict[str, Any]:
    limits = {
        "title": 300,
        "on_behalf_of": 300,
        "shared_interests": 20_000,
        "expected_outcomes": 20_000,
        "mutual_benefits": 20_000,
    }
    values: dict[str, Any] = {}
    for field, limit in limits.items():
        value = getattr(data, field)
        if value is msgspec.UNSET:
            continue
        if field == "title":
            values[field] = records.required_text(value, field, limit)
        else:
            values[field] = records.text(value, field, limit)
    for field in ("assistance", "sdgs"):
        value = getattr(data, field)
        if value is not msgspec.UNSET:
            values[field] = dumps(
                sorted(set(value)) if field == "sdgs" else list(dict.fromkeys(value))
            )
    if data.kind is not msgspec.UNSET:
        values["kind"] = data.kind
    return values


async def create_request(scope: TenantScope, data: RequestIn, actor: Actor) -> RequestOut:
    """A draft request raised by a member, a coordinator, or on a partner's behalf."""
    values = _text_fields(data)
    if data.raised_as == "coordinator" and Role.COORDINATOR.value not in actor.roles:
        raise InvalidInput("raised_as", "only a coordinator raises a request as coordinator")
    if data.raised_as == "partner" and not values.get("on_behalf_of"):
        raise InvalidInput("on_behalf_of", "say who at the partner asked for the relationship")
    personnel = await _personnel(scope, data.personnel)
    async with write_transaction():
        await records.serialise(scope)
        partner = await partner_row(scope, data.partner_id)
        moment = now()
        row = await scope.create(
            RelationshipRequest,
            partner=as_uuid(partner["id"]),
            state=states.DRAFT,
            raised_by=actor.person_id,
            raised_as=data.raised_as,
            personnel=dumps(personnel),
            created_at=moment,
            updated_at=moment,
            **values,
        )
        await actor.record(
            scope.tenant_id,
            "relationship_request.created",
            "relationship_request",
            row.id,
            {
                "state": [None, states.DRAFT],
                "partner": [None, partner["id"]],
                "kind": [None, data.kind],
                "title": [None, values["title"]],
                "raised_as": [None, data.raised_as],
            },
        )
    return await _request_out(scope, await request_row(scope, row.id))


async def _check_raiser_or_staff(row: dict[str, Any], actor: Actor, what: str) -> None:
    if is_staff(actor):
        return
    if row["raised_by"] is None or as_uuid(row["raised_by"]) != actor.person_id:
        raise Forbidden(
            f"only whoever raised the request, a coordinator or the executive may {what} it"
        )


async def update_request(
    scope: TenantScope, request_id: UUID | str, data: RequestPatch, actor: Actor
) -> RequestOut:
    values = _text_fields(data)
    if data.personnel is not msgspec.UNSET:
        values["personnel"] = dumps(await _personnel(scope, data.personnel))
    async with write_transaction():
        await records.serialise(scope)
        row = await _visible_row(scope, request_id, actor)
        await _check_raiser_or_staff(row, actor, "change")
        if row["state"] != states.DRAFT:
            raise Conflict(
                f"the request is {row['state'].replace('_', ' ')}: only a draft is changed; "
                "attestations are added to a submitted request"
            )
        changed = {k: [row[k], v] for k, v in values.items() if row[k] != v}
        if changed:
            await scope.update(RelationshipRequest, {**values, "updated_at": now()}).where(
                RelationshipRequest.id == row["id"]
            )
            await actor.record(
                scope.tenant_id,
                "relationship_request.updated",
                "relationship_request",
                row["id"],
                changed,
            )
    return await _request_out(scope, await request_row(scope, request_id))


# --- transitions ------------------------------------------------------------------------


async def _move(
    scope: TenantScope,
    row: dict[str, Any],
    transition: states.Transition,
    target: str,
    actor: Actor,
    *,
    reason: str = "",
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Set the new state (and `extra` columns), record `relationship_request.<name>`."""
    values: dict[str, Any] = {"state": target, "updated_at": now(), **(extra or {})}
    await scope.update(RelationshipRequest, values).where(RelationshipRequest.id == row["id"])
    changes: dict[str, Any] = {"state": [row["state"], target]}
    for key, value in (extra or {}).items():
        if key not in ("updated_at",):
            changes[key] = [row.get(key), value]
    await actor.record(
        scope.tenant_id,
        f"relationship_request.{transition.name}",
        "relationship_request",
        row["id"],
        changes,
        reason=reason,
    )
    return {**row, **values}


def _check_complete_for_submission(row: dict[str, Any]) -> None:
    missing = []
    if row["kind"] == "in_kind_support" and not loads(row["assistance"], []):
        missing.append("assistance: name the assistance asked for")
    if not row["expected_outcomes"].strip():
        missing.append("expected_outcomes: say what the relationship should achieve")
    if not row["mutual_benefits"].strip():
        missing.append("mutual_benefits: say how both sides benefit")
    if missing:
        raise Conflict("the draft cannot be submitted yet: " + "; ".join(missing))


async def submit(scope: TenantScope, request_id: UUID | str, actor: Actor) -> RequestOut:
    """To the executive: the partner and every officer are screened at once, cases
    open for hits, the Decision and regional priority are stored, the executive told."""
    await _visible_row(scope, request_id, actor)  # unknown before "no policy"
    policy = await diligence.require_partner_policy(scope)
    context = await cases.screening_context(scope)
    async with write_transaction():
        await records.serialise(scope)
        row = await _visible_row(scope, request_id, actor)
        states.check(states.SUBMIT, row["state"], actor.roles)
        await _check_raiser_or_staff(row, actor, "submit")
        _check_complete_for_submission(row)
        row = await _move(
            scope, row, states.SUBMIT, states.SUBMITTED, actor, extra={"submitted_at": now()}
        )
        partner_id = as_uuid(row["partner"])
        subjects = await cases.subjects_of(scope, partner_id)
        outcome = await cases.run_screening(
            scope,
            context,
            subjects,
            trigger="submission",
            request_id=as_uuid(row["id"]),
            actor=actor,
        )
        assessment = await assess(scope, row)
        await _store_assessment(scope, row, assessment, actor)
        executives = await people_with_role(scope, Role.EXECUTIVE)
        if executives:
            partner = await partner_row(scope, partner_id)
            score = assessment.decision.priority if assessment.decision else None
            await notify(
                scope,
                executives,
                kind="relationship_request.submitted",
                subject=f"Relationship request: {row['title']}",
                body=(
                    f"A request for a relationship with {partner['name']} "
                    f"({partner['country']}) awaits you. Regional priority: "
                    f"{score if score is not None else 'none'}; screening: "
                    f"{assessment.clearance.status}"
                    f"{f' ({len(outcome.opened)} case(s) opened)' if outcome.opened else ''}."
                    f" Policy {policy.name} v{policy.version}."
                ),
                link=f"/api/v1/t/{scope.slug}/relationship-requests/{row['id']}",
            )
    return await _request_out(scope, await request_row(scope, request_id))


async def receive(scope: TenantScope, request_id: UUID | str, actor: Actor) -> RequestOut:
    """The executive takes the request into due diligence: to `screening` while a
    sanctions question is open, else straight to `due_diligence`."""
    async with write_transaction():
        await records.serialise(scope)
        row = await request_row(scope, request_id)
        states.check(states.RECEIVE, row["state"], actor.roles)
        assessment = await assess(scope, row)
        status = assessment.clearance.status
        target = states.SCREENING if status in ("held", "not_cleared") else states.DUE_DILIGENCE
        row = await _move(
            scope, row, states.RECEIVE, target, actor, reason=assessment.clearance.reason or ""
        )
        await _store_assessment(scope, row, await assess(scope, row), actor)
    return await _request_out(scope, await request_row(scope, request_id))


def _attestation_values(data: AttestationIn) -> tuple[str, dict[str, Any]]:
    builtins = msgspec.to_builtins(data)
    kind = builtins.pop("kind")
    for key in ("evidence", "evidence_sha256"):
        builtins.pop(key, None)
    for key in ("text", "notes"):
        if key in builtins:
            builtins[key] = records.text(builtins[key], key, 20_000)
    if kind == "governance_justification" and not builtins["text"]:
        raise InvalidInput("text", "must not be empty")
    if kind in ("non_discrimination",):
        builtins["grounds"] = list(dict.fromkeys(builtins["grounds"]))
    return kind, builtins


#: The dated fields of findings: each names the day the finding was made.
DATED_FIELDS = ("assessed_on", "attested_on")


async def _check_dates(
    scope: TenantScope, partner: dict[str, Any], details: dict[str, Any]
) -> None:
    """No finding is dated in the future (the association's calendar) or before the
    partner was registered: either would misstate when due diligence was done."""
    today = await clock.today(scope)
    zone = await clock.zone_name(scope)
    created = as_datetime(partner["created_at"])
    registered = clock.today_in(zone, created) if created is not None else None
    for field in DATED_FIELDS:
        value = details.get(field)
        if not value:
            continue
        day = date.fromisoformat(str(value)[:10])
        if day > today:
            raise InvalidInput(
                field, f"{day.isoformat()} is in the future (today is {today.isoformat()})"
            )
        if registered is not None and day < registered:
            raise InvalidInput(
                field,
                f"{day.isoformat()} is before {partner['name']} was registered "
                f"({registered.isoformat()})",
            )


def _check_findings_open(row: dict[str, Any]) -> None:
    if row["state"] not in states.QUEUE:
        raise Conflict(
            f"the request is {row['state'].replace('_', ' ')}: findings are recorded "
            "between submission and referral"
        )


async def add_attestation(
    scope: TenantScope, request_id: UUID | str, data: AttestationIn, actor: Actor
) -> RequestOut:
    """A due-diligence finding, with who, when and evidence. The newest clean finding
    of a kind counts; an adverse one stands until reversed (`findings`); every one
    stays on record."""
    kind, details = _attestation_values(data)
    evidence = records.text(data.evidence, "evidence", 20_000)
    async with write_transaction():
        await records.serialise(scope)
        row = await request_row(scope, request_id)
        _check_findings_open(row)
        await _check_dates(scope, await partner_row(scope, row["partner"]), details)
        attestation = await scope.create(
            RelationshipAttestation,
            request=as_uuid(row["id"]),
            kind=kind,
            details=dumps(details),
            evidence=evidence,
            evidence_sha256=(data.evidence_sha256 or "").lower(),
            attested_by=actor.person_id,
            attested_at=now(),
        )
        adverse = findings.adverse_reason(kind, details)
        await actor.record(
            scope.tenant_id,
            "relationship_request.attested",
            "relationship_request",
            row["id"],
            {
                kind: [None, details],
                "attestation": [None, attestation.id],
                **({"adverse": [None, adverse]} if adverse else {}),
            },
            reason=evidence,
        )
        await _store_assessment(scope, row, await assess(scope, row), actor)
    return await _request_out(scope, await request_row(scope, request_id))


async def reverse_finding(
    scope: TenantScope, request_id: UUID | str, data: ReversalIn, actor: Actor
) -> RequestOut:
    """A coordinator reverses an adverse finding, naming it, with a reason and
    evidence: a new record beside it (both stay visible); the finding of its kind in
    force is then the newest one not reversed."""
    reason = records.required_text(data.reason, "reason", 5000)
    evidence = records.required_text(data.evidence, "evidence", 20_000)
    async with write_transaction():
        await records.serialise(scope)
        row = await request_row(scope, request_id)
        _check_findings_open(row)
        recorded = await findings.findings_of(scope, as_uuid(row["id"]))
        reversed_finding = findings.reversible(recorded, data.reverses)
        details = {
            "reverses": str(reversed_finding.id),
            "reverses_kind": reversed_finding.kind,
            "reason": reason,
        }
        reversal = await scope.create(
            RelationshipAttestation,
            request=as_uuid(row["id"]),
            kind=findings.REVERSAL,
            details=dumps(details),
            evidence=evidence,
            evidence_sha256=(data.evidence_sha256 or "").lower(),
            attested_by=actor.person_id,
            attested_at=now(),
        )
        await actor.record(
            scope.tenant_id,
            "relationship_request.finding_reversed",
            "relationship_request",
            row["id"],
            {
                "finding": [str(reversed_finding.id), None],
                "adverse": [reversed_finding.adverse, None],
                "reversal": [None, str(reversal.id)],
            },
            reason=f"{reason} (evidence: {evidence})",
        )
        await _store_assessment(scope, row, await assess(scope, row), actor)
    return await _request_out(scope, await request_row(scope, request_id))


NAMES_SQL = (
    "SELECT DISTINCT m.person, p.name, p.email FROM membership m JOIN person p"
    " ON p.id = m.person WHERE m.tenant = {tenant}"
)


async def _names(scope: TenantScope) -> dict[str, str]:
    """Members' names (else e-mail addresses) by person id, for the board papers."""
    rows = await scope.rows(NAMES_SQL)
    return {str(r["person"]): str(r["name"] or r["email"]) for r in rows}


def _papers(
    row: dict[str, Any],
    partner: dict[str, Any],
    assessment: Assessment,
    extra: str,
    names: dict[str, str] | None = None,
    zone: str = "UTC",
) -> str:
    decision = assessment.decision
    lines = [
        f"Relationship request: {row['title']}",
        f"Partner: {partner['name']} ({partner['country']}), {partner['kind']}",
        f"Kind: {row['kind']}; assistance: {', '.join(loads(row['assistance'], [])) or 'none'}",
        f"SDGs: {', '.join(str(s) for s in loads(row['sdgs'], [])) or 'none'}",
        f"Shared interests: {row['shared_interests']}",
        f"Expected outcomes: {row['expected_outcomes']}",
        f"Mutual benefits: {row['mutual_benefits']}",
        f"Regional priority: {decision.priority if decision else None}",
        f"Clearance of {partner['name']}: {clearance.WORDS[assessment.clearance.status]}"
        + (f" (as of {assessment.clearance.as_of})" if assessment.clearance.as_of else "")
        + (f" - {assessment.clearance.reason}" if assessment.clearance.reason else ""),
    ]
    if decision is not None:
        lines.append(
            f"Policy {decision.policy.name} {decision.policy.version} "
            f"({decision.policy.sha256}): {decision.outcome}"
        )
        lines += [f"- {entry.rule_id}: {entry.reason}" for entry in decision.rules]
    recorded = assessment.findings
    if recorded.records:
        standing = recorded.adverse
        lines += [
            "",
            "Adverse findings in force: "
            + ("; ".join(f.adverse or "" for f in standing) if standing else "none"),
            "Findings, in the order recorded:",
        ]
        lines += [findings.line(f, names, zone) for f in recorded.records]
    if extra.strip():
        lines += ["", extra.strip()]
    return "\n".join(lines)


async def refer(
    scope: TenantScope, request_id: UUID | str, data: ReferIn, actor: Actor
) -> RequestOut:
    """The executive refers a request whose due diligence is complete to the board:
    a motion opens on it, with the papers (the Decision and its reasons)."""
    papers_extra = records.text(data.papers, "papers", 20_000)
    closes_at = data.closes_at or now() + timedelta(days=DEFAULT_MOTION_DAYS)
    if closes_at.tzinfo is None:
        raise InvalidInput("closes_at", "a time with its offset, e.g. 2026-12-01T09:00:00Z")
    async with write_transaction():
        await records.serialise(scope)
        row = await request_row(scope, request_id)
        if row["state"] == states.REFERRED:
            states.check(states.REFER_AGAIN, row["state"], actor.roles)
            await _check_lapsed(scope, row)
        else:
            states.check(states.REFER, row["state"], actor.roles)
        assessment = await assess(scope, row)
        if assessment.clearance.status in ("held", "not_cleared", "blocked"):
            partner = await partner_row(scope, row["partner"])
            raise Conflict(
                f"cannot refer: {partner['name']} is "
                f"{clearance.WORDS[assessment.clearance.status]}: {assessment.clearance.reason}"
            )
        if assessment.waiting:
            raise Conflict(
                "cannot refer: due diligence is not complete: " + " ".join(assessment.waiting)
            )
        partner = await partner_row(scope, row["partner"])
        motion_id = await open_motion(
            scope,
            subject_kind=SUBJECT_KIND,
            subject_id=as_uuid(row["id"]),
            title=f"Relationship with {partner['name']}: {row['title']}"[:300],
            papers=_papers(
                row,
                partner,
                assessment,
                papers_extra,
                await _names(scope),
                await clock.zone_name(scope),
            ),
            closes_at=closes_at.astimezone(UTC),
            actor=actor,
        )
        row = await _move(
            scope,
            row,
            states.REFER,
            states.REFERRED,
            actor,
            extra={"motion_id": motion_id},
            reason=assessment.clearance.reason or "",
        )
        await _store_assessment(scope, row, assessment, actor)
    return await _request_out(scope, await request_row(scope, request_id))


async def _check_lapsed(scope: TenantScope, row: dict[str, Any]) -> None:
    """A referred request goes to the board again only after its motion lapsed."""
    motion = await latest_motion(scope, SUBJECT_KIND, as_uuid(row["id"]))
    if motion is None or motion.status == "open":
        raise Conflict(
            "cannot refer a request that is referred: its motion "
            f"{'is still open' if motion is not None else 'is missing'}"
        )
    if motion.tally.quorate:
        raise Conflict(
            f"cannot refer a request that is referred: motion {motion.id} was decided "
            f"({motion.status}); only a motion that lapsed for lack of quorum is put again"
        )


async def decline(
    scope: TenantScope, request_id: UUID | str, data: ReasonIn, actor: Actor
) -> RequestOut:
    reason = records.required_text(data.reason, "reason", 5000)
    async with write_transaction():
        await records.serialise(scope)
        row = await request_row(scope, request_id)
        states.check(states.DECLINE, row["state"], actor.roles)
        await _move(
            scope,
            row,
            states.DECLINE,
            states.REJECTED,
            actor,
            reason=reason,
            extra={"outcome_reason": f"declined by the executive: {reason}", "decided_at": now()},
        )
    return await _request_out(scope, await request_row(scope, request_id))


async def withdraw(
    scope: TenantScope, request_id: UUID | str, data: ReasonIn, actor: Actor
) -> RequestOut:
    reason = records.required_text(data.reason, "reason", 5000)
    async with write_transaction():
        await records.serialise(scope)
        row = await _visible_row(scope, request_id, actor)
        states.check(states.WITHDRAW, row["state"], actor.roles)
        await _check_raiser_or_staff(row, actor, "withdraw")
        await _move(
            scope,
            row,
            states.WITHDRAW,
            states.WITHDRAWN,
            actor,
            reason=reason,
            extra={"outcome_reason": f"withdrawn: {reason}", "decided_at": now()},
        )
    return await _request_out(scope, await request_row(scope, request_id))


# --- consequences -----------------------------------------------------------------------

SYSTEM_ROLES = (states.SYSTEM,)


async def after_screening_change(scope: TenantScope, partner_id: UUID, actor: Actor) -> None:
    """Inside the change's transaction: the partner's requests under way follow their
    screening. A request in due diligence with a case now open goes back to
    screening (held); one in screening whose questions are settled goes on to due
    diligence; a referred request whose motion carried is decided once settled."""
    rows = await scope.select(RelationshipRequest).where(
        (RelationshipRequest.partner == partner_id)
        & RelationshipRequest.state.is_in(sorted(states.OPEN))
    )
    for row in rows:
        assessment = await assess(scope, row)
        status = assessment.clearance.status
        unsettled = status in ("held", "not_cleared")
        moved = row["state"] in (states.DUE_DILIGENCE, states.SCREENING) and unsettled == (
            row["state"] == states.DUE_DILIGENCE
        )
        if row["state"] == states.DUE_DILIGENCE and unsettled:
            row = await _move(
                scope,
                row,
                states.HOLD,
                states.SCREENING,
                actor,
                reason=assessment.clearance.reason or "",
            )
        elif row["state"] == states.SCREENING and not unsettled:
            row = await _move(
                scope,
                row,
                states.RESOLVE,
                states.DUE_DILIGENCE,
                actor,
                reason="screening settled: " + status,
            )
        elif row["state"] == states.REFERRED and not unsettled and row["motion_id"] is not None:
            motion = await latest_motion(scope, SUBJECT_KIND, as_uuid(row["id"]))
            if motion is not None and motion.status != "open" and motion.carried:
                await _decide(scope, row, as_uuid(row["motion_id"]), True, actor)
                continue
        # The Decision reads the state (received_by), so a moved request is assessed again.
        await _store_assessment(
            scope, row, await assess(scope, row) if moved else assessment, actor
        )


async def _decide(
    scope: TenantScope, row: dict[str, Any], motion_id: UUID, carried: bool, actor: Actor
) -> None:
    assessment = await assess(scope, row)
    decision = assessment.decision
    clearance = assessment.clearance
    refusals = diligence.refusals(decision) if decision is not None else []
    if not carried:
        target, reason = states.REJECTED, f"the board did not carry motion {motion_id}"
    elif clearance.status == "blocked":
        target = states.REJECTED
        reason = f"motion {motion_id} carried, but {clearance.reason}"
    elif clearance.status in ("held", "not_cleared"):
        # The board said yes; approval waits until screening is settled again
        # (`after_screening_change` decides it then). Before the policy's refusals: an
        # open hit at the block score reads as a refusal there, but an open case holds,
        # and only its adjudication says whether it blocks.
        reason = f"motion {motion_id} carried; approval waits: {clearance.reason}"
        await scope.update(
            RelationshipRequest, {"outcome_reason": reason, "updated_at": now()}
        ).where(RelationshipRequest.id == row["id"])
        await actor.record(
            scope.tenant_id,
            "relationship_request.approval_held",
            "relationship_request",
            row["id"],
            {"outcome_reason": [row["outcome_reason"], reason]},
            reason=reason,
        )
        await _store_assessment(scope, row, assessment, actor)
        return
    elif refusals:
        target = states.REJECTED
        reason = f"motion {motion_id} carried, but the policy refuses it: " + " ".join(refusals)
    else:
        target, reason = states.APPROVED, f"the board carried motion {motion_id}"
    transition = states.APPROVE if target == states.APPROVED else states.REJECT
    states.check(transition, row["state"], SYSTEM_ROLES)
    extra: dict[str, Any] = {"outcome_reason": reason, "decided_at": now()}
    if target == states.APPROVED:
        # Every approved relationship comes up for review at the policy's interval.
        extra["next_review_due"] = await reviews.next_due(scope)
    row = await _move(scope, row, transition, target, actor, reason=reason, extra=extra)
    await _store_assessment(scope, row, await assess(scope, row), actor)
    people = [as_uuid(row["raised_by"])] if row["raised_by"] else []
    people += await people_with_role(scope, Role.EXECUTIVE, Role.COORDINATOR)
    await notify(
        scope,
        people,
        kind=f"relationship_request.{target}",
        subject=f"Relationship request {target}: {row['title']}",
        body=reason,
        link=f"/api/v1/t/{scope.slug}/relationship-requests/{row['id']}",
    )


@on_motion_decided(SUBJECT_KIND)
async def decide_by_board(
    scope: TenantScope, *, subject_id: UUID, motion_id: UUID, carried: bool, actor: Actor
) -> None:
    """The board decided: approved when the motion carried and nothing blocks or
    holds the request; rejected when it did not carry, or a confirmed hit (or another
    refusal of the policy) keeps it from approval whatever the vote."""
    row = await request_row(scope, subject_id)
    motion = await get_motion(scope, motion_id)
    if not carried and not motion.tally.quorate:
        await _lapse(scope, row, motion_id, actor)
        return
    await _decide(scope, row, motion_id, carried, actor)


async def _lapse(scope: TenantScope, row: dict[str, Any], motion_id: UUID, actor: Actor) -> None:
    """A motion that closed without a quorum decided nothing: the request stays
    referred, and the executive may put it to the board again (a new motion)."""
    reason = (
        f"motion {motion_id} lapsed for lack of quorum: the board did not decide; "
        "the executive may open a new motion"
    )
    await scope.update(RelationshipRequest, {"outcome_reason": reason, "updated_at": now()}).where(
        RelationshipRequest.id == row["id"]
    )
    await actor.record(
        scope.tenant_id,
        "relationship_request.motion_lapsed",
        "relationship_request",
        row["id"],
        {"motion": [str(motion_id), None], "outcome_reason": [row["outcome_reason"], reason]},
        reason=reason,
    )
    people = await people_with_role(scope, Role.EXECUTIVE)
    if people:
        await notify(
            scope,
            people,
            kind="relationship_request.motion_lapsed",
            subject=f"Motion lapsed (no quorum): {row['title']}",
            body=reason,
            link=f"/api/v1/t/{scope.slug}/relationship-requests/{row['id']}",
        )


async def request_clearance(scope: TenantScope, request_id: UUID | str) -> str | None:
    """None when nothing holds or blocks the request, else why."""
    row = await request_row(scope, request_id)
    assessment = await assess(scope, row)
    if assessment.clearance.status == "clear":
        return None
    return assessment.clearance.reason
