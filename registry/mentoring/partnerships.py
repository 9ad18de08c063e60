"""Partnerships through their states: accepting, activating, the midway review,
completing, the evaluation, withdrawal, termination (and removal from the scheme), and the
lifecycle dates they follow.

Every change runs in one `write_transaction()` with its audit event (`mentoring.*`);
notifications go out through `registry.notifications.service.notify` in the same
transaction. A member sees only their own partnerships.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from registry.audit.ledger import Actor, lock_head
from registry.mentoring import domain
from registry.mentoring.applications import _partnership_links, _set_application
from registry.mentoring.fees import _fees_fall_due
from registry.mentoring.records import (
    _created,
    _date,
    _json,
    _names,
    _opt_date,
    _opt_uuid,
    _row,
    is_coordinator,
    is_reader,
)
from registry.mentoring.schemas import (
    PartnershipOut,
)
from registry.mentoring.schemes import _intake_with_scheme
from registry.mentoring.tables import (
    MentoringApplication,
    MentoringIntake,
    MentoringMatchRun,
    MentoringPartnership,
)
from registry.notifications.service import notify, people_with_role
from tenants import clock
from tenants.database import as_datetime, as_uuid, write_transaction
from tenants.errors import Conflict, InvalidInput, NotFound
from tenants.roles import Role
from tenants.scope import TenantScope


def _partnership_out(
    row: dict[str, Any], mode: str, names: dict[UUID, tuple[str, str]]
) -> PartnershipOut:
    role_a, role_b = ("peer", "peer") if mode == "peer" else ("mentor", "mentee")
    name_a, email_a = names.get(as_uuid(row["person_a"]), ("", ""))
    name_b, email_b = names.get(as_uuid(row["person_b"]), ("", ""))
    return PartnershipOut(
        name_a=name_a,
        email_a=email_a,
        name_b=name_b,
        email_b=email_b,
        id=as_uuid(row["id"]),
        intake_id=as_uuid(row["intake"]),
        run_id=_opt_uuid(row["run"]),
        application_a=as_uuid(row["application_a"]),
        application_b=as_uuid(row["application_b"]),
        person_a=as_uuid(row["person_a"]),
        person_b=as_uuid(row["person_b"]),
        role_a=role_a,
        role_b=role_b,
        state=row["state"],
        score=float(row["score"]),
        breakdown={k: float(v) for k, v in (_json(row["breakdown"]) or {}).items()},
        pinned=bool(row["pinned"]),
        accepted_a_at=as_datetime(row["accepted_a_at"]),
        accepted_b_at=as_datetime(row["accepted_b_at"]),
        accepted_at=as_datetime(row["accepted_at"]),
        activated_at=as_datetime(row["activated_at"]),
        midway_review_at=as_datetime(row["midway_review_at"]),
        completed_at=as_datetime(row["completed_at"]),
        evaluated_at=as_datetime(row["evaluated_at"]),
        ended_at=as_datetime(row["ended_at"]),
        ended_by=_opt_uuid(row["ended_by"]),
        end_reason=row["end_reason"] or "",
        created_at=_created(row["created_at"]),
        active_from=_opt_date(row["active_from"]),
        completed_on=_opt_date(row["completed_on"]),
        completed_early=bool(row["completed_early"]),
        completion_reason=row["completion_reason"] or "",
    )


def _is_party(row: dict[str, Any], actor: Actor) -> bool:
    return actor.person_id is not None and actor.person_id in (
        as_uuid(row["person_a"]),
        as_uuid(row["person_b"]),
    )


async def _partnership_row(
    scope: TenantScope, partnership_id: UUID | str, actor: Actor
) -> dict[str, Any]:
    """The partnership, if the caller may see it: its parties and the tenant's readers."""
    row = await _row(scope, MentoringPartnership, partnership_id, "partnership")
    if not is_reader(actor) and not _is_party(row, actor):
        raise NotFound(f"no partnership {partnership_id}")
    return row


