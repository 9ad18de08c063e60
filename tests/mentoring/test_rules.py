"""Mentoring rules a user notices, over the HTTP API: bad schemes and intakes named by
the field, referrals and admissions, paper applications, who sees which application,
withdrawing an application, terminations, and the audit trail of it all."""

from __future__ import annotations

from tenants.roles import Role
from tests.mentoring.stories import (
    act,
    application,
    apply,
    base,
    coordinator,
    matched_pair,
    person,
    programme,
    wind_to,
)


async def test_a_scheme_and_an_intake_refuse_what_does_not_fit(api, factory):
    world = await factory.tenant("rules")
    url = f"{base(world)}/schemes"
    both = await api.post(
        url,
        json={
            "name": "S",
            "mode": "peer",
            "preset": "iln-peer",
            "policy": world.policy_name,
            "interests": ["x"],
        },
        headers=coordinator(world),
    )
    assert both.status_code == 400 and both.json()["errors"][0]["field"] == "policy"
    unknown = await api.post(
        url,
        json={"name": "S", "mode": "peer", "policy": "nope", "interests": ["x"]},
        headers=coordinator(world),
    )
    assert unknown.status_code == 400 and "no policy 'nope'" in unknown.json()["detail"]
    wrong_mode = await api.post(
        url,
        json={"name": "S", "mode": "peer", "preset": "alia-mentoring", "interests": ["x"]},
        headers=coordinator(world),
    )
    assert wrong_mode.status_code == 400 and wrong_mode.json()["errors"][0]["field"] == "mode"
    member = await api.post(
        url,
        json={"name": "S", "mode": "peer", "preset": "iln-peer", "interests": ["x"]},
        headers=world[Role.MEMBER].headers,
    )
    assert member.status_code == 403

    # A scheme under the tenant's stored policy (from the ALIA preset).
    stored = await api.post(
        url,
        json={
            "name": "Stored",
            "mode": "mentor-mentee",
            "policy": world.policy_name,
            "interests": ["leadership"],
        },
        headers=coordinator(world),
    )
    assert stored.status_code == 201, stored.text
    assert stored.json()["policy_source"] == "tenant"
    assert stored.json()["weights_preset"] == "alia-mentoring"
    fixed = await api.post(
        f"{url}/{stored.json()['id']}/intakes",
        json={"name": "I", "starts_on": "2031-07-01", "ends_on": "2031-12-31"},
        headers=coordinator(world),
    )
    assert fixed.status_code == 400 and fixed.json()["errors"][0]["field"] == "ends_on"
    assert "fixes it" in fixed.json()["detail"]


async def test_referral_admission_and_paper_applications(api, factory):
    world = await factory.tenant("refer")
    prog = await programme(api, world, "alia-mentoring")
    someone = await person(factory, world, "someone")
    # A member may not apply for somebody else; a coordinator enters a paper form.
    other = await person(factory, world, "paper")
    forged = await api.post(
        f"{prog.base}/intakes/{prog.intake_id}/applications",
        json=application("alia-mentoring", "mentee", person_id=str(other.person_id)),
        headers=someone.headers,
    )
    assert forged.status_code == 403
    paper = await api.post(
        f"{prog.base}/intakes/{prog.intake_id}/applications",
        json=application("alia-mentoring", "mentor", person_id=str(other.person_id), capacity=5),
        headers=coordinator(world),
    )
    assert paper.status_code == 201, paper.text
    # Five mentees is more than the policy's three: referred to a coordinator.
    assert paper.json()["status"] == "referred"
    assert paper.json()["person_id"] == str(other.person_id)
    again = await apply(api, prog, other, "mentee", expect=409)
    assert "already applied" in again["detail"]

    # Refused applications leave nothing behind; members see only their own.
    await apply(api, prog, someone, "mentor", expect=403, years=1)
    mine = await api.get(
        f"{prog.base}/intakes/{prog.intake_id}/applications", headers=someone.headers
    )
    assert mine.status_code == 200 and mine.json() == []
    theirs = await api.get(
        f"{prog.base}/applications/{paper.json()['id']}", headers=someone.headers
    )
    assert theirs.status_code == 404
    everyone = await api.get(
        f"{prog.base}/intakes/{prog.intake_id}/applications", headers=world[Role.AUDITOR].headers
    )
    assert [a["id"] for a in everyone.json()] == [paper.json()["id"]]

    admitted = await api.post(
        f"{prog.base}/applications/{paper.json()['id']}/admit", headers=coordinator(world)
    )
    assert admitted.status_code == 200 and admitted.json()["status"] == "accepted"
    twice = await api.post(
        f"{prog.base}/applications/{paper.json()['id']}/admit", headers=coordinator(world)
    )
    assert twice.status_code == 409

    # The applicant withdraws before matching; a withdrawn application is not matched.
    mentee = await apply(api, prog, someone, "mentee")
    gone = await api.post(
        f"{prog.base}/applications/{mentee['id']}/withdraw",
        json={"reason": "no time this year"},
        headers=someone.headers,
    )
    assert gone.status_code == 200 and gone.json()["status"] == "withdrawn"
    run = await api.post(
        f"{prog.base}/intakes/{prog.intake_id}/match-runs", headers=coordinator(world)
    )
    assert run.status_code == 201 and run.json()["pairs"] == []
    assert [u["reason"] for u in run.json()["unmatched"]] == ["no eligible partner"]


