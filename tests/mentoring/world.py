"""A mentoring scheme, intake, applications, a draft match run and a proposed
partnership in every test tenant, so that routes with `{scheme_id}`, `{intake_id}`,
`{application_id}`, `{run_id}` and `{partnership_id}` have an object to find
(tests/api/routes.py). Intake and applications go through the service; the scheme,
run and partnership are written straight into the tables, as these routes' tests are
about tenant and role, not matching."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from registry.audit.ledger import Actor
from registry.mentoring.applications import submit_application
from registry.mentoring.schemas import ApplicationIn, IntakeCreate
from registry.mentoring.schemes import create_intake
from registry.mentoring.tables import MentoringMatchRun, MentoringPartnership, MentoringScheme
from tenants.scope import TenantScope


def _application(role: str) -> ApplicationIn:
    return ApplicationIn(
        role=role,  # type: ignore[arg-type]
        interests=["leadership"],
        sector="public",
        career_stage=4 if role == "mentor" else 2,
        years=8 if role == "mentor" else 1,
        country="AU",
        languages=["en"],
        utc_offset=10,
        membership={"class": "Associate" if role == "mentor" else "Student", "status": "financial"},
        declarations=["code-of-conduct", "resume"],
        commitment={
            "hours_per_month": 2,
            "preparation_hours_per_month": 2,
            "meetings_per_month": 1,
        },
    )


async def seed_mentoring(scope: TenantScope, mentor: UUID, mentee: UUID) -> dict[str, UUID]:
    """Ids of the seeded objects by path-parameter name."""
    scheme = await scope.create(
        MentoringScheme,
        name="Seeded scheme",
        mode="mentor-mentee",
        policy_source="preset",
        policy_name="alia-mentoring",
        weights_preset="alia-mentoring",
        interests=json.dumps(["leadership", "cataloguing"]),
        created_at=datetime.now(UTC),
    )
    start = date.today() + timedelta(days=30)
    intake = await create_intake(
        scope,
        scheme.id,
        IntakeCreate(name="Seeded intake", starts_on=start),
        actor=Actor.operator("tests"),
    )
    ids = {"scheme_id": UUID(str(scheme.id)), "intake_id": intake.id}
    apps = {}
    for role, person in (("mentor", mentor), ("mentee", mentee)):
        actor = Actor(person_id=person, roles=("member",))
        out = await submit_application(scope, intake.id, _application(role), actor=actor)
        apps[role] = out.id
    ids["application_id"] = apps["mentee"]
    pair = {
        "a": str(apps["mentee"]),
        "b": str(apps["mentor"]),
        "score": 1.0,
        "breakdown": {"shared_interests": 1.0},
        "pinned": False,
    }
    run = await scope.create(
        MentoringMatchRun,
        intake=intake.id,
        status="draft",
        pairs=json.dumps([pair]),
        unmatched="[]",
        pins="[]",
        forbidden="[]",
        total_score=1.0,
        created_at=datetime.now(UTC),
    )
    ids["run_id"] = UUID(str(run.id))
    partnership = await scope.create(
        MentoringPartnership,
        intake=intake.id,
        run=run.id,
        application_a=apps["mentor"],
        application_b=apps["mentee"],
        person_a=mentor,
        person_b=mentee,
        state="proposed",
        score=1.0,
        breakdown=json.dumps({"shared_interests": 1.0}),
        created_at=datetime.now(UTC),
    )
    ids["partnership_id"] = UUID(str(partnership.id))
    return ids