async def get_partnership(
    scope: TenantScope, partnership_id: UUID | str, *, actor: Actor
) -> PartnershipOut:
    row = await _partnership_row(scope, partnership_id, actor)
    _, scheme = await _intake_with_scheme(scope, row["intake"])
    names = await _names(scope, [as_uuid(row["person_a"]), as_uuid(row["person_b"])])
    return _partnership_out(row, scheme["mode"], names)


async def list_partnerships(
    scope: TenantScope,
    *,
    actor: Actor,
    intake_id: UUID | str | None = None,
    state: str | None = None,
) -> list[PartnershipOut]:
    """Partnerships the caller may see: all of the tenant's (of one intake) for readers,
    their own for a member."""
    query = scope.select(MentoringPartnership)
    if intake_id is not None:
        intake = await _row(scope, MentoringIntake, intake_id, "intake")
        query = query.where(MentoringPartnership.intake == as_uuid(intake["id"]))
    if state is not None:
        query = query.where(MentoringPartnership.state == state)
    if not is_reader(actor):
        query = query.where(
            (MentoringPartnership.person_a == actor.person_id)
            | (MentoringPartnership.person_b == actor.person_id)
        )
    rows = await query.order_by(MentoringPartnership.created_at)
    modes: dict[UUID, str] = {}
    found: list[PartnershipOut] = []
    names = await _names(
        scope, [as_uuid(row[side]) for row in rows for side in ("person_a", "person_b")]
    )
    for row in rows:
        intake_uuid = as_uuid(row["intake"])
        if intake_uuid not in modes:
            _, scheme = await _intake_with_scheme(scope, intake_uuid)
            modes[intake_uuid] = scheme["mode"]
        found.append(_partnership_out(row, modes[intake_uuid], names))
    return found


async def _transition(
    scope: TenantScope,
    partnership_id: UUID | str,
    name: str,
    *,
    actor: Actor,
    reason: str = "",
    in_breach: UUID | None = None,
    first_day: date | None = None,
) -> PartnershipOut:
    """One named transition of a partnership, checked for state, role and the
    intake's calendar in the association's time zone, with its audit event
    (`mentoring.partnership.<event>`: accepted_by_party when only one party has
    accepted yet) in the same transaction. `first_day`: the day contact began, when
    a meeting held earlier than today is what makes the partnership active."""
    as_of = await clock.today(scope)
    async with write_transaction():
        await lock_head(scope.tenant_id)
        row = await _partnership_row(scope, partnership_id, actor)
        intake, scheme = await _intake_with_scheme(scope, row["intake"])
        acting_as: set[domain.Actor] = set()
        if _is_party(row, actor):
            acting_as.add("party")
        if is_coordinator(actor):
            acting_as.add("coordinator")
        step = domain.check_transition(
            name, row["state"], acting_as, as_of, _schedule(intake, row), reason=reason
        )
        transition = step.transition
        if name == "accept":
            await _check_published(scope, row)
        now = datetime.now(UTC)
        state = row["state"]
        values: dict[Any, Any] = {}
        changes: dict[str, list[Any]] = {}
        if name == "activate":
            began = max(first_day or as_of, _date(intake["starts_on"]))
            values[MentoringPartnership.active_from] = began
            changes["active_from"] = [None, began.isoformat()]
        if name == "complete":
            # Completed after the intake's end (the closing job, a late survey): it ran
            # to the end, and nothing continues past it.
            ended = as_of if step.early else min(as_of, _date(intake["ends_on"]))
            values[MentoringPartnership.completed_on] = ended
            values[MentoringPartnership.completed_early] = step.early
            values[MentoringPartnership.completion_reason] = reason.strip()
            changes["completed_on"] = [None, ended.isoformat()]
            changes["completed_early"] = [False, step.early]
        if name == "accept":
            side = "a" if actor.person_id == as_uuid(row["person_a"]) else "b"
            column = f"accepted_{side}_at"
            if row[column] is not None:
                raise Conflict(f"you accepted this partnership on {as_datetime(row[column])}")
            values[getattr(MentoringPartnership, column)] = now
            other = row["accepted_b_at" if side == "a" else "accepted_a_at"]
            if other is not None:
                state = transition.target
                values[MentoringPartnership.accepted_at] = now
        else:
            state = transition.target
            stamp = {
                "activate": MentoringPartnership.activated_at,
                "midway_review": MentoringPartnership.midway_review_at,
                "complete": MentoringPartnership.completed_at,
                "evaluate": MentoringPartnership.evaluated_at,
                "withdraw": MentoringPartnership.ended_at,
                "terminate": MentoringPartnership.ended_at,
            }[name]
            values[stamp] = now
        if name in ("withdraw", "terminate"):
            values[MentoringPartnership.ended_by] = actor.person_id
            values[MentoringPartnership.end_reason] = reason
        values[MentoringPartnership.state] = state
        await scope.update(MentoringPartnership, values).where(
            MentoringPartnership.id == as_uuid(row["id"])
        )
        action = "accepted_by_party" if state == row["state"] else transition.event
        await actor.record(
            scope.tenant_id,
            f"mentoring.partnership.{action}",
            "mentoring_partnership",
            row["id"],
            {"state": [row["state"], state], **changes},
            reason,
        )
        if name == "accept" and state == "accepted":
            await _fees_fall_due(scope, row, scheme, as_of, actor)
        if name == "withdraw":
            assert actor.person_id is not None
            await _part(
                scope,
                row,
                intake,
                leaving=actor.person_id,
                status="withdrawn",
                reason=reason,
                actor=actor,
            )
        if name == "terminate" and in_breach is None:
            await _part(
                scope, row, intake, leaving=None, status="removed", reason=reason, actor=actor
            )
        if name == "terminate" and in_breach is not None:
            await _remove_from_scheme(
                scope, row, intake, scheme, in_breach=in_breach, reason=reason, actor=actor
            )
    return await get_partnership(scope, partnership_id, actor=actor)


