"""Mentoring schemes of a tenant, always through its `TenantScope`: schemes and
intakes, applications decided by the scheme's policy, match runs reviewed and
published, partnerships through their states, and the mentee fee.

Every change runs in one `write_transaction()` with its audit event (`mentoring.*`);
notifications go out through `registry.notifications.service.notify` in the same
transaction. Who may see what: readers of the tenant (coordinator, admin, auditor,
executive) see every scheme's records; a member sees only their own applications and
partnerships, and another person's is simply not found.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from uuid import UUID

from policies import Decision, Policy, PolicyError, SubjectError, evaluate, load_policy
from policies import load_preset as load_policy_preset
from policies.dates import human_date
from registry.audit.ledger import OPERATOR_ROLE, Actor, lock_head
from registry.members.service import with_register
from registry.mentoring import domain, languages
from registry.mentoring.pool import Applicant, check_pin, forbidden_pairs, propose, run_rows
from registry.mentoring.schemas import (
    ApplicationIn,
    ApplicationOut,
    FeeOut,
    IntakeCreate,
    IntakeOut,
    MatchRunOut,
    PairOut,
    PartnershipOut,
    SchemeCreate,
    SchemeOut,
    UnmatchedOut,
)
from registry.mentoring.tables import (
    MentoringApplication,
    MentoringIntake,
    MentoringMatchRun,
    MentoringPartnership,
    MentoringScheme,
)
from registry.notifications.service import notify, people_with_role
from registry.policies.service import get_policy
from tenants import clock
from tenants.database import as_datetime, as_uuid, fetch, write_transaction
from tenants.errors import Conflict, Forbidden, InvalidInput, NotFound
from tenants.roles import Role
from tenants.scope import TenantScope

#: Roles that read every mentoring record of their tenant.
READER_ROLES = frozenset({"coordinator", "admin", "auditor", "executive", OPERATOR_ROLE})
#: Roles that run schemes: create them, admit applications, match, terminate, fees.
COORDINATOR_ROLES = frozenset({"coordinator", "admin", OPERATOR_ROLE})

#: Applications in the pool of the next run (mentors also while they have places left).
POOL_STATUSES = ("accepted", "waitlisted")
MENTOR_POOL_STATUSES = ("accepted", "waitlisted", "matched")


def is_reader(actor: Actor) -> bool:
    return bool(READER_ROLES.intersection(actor.roles))


def is_coordinator(actor: Actor) -> bool:
    return bool(COORDINATOR_ROLES.intersection(actor.roles))


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _opt_date(value: Any) -> date | None:
    return None if value is None else _date(value)


def _opt_uuid(value: Any) -> UUID | None:
    return None if value is None else as_uuid(value)


def _created(value: Any) -> datetime:
    moment = as_datetime(value)
    assert moment is not None
    return moment


# --- schemes ----------------------------------------------------------------------------


async def _load_policy(scope: TenantScope, source: str, name: str) -> Policy:
    """The scheme's policy: a stored tenant policy at its current version, or a preset."""
    if source == "preset":
        try:
            return _preset(name)
        except PolicyError as exc:
            raise InvalidInput("preset", exc.message) from None
    stored = await get_policy(scope, name)
    try:
        return _stored(stored.sha256, stored.document, stored.format)
    except PolicyError as exc:
        raise Conflict(f"the stored policy {name!r} no longer loads: {exc}") from None


@lru_cache(maxsize=16)
def _preset(name: str) -> Policy:
    """A preset, parsed once: every application of a scheme reads it."""
    return load_policy_preset(name)


@lru_cache(maxsize=256)
def _stored(sha256: str, document: str, format: str) -> Policy:
    """A stored version, parsed once per document (a new version has a new hash)."""
    return load_policy(document, format="json" if format == "json" else "toml")


def _scheme_out(row: dict[str, Any]) -> SchemeOut:
    return SchemeOut(
        id=as_uuid(row["id"]),
        name=row["name"],
        mode=row["mode"],
        policy_source=row["policy_source"],
        policy_name=row["policy_name"],
        weights_preset=row["weights_preset"],
        interests=list(_json(row["interests"])),
        created_at=_created(row["created_at"]),
    )


