"""Applications to an intake: applying (decided by the scheme's policy), admitting,
refusing and withdrawing, reading them, and their status from the partnerships they hold.

Every change runs in one `write_transaction()` with its audit event (`mentoring.*`);
notifications go out through `registry.notifications.service.notify` in the same
transaction. A member sees only their own applications.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from policies import Decision, Policy, SubjectError, evaluate
from policies.dates import human_date
from registry.audit.ledger import Actor, lock_head
from registry.members.service import with_register
from registry.mentoring import domain, languages
from registry.mentoring.records import (
    _created,
    _date,
    _json,
    _opt_date,
    _opt_uuid,
    _row,
    is_coordinator,
    is_reader,
)
from registry.mentoring.schemas import (
    ApplicationIn,
    ApplicationOut,
    FeeOut,
)
from registry.mentoring.schemes import _intake_with_scheme, intake_dates, scheme_policy
from registry.mentoring.tables import (
    MentoringApplication,
    MentoringIntake,
)
from registry.notifications.service import notify, people_with_role
from tenants import clock
from tenants.database import as_datetime, as_uuid, fetch, write_transaction
from tenants.errors import Conflict, Forbidden, InvalidInput, NotFound
from tenants.roles import Role
from tenants.scope import TenantScope


def _fee_out(row: dict[str, Any]) -> FeeOut:
    return FeeOut(
        state=row["fee_state"],
        amount=float(row["fee_amount"] or 0),
        currency=row["fee_currency"],
        due_from=_opt_date(row["fee_due_from"]),
        due_by=_opt_date(row["fee_due_by"]),
        changed_at=as_datetime(row["fee_changed_at"]),
        note=row["fee_note"] or "",
    )


def _application_out(row: dict[str, Any], held: int = 0) -> ApplicationOut:
    """The application with its partnerships: `held` is how many it holds that have not
    ended (what its status and free places follow from)."""
    decision = _json(row["decision"]) or {}
    reasons = [entry["reason"] for entry in decision.get("rules", []) if not entry["passed"]]
    return ApplicationOut(
        id=as_uuid(row["id"]),
        intake_id=as_uuid(row["intake"]),
        person_id=as_uuid(row["person"]),
        role=row["role"],
        status=row["status"],
        outcome=row["outcome"],
        reasons=reasons,
        decision=decision,
        interests=list(_json(row["interests"])),
        sector=row["sector"],
        career_stage=int(row["career_stage"]),
        years=int(row["years"]),
        country=row["country"],
        languages=languages.stored_codes(_json(row["languages"])),
        utc_offset=float(row["utc_offset"]),
        preference=row["preference"],
        partner_background=row["partner_background"] or "either",
        capacity=int(row["capacity"]),
        avoid=[as_uuid(p) for p in _json(row["avoid"])],
        pair_with=_opt_uuid(row["pair_with"]),
        rematch=bool(row["rematch"]),
        waitlist_reason=row["waitlist_reason"],
        fee=_fee_out(row),
        created_at=_created(row["created_at"]),
        partnerships=held,
        free_places=domain.places_left(row["role"], row["status"], int(row["capacity"]), held),
    )


async def _email_of(person_id: UUID) -> str:
    rows = await fetch("SELECT email FROM person WHERE id = {}", person_id)
    return str(rows[0]["email"]) if rows else ""


async def _is_member_of_tenant(scope: TenantScope, person_id: UUID) -> bool:
    rows = await scope.rows(
        "SELECT 1 AS found FROM membership WHERE tenant = {tenant} AND person = {} LIMIT 1",
        person_id,
    )
    return bool(rows)


def _country_code(field: str, value: str) -> str:
    from policies.regions import normalise_country

    try:
        return normalise_country(value)
    except ValueError as exc:
        raise InvalidInput(field, str(exc)) from None


async def _cohort(scope: TenantScope, intake: dict[str, Any]) -> dict[str, Any] | None:
    """Who is already in the round by country, for a country cap over planned places."""
    if intake["planned_places"] is None:
        return None
    rows = await scope.rows(
        "SELECT country, COUNT(*) AS n FROM mentoring_application WHERE tenant = {tenant}"
        " AND intake = {} AND status IN ('accepted', 'matched', 'waitlisted')"
        " GROUP BY country",
        as_uuid(intake["id"]),
    )
    return {
        "by_country": {row["country"]: int(row["n"]) for row in rows},
        "planned_size": int(intake["planned_places"]),
    }


def _subject(
    data: ApplicationIn,
    intake: dict[str, Any],
    policy: Policy,
    country: str,
    applied_on: date,
    cohort: dict[str, Any] | None,
) -> dict[str, Any]:
    """The policy subject of an application (see `accord policies schema`)."""
    experience = dict(data.experience)
    if not experience:
        # One answer, "years of experience", stands for every field the policy reads.
        experience = {field: float(data.years) for field in domain.experience_fields(policy)}
    subject: dict[str, Any] = {
        "kind": "applicant",
        "role": data.role,
        "intake": {
            "start": _date(intake["starts_on"]).isoformat(),
            "end": _date(intake["ends_on"]).isoformat(),
            "name": intake["name"],
        },
        "applied_on": applied_on.isoformat(),
        "joining": data.joining,
        "experience": experience,
        "country": country,
        "declarations": list(data.declarations),
    }
    if data.membership is not None:
        subject["membership"] = data.membership
    if data.role == "mentor":
        subject["mentees_requested"] = data.capacity
    if data.commitment is not None:
        subject["commitment"] = data.commitment
    if cohort is not None:
        subject["cohort"] = cohort
    return subject


def decide(
    policy: Policy, subject: dict[str, Any], dates: domain.IntakeDates, as_of: date
) -> Decision:
    """The policy's Decision on an application; the intake's own window decides when the
    policy has no window rule. A subject the policy cannot read is InvalidInput."""
    try:
        decision = evaluate(policy, subject, as_of=as_of)
    except SubjectError as exc:
        raise InvalidInput(exc.field or "subject", exc.message) from None
    if domain.window_rule(policy) is None:
        membership = subject.get("membership") or {}
        member = membership.get("status") in ("current", "financial")
        decision = domain.with_result(decision, domain.intake_window_result(dates, as_of, member))
    return decision


async def submit_application(
    scope: TenantScope,
    intake_id: UUID | str,
    data: ApplicationIn,
    *,
    actor: Actor,
    as_of: date | None = None,
) -> ApplicationOut:
    """Apply to an intake. The scheme's policy decides: ineligible (or outside the
    window) is Forbidden with its reasons and nothing is stored; refer stores the
    application as referred (a coordinator admits it); eligible stores it accepted."""
    as_of = as_of or await clock.today(scope)
    intake, scheme = await _intake_with_scheme(scope, intake_id)
    dates = intake_dates(intake)
    policy = await scheme_policy(scope, scheme)
    person = _applicant_person(data, actor)
    if person != actor.person_id and not await _is_member_of_tenant(scope, person):
        raise InvalidInput("person_id", f"{person} is not a member of this association")
    _check_role(scheme["mode"], data)
    vocabulary = set(_json(scheme["interests"]))
    interests = list(dict.fromkeys(i.strip().lower() for i in data.interests))
    unknown = [i for i in interests if i not in vocabulary]
    if unknown:
        raise InvalidInput(
            "interests",
            f"not in the scheme's vocabulary: {', '.join(unknown)} "
            f"(choose from: {', '.join(sorted(vocabulary))})",
        )
    country = _country_code("country", data.country)
    if person in data.avoid:
        raise InvalidInput("avoid", "an applicant cannot avoid themselves")
    if data.pair_with == person:
        raise InvalidInput("pair_with", "an applicant cannot pair with themselves")
    if data.pair_with is not None and not await _is_member_of_tenant(scope, data.pair_with):
        raise InvalidInput("pair_with", "both parties to an informal relationship must be members")
    if as_of > dates.ends_on:
        raise Conflict(f"the intake ended on {human_date(dates.ends_on)}")
    spoken = languages.codes(data.languages)
    async with write_transaction():
        await lock_head(scope.tenant_id)
        # One open application per person and intake; one withdrawn or refused is
        # history, and its owner may apply again while the window is open.
        existing = await (
            scope.select(MentoringApplication, MentoringApplication.id, MentoringApplication.status)
            .where(
                (MentoringApplication.intake == as_uuid(intake["id"]))
                & (MentoringApplication.person == person)
                & MentoringApplication.status.not_in(list(domain.CLOSED_APPLICATION))
            )
            .first()
        )
        if existing is not None:
            raise Conflict(f"this person has already applied to the intake ({existing['status']})")
        if data.pair_with is not None:
            await _check_informal_partner(scope, intake, person, data, country)
        subject = _subject(data, intake, policy, country, as_of, await _cohort(scope, intake))
        subject = await with_register(scope, subject, await _email_of(person))
        decision = decide(policy, subject, dates, as_of)
        if decision.outcome == "ineligible":
            refusals = [r.reason for r in decision.rules if r.effect == "ineligible"]
            raise Forbidden(
                f"the policy {policy.name!r} refuses this application: " + " ".join(refusals)
            )
        status = "accepted" if decision.outcome == "eligible" else "referred"
        fee_currency = domain.fee_currency(policy)
        row = await scope.create(
            MentoringApplication,
            intake=as_uuid(intake["id"]),
            person=person,
            role=data.role,
            status=status,
            interests=json.dumps(interests),
            sector=data.sector.strip().lower(),
            career_stage=data.career_stage,
            years=data.years,
            country=country,
            languages=json.dumps(spoken),
            utc_offset=data.utc_offset,
            preference=data.preference,
            partner_background=data.partner_background,
            capacity=data.capacity,
            avoid=json.dumps([str(p) for p in dict.fromkeys(data.avoid)]),
            pair_with=data.pair_with,
            subject=json.dumps(subject),
            decision=decision.to_json(),
            outcome=decision.outcome,
            fee_currency=fee_currency,
            created_at=datetime.now(UTC),
        )
        await actor.record(
            scope.tenant_id,
            "mentoring.application.submitted",
            "mentoring_application",
            row.id,
            {
                "intake": [None, intake["id"]],
                "person": [None, person],
                "role": [None, data.role],
                "status": [None, status],
                "outcome": [None, decision.outcome],
                "policy_sha256": [None, policy.sha256],
            },
        )
        if status == "referred":
            await notify(
                scope,
                await people_with_role(scope, Role.COORDINATOR),
                kind="mentoring.application.referred",
                subject=f"An application to {intake['name']} needs your decision",
                body=" ".join(decision.reasons) or "The policy refers it to a coordinator.",
                link=f"/t/{scope.slug}/mentoring/applications/{row.id}",
            )
    return await get_application(scope, row.id, actor=actor)


def _applicant_person(data: ApplicationIn, actor: Actor) -> UUID:
    """Members apply for themselves; a coordinator may enter a member's paper form."""
    if data.person_id is not None and data.person_id != actor.person_id:
        if not is_coordinator(actor):
            raise Forbidden("only a coordinator may apply on behalf of another person")
        return data.person_id
    if actor.person_id is None:
        raise InvalidInput("person_id", "say whose application this is")
    return actor.person_id