def _schedule(intake: dict[str, Any], row: dict[str, Any]) -> domain.Schedule:
    early = _opt_date(row["completed_on"]) if row["completed_early"] else None
    return domain.Schedule(
        starts_on=_date(intake["starts_on"]),
        midway_review_on=_date(intake["midway_review_on"]),
        ends_on=_date(intake["ends_on"]),
        completed_early_on=early,
    )


async def _check_published(scope: TenantScope, row: dict[str, Any]) -> None:
    """A partnership is accepted only once its match run is published (its parties
    were told): a draft's pairs are not offers."""
    if row["run"] is None:
        return
    run = await _row(scope, MentoringMatchRun, row["run"], "match run")
    if run["status"] != "published":
        raise Conflict(
            f"the match run that proposed this partnership is {run['status']}; "
            "a partnership is accepted only after its run is published"
        )


BREACHER_LIVE_SQL = (
    "SELECT x.* FROM mentoring_partnership x JOIN mentoring_intake i ON i.id = x.intake"
    " WHERE x.tenant = {tenant} AND i.scheme = {} AND (x.person_a = {} OR x.person_b = {})"
    " AND x.state IN ('proposed', 'accepted', 'active', 'midway_review_done')"
    " ORDER BY x.created_at"
)

BREACHER_APPLICATIONS_SQL = (
    "SELECT a.id, a.status FROM mentoring_application a"
    " JOIN mentoring_intake i ON i.id = a.intake"
    " WHERE a.tenant = {tenant} AND i.scheme = {} AND a.person = {}"
    " AND a.status NOT IN ('withdrawn', 'refused', 'removed')"
)


