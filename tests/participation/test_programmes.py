"""The three programmes from a match to a verified certificate, over HTTP: a pair
matched and accepted through the mentoring room's API (tests/mentoring/stories.py),
its first meeting making it active, hours in the programme's PD category, the midway
review and the evaluation answered by both (moving the partnership on), and the
certificate checked at the public URL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from registry.audit.ledger import OPERATOR
from registry.participation import service
from tenants.roles import Role
from tenants.scope import TenantScope
from tests.mentoring.stories import (
    PairStory,
    accept_both,
    applicants,
    business_today,
    matched_pair,
    partnerships,
    programme,
    publish,
    run_matching,
    wind_to,
)

CATEGORIES = {
    # preset: {role: (PD scheme, category, recommended minimum)}
    "aasw-mentoring": {
        "mentor": ("AASW CPD Policy", "Category 3", 5),
        "mentee": ("AASW CPD Policy", "Category 1", 10),
    },
    "alia-mentoring": {
        "mentor": ("ALIA PD Scheme", None, None),
        "mentee": ("ALIA PD Scheme", None, None),
    },
    "iln-peer": {"peer": ("ALIA PD Scheme", None, None)},
}


async def peer_pair(api, factory, world) -> PairStory:
    """An ILN round of ten peers from ten countries (each a tenth of the round, under
    its 20 percent cap), matched and published; one pair accepted by both."""
    prog = await programme(api, world, "iln-peer")
    peers = await applicants(api, factory, prog, "peer", 10)
    run = await run_matching(api, prog)
    assert len(run["pairs"]) == 5, run
    await publish(api, prog, run["id"])
    pair = (await partnerships(api, prog))[0]
    parties = {str(who.person_id): who for who, _ in peers}
    await accept_both(api, prog, pair, parties)
    return PairStory(
        prog,
        pair["id"],
        parties[pair["person_a"]],
        parties[pair["person_b"]],
        world[Role.COORDINATOR],
    )


def answers_to(survey: dict[str, Any]) -> dict[str, Any]:
    """A complete, valid set of answers to the survey's required questions."""
    pick = {"rating": lambda q: 4, "yes_no": lambda q: True, "choice": lambda q: q["options"][0]}
    return {q["id"]: pick[q["kind"]](q) for q in survey["questions"] if q["required"]}


async def partnership_state(api, story) -> str:
    response = await api.get(
        f"/api/v1/t/{story.programme.world.slug}/mentoring/partnerships/{story.partnership_id}",
        headers=story.coordinator.headers,
    )
    assert response.status_code == 200, response.text
    state: str = response.json()["state"]
    return state


async def answer_both(api, story, kind: str) -> None:
    base = f"/api/v1/t/{story.programme.world.slug}"
    listed = await api.get(
        f"{base}/mentoring/partnerships/{story.partnership_id}/surveys",
        headers=story.mentee.headers,
    )
    survey = next(s for s in listed.json() if s["kind"] == kind)
    assert survey["id"], survey
    for party in (story.mentor, story.mentee):
        response = await api.post(
            f"{base}/surveys/{survey['id']}/responses",
            json={"answers": answers_to(survey)},
            headers=party.headers,
        )
        assert response.status_code == 201, response.text


@pytest.mark.parametrize("preset", sorted(CATEGORIES))
async def test_programme_from_first_meeting_to_verified_certificate(api, factory, preset):
    world = await factory.tenant(f"pp-{preset.split('-')[0]}")
    if preset == "iln-peer":
        story = await peer_pair(api, factory, world)
    else:
        story = await matched_pair(api, factory, world, preset)
    scope = TenantScope(world.tenant.id, world.slug)
    base = f"/api/v1/t/{world.slug}"
    pair_url = f"{base}/mentoring/partnerships/{story.partnership_id}"
    intake = story.programme.intake
    assert await partnership_state(api, story) == "accepted"
    today = await business_today(world)

    # Accepted before the intake starts: a meeting before the start is not the
    # partnership's, and nothing counts.
    before = await api.post(
        f"{pair_url}/meetings",
        json={"held_on": today.isoformat(), "minutes": 75, "mode": "video"},
        headers=story.mentee.headers,
    )
    assert before.status_code == 400, before.text
    assert f"began on {intake['starts_on']}" in before.json()["detail"]

    # The intake started ten days ago; the first meeting (held three days ago) makes
    # the pair active from that day.
    intake = await wind_to(world, story.intake_id, "starts_on", after=10)
    held = today - timedelta(days=3)
    logged = await api.post(
        f"{pair_url}/meetings",
        json={"held_on": held.isoformat(), "minutes": 75, "mode": "video"},
        headers=story.mentee.headers,
    )
    assert logged.status_code == 201, logged.text
    assert await partnership_state(api, story) == "active"
    hours = (await api.get(f"{pair_url}/hours", headers=story.mentor.headers)).json()
    for row in hours:
        expected = CATEGORIES[preset][row["role"]]
        assert (row["pd_scheme"], row["category"], row["recommended_min_hours"]) == expected
        assert row["hours"] == 1.25

    # Before the midway date: no midway review, no completion, no certificate.
    for step in ("midway-review", "complete"):
        refused = await api.post(f"{pair_url}/{step}", headers=story.mentee.headers)
        assert refused.status_code == 409, refused.text
    early = await api.post(f"{pair_url}/certificates", headers=story.coordinator.headers)
    assert early.status_code == 409, early.text

    # The midway review opens on the intake's midway date; both answer it.
    intake = await wind_to(world, story.intake_id, "midway_review_on")
    await service.run_daily(scope, actor=OPERATOR, today=today)
    await answer_both(api, story, "midway")
    assert await partnership_state(api, story) == "midway_review_done"

    # The evaluation opens at the end; both answering it completes and evaluates the pair.
    intake = await wind_to(world, story.intake_id, "ends_on")
    await service.run_daily(scope, actor=OPERATOR, today=today)
    await answer_both(api, story, "evaluation")
    assert await partnership_state(api, story) == "evaluated"

    issued = await api.post(f"{pair_url}/certificates", headers=story.coordinator.headers)
    assert issued.status_code == 201, issued.text
    meetings = (await api.get(f"{pair_url}/meetings", headers=story.mentor.headers)).json()
    for certificate in issued.json():
        check = (await api.get(certificate["verify_path"])).json()
        assert (check["status"], check["hours"], check["intake"]) == (
            "valid",
            "1.25",
            story.programme.intake["name"],
        )
        # What happened: from its first meeting to the intake's end, not early.
        assert (check["starts_on"], check["ends_on"], check["completed_early"]) == (
            meetings[0]["held_on"],
            intake["ends_on"],
            False,
        )
