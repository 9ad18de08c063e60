"""Mentoring stories over the HTTP API, for this room's tests and the participation
room's: set up an intake from a preset, apply people, run and publish matching, and
accept, returning ids and parties.

    story = await matched_pair(api, factory, world)            # ALIA, accepted
    story.partnership_id, story.mentor.headers, story.mentee.person_id

Every helper asserts the status it expects, so a failing step names itself.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx

from policies.dates import add_months
from tenants.roles import Role
from tests.factories import Party, TenantFactory, TenantWorld

_people = itertools.count(1)

INTERESTS = [
    "cataloguing",
    "digital libraries",
    "leadership",
    "research support",
    "children's services",
    "advocacy",
    "clinical practice",
    "community work",
]

#: Countries for peers, each different, so a small round stays under a country cap.
COUNTRIES = ["AU", "NZ", "FJ", "GB", "CA", "KE", "IN", "US", "ZA", "PH", "SG", "JP"]


def base(world: TenantWorld) -> str:
    return f"/api/v1/t/{world.slug}/mentoring"


def coordinator(world: TenantWorld) -> dict[str, str]:
    return world[Role.COORDINATOR].headers


def start_for(preset: str, today: date | None = None) -> dict[str, Any]:
    """An intake body whose applications are open today under the preset's window."""
    today = today or date.today()
    if preset == "aasw-mentoring":
        # March to September; the preset states no window, so the coordinator opens it.
        year = today.year + 1 if today.month >= 3 else today.year
        start = date(year, 3, 1)
        return {"starts_on": start.isoformat(), "applications_open": today.isoformat()}
    if preset == "iln-peer":
        # Opens two months before, members only for 14 days, closes 14 days before.
        return {"starts_on": (today + timedelta(days=40)).isoformat()}
    # alia-mentoring: opens two months before the start, closes a week before it.
    return {"starts_on": (today + timedelta(days=30)).isoformat()}


def members_only_start(today: date | None = None) -> date:
    """An ILN round start that puts today inside its members-only fortnight."""
    today = today or date.today()
    return add_months(today - timedelta(days=3), 2)


def application(preset: str, role: str, **overrides: Any) -> dict[str, Any]:
    """An eligible application body for the preset (override any field)."""
    body: dict[str, Any] = {
        "role": role,
        "interests": ["leadership", "digital libraries"],
        "sector": "public",
        "career_stage": 4 if role == "mentor" else 2,
        "years": 9 if role == "mentor" else 2,
        "country": "AU",
        "languages": ["en"],
        "utc_offset": 10,
        "preference": "open",
    }
    if preset == "alia-mentoring":
        body["membership"] = {
            "class": "Associate" if role == "mentor" else "Student",
            "status": "financial",
        }
        body["declarations"] = ["code-of-conduct", "resume"]
        body["commitment"] = (
            {"hours_per_month": 3, "meetings_per_month": 1}
            if role == "mentor"
            else {"hours_per_month": 1, "preparation_hours_per_month": 2}
        )
    elif preset == "aasw-mentoring":
        body["interests"] = ["clinical practice", "community work"]
        body["membership"] = {"class": "Full", "status": "financial"}
        body["commitment"] = {"meetings_per_month": 1}
    else:
        body["membership"] = {"class": "Associate", "status": "current"}
        body["career_stage"] = 3
    body.update(overrides)
    return body


@dataclass
class Programme:
    """A scheme and one intake of it, set up through the API."""

    world: TenantWorld
    preset: str
    scheme_id: str
    intake_id: str
    intake: dict[str, Any]
    people: list[Party] = field(default_factory=list)

    @property
    def base(self) -> str:
        return base(self.world)


async def programme(
    api: httpx.AsyncClient,
    world: TenantWorld,
    preset: str = "alia-mentoring",
    **intake: Any,
) -> Programme:
    """A scheme under the preset and an intake set up from it, open for applications."""
    mode = "peer" if preset == "iln-peer" else "mentor-mentee"
    response = await api.post(
        f"{base(world)}/schemes",
        json={"name": f"{preset} scheme", "mode": mode, "preset": preset, "interests": INTERESTS},
        headers=coordinator(world),
    )
    assert response.status_code == 201, response.text
    scheme_id = response.json()["id"]
    body = {"name": "Intake", **start_for(preset), **intake}
    response = await api.post(
        f"{base(world)}/schemes/{scheme_id}/intakes", json=body, headers=coordinator(world)
    )
    assert response.status_code == 201, response.text
    return Programme(world, preset, scheme_id, response.json()["id"], response.json())


