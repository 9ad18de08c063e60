"""Coordinators correcting their own set-up: a scheme or an intake edited or deleted
while nothing depends on it, an intake's window moved before it opens, a charged fee
refunded, and the pin list of a draft limited to who can be pinned.

What "nothing depends on it" means, and why:
- a scheme or an intake is edited only while no application to it is stored, because
  each stored application carries the Decision its policy and dates gave it;
- an intake's dates move only before its applications open (a member may have read
  the window), and are planned again from the scheme's policy as on creation;
- a scheme's mode or policy changes only while it has no intake, whose dates came
  from that policy;
- a scheme is deleted only without intakes, an intake only without applications.

Every correction writes its audit event in the same transaction, with the fields it
changed as [before, after].
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import msgspec

from policies import Policy
from policies.dates import human_date
from registry.audit.ledger import Actor, lock_head
from registry.mentoring import domain
from registry.mentoring.applications import _application_row, _set_application, get_application
from registry.mentoring.records import _date, _json, _names, _opt_date, _row
from registry.mentoring.runs import _pool
from registry.mentoring.schemas import (
    ApplicationOut,
    IntakeEdit,
    IntakeOut,
    PinChoice,
    PinChoices,
    SchemeEdit,
    SchemeOut,
)
from registry.mentoring.schemes import (
    _intake_with_scheme,
    _scheme_row,
    applicant_policy,
    get_intake,
    get_scheme,
    intake_dates,
    scheme_policy,
)
from registry.mentoring.tables import (
    MentoringApplication,
    MentoringIntake,
    MentoringMatchRun,
    MentoringScheme,
)
from tenants import clock
from tenants.database import as_uuid, write_transaction
from tenants.errors import Conflict, InvalidInput
from tenants.scope import TenantScope

#: The intake's dates a coordinator may give, in the order they are planned.
DATE_FIELDS = (
    "applications_open",
    "members_only_until",
    "applications_close",
    "midway_review_on",
    "ends_on",
)


def _given(data: msgspec.Struct, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(data, f) for f in fields if getattr(data, f) is not msgspec.UNSET}


def _plural(n: int, one: str) -> str:
    return f"{n} {one}" if n == 1 else f"{n} {one}s"


def _shown(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


async def _applications_in(scope: TenantScope, intake_ids: list[UUID]) -> int:
    if not intake_ids:
        return 0
    count: int = await scope.count(MentoringApplication).where(
        MentoringApplication.intake.is_in(intake_ids)
    )
    return count


async def _intakes_of(scope: TenantScope, scheme_id: UUID) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (
        await scope.select(MentoringIntake, MentoringIntake.id, MentoringIntake.name)
        .where(MentoringIntake.scheme == scheme_id)
        .order_by(MentoringIntake.starts_on)
    )
    return rows


# --- schemes ----------------------------------------------------------------------------


async def update_scheme(
    scope: TenantScope, scheme_id: UUID | str, data: SchemeEdit, *, actor: Actor
) -> SchemeOut:
    """Correct a scheme while no application to any of its intakes is stored."""
    from registry.matching import weights_for_scheme

    scheme = await _scheme_row(scope, scheme_id)
    sid = as_uuid(scheme["id"])
    given = _given(data, ("name", "mode", "policy", "preset", "interests", "weights_preset"))
    if "policy" in given and "preset" in given:
        raise InvalidInput("policy", "give either a stored policy's name or a preset, not both")
    values: dict[str, Any] = {}
    if "name" in given:
        values["name"] = given["name"]
    if "interests" in given:
        values["interests"] = list(dict.fromkeys(i.strip().lower() for i in given["interests"]))
    source, name = scheme["policy_source"], scheme["policy_name"]
    if "policy" in given:
        source, name = "tenant", given["policy"]
    elif "preset" in given:
        source, name = "preset", given["preset"]
    mode = given.get("mode", scheme["mode"])
    policy = await applicant_policy(scope, source, name)
    if (source, name) != (scheme["policy_source"], scheme["policy_name"]):
        values["policy_source"], values["policy_name"] = source, name
    if mode != scheme["mode"]:
        values["mode"] = mode
    if "policy_name" in values or "mode" in values:
        allowed = domain.allowed_roles(policy)
        probe_role = "peer" if mode == "peer" else "mentee"
        if allowed and probe_role not in allowed:
            raise InvalidInput(
                "mode", f"the policy {policy.name!r} admits {', '.join(allowed)}, not {mode}"
            )
    if "weights_preset" in given:
        try:
            weights_for_scheme(given["weights_preset"])
        except ValueError as exc:
            raise InvalidInput("weights_preset", str(exc)) from None
        values["weights_preset"] = given["weights_preset"]
    async with write_transaction():
        await lock_head(scope.tenant_id)
        intakes = await _intakes_of(scope, sid)
        stored = await _applications_in(scope, [as_uuid(i["id"]) for i in intakes])
        if stored:
            raise Conflict(
                f"the scheme {scheme['name']!r} has {_plural(stored, 'application')} stored; "
                "it can no longer be edited (each application was decided under it)"
            )
        if intakes and ("policy_name" in values or "mode" in values):
            raise Conflict(
                f"the scheme {scheme['name']!r} has {_plural(len(intakes), 'intake')} "
                f"({', '.join(i['name'] for i in intakes)}) whose dates its policy set; "
                "delete them before changing its mode or policy"
            )
        changes = {
            key: [_stored_value(scheme, key), value]
            for key, value in values.items()
            if _stored_value(scheme, key) != value
        }
        if changes:
            stored_values = {
                getattr(MentoringScheme, key): json.dumps(value) if key == "interests" else value
                for key, value in values.items()
            }
            await scope.update(MentoringScheme, stored_values).where(MentoringScheme.id == sid)
            await actor.record(
                scope.tenant_id, "mentoring.scheme.updated", "mentoring_scheme", sid, changes
            )
    return await get_scheme(scope, sid)


def _stored_value(scheme: dict[str, Any], key: str) -> Any:
    value = scheme[key]
    return list(_json(value)) if key == "interests" else value


async def delete_scheme(scope: TenantScope, scheme_id: UUID | str, *, actor: Actor) -> None:
    """Delete a scheme that has no intake (delete its empty intakes first)."""
    scheme = await _scheme_row(scope, scheme_id)
    sid = as_uuid(scheme["id"])
    async with write_transaction():
        await lock_head(scope.tenant_id)
        intakes = await _intakes_of(scope, sid)
        if intakes:
            raise Conflict(
                f"the scheme {scheme['name']!r} has {_plural(len(intakes), 'intake')} "
                f"({', '.join(i['name'] for i in intakes)}); delete them first"
            )
        await scope.delete(MentoringScheme).where(MentoringScheme.id == sid)
        await actor.record(
            scope.tenant_id,
            "mentoring.scheme.deleted",
            "mentoring_scheme",
            sid,
            {
                "name": [scheme["name"], None],
                "policy": [f"{scheme['policy_source']}:{scheme['policy_name']}", None],
            },
        )


# --- intakes ----------------------------------------------------------------------------


def _fixed_by(policy: Policy) -> set[str]:
    """The dates the policy sets itself (see `domain.plan_intake`)."""
    fixed: set[str] = set()
    if policy.term() is not None:
        fixed.add("ends_on")
    if domain.window_rule(policy) is not None:
        fixed |= {"applications_open", "applications_close", "members_only_until"}
    return fixed


async def update_intake(
    scope: TenantScope, intake_id: UUID | str, data: IntakeEdit, *, actor: Actor
) -> IntakeOut:
    """Correct an intake while no application to it is stored; its dates only before
    its applications open. Dates are planned again from the policy: those not given
    keep their value while the start stays, and follow the policy when it moves."""
    intake, scheme = await _intake_with_scheme(scope, intake_id)
    iid = as_uuid(intake["id"])
    today = await clock.today(scope)
    policy = await scheme_policy(scope, scheme)
    dated = _given(data, ("starts_on", *DATE_FIELDS))
    values: dict[str, Any] = _given(data, ("name", "planned_places"))
    current = intake_dates(intake)
    if dated:
        if today >= current.applications_open:
            raise Conflict(
                f"applications to {intake['name']!r} opened on "
                f"{human_date(current.applications_open)}; its window and dates can no "
                "longer be moved"
            )
        starts_on: date = dated.get("starts_on", current.starts_on)
        given: dict[str, date | None] = {}
        fixed = _fixed_by(policy)
        for field in DATE_FIELDS:
            if field in dated:
                given[field] = dated[field]
            elif starts_on == current.starts_on and field not in fixed:
                given[field] = getattr(current, field)
        planned = domain.plan_intake(policy, starts_on, given)
        values.update(
            {field: getattr(planned, field) for field in ("starts_on", *DATE_FIELDS)},
            evaluation_due_on=planned.evaluation_due_on,
        )
    async with write_transaction():
        await lock_head(scope.tenant_id)
        stored = await _applications_in(scope, [iid])
        if stored:
            raise Conflict(
                f"the intake {intake['name']!r} has {_plural(stored, 'application')} stored; "
                "it can no longer be edited (each was decided on its dates)"
            )
        if "starts_on" in values:
            await _check_rounds(scope, policy, scheme, iid, values["starts_on"])
        changes = {
            key: [_shown(intake[key]), _shown(value)]
            for key, value in values.items()
            if _shown(_opt_date(intake[key]) if key in DATED else intake[key]) != _shown(value)
        }
        if changes:
            await scope.update(
                MentoringIntake, {getattr(MentoringIntake, k): values[k] for k in changes}
            ).where(MentoringIntake.id == iid)
            await actor.record(
                scope.tenant_id, "mentoring.intake.updated", "mentoring_intake", iid, changes
            )
    return await get_intake(scope, iid)


#: Every stored date column of an intake.
DATED = frozenset({"starts_on", "evaluation_due_on", *DATE_FIELDS})


async def _check_rounds(
    scope: TenantScope, policy: Policy, scheme: dict[str, Any], intake_id: UUID, starts_on: date
) -> None:
    """The policy's intakes a year (AASW: one), this intake not counted twice."""
    term = policy.term()
    if term is None or term.rounds_per_year is None:
        return
    rows = await scope.select(MentoringIntake, MentoringIntake.id, MentoringIntake.starts_on).where(
        MentoringIntake.scheme == as_uuid(scheme["id"])
    )
    year = starts_on.year
    others = sum(_date(r["starts_on"]).year == year for r in rows if as_uuid(r["id"]) != intake_id)
    if others >= term.rounds_per_year:
        raise InvalidInput(
            "starts_on",
            f"the policy {policy.name!r} runs {term.rounds_per_year} intake(s) a "
            f"year and {year} has them already",
        )