async def create_scheme(scope: TenantScope, data: SchemeCreate, *, actor: Actor) -> SchemeOut:
    """A scheme under a stored tenant policy or a preset, whose roles fit its mode."""
    from registry.matching import weights_for_scheme

    if (data.policy is None) == (data.preset is None):
        raise InvalidInput("policy", "give either a stored policy's name or a preset, not both")
    source, name = ("tenant", data.policy) if data.policy else ("preset", data.preset)
    assert name is not None
    try:
        policy = await _load_policy(scope, source, name)
    except NotFound:
        raise InvalidInput("policy", f"the tenant has no policy {name!r}") from None
    if policy.subject_kind != "applicant":
        raise InvalidInput(
            "preset" if source == "preset" else "policy",
            f"{name!r} is a policy about partners, not applicants",
        )
    probe_role = "peer" if data.mode == "peer" else "mentee"
    allowed = domain.allowed_roles(policy)
    if allowed and probe_role not in allowed:
        raise InvalidInput(
            "mode", f"the policy {policy.name!r} admits {', '.join(allowed)}, not {data.mode}"
        )
    weights_preset = data.weights_preset or (
        policy.name if source == "preset" else _default_weights(policy.name, data.mode)
    )
    try:
        weights_for_scheme(weights_preset)
    except ValueError as exc:
        raise InvalidInput("weights_preset", str(exc)) from None
    interests = list(dict.fromkeys(i.strip().lower() for i in data.interests))
    async with write_transaction():
        await lock_head(scope.tenant_id)
        row = await scope.create(
            MentoringScheme,
            name=data.name,
            mode=data.mode,
            policy_source=source,
            policy_name=name,
            weights_preset=weights_preset,
            interests=json.dumps(interests),
            created_by=actor.person_id,
            created_at=datetime.now(UTC),
        )
        await actor.record(
            scope.tenant_id,
            "mentoring.scheme.created",
            "mentoring_scheme",
            row.id,
            {
                "name": [None, data.name],
                "mode": [None, data.mode],
                "policy": [None, f"{source}:{name}"],
                "policy_sha256": [None, policy.sha256],
            },
        )
    return await get_scheme(scope, row.id)


def _default_weights(policy_name: str, mode: str) -> str:
    """A stored policy keeps its preset's name inside (`[policy] name`); the weights of
    that preset, else those of the preset of the scheme's mode."""
    from policies import list_presets

    if policy_name in list_presets():
        return policy_name
    return "iln-peer" if mode == "peer" else "alia-mentoring"


async def get_scheme(scope: TenantScope, scheme_id: UUID | str) -> SchemeOut:
    return _scheme_out(await _scheme_row(scope, scheme_id))


async def _scheme_row(scope: TenantScope, scheme_id: UUID | str) -> dict[str, Any]:
    row = await _row(scope, MentoringScheme, scheme_id, "scheme")
    return row


async def _row(
    scope: TenantScope, table: type[Any], object_id: UUID | str, what: str
) -> dict[str, Any]:
    try:
        oid = object_id if isinstance(object_id, UUID) else UUID(str(object_id))
    except ValueError:
        raise NotFound(f"no {what} {object_id}") from None
    row: dict[str, Any] | None = await scope.select(table).where(table.id == oid).first()
    if row is None:
        raise NotFound(f"no {what} {oid}")
    return row


async def list_schemes(scope: TenantScope) -> list[SchemeOut]:
    rows = await scope.select(MentoringScheme).order_by(MentoringScheme.created_at)
    return [_scheme_out(row) for row in rows]


async def scheme_policy(scope: TenantScope, scheme: dict[str, Any]) -> Policy:
    return await _load_policy(scope, scheme["policy_source"], scheme["policy_name"])


# --- intakes ----------------------------------------------------------------------------


def _intake_out(row: dict[str, Any], mode: str) -> IntakeOut:
    return IntakeOut(
        id=as_uuid(row["id"]),
        scheme_id=as_uuid(row["scheme"]),
        name=row["name"],
        mode=mode,
        applications_open=_date(row["applications_open"]),
        members_only_until=_opt_date(row["members_only_until"]),
        applications_close=_date(row["applications_close"]),
        starts_on=_date(row["starts_on"]),
        midway_review_on=_date(row["midway_review_on"]),
        ends_on=_date(row["ends_on"]),
        evaluation_due_on=_date(row["evaluation_due_on"]),
        planned_places=row["planned_places"],
        created_at=_created(row["created_at"]),
    )


def intake_dates(row: dict[str, Any]) -> domain.IntakeDates:
    return domain.IntakeDates(
        applications_open=_date(row["applications_open"]),
        members_only_until=_opt_date(row["members_only_until"]),
        applications_close=_date(row["applications_close"]),
        starts_on=_date(row["starts_on"]),
        midway_review_on=_date(row["midway_review_on"]),
        ends_on=_date(row["ends_on"]),
        evaluation_due_on=_date(row["evaluation_due_on"]),
    )