async def person(factory: TenantFactory, world: TenantWorld, label: str = "p") -> Party:
    """A new member of the tenant, with a token."""
    n = next(_people)
    return await factory.party(world.tenant, Role.MEMBER, f"{label}{n}.{world.slug}@example.org")


async def apply(
    api: httpx.AsyncClient,
    prog: Programme,
    who: Party,
    role: str,
    expect: int = 201,
    **overrides: Any,
) -> dict[str, Any]:
    """`who` applies to the programme's intake with their own token."""
    response = await api.post(
        f"{prog.base}/intakes/{prog.intake_id}/applications",
        json=application(prog.preset, role, **overrides),
        headers=who.headers,
    )
    assert response.status_code == expect, response.text
    result: dict[str, Any] = response.json()
    return result


async def applicants(
    api: httpx.AsyncClient,
    factory: TenantFactory,
    prog: Programme,
    role: str,
    count: int,
    **overrides: Any,
) -> list[tuple[Party, dict[str, Any]]]:
    """`count` new members applying in `role` (peers each from another country)."""
    found = []
    for i in range(count):
        who = await person(factory, prog.world, role)
        extra = dict(overrides)
        if role == "peer" and "country" not in extra:
            extra["country"] = COUNTRIES[(len(prog.people) + i) % len(COUNTRIES)]
        found.append((who, await apply(api, prog, who, role, **extra)))
    prog.people += [who for who, _ in found]
    return found


