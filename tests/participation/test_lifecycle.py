"""The lifecycle follows the intake's dates in the association's calendar, and a
certificate states only what happened, over HTTP (issue 14).

A partnership is matched and accepted through the mentoring API before its intake
starts (tests/mentoring/stories.py); the association's clock cannot be wound on, so
time passing is the record being wound back (`wind_to`, `elapse`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from registry.audit.canonical import canonical_bytes
from registry.participation import service
from registry.participation.certificates import KIND_V1, new_code
from registry.participation.tables import Certificate
from tenants import keys
from tenants.roles import Role
from tenants.scope import TenantScope
from tests.mentoring.stories import PairStory, business_today, elapse, matched_pair, wind_to
from tests.participation.world import headers_for, partnership, person


def _url(story: PairStory, tail: str = "") -> str:
    slug = story.programme.world.slug
    return f"/api/v1/t/{slug}/mentoring/partnerships/{story.partnership_id}{tail}"


async def _meeting(api, story: PairStory, held_on: date, minutes: int = 60) -> Any:
    return await api.post(
        _url(story, "/meetings"),
        json={"held_on": held_on.isoformat(), "minutes": minutes, "mode": "video"},
        headers=story.mentee.headers,
    )


async def _post(api, story: PairStory, step: str, headers, body=None) -> Any:
    return await api.post(_url(story, f"/{step}"), json=body, headers=headers)


async def test_each_step_waits_for_its_date_and_meetings_stay_within_the_partnership(api, factory):
    world = await factory.tenant("life")
    story = await matched_pair(api, factory, world, "alia-mentoring")
    today = await business_today(world)
    starts_on = date.fromisoformat(story.programme.intake["starts_on"])
    assert starts_on > today

    # Accepted, but the intake has not started: not active, and no meeting counts.
    waits = await _post(api, story, "activate", story.mentee.headers)
    assert waits.status_code == 409, waits.text
    assert f"the intake starts on {starts_on.day}" in waits.json()["detail"]
    before = await _meeting(api, story, today)
    assert before.status_code == 400, before.text
    assert before.json()["errors"][0]["field"] == "held_on"
    assert f"began on {starts_on.isoformat()}" in before.json()["detail"]

    # The intake started 20 days ago (its record wound back).
    dates = await wind_to(world, story.intake_id, "starts_on", after=20)
    too_early = await _meeting(api, story, today - timedelta(days=21))
    assert too_early.status_code == 400 and "before it" in too_early.json()["detail"]
    tomorrow = await _meeting(api, story, today + timedelta(days=1))
    assert tomorrow.status_code == 400 and "in the future" in tomorrow.json()["detail"]
    first_day = today - timedelta(days=12)
    logged = await _meeting(api, story, first_day, 90)
    assert logged.status_code == 201, logged.text
    pair = (await api.get(_url(story), headers=story.mentor.headers)).json()
    # Active from the day of the meeting that made it so, not the day it was logged.
    assert (pair["state"], pair["active_from"]) == ("active", first_day.isoformat())

    # Before the midway date and the end: no review, no completion, no evaluation, no
    # certificate.
    midway = await _post(api, story, "midway-review", story.mentor.headers)
    assert midway.status_code == 409
    assert "the midway review opens on" in midway.json()["detail"]
    complete = await _post(api, story, "complete", story.mentee.headers)
    assert complete.status_code == 409
    assert "only a coordinator may complete" in complete.json()["detail"]
    evaluate = await _post(api, story, "evaluate", story.mentee.headers)
    assert evaluate.status_code == 409
    certificate = await api.post(_url(story, "/certificates"), headers=story.coordinator.headers)
    assert certificate.status_code == 409

    # The midway date comes: the review is recorded.
    await wind_to(world, story.intake_id, "midway_review_on")
    reviewed = await _post(api, story, "midway-review", story.mentor.headers)
    assert reviewed.status_code == 200 and reviewed.json()["state"] == "midway_review_done"

    # The intake ended yesterday: completion is not early, and runs to the end only.
    dates = await wind_to(world, story.intake_id, "ends_on", after=1)
    after_end = await _meeting(api, story, today)
    assert after_end.status_code == 400 and "after the partnership ended" in after_end.text
    done = await _post(api, story, "complete", story.mentee.headers)
    assert done.status_code == 200, done.text
    assert (done.json()["completed_on"], done.json()["completed_early"]) == (
        dates["ends_on"],
        False,
    )

    # ALIA asks for the evaluation: the certificate waits for it, and says so.
    waiting = await api.post(_url(story, "/certificates"), headers=story.coordinator.headers)
    assert waiting.status_code == 409
    assert "evaluation of this partnership is outstanding" in waiting.json()["detail"]
    evaluated = await _post(api, story, "evaluate", story.mentor.headers)
    assert evaluated.status_code == 200 and evaluated.json()["state"] == "evaluated"

    issued = await api.post(_url(story, "/certificates"), headers=story.coordinator.headers)
    assert issued.status_code == 201, issued.text
    meetings = (await api.get(_url(story, "/meetings"), headers=story.mentor.headers)).json()
    for item in issued.json():
        check = (await api.get(item["verify_path"])).json()
        assert check["status"] == "valid"
        # The period is the partnership's own (first meeting to the intake's end, wound
        # back with the record), not the intake's planned dates.
        assert (check["starts_on"], check["ends_on"]) == (meetings[0]["held_on"], dates["ends_on"])
        assert check["starts_on"] != dates["starts_on"]
        assert (check["hours"], check["meetings"], check["completed_early"]) == ("1.5", 1, False)


async def test_a_coordinator_completes_early_with_a_reason_and_the_certificate_says_so(
    api, factory
):
    world = await factory.tenant("early")
    story = await matched_pair(api, factory, world, "alia-mentoring")
    today = await business_today(world)
    await wind_to(world, story.intake_id, "starts_on", after=40)
    first, second = today - timedelta(days=30), today - timedelta(days=5)
    assert (await _meeting(api, story, first, 90)).status_code == 201
    assert (await _meeting(api, story, second, 60)).status_code == 201

    by_party = await _post(api, story, "complete", story.mentor.headers, {"reason": "done"})
    assert by_party.status_code == 409
    assert "only a coordinator may complete" in by_party.json()["detail"]
    no_reason = await _post(api, story, "complete", story.coordinator.headers)
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"][0]["field"] == "reason"
    reason = "The mentee has taken a post overseas"
    early = await _post(api, story, "complete", story.coordinator.headers, {"reason": reason})
    assert early.status_code == 200, early.text
    pair = early.json()
    assert (pair["state"], pair["completed_on"], pair["completed_early"]) == (
        "completed",
        today.isoformat(),
        True,
    )
    assert pair["completion_reason"] == reason

    # Its evaluation opens on the day it completed; nothing is met after that day.
    await elapse(world, story.intake_id, 2)
    late = await _meeting(api, story, today)
    assert late.status_code == 400 and "after the partnership ended" in late.json()["detail"]
    evaluated = await _post(api, story, "evaluate", story.mentee.headers)
    assert evaluated.status_code == 200, evaluated.text

    issued = await api.post(_url(story, "/certificates"), headers=story.coordinator.headers)
    assert issued.status_code == 201, issued.text
    for item in issued.json():
        check = (await api.get(item["verify_path"])).json()
        assert check["status"] == "valid", check
        assert (check["starts_on"], check["ends_on"]) == (
            (first - timedelta(days=2)).isoformat(),
            (today - timedelta(days=2)).isoformat(),
        )
        assert (check["hours"], check["meetings"], check["completed_early"]) == ("2.5", 2, True)
        pdf = await api.get(
            f"/api/v1/t/{world.slug}/certificates/{item['id']}/pdf",
            headers=story.coordinator.headers,
        )
        assert pdf.status_code == 200 and b"completed early" in pdf.content


async def test_a_partnership_that_never_met_gets_no_certificate(api, factory):
    world = await factory.tenant("nomeet")
    scope = TenantScope(world.tenant.id, world.slug)
    mentor, mentee = await person(world.tenant, "mentor"), await person(world.tenant, "mentee")
    pair = await partnership(scope, mentor, mentee, state="completed")
    refused = await api.post(
        f"/api/v1/t/{world.slug}/mentoring/partnerships/{pair.id}/certificates",
        headers=world[Role.COORDINATOR].headers,
    )
    assert refused.status_code == 409
    assert "no meeting of this partnership was logged" in refused.json()["detail"]


async def test_an_evaluation_waits_for_the_partnerships_end(api, factory):
    """A completed partnership (as an older record may hold, without its completion
    day) whose intake has not ended: the evaluation opens only at the end."""
    world = await factory.tenant("evalwait")
    scope = TenantScope(world.tenant.id, world.slug)
    today = await business_today(world)
    mentor, mentee = await person(world.tenant, "mentor"), await person(world.tenant, "mentee")
    pair = await partnership(
        scope,
        mentor,
        mentee,
        state="completed",
        starts_on=today - timedelta(days=60),
        midway_review_on=today + timedelta(days=60),
        ends_on=today + timedelta(days=180),
        evaluation_due_on=today + timedelta(days=194),
    )
    refused = await api.post(
        f"/api/v1/t/{world.slug}/mentoring/partnerships/{pair.id}/evaluate",
        headers=await headers_for(world.tenant, mentee),
    )
    assert refused.status_code == 409
    assert "the evaluation opens on" in refused.json()["detail"]


async def test_a_meeting_is_at_most_8_hours_and_a_day_at_most_24(api, factory):
    world = await factory.tenant("hours")
    scope = TenantScope(world.tenant.id, world.slug)
    mentor = await person(world.tenant, "mentor")
    first, second = await person(world.tenant, "mentee"), await person(world.tenant, "mentee")
    one = await partnership(scope, mentor, first)
    other = await partnership(scope, mentor, second)
    mentor_headers = await headers_for(world.tenant, mentor)
    day = "2025-05-06"

    def url(pair) -> str:
        return f"/api/v1/t/{world.slug}/mentoring/partnerships/{pair.id}/meetings"

    async def log(pair, minutes: int, headers=mentor_headers) -> Any:
        body = {"held_on": day, "minutes": minutes, "mode": "in_person"}
        return await api.post(url(pair), json=body, headers=headers)

    long = await log(one, 481)
    assert long.status_code == 400
    assert long.json()["errors"][0]["field"] == "minutes"
    assert "at most 8 hours" in long.json()["detail"]
    for _ in range(2):
        assert (await log(one, 480)).status_code == 201
    assert (await log(other, 480)).status_code == 201  # 24 hours: the whole day
    # A minute more is refused, in either of the mentor's partnerships, and says whose.
    for pair in (one, other):
        over = await log(pair, 1)
        assert over.status_code == 400, over.text
        assert over.json()["errors"][0]["field"] == "minutes"
        assert "already has 24 hours of meetings logged on 2025-05-06" in over.json()["detail"]
    # The mentee's own day counts the same meetings (they were there too).
    mentee_over = await log(one, 1, await headers_for(world.tenant, first))
    assert mentee_over.status_code == 400
    # Another day is another day.
    other_day = await api.post(
        url(one),
        json={"held_on": "2025-05-07", "minutes": 60, "mode": "video"},
        headers=mentor_headers,
    )
    assert other_day.status_code == 201
    hours = await api.get(url(one).replace("/meetings", "/hours"), headers=mentor_headers)
    mine = next(h for h in hours.json() if h["role"] == "mentor")
    assert (mine["meetings"], mine["hours"]) == (3, 17.0)


async def test_a_certificate_signed_before_the_period_was_stated_still_verifies(api, factory):
    """A v1 certificate (the intake's dates, no early completion) keeps verifying as
    valid, and as tampered once its stored facts change."""
    world = await factory.tenant("oldcert")
    scope = TenantScope(world.tenant.id, world.slug)
    mentor, mentee = await person(world.tenant, "mentor"), await person(world.tenant, "mentee")
    pair = await partnership(scope, mentor, mentee, state="completed")
    code = new_code()
    facts = {
        "kind": KIND_V1,
        "code": code,
        "association": "Old Association",
        "tenant": world.slug,
        "person_name": "Mentee",
        "person_id": str(mentee),
        "role": "mentee",
        "scheme": "AASW Mentoring Program",
        "intake": "Intake 2025",
        "partnership_id": str(pair.id),
        "starts_on": "2025-03-01",
        "ends_on": "2025-09-30",
        "hours": "1.5",
        "meetings": 1,
        "cpd": "AASW CPD Policy, Category 1",
        "issued_at": "2025-10-01T00:00:00+00:00",
    }
    signed = canonical_bytes(facts)
    signature = await keys.sign(world.tenant.id, signed)
    await scope.create(
        Certificate,
        partnership=pair.id,
        person=mentee,
        code=code,
        facts=signed.decode(),
        signature=signature.signature.hex(),
        key_id=signature.key_id,
    )
    check = await api.get(f"/verify/certificates/{code}")
    assert check.status_code == 200
    assert (check.json()["status"], check.json()["completed_early"]) == ("valid", None)
    await scope.update(
        Certificate, {Certificate.facts: signed.decode().replace('"1.5"', '"15"')}
    ).where(Certificate.code == code)
    assert (await service.verify_certificate(code)).status == "tampered"