async def create_intake(
    scope: TenantScope, scheme_id: UUID | str, data: IntakeCreate, *, actor: Actor
) -> IntakeOut:
    """An intake whose dates are set up from the scheme's policy (see `plan_intake`)."""
    scheme = await _scheme_row(scope, scheme_id)
    policy = await scheme_policy(scope, scheme)
    given = {
        "applications_open": data.applications_open,
        "members_only_until": data.members_only_until,
        "applications_close": data.applications_close,
        "midway_review_on": data.midway_review_on,
        "ends_on": data.ends_on,
    }
    dates = domain.plan_intake(policy, data.starts_on, given)
    term = policy.term()
    async with write_transaction():
        await lock_head(scope.tenant_id)
        if term is not None and term.rounds_per_year is not None:
            year = data.starts_on.year
            starts = await scope.select(MentoringIntake, MentoringIntake.starts_on).where(
                MentoringIntake.scheme == as_uuid(scheme["id"])
            )
            if sum(_date(r["starts_on"]).year == year for r in starts) >= term.rounds_per_year:
                raise InvalidInput(
                    "starts_on",
                    f"the policy {policy.name!r} runs {term.rounds_per_year} intake(s) a "
                    f"year and {year} has them already",
                )
        row = await scope.create(
            MentoringIntake,
            scheme=as_uuid(scheme["id"]),
            name=data.name,
            applications_open=dates.applications_open,
            members_only_until=dates.members_only_until,
            applications_close=dates.applications_close,
            starts_on=dates.starts_on,
            midway_review_on=dates.midway_review_on,
            ends_on=dates.ends_on,
            evaluation_due_on=dates.evaluation_due_on,
            planned_places=data.planned_places,
            created_by=actor.person_id,
            created_at=datetime.now(UTC),
        )
        await actor.record(
            scope.tenant_id,
            "mentoring.intake.created",
            "mentoring_intake",
            row.id,
            {
                "scheme": [None, scheme["id"]],
                "name": [None, data.name],
                "starts_on": [None, dates.starts_on.isoformat()],
                "ends_on": [None, dates.ends_on.isoformat()],
                "applications_open": [None, dates.applications_open.isoformat()],
                "applications_close": [None, dates.applications_close.isoformat()],
            },
        )
    return await get_intake(scope, row.id)


async def _intake_with_scheme(
    scope: TenantScope, intake_id: UUID | str
) -> tuple[dict[str, Any], dict[str, Any]]:
    intake = await _row(scope, MentoringIntake, intake_id, "intake")
    scheme = await _scheme_row(scope, intake["scheme"])
    return intake, scheme


async def get_intake(scope: TenantScope, intake_id: UUID | str) -> IntakeOut:
    intake, scheme = await _intake_with_scheme(scope, intake_id)
    return _intake_out(intake, scheme["mode"])


async def list_intakes(scope: TenantScope, scheme_id: UUID | str) -> list[IntakeOut]:
    scheme = await _scheme_row(scope, scheme_id)
    rows = (
        await scope.select(MentoringIntake)
        .where(MentoringIntake.scheme == as_uuid(scheme["id"]))
        .order_by(MentoringIntake.starts_on)
    )
    return [_intake_out(row, scheme["mode"]) for row in rows]


# --- applications -----------------------------------------------------------------------


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


# --- match runs -------------------------------------------------------------------------

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


PLACED_SQL = (
    "SELECT a.country, COUNT(DISTINCT a.id) AS n FROM mentoring_partnership x"
    " JOIN mentoring_application a ON a.id IN (x.application_a, x.application_b)"
    " WHERE x.tenant = {tenant} AND x.intake = {}"
    " AND x.state NOT IN ('withdrawn', 'terminated') GROUP BY a.country"
)


async def _placed_by_country(scope: TenantScope, intake_id: UUID) -> dict[str, int]:
    """Participants of the round's published partnerships, by country. A partnership
    that ended leaves the round (its stayer is back in the pool and counts if placed
    again); one that ran its course stays part of it."""
    rows = await scope.rows(PLACED_SQL, intake_id)
    return {str(row["country"]): int(row["n"]) for row in rows}


async def _pool(
    scope: TenantScope, intake: dict[str, Any]
) -> tuple[dict[str, Applicant], list[tuple[str, str]]]:
    """The intake's matching pool by application id, and the pairs that parted."""
    intake_id = as_uuid(intake["id"])
    held, parted = await _partnership_links(scope, intake_id)
    rows = await scope.select(MentoringApplication).where(MentoringApplication.intake == intake_id)
    pool: dict[str, Applicant] = {}
    for row in rows:
        app_id = str(as_uuid(row["id"]))
        mentor = row["role"] == "mentor"
        statuses = MENTOR_POOL_STATUSES if mentor else POOL_STATUSES
        places = int(row["capacity"]) - held.get(app_id, 0) if mentor else 1
        if row["status"] not in statuses or places <= 0:
            continue
        pool[app_id] = Applicant(
            id=app_id,
            person=str(as_uuid(row["person"])),
            role=row["role"],
            interests=frozenset(_json(row["interests"])),
            sector=row["sector"],
            career_stage=int(row["career_stage"]),
            years=int(row["years"]),
            country=row["country"],
            languages=frozenset(languages.stored_codes(_json(row["languages"]))),
            utc_offset=float(row["utc_offset"]),
            preference=row["preference"],
            capacity=places,
            avoid=frozenset(str(p) for p in _json(row["avoid"])),
            pair_with=None if row["pair_with"] is None else str(as_uuid(row["pair_with"])),
            rematch=bool(row["rematch"]),
            background=row["partner_background"] or "either",
        )
    return pool, parted


