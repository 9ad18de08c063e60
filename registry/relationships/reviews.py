"""Periodic reviews of approved relationships, of every kind (in-kind support too).

An approved request's next review falls due one policy interval (the approval
rule's `review_interval_months`, else a year) after its approval and after each
review. The daily job opens the reviews that have fallen due; a coordinator or the
executive may open one sooner. A relationship governed by an MOU in force is
reviewed through the MOU's own reviews, so none is opened for it here.

A review records whether the relationship still benefits members and decides:
`continue`, `modify` (saying what changes), `end`, or `board` (a motion decides:
carried, it continues; lost, it ends; lapsed without a quorum, the review is open
again). One that finds the relationship no longer benefits members cannot simply
continue: the protocol asks the association to change or end it, or its board to
say why it goes on.
"""

from __future__ import annotations

from datetime import UTC, date, timedelta
from typing import Any
from uuid import UUID

from policies.dates import add_months
from registry.audit.ledger import Actor
from registry.board.service import approval_policy, get_motion, on_motion_decided, open_motion
from registry.notifications.service import notify, people_with_role
from registry.relationships import records, states
from registry.relationships.records import now
from registry.relationships.schemas import RelationshipReviewIn, RelationshipReviewOut
from registry.relationships.tables import (
    PartnerOrganisation,
    RelationshipRequest,
    RelationshipReview,
)
from tenants import clock
from tenants.database import as_datetime, as_uuid, fetch, write_transaction
from tenants.errors import Conflict, InvalidInput, NotFound
from tenants.roles import Role
from tenants.scope import TenantScope

SUBJECT_KIND = "relationship_review"
DEFAULT_INTERVAL_MONTHS = 12
DEFAULT_MOTION_DAYS = 14
#: MOU states in force: such a relationship is reviewed through its MOU.
MOU_IN_FORCE = ("active", "under_review", "renewed")


async def interval_months(scope: TenantScope) -> int:
    """The approval rule's review interval, else a year."""
    found = await approval_policy(scope)
    if found is not None and found[0].review_interval_months:
        return int(found[0].review_interval_months)
    return DEFAULT_INTERVAL_MONTHS


async def next_due(scope: TenantScope, after: date | None = None) -> date:
    """One interval after `after` (default: today in the association's calendar)."""
    day = after or await clock.today(scope)
    return add_months(day, await interval_months(scope))


def as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def review_out(row: dict[str, Any]) -> RelationshipReviewOut:
    due = as_date(row["due_on"])
    assert due is not None
    return RelationshipReviewOut(
        id=as_uuid(row["id"]),
        request_id=as_uuid(row["request"]),
        due_on=due,
        opened_at=as_datetime(row["opened_at"]),  # type: ignore[arg-type]
        benefits_members=None if row["benefits_members"] is None else bool(row["benefits_members"]),
        findings=row["findings"],
        decision=row["decision"],
        changes=row["changes"],
        motion_id=None if row["motion_id"] is None else as_uuid(row["motion_id"]),
        outcome=row["outcome"],
        decided_by=None if row["decided_by"] is None else as_uuid(row["decided_by"]),
        decided_at=as_datetime(row["decided_at"]),
    )


async def review_rows(scope: TenantScope, request_id: UUID) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await (
        scope.select(RelationshipReview)
        .where(RelationshipReview.request == request_id)
        .order_by(RelationshipReview.opened_at)
    )
    return rows