def _check_role(mode: str, data: ApplicationIn) -> None:
    if mode == "peer" and data.role != "peer":
        raise InvalidInput("role", "this is a peer round: apply as a peer")
    if mode == "mentor-mentee" and data.role == "peer":
        raise InvalidInput("role", "this scheme pairs mentors with mentees: apply as either")
    if data.role != "mentor" and data.capacity != 1:
        raise InvalidInput("capacity", "only mentors offer more than one place")


async def _check_informal_partner(
    scope: TenantScope, intake: dict[str, Any], person: UUID, data: ApplicationIn, country: str
) -> None:
    """Formalising an informal relationship: the partner's application, if in, must name
    this person back, be free, and take the other role."""
    other = await (
        scope.select(MentoringApplication)
        .where(
            (MentoringApplication.intake == as_uuid(intake["id"]))
            & (MentoringApplication.person == data.pair_with)
            & MentoringApplication.status.not_in(list(domain.CLOSED_APPLICATION))
        )
        .first()
    )
    if other is None:
        return
    if other["pair_with"] is not None and as_uuid(other["pair_with"]) != person:
        raise Conflict("the named partner applied to formalise a relationship with someone else")
    if other["status"] not in ("accepted", "referred", "waitlisted"):
        raise Conflict(f"the named partner's application is {other['status']}")
    roles = {other["role"], data.role}
    if roles not in ({"mentor", "mentee"}, {"peer"}):
        raise InvalidInput("role", f"the named partner applied as {other['role']} too")
    if roles == {"peer"} and other["country"] == country:
        raise InvalidInput("pair_with", "peers are partnered with colleagues in other countries")


