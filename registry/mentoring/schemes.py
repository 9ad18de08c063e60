"""Mentoring schemes and their intakes, always through the tenant's `TenantScope`: creating
and reading them, and the scheme's policy (a stored tenant policy or a preset).

Every change runs in one `write_transaction()` with its audit event (`mentoring.*`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from uuid import UUID

from policies import Policy, PolicyError, load_policy
from policies import load_preset as load_policy_preset
from registry.audit.ledger import Actor, lock_head
from registry.mentoring import domain
from registry.mentoring.records import _created, _date, _json, _opt_date, _row
from registry.mentoring.schemas import (
    IntakeCreate,
    IntakeOut,
    SchemeCreate,
    SchemeOut,
)
from registry.mentoring.tables import (
    MentoringIntake,
    MentoringScheme,
)
from registry.policies.service import get_policy
from tenants.database import as_uuid, write_transaction
from tenants.errors import Conflict, InvalidInput, NotFound
from tenants.scope import TenantScope


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


async def applicant_policy(scope: TenantScope, source: str, name: str) -> Policy:
    """The named preset or stored policy, which must be about applicants (400 naming it)."""
    try:
        policy = await _load_policy(scope, source, name)
    except NotFound:
        raise InvalidInput("policy", f"the tenant has no policy {name!r}") from None
    if policy.subject_kind != "applicant":
        raise InvalidInput(
            "preset" if source == "preset" else "policy",
            f"{name!r} is a policy about partners, not applicants",
        )
    return policy


async def create_scheme(scope: TenantScope, data: SchemeCreate, *, actor: Actor) -> SchemeOut:
    """A scheme under a stored tenant policy or a preset, whose roles fit its mode."""
    from registry.matching import weights_for_scheme

    if (data.policy is None) == (data.preset is None):
        raise InvalidInput("policy", "give either a stored policy's name or a preset, not both")
    source, name = ("tenant", data.policy) if data.policy else ("preset", data.preset)
    assert name is not None
    policy = await applicant_policy(scope, source, name)
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