def _pending(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The review not yet decided (or put to the board and not yet decided)."""
    for row in rows:
        if row["decision"] is None or (row["decision"] == "board" and not row["outcome"]):
            return row
    return None


async def _partner_name(scope: TenantScope, partner_id: Any) -> str:
    row = (
        await scope.select(PartnerOrganisation, PartnerOrganisation.name)
        .where(PartnerOrganisation.id == partner_id)
        .first()
    )
    return str(row["name"]) if row else str(partner_id)


async def _open(scope: TenantScope, request: dict[str, Any], due_on: date, actor: Actor) -> UUID:
    review = await scope.create(
        RelationshipReview, request=as_uuid(request["id"]), due_on=due_on, opened_at=now()
    )
    await actor.record(
        scope.tenant_id,
        "relationship_request.review_opened",
        "relationship_request",
        request["id"],
        {"review": [None, str(review.id)], "due_on": [None, due_on]},
    )
    people = await people_with_role(scope, Role.COORDINATOR, Role.EXECUTIVE)
    if people:
        partner = await _partner_name(scope, request["partner"])
        await notify(
            scope,
            people,
            kind="relationship_request.review_due",
            subject=f"Review due: the relationship with {partner}",
            body=(
                f"{request['title']}: does the relationship still benefit members? Record the "
                "review and decide to continue, modify or end it, or put it to the board."
            ),
            link=f"/api/v1/t/{scope.slug}/relationship-requests/{request['id']}/reviews",
        )
    return as_uuid(review.id)


def _check_approved(request: dict[str, Any]) -> None:
    if request["state"] != states.APPROVED:
        raise Conflict(
            f"the request is {request['state'].replace('_', ' ')}: only an approved "
            "relationship is reviewed"
        )


async def list_reviews(scope: TenantScope, request_id: UUID | str) -> list[RelationshipReviewOut]:
    request = await records.request_row(scope, request_id)
    return [review_out(r) for r in await review_rows(scope, as_uuid(request["id"]))]


async def start_review(
    scope: TenantScope, request_id: UUID | str, actor: Actor
) -> RelationshipReviewOut:
    """Open the relationship's review now (the daily job opens it when due)."""
    async with write_transaction():
        await records.serialise(scope)
        request = await records.request_row(scope, request_id)
        _check_approved(request)
        rows = await review_rows(scope, as_uuid(request["id"]))
        pending = _pending(rows)
        if pending is not None:
            raise Conflict(f"review {pending['id']} of this relationship is still open")
        today = await clock.today(scope)
        due = as_date(request["next_review_due"]) or today
        review_id = await _open(scope, request, min(due, today), actor)
    return review_out(await _review_row(scope, review_id))


async def _review_row(scope: TenantScope, review_id: UUID) -> dict[str, Any]:
    row: dict[str, Any] | None = (
        await scope.select(RelationshipReview).where(RelationshipReview.id == review_id).first()
    )
    if row is None:
        raise NotFound(f"no review {review_id}")
    return row


async def _end(scope: TenantScope, request: dict[str, Any], reason: str, actor: Actor) -> None:
    states.check(states.END, request["state"], (states.SYSTEM,))
    moment = now()
    await scope.update(
        RelationshipRequest,
        {
            "state": states.ENDED,
            "outcome_reason": reason,
            "next_review_due": None,
            "updated_at": moment,
        },
    ).where(RelationshipRequest.id == request["id"])
    await actor.record(
        scope.tenant_id,
        "relationship_request.end",
        "relationship_request",
        request["id"],
        {
            "state": [request["state"], states.ENDED],
            "next_review_due": [as_date(request["next_review_due"]), None],
        },
        reason=reason,
    )


async def _schedule_next(
    scope: TenantScope, request: dict[str, Any], review: dict[str, Any]
) -> date:
    """One interval after the review: after the day it was due, or was decided if later."""
    today = await clock.today(scope)
    due_on = as_date(review["due_on"]) or today
    due = await next_due(scope, max(today, due_on))
    await scope.update(RelationshipRequest, {"next_review_due": due, "updated_at": now()}).where(
        RelationshipRequest.id == request["id"]
    )
    return due


def _check_decision(data: RelationshipReviewIn) -> tuple[str, str]:
    findings = records.text(data.findings, "findings", 20_000)
    changes = records.text(data.changes, "changes", 20_000)
    if data.decision == "continue" and not data.benefits_members:
        raise Conflict(
            "the review found that the relationship no longer benefits members: it cannot "
            "simply continue. Decide to modify it (say what changes), to end it, or put it "
            "to the board"
        )
    if data.decision == "modify" and not changes:
        raise InvalidInput("changes", "say what changes in the relationship")
    if not data.benefits_members and not findings:
        raise InvalidInput("findings", "say why the relationship no longer benefits members")
    return findings, changes


async def decide_review(
    scope: TenantScope, request_id: UUID | str, data: RelationshipReviewIn, actor: Actor
) -> RelationshipReviewOut:
    """Record the open review's findings and decision, and carry it out."""
    findings, changes = _check_decision(data)
    closes_at = data.closes_at or now() + timedelta(days=DEFAULT_MOTION_DAYS)
    if closes_at.tzinfo is None:
        raise InvalidInput("closes_at", "a time with its offset, e.g. 2026-12-01T09:00:00Z")
    async with write_transaction():
        await records.serialise(scope)
        request = await records.request_row(scope, request_id)
        _check_approved(request)
        review = _pending(await review_rows(scope, as_uuid(request["id"])))
        if review is None or review["decision"] is not None:
            raise Conflict(
                "no review of this relationship is open"
                if review is None
                else f"review {review['id']} is before the board (motion {review['motion_id']})"
            )
        values: dict[str, Any] = {
            "benefits_members": data.benefits_members,
            "findings": findings,
            "decision": data.decision,
            "changes": changes,
            "decided_by": actor.person_id,
            "decided_at": now(),
        }
        changed: dict[str, Any] = {
            "review": [None, str(review["id"])],
            "benefits_members": [None, data.benefits_members],
            "decision": [None, data.decision],
        }
        if changes:
            changed["changes"] = [None, changes]
        if data.decision == "board":
            partner = await _partner_name(scope, request["partner"])
            motion_id = await open_motion(
                scope,
                subject_kind=SUBJECT_KIND,
                subject_id=as_uuid(review["id"]),
                title=f"Review of the relationship with {partner}: {request['title']}"[:300],
                papers=_papers(request, partner, data, findings),
                closes_at=closes_at.astimezone(UTC),
                actor=actor,
            )
            values["motion_id"] = motion_id
            changed["motion"] = [None, str(motion_id)]
        else:
            values["outcome"] = {
                "continue": "continues",
                "modify": "continues, modified",
                "end": "ended",
            }[data.decision]
        await scope.update(RelationshipReview, values).where(RelationshipReview.id == review["id"])
        if data.decision in ("continue", "modify"):
            due = await _schedule_next(scope, request, review)
            changed["next_review_due"] = [as_date(request["next_review_due"]), due]
        await actor.record(
            scope.tenant_id,
            "relationship_request.reviewed",
            "relationship_request",
            request["id"],
            changed,
            reason=findings,
        )
        if data.decision == "end":
            await _end(
                scope, request, f"ended by review {review['id']}: {findings or 'no reason'}", actor
            )
    return review_out(await _review_row(scope, as_uuid(review["id"])))


def _papers(
    request: dict[str, Any], partner: str, data: RelationshipReviewIn, findings: str
) -> str:
    benefit = "still benefits" if data.benefits_members else "no longer benefits"
    return "\n".join(
        [
            f"Periodic review of the relationship with {partner}: {request['title']}",
            f"Kind: {request['kind']}",
            f"The review found that the relationship {benefit} members.",
            f"Findings: {findings or 'none recorded'}",
            "",
            "Carried, the relationship continues; lost, it ends; without a quorum the "
            "review stays open.",
        ]
    )


@on_motion_decided(SUBJECT_KIND)
async def on_review_motion_decided(
    scope: TenantScope, *, subject_id: UUID, motion_id: UUID, carried: bool, actor: Actor
) -> None:
    review = await _review_row(scope, subject_id)
    request = await records.request_row(scope, review["request"])
    motion = await get_motion(scope, motion_id)
    if not carried and not motion.tally.quorate:
        # The board decided nothing: the review is open again, to be decided anew.
        await scope.update(
            RelationshipReview,
            {"decision": None, "motion_id": None, "decided_by": None, "decided_at": None},
        ).where(RelationshipReview.id == review["id"])
        outcome = f"motion {motion_id} lapsed for lack of quorum; the review is open again"
    elif carried and request["state"] == states.APPROVED:
        outcome = f"the board carried motion {motion_id}: the relationship continues"
        await _schedule_next(scope, request, review)
        await scope.update(RelationshipReview, {"outcome": outcome}).where(
            RelationshipReview.id == review["id"]
        )
    else:
        outcome = f"the board did not carry motion {motion_id}: the relationship ends"
        await scope.update(RelationshipReview, {"outcome": outcome}).where(
            RelationshipReview.id == review["id"]
        )
        if request["state"] == states.APPROVED:
            await _end(scope, request, outcome, actor)
    await actor.record(
        scope.tenant_id,
        "relationship_request.review_decided",
        "relationship_request",
        request["id"],
        {"review": [None, str(review["id"])], "motion": [None, str(motion_id)]},
        reason=outcome,
    )


# --- the daily job ----------------------------------------------------------------------

DUE_SQL = (
    "SELECT r.id, r.tenant, t.slug, r.next_review_due FROM relationship_request r"
    " JOIN tenant t ON t.id = r.tenant"
    " WHERE r.state = 'approved' AND r.next_review_due IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM mou m WHERE m.request = r.id"
    " AND m.state IN ('active', 'under_review', 'renewed'))"
    " ORDER BY r.next_review_due"
)


async def open_due_reviews(
    *, actor: Actor, on: date | None = None, tenant: str | None = None
) -> list[RelationshipReviewOut]:
    """Every approved relationship (not governed by an MOU in force) whose review has
    fallen due, on `on` or today in its association's calendar, gets its review."""
    opened: list[RelationshipReviewOut] = []
    for row in await fetch(DUE_SQL):
        if tenant is not None and row["slug"] != tenant:
            continue
        scope = TenantScope(as_uuid(row["tenant"]), row["slug"])
        day = on or await clock.today(scope)
        due = as_date(row["next_review_due"])
        if due is None or due > day:
            continue
        async with write_transaction():
            await records.serialise(scope)
            request = await records.request_row(scope, row["id"])
            due = as_date(request["next_review_due"])
            if request["state"] != states.APPROVED or due is None or due > day:
                continue  # changed meanwhile
            if _pending(await review_rows(scope, as_uuid(request["id"]))) is not None:
                continue
            review_id = await _open(scope, request, due, actor)
        opened.append(review_out(await _review_row(scope, review_id)))
    return opened