async def _application_row(
    scope: TenantScope, application_id: UUID | str, actor: Actor
) -> dict[str, Any]:
    row = await _row(scope, MentoringApplication, application_id, "application")
    if not is_reader(actor) and as_uuid(row["person"]) != actor.person_id:
        raise NotFound(f"no application {application_id}")
    return row


async def get_application(
    scope: TenantScope, application_id: UUID | str, *, actor: Actor
) -> ApplicationOut:
    row = await _application_row(scope, application_id, actor)
    held = await _held_by_person(scope, as_uuid(row["person"]))
    return _application_out(row, held.get(str(as_uuid(row["id"])), 0))


HELD_BY_PERSON_SQL = (
    "SELECT application_a, application_b, person_a FROM mentoring_partnership"
    " WHERE tenant = {tenant} AND (person_a = {} OR person_b = {})"
    " AND state NOT IN ('withdrawn', 'terminated')"
)


async def _held_by_person(scope: TenantScope, person: UUID) -> dict[str, int]:
    """Partnerships not ended per application of one person, across the tenant."""
    held: dict[str, int] = {}
    for row in await scope.rows(HELD_BY_PERSON_SQL, person, person):
        side = "application_a" if as_uuid(row["person_a"]) == person else "application_b"
        app = str(as_uuid(row[side]))
        held[app] = held.get(app, 0) + 1
    return held