async def test_termination_without_a_party_in_breach_and_the_audit_trail(api, factory):
    world = await factory.tenant("term")
    story = await matched_pair(api, factory, world, "alia-mentoring")
    prog = story.programme
    refused = await act(
        api,
        prog,
        story.partnership_id,
        "withdraw",
        coordinator(world),
        expect=409,
        body={"reason": "x"},
    )
    assert "only a party to the partnership may withdraw" in refused["detail"]
    stranger = await person(factory, world, "stranger")
    hidden = await act(api, prog, story.partnership_id, "accept", stranger.headers, expect=404)
    assert "no partnership" in hidden["detail"]
    ended = await act(
        api,
        prog,
        story.partnership_id,
        "terminate",
        coordinator(world),
        body={"reason": "both broke confidentiality"},
    )
    assert ended["state"] == "terminated" and ended["end_reason"] == "both broke confidentiality"
    for app_id in (ended["application_a"], ended["application_b"]):
        app = await api.get(f"{prog.base}/applications/{app_id}", headers=coordinator(world))
        assert app.json()["status"] == "removed" and app.json()["rematch"] is False
    again = await act(
        api,
        prog,
        story.partnership_id,
        "terminate",
        coordinator(world),
        expect=409,
        body={"reason": "again"},
    )
    assert "cannot terminate a partnership that is terminated" in again["detail"]

    events = await api.get(
        f"/api/v1/t/{world.slug}/audit/events",
        params={"object_id": story.partnership_id},
        headers=world[Role.AUDITOR].headers,
    )
    assert events.status_code == 200, events.text
    actions = [event["action"] for event in events.json()["items"]]
    assert actions == [
        "mentoring.partnership.proposed",
        "mentoring.partnership.accepted_by_party",
        "mentoring.partnership.accepted",
        "mentoring.partnership.terminated",
    ]


async def test_the_rematch_list_is_matched_first(api, factory):
    world = await factory.tenant("rematch")
    story = await matched_pair(api, factory, world, "alia-mentoring")
    prog = story.programme
    gone = await act(
        api,
        prog,
        story.partnership_id,
        "withdraw",
        story.mentor.headers,
        body={"reason": "changed jobs"},
    )
    assert gone["state"] == "withdrawn" and gone["ended_by"] == str(story.mentor.person_id)
    # The mentee's fee rested on that allocation: not due until a new one is accepted.
    left_app = await api.get(
        f"{prog.base}/applications/{gone['application_b']}", headers=story.mentee.headers
    )
    assert left_app.json()["fee"]["state"] == "not_due" and left_app.json()["rematch"]
    # One new mentor, and a new mentee who would suit them better than the one left.
    mentor = await person(factory, world, "newmentor")
    await apply(
        api, prog, mentor, "mentor", interests=["cataloguing", "advocacy"], sector="academic"
    )
    rival = await person(factory, world, "rival")
    rival_app = await apply(
        api, prog, rival, "mentee", interests=["cataloguing", "advocacy"], sector="academic"
    )
    run = await api.post(
        f"{prog.base}/intakes/{prog.intake_id}/match-runs", headers=coordinator(world)
    )
    assert run.status_code == 201, run.text
    (pair,) = run.json()["pairs"]
    left = await api.get(
        f"{prog.base}/partnerships/{story.partnership_id}", headers=story.mentee.headers
    )
    assert pair["a"] == left.json()["application_b"]  # the mentee left behind
    assert [u["application"] for u in run.json()["unmatched"]] == [rival_app["id"]]


