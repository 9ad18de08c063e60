"""Demo participation for `accord demo`: in the AASW demo, last year's program
(March to September) with one finished pair, so that meetings, hours in their CPD
categories, answered surveys and a verifiable certificate can be seen at once.

The pair stands where the mentoring room's publication and acceptance would have left
it (an intake of the AASW demo scheme, two matched applications, an accepted pair),
written into its tables because those steps cannot be taken in the past. Everything
after is done through the services, day by day, as the participants would have.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from policies import load_preset
from registry.audit.ledger import OPERATOR, Actor
from registry.mentoring import domain
from registry.mentoring.tables import (
    MentoringApplication,
    MentoringIntake,
    MentoringPartnership,
    MentoringScheme,
)
from registry.participation import service
from registry.participation.surveys import SurveyKind, questions_for
from tenants import clock
from tenants.roles import Role
from tenants.scope import TenantScope
from tenants.service import find_person
from tenants.tables import Tenant

SCHEME = "AASW Mentoring Program"
MENTOR, MENTEE = "board@aasw.example", "member@aasw.example"
#: (day of the month, minutes, mode) of the pair's monthly meetings, March to September.
MEETINGS = ((4, 60, "in_person"), (8, 45, "video"), (12, 60, "video"), (16, 90, "phone"))


def _finished_year(today: date) -> int:
    """The last AASW program (March to September) that has ended by `today`."""
    return today.year if today.month >= 10 else today.year - 1


def _answers(kind: SurveyKind) -> dict[str, object]:
    """Content participants: 4 of 5, yes, and the first option where there is a choice."""
    pick: dict[str, object] = {"rating": 4, "yes_no": True}
    return {
        q.id: pick.get(q.kind, q.options[0] if q.options else "")
        for q in questions_for("aasw-mentoring", kind)
        if q.required
    }


async def load_participation_demo(tenants: dict[str, Tenant]) -> str | None:
    """The finished pair in the AASW demo tenant once; the code of the mentee's
    certificate when it was made now, None when there was nothing to do."""
    tenant = tenants.get("aasw")
    mentor, mentee = await find_person(MENTOR), await find_person(MENTEE)
    if tenant is None or mentor is None or mentee is None:
        return None
    scope = TenantScope(tenant.id, str(tenant.slug))
    scheme = await scope.objects(MentoringScheme).where(MentoringScheme.name == SCHEME).first()
    if scheme is None:
        return None
    year = _finished_year(await clock.today(scope))
    name = f"{year} program"
    done = await scope.count(MentoringIntake).where(
        (MentoringIntake.scheme == scheme.id) & (MentoringIntake.name == name)
    )
    if done:
        return None
    dates = domain.plan_intake(
        load_preset("aasw-mentoring"),
        date(year, 3, 1),
        {"applications_open": date(year, 1, 15), "applications_close": date(year, 2, 14)},
    )
    intake = await scope.create(
        MentoringIntake, scheme=scheme.id, name=name, **vars(dates), created_at=clock.utc_now()
    )
    people = ((mentor.id, "mentor", 12), (mentee.id, "mentee", 2))
    applications = [
        await scope.create(
            MentoringApplication,
            intake=intake.id,
            person=person,
            role=role,
            status="matched",
            interests='["clinical practice", "community work"]',
            sector="health",
            career_stage=4 if role == "mentor" else 1,
            years=years,
            country="AU",
            languages='["en"]',
            utc_offset=10.0,
            preference="open",
            outcome="eligible",
        )
        for person, role, years in people
    ]
    accepted = datetime(year, 3, 2, tzinfo=UTC)
    pair = await scope.create(
        MentoringPartnership,
        intake=intake.id,
        application_a=applications[0].id,
        application_b=applications[1].id,
        person_a=mentor.id,
        person_b=mentee.id,
        state="active",
        accepted_a_at=accepted,
        accepted_b_at=accepted,
        accepted_at=accepted,
        activated_at=accepted,
        active_from=accepted.date(),
    )
    parties = {
        "mentor": Actor(person_id=mentor.id, roles=(Role.BOARD.value,), client="demo"),
        "mentee": Actor(person_id=mentee.id, roles=(Role.MEMBER.value,), client="demo"),
    }
    for month in range(3, 10):
        day_of_month, minutes, mode = MEETINGS[month % len(MEETINGS)]
        held = date(year, month, day_of_month)
        await service.log_meeting(
            scope,
            pair.id,
            held_on=held,
            minutes=minutes,
            mode=mode,
            notes="Goals for the program agreed." if month == 3 else None,
            actor=parties["mentee" if month % 2 else "mentor"],
            today=held,
        )
    reviews: tuple[tuple[SurveyKind, date], ...] = (
        ("midway", dates.midway_review_on),
        ("evaluation", dates.ends_on),
    )
    for kind, day in reviews:
        await service.run_daily(scope, actor=OPERATOR, today=day)
        surveys = await service.list_surveys(scope, pair.id, OPERATOR, day)
        survey = next(s for s in surveys if s.kind == kind)
        assert survey.id is not None
        for actor in parties.values():
            await service.answer_survey(
                scope, survey.id, _answers(kind), actor=actor, today=survey.due_on
            )
    issued = await service.issue_certificates(scope, pair.id, actor=OPERATOR)
    return next(c.code for c in issued if c.role == "mentee")