async def list_applications(
    scope: TenantScope, intake_id: UUID | str, *, actor: Actor, status: str | None = None
) -> list[ApplicationOut]:
    """The intake's applications (of one status, e.g. the waitlist): all of them for
    readers, one's own for a member."""
    intake = await _row(scope, MentoringIntake, intake_id, "intake")
    query = scope.select(MentoringApplication).where(
        MentoringApplication.intake == as_uuid(intake["id"])
    )
    if status is not None:
        query = query.where(MentoringApplication.status == status)
    if not is_reader(actor):
        query = query.where(MentoringApplication.person == actor.person_id)
    rows = await query.order_by(MentoringApplication.created_at)
    held, _ = await _partnership_links(scope, as_uuid(intake["id"]))
    return [_application_out(row, held.get(str(as_uuid(row["id"])), 0)) for row in rows]


async def my_applications(scope: TenantScope, *, actor: Actor) -> list[ApplicationOut]:
    rows = (
        await scope.select(MentoringApplication)
        .where(MentoringApplication.person == actor.person_id)
        .order_by(MentoringApplication.created_at)
    )
    if actor.person_id is None:
        return []
    held = await _held_by_person(scope, actor.person_id)
    return [_application_out(row, held.get(str(as_uuid(row["id"])), 0)) for row in rows]


async def admit_application(
    scope: TenantScope, application_id: UUID | str, *, actor: Actor
) -> ApplicationOut:
    """A coordinator admits an application the policy referred to them."""
    async with write_transaction():
        await lock_head(scope.tenant_id)
        row = await _application_row(scope, application_id, actor)
        if row["status"] != "referred":
            raise Conflict(f"only a referred application is admitted; this one is {row['status']}")
        await _set_application(scope, row, {MentoringApplication.status: "accepted"})
        await actor.record(
            scope.tenant_id,
            "mentoring.application.admitted",
            "mentoring_application",
            row["id"],
            {"status": ["referred", "accepted"]},
        )
    return await get_application(scope, application_id, actor=actor)