async def delete_intake(scope: TenantScope, intake_id: UUID | str, *, actor: Actor) -> None:
    """Delete an intake no application was made to (its empty draft runs go with it)."""
    intake, scheme = await _intake_with_scheme(scope, intake_id)
    iid = as_uuid(intake["id"])
    async with write_transaction():
        await lock_head(scope.tenant_id)
        stored = await _applications_in(scope, [iid])
        if stored:
            raise Conflict(
                f"the intake {intake['name']!r} has {_plural(stored, 'application')}; "
                "an intake is deleted only while nobody has applied"
            )
        await scope.delete(MentoringMatchRun).where(MentoringMatchRun.intake == iid)
        await scope.delete(MentoringIntake).where(MentoringIntake.id == iid)
        await actor.record(
            scope.tenant_id,
            "mentoring.intake.deleted",
            "mentoring_intake",
            iid,
            {
                "scheme": [scheme["id"], None],
                "name": [intake["name"], None],
                "starts_on": [_shown(_date(intake["starts_on"])), None],
            },
        )


# --- fees -------------------------------------------------------------------------------


async def refund_fee(
    scope: TenantScope, application_id: UUID | str, reason: str, *, actor: Actor
) -> ApplicationOut:
    """Pay back a charged fee: it shows as refunded, with the reason, and no fee run
    charges it again (only a fee that is due is ever charged)."""
    async with write_transaction():
        await lock_head(scope.tenant_id)
        app = await _application_row(scope, application_id, actor)
        current = app["fee_state"]
        if current != "charged":
            raise Conflict(
                f"the fee is {current.replace('_', ' ')}; only a charged fee is refunded"
            )
        await _set_application(
            scope,
            app,
            {
                MentoringApplication.fee_state: "refunded",
                MentoringApplication.fee_changed_at: datetime.now(UTC),
                MentoringApplication.fee_note: reason,
            },
        )
        await actor.record(
            scope.tenant_id,
            "mentoring.fee.refunded",
            "mentoring_application",
            app["id"],
            {
                "fee_state": ["charged", "refunded"],
                "amount": [f"{float(app['fee_amount']):.2f} {app['fee_currency']}", None],
            },
            reason,
        )
    return await get_application(scope, application_id, actor=actor)