async def _remove_from_scheme(
    scope: TenantScope,
    row: dict[str, Any],
    intake: dict[str, Any],
    scheme: dict[str, Any],
    *,
    in_breach: UUID,
    reason: str,
    actor: Actor,
) -> None:
    """Termination for a breach is termination from the scheme (ALIA: misconduct may
    result in termination from the scheme): every other live partnership of the person
    in breach, in any intake of the scheme, ends with the same reason; each partner is
    told and goes first on the rematch list; every open application of theirs in the
    scheme is removed, so no run matches them again. `row` is already terminated."""
    now = datetime.now(UTC)
    scheme_id = as_uuid(scheme["id"])
    ended = [(row, intake)]
    for other in await scope.rows(BREACHER_LIVE_SQL, scheme_id, in_breach, in_breach):
        await scope.update(
            MentoringPartnership,
            {
                MentoringPartnership.state: "terminated",
                MentoringPartnership.ended_at: now,
                MentoringPartnership.ended_by: actor.person_id,
                MentoringPartnership.end_reason: reason,
            },
        ).where(MentoringPartnership.id == as_uuid(other["id"]))
        await actor.record(
            scope.tenant_id,
            "mentoring.partnership.terminated",
            "mentoring_partnership",
            other["id"],
            {"state": [other["state"], "terminated"], "in_breach": [None, str(in_breach)]},
            reason,
        )
        other_intake = (
            intake
            if as_uuid(other["intake"]) == as_uuid(intake["id"])
            else await _row(scope, MentoringIntake, other["intake"], "intake")
        )
        ended.append((other, other_intake))
    for partnership, where in ended:
        await _part(
            scope,
            partnership,
            where,
            leaving=in_breach,
            status="removed",
            reason=reason,
            actor=actor,
        )
    for app in await scope.rows(BREACHER_APPLICATIONS_SQL, scheme_id, in_breach):
        await _set_application(
            scope,
            app,
            {MentoringApplication.status: "removed", MentoringApplication.rematch: False},
        )
        await actor.record(
            scope.tenant_id,
            "mentoring.application.removed",
            "mentoring_application",
            app["id"],
            {"status": [app["status"], "removed"]},
            reason,
        )


async def _part(
    scope: TenantScope,
    row: dict[str, Any],
    intake: dict[str, Any],
    *,
    leaving: UUID | None,
    status: str,
    reason: str,
    actor: Actor,
) -> None:
    """After one partnership ended (withdrawn or terminated; `row` is already stored
    as ended): only that partnership changes. Each side's application follows from what
    it still holds (`domain.application_status`): whoever left is out of the intake once
    they hold nothing more (`status`: withdrawn or removed; a mentor who withdrew from
    one of her mentees stays matched to the others, with a free place), and the other
    party goes on the rematch list (matched first in the next run). With no one named
    as leaving (a termination without a party in breach), both leave this partnership.
    A person removed for a breach is out whatever else they hold (their other
    partnerships in the scheme end with this one)."""
    sides = [
        (as_uuid(row["person_a"]), row["application_a"]),
        (as_uuid(row["person_b"]), row["application_b"]),
    ]
    held, _ = await _partnership_links(scope, as_uuid(intake["id"]))
    stayers: list[UUID] = []
    for person, app_id in sides:
        app = await _row(scope, MentoringApplication, app_id, "application")
        holds = held.get(str(as_uuid(app_id)), 0)
        if leaving is None or person == leaving:
            breach = leaving is not None and status == "removed"
            after = status if breach else domain.application_status(holds, left=status)
            await _set_application(
                scope,
                app,
                {
                    MentoringApplication.status: after,
                    MentoringApplication.rematch: bool(app["rematch"]) and after == "matched",
                },
            )
            if after != app["status"]:
                await actor.record(
                    scope.tenant_id,
                    f"mentoring.application.{after}",
                    "mentoring_application",
                    app["id"],
                    {"status": [app["status"], after]},
                    reason,
                )
            continue
        still = holds > 0
        await _set_application(
            scope,
            app,
            {
                MentoringApplication.status: domain.application_status(holds),
                MentoringApplication.rematch: True,
            },
        )
        stayers.append(person)
        await actor.record(
            scope.tenant_id,
            "mentoring.application.rematch",
            "mentoring_application",
            app["id"],
            {"rematch": [bool(app["rematch"]), True]},
        )
        if app["fee_state"] == "due" and not still:
            # The allocation the fee rested on is gone: nothing is taken unless a new
            # partner is allocated and accepted, when it falls due again.
            await _set_application(
                scope,
                app,
                {
                    MentoringApplication.fee_state: "not_due",
                    MentoringApplication.fee_due_from: None,
                    MentoringApplication.fee_due_by: None,
                    MentoringApplication.fee_changed_at: datetime.now(UTC),
                },
            )
            await actor.record(
                scope.tenant_id,
                "mentoring.fee.not_due",
                "mentoring_application",
                app["id"],
                {"fee_state": ["due", "not_due"]},
                "the partner left before the fee was charged",
            )
    coordinators = await people_with_role(scope, Role.COORDINATOR)
    link = f"/t/{scope.slug}/mentoring/partnerships/{row['id']}"
    if stayers:
        await notify(
            scope,
            stayers,
            kind="mentoring.partner_left",
            subject=f"Your partnership in {intake['name']} has ended",
            body=(
                "Your partnership has ended: your partner withdrew from it, or was removed "
                "from the scheme. You are on the rematch list and will be matched first in "
                "the next run."
            ),
            link=link,
        )
    await notify(
        scope,
        coordinators,
        kind="mentoring.partnership_ended",
        subject=f"A partnership in {intake['name']} has ended",
        body=reason,
        link=link,
    )


