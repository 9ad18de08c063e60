"""Partnerships for participation's tests, and the objects every TenantWorld carries.

A partnership is written straight into the mentoring tables (scheme, intake, two
applications, the pair) so that a test can put it in any state on any dates: the
60-day flag needs an intake that started months ago, a certificate a completed one.
The mentoring room's own stories drive the same tables through its API; these rows
are what its publication and transitions leave behind.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import UUID

from registry.audit.ledger import OPERATOR, Actor
from registry.mentoring.tables import (
    MentoringApplication,
    MentoringIntake,
    MentoringPartnership,
    MentoringScheme,
)
from registry.participation import service
from registry.participation.tables import Survey
from tenants.roles import Role
from tenants.scope import TenantScope
from tenants.service import grant_role
from tenants.tables import Tenant
from tenants.tokens import issue_token

_people = itertools.count(1)

#: AASW's programme: March to September.
AASW_DATES = {
    "starts_on": date(2025, 3, 1),
    "midway_review_on": date(2025, 6, 15),
    "ends_on": date(2025, 9, 30),
    "evaluation_due_on": date(2025, 10, 14),
}


@dataclass(frozen=True)
class Pair:
    id: UUID
    scheme_id: UUID
    intake_id: UUID
    a: UUID  # the mentor (or first peer)
    b: UUID  # the mentee (or second peer)

    def actor(self, person: UUID) -> Actor:
        return Actor(person_id=person, roles=(Role.MEMBER.value,))


async def person(tenant: Tenant, label: str) -> UUID:
    n = next(_people)
    grant = await grant_role(
        tenant, f"{label}.{n}@example.org", Role.MEMBER, name=f"{label.title()} {n}", actor=OPERATOR
    )
    return UUID(str(grant.person.id))


async def headers_for(tenant: Tenant, person_id: UUID) -> dict[str, str]:
    """A bearer token of the person in the tenant, as request headers."""
    issued = await issue_token(tenant.id, person_id, label="participation", actor=OPERATOR)
    return {"Authorization": f"Bearer {issued.secret}"}


async def partnership(
    scope: TenantScope,
    a: UUID,
    b: UUID,
    *,
    preset: str = "aasw-mentoring",
    mode: str = "mentor-mentee",
    state: str = "active",
    accepted_at: datetime | None = None,
    **dates: date,
) -> Pair:
    when = {**AASW_DATES, **dates}
    scheme = await scope.create(
        MentoringScheme,
        name={"aasw-mentoring": "AASW Mentoring Program", "iln-peer": "ILN peer mentoring"}.get(
            preset, "ALIA Mentoring Scheme"
        ),
        mode=mode,
        policy_source="preset",
        policy_name=preset,
        weights_preset=preset,
    )
    intake = await scope.create(
        MentoringIntake,
        scheme=scheme.id,
        name=f"Intake {when['starts_on'].year}",
        applications_open=date(when["starts_on"].year, 1, 1),
        applications_close=date(when["starts_on"].year, 1, 31),
        **when,
    )
    roles = ("peer", "peer") if mode == "peer" else ("mentor", "mentee")
    applications = [
        await scope.create(
            MentoringApplication,
            intake=intake.id,
            person=who,
            role=role,
            status="matched",
            sector="public",
            career_stage=2,
            years=5,
            country="AU",
            utc_offset=10.0,
            preference="open",
            outcome="eligible",
        )
        for who, role in zip((a, b), roles, strict=True)
    ]
    accepted = accepted_at or datetime.combine(when["starts_on"], datetime.min.time(), UTC)
    row = await scope.create(
        MentoringPartnership,
        intake=intake.id,
        application_a=applications[0].id,
        application_b=applications[1].id,
        person_a=a,
        person_b=b,
        state=state,
        accepted_at=accepted,
    )
    return Pair(row.id, scheme.id, intake.id, a, b)


async def seed_participation(tenant: Tenant, mentor: UUID, mentee: UUID) -> dict[str, UUID]:
    """A completed AASW partnership of two of the tenant's people with a meeting (and a
    private note), its evaluation survey opened and a certificate issued: the objects
    behind `partnership_id` (this one), `meeting_id`, `survey_id` and `certificate_id`.
    Existing people, so that the world's membership stays one person per role."""
    scope = TenantScope(tenant.id, str(tenant.slug))
    pair = await partnership(scope, mentor, mentee, state="completed")
    meeting = await service.log_meeting(
        scope,
        pair.id,
        held_on=date(2025, 3, 10),
        minutes=90,
        mode="video",
        notes="seeded note",
        actor=pair.actor(pair.b),
        today=date(2025, 3, 10),
    )
    # The evaluation as the daily job would have opened it, without its notifications
    # and audit events: the world's inboxes and logs stay as the other rooms expect.
    evaluation = await scope.create(
        Survey,
        partnership=pair.id,
        kind="evaluation",
        opens_on=AASW_DATES["ends_on"],
        due_on=AASW_DATES["evaluation_due_on"],
    )
    [certificate, _] = await service.issue_certificates(scope, pair.id, actor=OPERATOR)
    return {
        "partnership_id": pair.id,
        "meeting_id": meeting.id,
        "survey_id": evaluation.id,
        "certificate_id": certificate.id,
        "mentor": pair.a,
        "mentee": pair.b,
    }