def _run_out(row: dict[str, Any]) -> MatchRunOut:
    return MatchRunOut(
        id=as_uuid(row["id"]),
        intake_id=as_uuid(row["intake"]),
        status=row["status"],
        pairs=[
            PairOut(
                a=as_uuid(p["a"]),
                b=as_uuid(p["b"]),
                score=float(p["score"]),
                breakdown={k: float(v) for k, v in p["breakdown"].items()},
                pinned=bool(p["pinned"]),
            )
            for p in _json(row["pairs"])
        ],
        unmatched=[
            UnmatchedOut(application=as_uuid(u["application"]), reason=u["reason"])
            for u in _json(row["unmatched"])
        ],
        pins=[[as_uuid(a), as_uuid(b)] for a, b in _json(row["pins"])],
        total_score=float(row["total_score"]),
        created_at=_created(row["created_at"]),
        published_at=as_datetime(row["published_at"]),
    )


async def _compute(
    scope: TenantScope,
    intake: dict[str, Any],
    scheme: dict[str, Any],
    pins: list[tuple[str, str]],
) -> tuple[dict[Any, Any], list[tuple[str, str]]]:
    """The engine's proposal for the intake's pool around `pins` (pins whose
    applications left the pool are dropped), as the run's stored fields."""
    policy = await scheme_policy(scope, scheme)
    pool, parted = await _pool(scope, intake)
    kept = [(a, b) for a, b in pins if a in pool and b in pool]
    cap, placed = None, {}
    if scheme["mode"] == "peer":
        # The cap is a property of the round: every run, the first or one over late
        # applicants and rematches, counts whoever the round has placed already.
        cap = domain.country_cap(policy)
        placed = await _placed_by_country(scope, as_uuid(intake["id"]))
    result = propose(
        scheme["mode"], scheme["weights_preset"], list(pool.values()), kept, parted, cap, placed
    )
    pairs, unmatched = run_rows(result)
    forbidden = sorted(sorted(pair) for pair in forbidden_pairs(list(pool.values()), parted))
    fields = {
        MentoringMatchRun.forbidden: json.dumps(forbidden),
        MentoringMatchRun.pairs: json.dumps(pairs),
        MentoringMatchRun.unmatched: json.dumps(unmatched),
        MentoringMatchRun.pins: json.dumps([list(pin) for pin in kept]),
        MentoringMatchRun.total_score: float(result.total_score),
    }
    return fields, kept


def _check_open(intake: dict[str, Any], as_of: date) -> None:
    ends_on = _date(intake["ends_on"])
    if as_of > ends_on:
        raise Conflict(f"the intake ended on {human_date(ends_on)}; nothing continues past it")


async def create_run(scope: TenantScope, intake_id: UUID | str, *, actor: Actor) -> MatchRunOut:
    """A draft run over the intake's pool; any earlier draft of the intake is discarded."""
    intake, scheme = await _intake_with_scheme(scope, intake_id)
    _check_open(intake, await clock.today(scope))
    fields, _ = await _compute(scope, intake, scheme, [])
    async with write_transaction():
        await lock_head(scope.tenant_id)
        await scope.update(MentoringMatchRun, {MentoringMatchRun.status: "discarded"}).where(
            (MentoringMatchRun.intake == as_uuid(intake["id"]))
            & (MentoringMatchRun.status == "draft")
        )
        row = await scope.create(
            MentoringMatchRun,
            intake=as_uuid(intake["id"]),
            status="draft",
            created_by=actor.person_id,
            created_at=datetime.now(UTC),
            **{column._meta.name: value for column, value in fields.items()},
        )
        await _record_run(scope, actor, "mentoring.match_run.created", row.id, fields)
    return await get_run(scope, row.id)


async def _record_run(
    scope: TenantScope,
    actor: Actor,
    action: str,
    run_id: Any,
    fields: dict[Any, Any],
    changes: dict[str, list[Any]] | None = None,
) -> None:
    pairs = json.loads(fields[MentoringMatchRun.pairs])
    unmatched = json.loads(fields[MentoringMatchRun.unmatched])
    await actor.record(
        scope.tenant_id,
        action,
        "mentoring_match_run",
        run_id,
        {
            "pairs": [None, len(pairs)],
            "unmatched": [None, len(unmatched)],
            "total_score": [None, round(float(fields[MentoringMatchRun.total_score]), 6)],
            **(changes or {}),
        },
    )