async def accept_partnership(
    scope: TenantScope, partnership_id: UUID | str, *, actor: Actor
) -> PartnershipOut:
    """A party accepts the partnership agreement and plan; both: accepted."""
    return await _transition(scope, partnership_id, "accept", actor=actor)


async def activate_partnership(
    scope: TenantScope, partnership_id: UUID | str, *, actor: Actor, first_day: date | None = None
) -> PartnershipOut:
    """Contact has begun (on `first_day`, a meeting's day, or today), not before the
    intake's start."""
    return await _transition(scope, partnership_id, "activate", actor=actor, first_day=first_day)


async def record_midway_review(
    scope: TenantScope, partnership_id: UUID | str, *, actor: Actor
) -> PartnershipOut:
    return await _transition(scope, partnership_id, "midway_review", actor=actor)


async def complete_partnership(
    scope: TenantScope, partnership_id: UUID | str, *, actor: Actor, reason: str = ""
) -> PartnershipOut:
    """The partnership has run its course: from the intake's end date; before it, only
    a coordinator, with a `reason`, and it is recorded as completed early."""
    return await _transition(scope, partnership_id, "complete", actor=actor, reason=reason)


async def record_evaluation(
    scope: TenantScope, partnership_id: UUID | str, *, actor: Actor
) -> PartnershipOut:
    return await _transition(scope, partnership_id, "evaluate", actor=actor)


async def withdraw_from_partnership(
    scope: TenantScope, partnership_id: UUID | str, reason: str, *, actor: Actor
) -> PartnershipOut:
    """A party's formal withdrawal, with reason; the other party goes on the rematch list."""
    return await _transition(scope, partnership_id, "withdraw", actor=actor, reason=reason)


async def terminate_partnership(
    scope: TenantScope,
    partnership_id: UUID | str,
    reason: str,
    in_breach: UUID | None,
    *,
    actor: Actor,
) -> PartnershipOut:
    """A coordinator ends a partnership for a code-of-conduct breach."""
    if in_breach is not None:
        row = await _partnership_row(scope, partnership_id, actor)
        if in_breach not in (as_uuid(row["person_a"]), as_uuid(row["person_b"])):
            raise InvalidInput("in_breach", "name one of the two parties, or leave it out")
    return await _transition(
        scope, partnership_id, "terminate", actor=actor, reason=reason, in_breach=in_breach
    )


ENDED_LIVE_SQL = (
    "SELECT x.id FROM mentoring_partnership x JOIN mentoring_intake i ON i.id = x.intake"
    " WHERE x.tenant = {tenant} AND i.ends_on < {}"
    " AND x.state IN ('active', 'midway_review_done') ORDER BY x.created_at"
)


async def complete_ended(scope: TenantScope, as_of: date, *, actor: Actor) -> list[UUID]:
    """Complete every partnership still running after its intake's end: the
    association's involvement ends with the intake (the job behind
    `accord mentoring close-ended`). Each is one `complete` transition, audited.
    A day after the association's today is taken as today: no intake has ended yet
    that has not ended by then."""
    as_of = min(as_of, await clock.today(scope))
    done: list[UUID] = []
    for row in await scope.rows(ENDED_LIVE_SQL, as_of):
        await complete_partnership(scope, as_uuid(row["id"]), actor=actor)
        done.append(as_uuid(row["id"]))
    return done