async def refuse_application(
    scope: TenantScope, application_id: UUID | str, reason: str, *, actor: Actor
) -> ApplicationOut:
    """A coordinator refuses an application the policy referred to them, with the
    reason, which the applicant is told; the person may apply again (the refused
    application stays, as history)."""
    async with write_transaction():
        await lock_head(scope.tenant_id)
        row = await _application_row(scope, application_id, actor)
        if row["status"] != "referred":
            raise Conflict(f"only a referred application is refused; this one is {row['status']}")
        await _set_application(scope, row, {MentoringApplication.status: "refused"})
        await actor.record(
            scope.tenant_id,
            "mentoring.application.refused",
            "mentoring_application",
            row["id"],
            {"status": ["referred", "refused"]},
            reason,
        )
        intake = await _row(scope, MentoringIntake, row["intake"], "intake")
        await notify(
            scope,
            [as_uuid(row["person"])],
            kind="mentoring.application.refused",
            subject=f"Your application to {intake['name']} was not accepted",
            body=f"{reason} You may apply again while applications are open.",
            link=f"/t/{scope.slug}/mentoring/applications/{row['id']}",
        )
    return await get_application(scope, application_id, actor=actor)


async def withdraw_application(
    scope: TenantScope, application_id: UUID | str, reason: str, *, actor: Actor
) -> ApplicationOut:
    """The applicant (or a coordinator) withdraws an application not yet matched; a
    matched person withdraws from their partnership instead."""
    async with write_transaction():
        await lock_head(scope.tenant_id)
        row = await _application_row(scope, application_id, actor)
        own = as_uuid(row["person"]) == actor.person_id
        if not own and not is_coordinator(actor):
            raise Forbidden("only the applicant or a coordinator withdraws an application")
        if row["status"] not in ("accepted", "referred", "waitlisted"):
            raise Conflict(
                f"the application is {row['status']}; a matched person withdraws from the "
                "partnership instead"
            )
        await _set_application(scope, row, {MentoringApplication.status: "withdrawn"})
        await actor.record(
            scope.tenant_id,
            "mentoring.application.withdrawn",
            "mentoring_application",
            row["id"],
            {"status": [row["status"], "withdrawn"]},
            reason,
        )
    return await get_application(scope, application_id, actor=actor)


async def _set_application(scope: TenantScope, row: dict[str, Any], values: dict[Any, Any]) -> None:
    await scope.update(MentoringApplication, values).where(
        MentoringApplication.id == as_uuid(row["id"])
    )


async def _set_applications(
    scope: TenantScope, ids: Iterable[UUID], values: dict[Any, Any]
) -> None:
    """The same values on many applications, a few hundred ids per statement."""
    wanted = sorted(ids)
    for start in range(0, len(wanted), 500):
        await scope.update(MentoringApplication, values).where(
            MentoringApplication.id.is_in(wanted[start : start + 500])
        )


LIVE_SQL = (
    "SELECT application_a, application_b, state FROM mentoring_partnership"
    " WHERE tenant = {tenant} AND intake = {}"
)


async def _partnership_links(
    scope: TenantScope, intake_id: UUID
) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Live partnerships held per application, and the pairs that parted (withdrawn or
    terminated) in this intake."""
    held: dict[str, int] = {}
    parted: list[tuple[str, str]] = []
    for row in await scope.rows(LIVE_SQL, intake_id):
        a, b = str(as_uuid(row["application_a"])), str(as_uuid(row["application_b"]))
        if row["state"] in ("withdrawn", "terminated"):
            parted.append((a, b))
            continue
        held[a] = held.get(a, 0) + 1
        held[b] = held.get(b, 0) + 1
    return held, parted