async def get_run(scope: TenantScope, run_id: UUID | str) -> MatchRunOut:
    return _run_out(await _row(scope, MentoringMatchRun, run_id, "match run"))


async def list_runs(scope: TenantScope, intake_id: UUID | str) -> list[MatchRunOut]:
    intake = await _row(scope, MentoringIntake, intake_id, "intake")
    rows = (
        await scope.select(MentoringMatchRun)
        .where(MentoringMatchRun.intake == as_uuid(intake["id"]))
        .order_by(MentoringMatchRun.created_at)
    )
    return [_run_out(row) for row in rows]


async def _draft(
    scope: TenantScope, run_id: UUID | str
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    run = await _row(scope, MentoringMatchRun, run_id, "match run")
    if run["status"] != "draft":
        raise Conflict(f"the run is {run['status']}; only a draft is reviewed or published")
    intake, scheme = await _intake_with_scheme(scope, run["intake"])
    _check_open(intake, await clock.today(scope))
    return run, intake, scheme


async def _store_review(
    scope: TenantScope,
    run_id: UUID | str,
    pins: list[tuple[str, str]],
    action: str,
    changes: dict[str, list[Any]],
    *,
    actor: Actor,
) -> MatchRunOut:
    """Compute the run again around `pins` and store it, if it is still the draft."""
    run, intake, scheme = await _draft(scope, run_id)
    fields, _ = await _compute(scope, intake, scheme, pins)
    async with write_transaction():
        await lock_head(scope.tenant_id)
        current = await _row(scope, MentoringMatchRun, run_id, "match run")
        if current["status"] != "draft" or current["pins"] != run["pins"]:
            raise Conflict("the run changed while it was being computed; review it again")
        await scope.update(MentoringMatchRun, fields).where(
            MentoringMatchRun.id == as_uuid(run["id"])
        )
        await _record_run(scope, actor, action, run["id"], fields, changes)
    return await get_run(scope, run_id)


async def rerun(scope: TenantScope, run_id: UUID | str, *, actor: Actor) -> MatchRunOut:
    """The draft computed again over the pool as it is now, keeping its pins."""
    run, _, _ = await _draft(scope, run_id)
    pins = [(str(a), str(b)) for a, b in _json(run["pins"])]
    return await _store_review(scope, run_id, pins, "mentoring.match_run.rerun", {}, actor=actor)


async def pin_pair(
    scope: TenantScope, run_id: UUID | str, a: UUID, b: UUID, *, actor: Actor
) -> MatchRunOut:
    """Fix two applications together and compute the draft again around the pin."""
    from registry.mentoring.corrections import named_refusal, pin_labels

    run, intake, scheme = await _draft(scope, run_id)
    pool, parted = await _pool(scope, intake)
    forbidden = forbidden_pairs(list(pool.values()), parted)
    labels = await pin_labels(scope, pool, [str(a), str(b)])
    pin = check_pin(pool, scheme["mode"], str(a), str(b), forbidden, labels)
    pins = _with_pin([(str(x), str(y)) for x, y in _json(run["pins"])], pin, scheme["mode"])
    try:
        return await _store_review(
            scope,
            run_id,
            pins,
            "mentoring.match_run.pinned",
            {"pin": [None, list(pin)]},
            actor=actor,
        )
    except Conflict as exc:
        raise await named_refusal(scope, pool, exc) from None


async def unpin_pair(
    scope: TenantScope, run_id: UUID | str, a: UUID, b: UUID, *, actor: Actor
) -> MatchRunOut:
    """Remove a coordinator's pin and compute the draft again without it. Informal
    pairs are pinned by the two applications themselves and stay pinned."""
    run, _, _ = await _draft(scope, run_id)
    pins = [(str(x), str(y)) for x, y in _json(run["pins"])]
    wanted = {str(a), str(b)}
    kept = [pin for pin in pins if set(pin) != wanted]
    if len(kept) == len(pins):
        raise Conflict("the coordinator has not pinned these two in this run")
    return await _store_review(
        scope,
        run_id,
        kept,
        "mentoring.match_run.unpinned",
        {"pin": [sorted(wanted), None]},
        actor=actor,
    )


def _with_pin(
    pins: list[tuple[str, str]], pin: tuple[str, str], mode: str
) -> list[tuple[str, str]]:
    """`pins` with `pin` added, dropping pins it overrides: any other pin of the same
    mentee (a mentor may hold several), or of either peer."""
    taken = set(pin) if mode == "peer" else {pin[0]}
    kept = [p for p in pins if not taken.intersection(p)]
    return [*kept, pin]


async def swap_partners(
    scope: TenantScope, run_id: UUID | str, first: UUID, second: UUID, *, actor: Actor
) -> MatchRunOut:
    """Exchange the partners of two applications paired in the draft (two mentees swap
    mentors; two peers swap partners); both new pairs are pinned."""
    run, intake, scheme = await _draft(scope, run_id)
    pool, parted = await _pool(scope, intake)
    forbidden = forbidden_pairs(list(pool.values()), parted)
    partner: dict[str, str] = {}
    for pair in _json(run["pairs"]):
        partner.setdefault(pair["a"], pair["b"])
        if scheme["mode"] == "peer":
            partner.setdefault(pair["b"], pair["a"])
    one, two = str(first), str(second)
    for field, app in (("first", one), ("second", two)):
        if app not in partner:
            what = "mentee" if scheme["mode"] == "mentor-mentee" else "peer"
            raise InvalidInput(field, f"not a {what} paired in this run")
    if one == two or partner[one] == two:
        raise InvalidInput("second", "choose two applications with different partners")
    from registry.mentoring.corrections import named_refusal, pin_labels

    pins = [(str(x), str(y)) for x, y in _json(run["pins"])]
    labels = await pin_labels(scope, pool, [one, two, partner[one], partner[two]])
    new_pairs = [
        check_pin(pool, scheme["mode"], one, partner[two], forbidden, labels),
        check_pin(pool, scheme["mode"], two, partner[one], forbidden, labels),
    ]
    for pin in new_pairs:
        pins = _with_pin(pins, pin, scheme["mode"])
    try:
        return await _store_review(
            scope,
            run_id,
            pins,
            "mentoring.match_run.swapped",
            {"swapped": [None, [one, two]]},
            actor=actor,
        )
    except Conflict as exc:
        raise await named_refusal(scope, pool, exc) from None


async def publish_run(scope: TenantScope, run_id: UUID | str, *, actor: Actor) -> MatchRunOut:
    """Publish a draft: one proposed partnership per pair, the unmatched on the waitlist
    with their reason, and both parties of every pair notified."""
    run, intake, scheme = await _draft(scope, run_id)
    mode = scheme["mode"]
    async with write_transaction():
        await lock_head(scope.tenant_id)
        run = await _row(scope, MentoringMatchRun, run_id, "match run")
        if run["status"] != "draft":
            raise Conflict(f"the run is {run['status']}; only a draft is published")
        pool, _ = await _pool(scope, intake)
        pairs = _json(run["pairs"])
        _check_still_poolable(pool, pairs)
        rows = {
            str(as_uuid(r["id"])): r
            for r in await scope.select(MentoringApplication).where(
                MentoringApplication.intake == as_uuid(intake["id"])
            )
        }
        now = datetime.now(UTC)
        created: list[tuple[Any, dict[str, Any], dict[str, Any]]] = []
        for pair in pairs:
            # The engine's pair is (mentee, mentor); a partnership's `a` is the mentor.
            first, second = (
                (pair["b"], pair["a"]) if mode == "mentor-mentee" else (pair["a"], pair["b"])
            )
            app_a, app_b = rows[first], rows[second]
            partnership = await scope.create(
                MentoringPartnership,
                intake=as_uuid(intake["id"]),
                run=as_uuid(run["id"]),
                application_a=as_uuid(first),
                application_b=as_uuid(second),
                person_a=as_uuid(app_a["person"]),
                person_b=as_uuid(app_b["person"]),
                state="proposed",
                score=float(pair["score"]),
                breakdown=json.dumps(pair["breakdown"]),
                pinned=bool(pair["pinned"]),
                created_at=now,
            )
            await actor.record(
                scope.tenant_id,
                "mentoring.partnership.proposed",
                "mentoring_partnership",
                partnership.id,
                {
                    "state": [None, "proposed"],
                    "application_a": [None, first],
                    "application_b": [None, second],
                    "score": [None, round(pair["score"], 6)],
                },
            )
            created.append((partnership.id, app_a, app_b))
        matched = {as_uuid(app["id"]) for _, a, b in created for app in (a, b)}
        await _set_applications(
            scope,
            matched,
            {
                MentoringApplication.status: "matched",
                MentoringApplication.rematch: False,
                MentoringApplication.waitlist_reason: None,
            },
        )
        waitlisted: list[UUID] = []
        by_reason: dict[str, set[UUID]] = {}
        for entry in _json(run["unmatched"]):
            app = rows[entry["application"]]
            if app["role"] == "mentor" and app["status"] == "matched":
                continue  # a mentor with partners already is not waiting
            by_reason.setdefault(entry["reason"], set()).add(as_uuid(app["id"]))
            waitlisted.append(as_uuid(app["person"]))
        for reason, apps in sorted(by_reason.items()):
            await _set_applications(
                scope,
                apps,
                {
                    MentoringApplication.status: "waitlisted",
                    MentoringApplication.waitlist_reason: reason,
                },
            )
        await scope.update(
            MentoringMatchRun,
            {MentoringMatchRun.status: "published", MentoringMatchRun.published_at: now},
        ).where(MentoringMatchRun.id == as_uuid(run["id"]))
        await actor.record(
            scope.tenant_id,
            "mentoring.match_run.published",
            "mentoring_match_run",
            run["id"],
            {
                "status": ["draft", "published"],
                "partnerships": [None, len(created)],
                "waitlisted": [None, len(waitlisted)],
            },
        )
        await _announce(scope, intake, mode, created, waitlisted)
    return await get_run(scope, run_id)


def _check_still_poolable(pool: dict[str, Applicant], pairs: list[dict[str, Any]]) -> None:
    """Every paired application is still free (none withdrew since the run), and no
    mentor is given more mentees than places left."""
    used: dict[str, int] = {}
    for pair in pairs:
        for app in (pair["a"], pair["b"]):
            used[app] = used.get(app, 0) + 1
    for app, count in used.items():
        if app not in pool or count > pool[app].capacity:
            raise Conflict(
                f"application {app} is no longer free for this run; run it again before publishing"
            )


async def _announce(
    scope: TenantScope,
    intake: dict[str, Any],
    mode: str,
    created: list[tuple[Any, dict[str, Any], dict[str, Any]]],
    waitlisted: list[UUID],
) -> None:
    # One notification for everyone matched: the partner's name and address are on the
    # partnership itself, which each party can open (and one call keeps a publication
    # of thousands of pairs to one pass over the tenant's members).
    matched = [as_uuid(app["person"]) for _, a, b in created for app in (a, b)]
    if matched:
        await notify(
            scope,
            matched,
            kind="mentoring.matched",
            subject=f"You have a mentoring partner in {intake['name']}",
            body=(
                f"You have been matched in {intake['name']}. Open your partnership to see "
                "who your partner is, then read and accept the partnership agreement and plan."
            ),
            link=f"/t/{scope.slug}/mentoring/partnerships",
        )
    if waitlisted:
        await notify(
            scope,
            waitlisted,
            kind="mentoring.waitlisted",
            subject=f"No match yet in {intake['name']}",
            body=(
                "No suitable match could be made for you in this run; you are on the "
                "waitlist and will be considered first when partners become available."
            ),
        )


NAMES_SQL = (
    "SELECT DISTINCT p.id, p.name, p.email FROM person p JOIN membership m"
    " ON m.person = p.id WHERE m.tenant = {tenant} AND p.id IN (%s)"
)


async def _names(scope: TenantScope, people: Iterable[UUID]) -> dict[UUID, tuple[str, str]]:
    wanted = list(dict.fromkeys(people))
    found: dict[UUID, tuple[str, str]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = await scope.rows(NAMES_SQL % ", ".join("{}" for _ in chunk), *chunk)
        found.update({as_uuid(r["id"]): (str(r["name"] or ""), str(r["email"])) for r in rows})
    return found


# --- partnerships -----------------------------------------------------------------------


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


async def _fees_fall_due(
    scope: TenantScope, row: dict[str, Any], scheme: dict[str, Any], as_of: date, actor: Actor
) -> None:
    """Both accepted: a partner is allocated and the acceptance signed, so a fee the
    policy charges this role falls due, in the months the policy says."""
    policy = await scheme_policy(scope, scheme)
    matched_on = clock.local_day(_created(row["created_at"]), await clock.zone_name(scope))
    for column in ("application_a", "application_b"):
        app = await _row(scope, MentoringApplication, row[column], "application")
        if app["fee_state"] != "not_due":
            continue
        subject = dict(_json(app["subject"]))
        subject["match"] = {
            "matched_on": matched_on.isoformat(),
            "acceptance_signed_on": as_of.isoformat(),
        }
        try:
            decision = evaluate(policy, subject, as_of=as_of)
        except SubjectError as exc:
            raise Conflict(f"the stored application no longer reads: {exc}") from None
        owed = domain.fee_owed(decision)
        if owed is None:
            continue
        amount, currency, due_from, due_by = owed
        await _set_application(
            scope,
            app,
            {
                MentoringApplication.fee_state: "due",
                MentoringApplication.fee_amount: amount,
                MentoringApplication.fee_currency: currency,
                MentoringApplication.fee_due_from: due_from,
                MentoringApplication.fee_due_by: due_by,
                MentoringApplication.fee_changed_at: datetime.now(UTC),
            },
        )
        await actor.record(
            scope.tenant_id,
            "mentoring.fee.due",
            "mentoring_application",
            app["id"],
            {
                "fee_state": ["not_due", "due"],
                "amount": [None, f"{amount:.2f} {currency}"],
                "due_from": [None, due_from.isoformat()],
                "due_by": [None, due_by.isoformat()],
            },
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


# --- fees -------------------------------------------------------------------------------


async def set_fee(
    scope: TenantScope, application_id: UUID | str, state: str, note: str, *, actor: Actor
) -> ApplicationOut:
    """A coordinator marks a fee charged (only once due: an unmatched mentee is never
    charged) or waived (before it is charged)."""
    async with write_transaction():
        await lock_head(scope.tenant_id)
        app = await _application_row(scope, application_id, actor)
        current = app["fee_state"]
        if state == "charged" and current != "due":
            raise Conflict(
                f"the fee is {current.replace('_', ' ')}; only a fee that is due is charged "
                "(it falls due once a partner is allocated and the acceptance signed)"
            )
        if state == "waived" and current not in ("not_due", "due"):
            raise Conflict(f"the fee is {current}; it can no longer be waived")
        await _set_application(
            scope,
            app,
            {
                MentoringApplication.fee_state: state,
                MentoringApplication.fee_changed_at: datetime.now(UTC),
                MentoringApplication.fee_note: note,
            },
        )
        await actor.record(
            scope.tenant_id,
            f"mentoring.fee.{state}",
            "mentoring_application",
            app["id"],
            {"fee_state": [current, state]},
            note,
        )
    return await get_application(scope, application_id, actor=actor)


async def charge_due_fees(scope: TenantScope, as_of: date, *, actor: Actor) -> list[UUID]:
    """Charge every fee that is due and whose charging date (the earliest the policy
    allows) has come: the job behind `accord mentoring charge-fees`."""
    charged: list[UUID] = []
    async with write_transaction():
        await lock_head(scope.tenant_id)
        rows = await scope.select(MentoringApplication).where(
            (MentoringApplication.fee_state == "due") & (MentoringApplication.fee_due_from <= as_of)
        )
        now = datetime.now(UTC)
        for app in rows:
            await _set_application(
                scope,
                app,
                {
                    MentoringApplication.fee_state: "charged",
                    MentoringApplication.fee_changed_at: now,
                    MentoringApplication.fee_note: f"charged by the fee run of {as_of.isoformat()}",
                },
            )
            await actor.record(
                scope.tenant_id,
                "mentoring.fee.charged",
                "mentoring_application",
                app["id"],
                {
                    "fee_state": ["due", "charged"],
                    "amount": [None, f"{float(app['fee_amount']):.2f} {app['fee_currency']}"],
                },
            )
            charged.append(as_uuid(app["id"]))
    return charged


# --- exports ----------------------------------------------------------------------------

PAIRS_SQL = (
    "SELECT x.id, x.state, x.score, x.pinned, x.created_at, x.accepted_at, x.end_reason,"
    " pa.name AS name_a, pa.email AS email_a, pb.name AS name_b, pb.email AS email_b,"
    " aa.country AS country_a, ab.country AS country_b"
    " FROM mentoring_partnership x"
    " JOIN person pa ON pa.id = x.person_a JOIN person pb ON pb.id = x.person_b"
    " JOIN mentoring_application aa ON aa.id = x.application_a"
    " JOIN mentoring_application ab ON ab.id = x.application_b"
    " WHERE x.tenant = {tenant} AND x.intake = {} ORDER BY pa.email, pb.email"
)


async def export_pairs(
    scope: TenantScope, intake_id: UUID | str, format: str
) -> tuple[bytes, str, str]:
    """The intake's partnerships as (content, media type, file name)."""
    from registry.mentoring.export import MEDIA_TYPES, write_pairs

    if format not in MEDIA_TYPES:
        raise InvalidInput("format", "must be csv or xlsx")
    intake, scheme = await _intake_with_scheme(scope, intake_id)
    role_a, role_b = ("peer", "peer") if scheme["mode"] == "peer" else ("mentor", "mentee")
    zone = await clock.zone_name(scope)  # times as the association reads them, zone named
    rows = [
        (
            str(as_uuid(r["id"])),
            r["state"],
            role_a,
            r["name_a"],
            r["email_a"],
            r["country_a"],
            role_b,
            r["name_b"],
            r["email_b"],
            r["country_b"],
            round(float(r["score"]), 4),
            "yes" if r["pinned"] else "no",
            clock.local_time(_created(r["created_at"]), zone, sortable=True),
            ""
            if r["accepted_at"] is None
            else clock.local_time(_created(r["accepted_at"]), zone, sortable=True),
            r["end_reason"] or "",
        )
        for r in await scope.rows(PAIRS_SQL, as_uuid(intake["id"]))
    ]
    title = f"{scheme['name']}: {intake['name']} ({len(rows)} pairs)"
    name = f"{scope.slug}-{_date(intake['starts_on']).isoformat()}-pairs.{format}"
    return write_pairs(rows, format, title), MEDIA_TYPES[format], name  # type: ignore[arg-type]