async def run_matching(api: httpx.AsyncClient, prog: Programme) -> dict[str, Any]:
    response = await api.post(
        f"{prog.base}/intakes/{prog.intake_id}/match-runs", headers=coordinator(prog.world)
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def publish(api: httpx.AsyncClient, prog: Programme, run_id: str) -> dict[str, Any]:
    response = await api.post(
        f"{prog.base}/match-runs/{run_id}/publish", headers=coordinator(prog.world)
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def partnerships(api: httpx.AsyncClient, prog: Programme) -> list[dict[str, Any]]:
    response = await api.get(
        f"{prog.base}/partnerships/",
        params={"intake": prog.intake_id},
        headers=coordinator(prog.world),
    )
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()
    return result


async def act(
    api: httpx.AsyncClient,
    prog: Programme,
    partnership_id: str,
    action: str,
    who: dict[str, str],
    expect: int = 200,
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One partnership transition (`accept`, `activate`, `withdraw`, ...) by `who`."""
    response = await api.post(
        f"{prog.base}/partnerships/{partnership_id}/{action}", json=body, headers=who
    )
    assert response.status_code == expect, response.text
    result: dict[str, Any] = response.json()
    return result


async def accept_both(
    api: httpx.AsyncClient, prog: Programme, pair: dict[str, Any], parties: dict[str, Party]
) -> dict[str, Any]:
    """Both parties accept the agreement and plan; the partnership is then accepted."""
    await act(api, prog, pair["id"], "accept", parties[pair["person_a"]].headers)
    result = await act(api, prog, pair["id"], "accept", parties[pair["person_b"]].headers)
    assert result["state"] == "accepted", result
    return result


@dataclass
class PairStory:
    """One accepted partnership and everything around it."""

    programme: Programme
    partnership_id: str
    #: In a peer round `mentor` and `mentee` are the two peers (a and b).
    mentor: Party
    mentee: Party
    coordinator: Party

    @property
    def scheme_id(self) -> str:
        return self.programme.scheme_id

    @property
    def intake_id(self) -> str:
        return self.programme.intake_id


async def matched_pair(
    api: httpx.AsyncClient,
    factory: TenantFactory,
    world: TenantWorld,
    preset: str = "alia-mentoring",
    *,
    accept: bool = True,
) -> PairStory:
    """An intake from the preset, two applicants matched, published and (by default)
    accepted by both: the starting point of meetings, hours, surveys and certificates."""
    prog = await programme(api, world, preset)
    if preset == "iln-peer":
        first = await applicants(api, factory, prog, "peer", 2)
        people = [who for who, _ in first]
    else:
        mentors = await applicants(api, factory, prog, "mentor", 1)
        mentees = await applicants(api, factory, prog, "mentee", 1)
        people = [mentors[0][0], mentees[0][0]]
    run = await run_matching(api, prog)
    assert len(run["pairs"]) == 1, run
    await publish(api, prog, run["id"])
    (pair,) = await partnerships(api, prog)
    parties = {str(p.person_id): p for p in people}
    if accept:
        await accept_both(api, prog, pair, parties)
    return PairStory(
        programme=prog,
        partnership_id=pair["id"],
        mentor=parties[pair["person_a"]],
        mentee=parties[pair["person_b"]],
        coordinator=world[Role.COORDINATOR],
    )


INTAKE_DAYS = (
    "applications_open",
    "members_only_until",
    "applications_close",
    "starts_on",
    "midway_review_on",
    "ends_on",
    "evaluation_due_on",
)
PARTNERSHIP_TIMES = (
    "accepted_a_at",
    "accepted_b_at",
    "accepted_at",
    "activated_at",
    "midway_review_at",
    "completed_at",
    "evaluated_at",
    "ended_at",
    "created_at",
)


def _back(value: Any, days: int) -> Any:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite gives dates back as text
        value = date.fromisoformat(value[:10])
    return value - timedelta(days=days)


async def elapse(world: TenantWorld, intake_id: str, days: int) -> dict[str, str]:
    """Time passes: the intake, its partnerships (their acceptances, steps and days)
    and their meetings and surveys move `days` into the past, as if all of it had
    happened `days` earlier. The lifecycle follows the intake's dates and the
    association's clock, which a test cannot wind on; so the record is wound back.
    Returns the intake's dates (ISO) afterwards."""
    from registry.mentoring.tables import MentoringIntake, MentoringPartnership
    from registry.participation.tables import Meeting, Survey
    from tenants.scope import TenantScope

    scope = TenantScope(world.tenant.id, world.slug)
    intake = await scope.get(MentoringIntake, intake_id, "intake")
    await scope.update(
        MentoringIntake,
        {getattr(MentoringIntake, c): _back(getattr(intake, c), days) for c in INTAKE_DAYS},
    ).where(MentoringIntake.id == intake.id)
    for pair in await scope.objects(MentoringPartnership).where(
        MentoringPartnership.intake == intake.id
    ):
        values = {
            getattr(MentoringPartnership, c): _back(getattr(pair, c), days)
            for c in (*PARTNERSHIP_TIMES, "active_from", "completed_on")
        }
        await scope.update(MentoringPartnership, values).where(MentoringPartnership.id == pair.id)
        for meeting in await scope.objects(Meeting).where(Meeting.partnership == pair.id):
            await scope.update(
                Meeting,
                {
                    Meeting.held_on: _back(meeting.held_on, days),
                    Meeting.created_at: _back(meeting.created_at, days),
                },
            ).where(Meeting.id == meeting.id)
        for survey in await scope.objects(Survey).where(Survey.partnership == pair.id):
            await scope.update(
                Survey,
                {
                    Survey.opens_on: _back(survey.opens_on, days),
                    Survey.due_on: _back(survey.due_on, days),
                },
            ).where(Survey.id == survey.id)
    moved = await scope.get(MentoringIntake, intake.id, "intake")
    return {c: str(getattr(moved, c))[:10] for c in INTAKE_DAYS if getattr(moved, c) is not None}


async def business_today(world: TenantWorld) -> date:
    """Today in the association's calendar (tenants/clock.py)."""
    from tenants import clock
    from tenants.scope import TenantScope

    return await clock.today(TenantScope(world.tenant.id, world.slug))


async def wind_to(world: TenantWorld, intake_id: str, field: str, after: int = 0) -> dict[str, str]:
    """Wind the record back so that the intake's `field` (starts_on, midway_review_on,
    ends_on) fell `after` days before today."""
    from registry.mentoring.tables import MentoringIntake
    from tenants.scope import TenantScope

    scope = TenantScope(world.tenant.id, world.slug)
    intake = await scope.get(MentoringIntake, intake_id, "intake")
    day = getattr(intake, field)
    day = date.fromisoformat(str(day)[:10])
    return await elapse(world, intake_id, (day - await business_today(world)).days + after)