async def test_today_is_the_associations_day(database):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from registry.audit.ledger import OPERATOR
    from tenants import clock
    from tenants.scope import TenantScope
    from tenants.service import create_tenant

    tenant = await create_tenant(
        "kiribati-lib", "Kiribati", "KI", "Pacific/Kiritimati", actor=OPERATOR
    )
    scope = TenantScope(tenant.id, str(tenant.slug))
    assert await clock.today(scope) == datetime.now(ZoneInfo("Pacific/Kiritimati")).date()


async def test_concurrent_publications_and_applications_do_not_double_up(api, factory):
    import asyncio

    world = await factory.tenant("race")
    prog = await programme(api, world, "alia-mentoring")
    twin = await person(factory, world, "twin")
    url = f"{prog.base}/intakes/{prog.intake_id}/applications"
    body = application("alia-mentoring", "mentee")
    first, second = await asyncio.gather(
        api.post(url, json=body, headers=twin.headers),
        api.post(url, json=body, headers=twin.headers),
    )
    assert sorted([first.status_code, second.status_code]) == [201, 409]
    mentor = await person(factory, world, "mentor")
    await apply(api, prog, mentor, "mentor")
    run = await api.post(
        f"{prog.base}/intakes/{prog.intake_id}/match-runs", headers=coordinator(world)
    )
    publish = f"{prog.base}/match-runs/{run.json()['id']}/publish"
    one, two = await asyncio.gather(
        api.post(publish, headers=coordinator(world)),
        api.post(publish, headers=coordinator(world)),
    )
    assert sorted([one.status_code, two.status_code]) == [200, 409]
    made = await api.get(
        f"{prog.base}/partnerships/", params={"intake": prog.intake_id}, headers=coordinator(world)
    )
    assert len(made.json()) == 1


async def test_a_round_with_planned_places_caps_each_country_at_application(api, factory):
    world = await factory.tenant("cap")
    prog = await programme(api, world, "iln-peer", planned_places=5)
    first = await person(factory, world, "au1")
    await apply(api, prog, first, "peer", country="AU")
    second = await person(factory, world, "au2")
    refused = await apply(api, prog, second, "peer", expect=403, country="AU")
    assert "No country may have more than 20%" in refused["detail"]
    await apply(api, prog, second, "peer", country="NZ")


async def test_close_ended_completes_what_runs_past_the_intakes_end(api, factory):
    import os
    import subprocess
    import sys
    from datetime import date, timedelta

    world = await factory.tenant("ended")
    story = await matched_pair(api, factory, world, "alia-mentoring")
    prog = story.programme
    # The intake ended yesterday (the record wound back), the pair active all along.
    await wind_to(world, prog.intake_id, "starts_on")
    await act(api, prog, story.partnership_id, "activate", story.mentee.headers)
    dates = await wind_to(world, prog.intake_id, "ends_on", after=1)
    ends_on = date.fromisoformat(dates["ends_on"])

    def close(as_of: date) -> str:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "registry.cli",
                "mentoring",
                "close-ended",
                "--tenant",
                world.slug,
                "--as-of",
                as_of.isoformat(),
                "--apply",
            ],
            capture_output=True,
            text=True,
            env=os.environ,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "0 partnerships completed" in close(ends_on)
    # A day not yet begun in the association's calendar is taken as today.
    assert "1 partnerships completed" in close(ends_on + timedelta(days=30))
    done = await api.get(
        f"{prog.base}/partnerships/{story.partnership_id}", headers=story.mentee.headers
    )
    assert done.json()["state"] == "completed" and done.json()["completed_at"]
    # It ran to the intake's end, not beyond, and not early.
    assert (done.json()["completed_on"], done.json()["completed_early"]) == (
        ends_on.isoformat(),
        False,
    )
    assert "0 partnerships completed" in close(ends_on + timedelta(days=2))