# --- pins -------------------------------------------------------------------------------


async def pin_choices(scope: TenantScope, run_id: UUID | str) -> PinChoices:
    """Who a draft can pin: the pool the run is computed over (a mentee already matched,
    a mentor without a place left, a withdrawn applicant is not in it), by name."""
    run = await _row(scope, MentoringMatchRun, run_id, "match run")
    intake, scheme = await _intake_with_scheme(scope, run["intake"])
    if run["status"] != "draft":
        return PinChoices(first=[], second=[])
    pool, _ = await _pool(scope, intake)
    people = await _names(scope, [as_uuid(a.person) for a in pool.values()])

    def choice(applicant: Any) -> PinChoice:
        return PinChoice(
            application=as_uuid(applicant.id),
            name=_person(people.get(as_uuid(applicant.person), ("", ""))) or "?",
            role=applicant.role,
            country=applicant.country,
        )

    applicants = sorted(pool.values(), key=lambda a: people.get(as_uuid(a.person), ("", "")))
    peer = scheme["mode"] == "peer"
    first = [choice(a) for a in applicants if a.role == ("peer" if peer else "mentee")]
    second = [
        choice(a) for a in applicants if a.role == ("peer" if peer else "mentor") and a.capacity > 0
    ]
    if peer and len({c.country for c in first}) < 2:
        first, second = [], []  # peers pair across borders only
    return PinChoices(first=first, second=second)


def _person(found: tuple[str, str]) -> str:
    """A person as a coordinator tells them apart: name and e-mail (names repeat)."""
    name, email = found
    return f"{name} <{email}>" if name and email else name or email


async def pin_labels(
    scope: TenantScope, pool: dict[str, Any], application_ids: list[str]
) -> dict[str, str]:
    """Names for a pin's refusal, with why someone is not in the pool (matched already,
    no place left, withdrawn), so the coordinator reads people, not ids."""
    wanted = []
    for app_id in application_ids:
        try:
            wanted.append(UUID(app_id))
        except ValueError:
            continue
    rows = await scope.select(
        MentoringApplication,
        MentoringApplication.id,
        MentoringApplication.person,
        MentoringApplication.status,
        MentoringApplication.role,
    ).where(MentoringApplication.id.is_in(wanted or [UUID(int=0)]))
    people = await _names(scope, [as_uuid(r["person"]) for r in rows])
    labels: dict[str, str] = {}
    for row in rows:
        app_id = str(as_uuid(row["id"]))
        label = _person(people.get(as_uuid(row["person"]), ("", ""))) or f"application {app_id}"
        if app_id not in pool:
            status = row["status"]
            why = {
                "matched": "has no place left" if row["role"] == "mentor" else "is matched already",
                "referred": "awaits a coordinator's admission",
            }.get(status, f"is {status}")
            label = f"{label} ({row['role']}, {why})"
        labels[app_id] = label
    return labels


_APPLICATION_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


async def named_refusal(scope: TenantScope, pool: dict[str, Any], refusal: Conflict) -> Conflict:
    """The engine's refusal of a draft's pins (it knows only application ids, as in
    "... has more pins than capacity") with the people named instead."""
    found = _APPLICATION_ID.findall(refusal.detail)
    if not found:
        return refusal
    labels = await pin_labels(scope, pool, found)
    return Conflict(
        _APPLICATION_ID.sub(lambda m: labels.get(m.group(0), m.group(0)), refusal.detail)
    )
