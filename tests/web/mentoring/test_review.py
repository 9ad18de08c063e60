"""The coordinator's review of a draft over HTTP (a referral admitted, partners
swapped and a pair pinned, mistakes next to the field), withdrawing and terminating
only after a page that asks, and a survey answered with every missing answer named.
Set-up goes through the mentoring room's API stories (tests/mentoring/stories.py)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from registry.audit.ledger import OPERATOR
from registry.participation import service as participation
from tenants.roles import Role
from tenants.scope import TenantScope
from tenants.tables import Person
from tests.mentoring import stories
from tests.participation.world import partnership, person
from tests.web.helpers import browser_for, give_password
from tests.web.mentoring.test_pages import location, text_of
from tests.web.test_pages import field_error

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
async def world(factory):
    return await factory.tenant("web-mentoring-review")


async def test_admit_a_referral_then_swap_and_pin_in_the_draft(live_server, api, factory, world):
    prog = await stories.programme(api, world)
    mentors = await stories.applicants(api, factory, prog, "mentor", 2)
    await stories.applicants(api, factory, prog, "mentee", 2)
    late = await stories.person(factory, world, "late")
    referred = await stories.apply(api, prog, late, "mentee", declarations=[])
    assert referred["status"] == "referred"
    slug = world.slug
    async with browser_for(live_server, world[Role.COORDINATOR].email) as (staff, csrf):
        page = await staff.get(f"/t/{slug}/mentoring/applications/{referred['id']}")
        assert "The application is missing" in page.text
        assert "Admit to the pool" in page.text
        admitted = await staff.get(
            location(
                await staff.post(
                    f"/t/{slug}/mentoring/applications/{referred['id']}/admit",
                    data={"csrf_token": csrf},
                )
            )
        )
        assert "The application is admitted to the pool" in admitted.text
        again = await staff.post(
            f"/t/{slug}/mentoring/applications/{referred['id']}/admit", data={"csrf_token": csrf}
        )
        assert again.status_code == 409
        assert "only a referred application is admitted" in again.text

        fee_url = f"/t/{slug}/mentoring/applications/{referred['id']}/fee"
        unmatched = await staff.post(fee_url, data={"csrf_token": csrf, "fee_state": "charged"})
        assert unmatched.status_code == 409
        assert "only a fee that is due is charged" in unmatched.text  # never before a match
        no_choice = await staff.post(fee_url, data={"csrf_token": csrf})
        assert "Choose charged or waived" in field_error(no_choice.text, "fee_state")
        waived = await staff.get(
            location(
                await staff.post(
                    fee_url,
                    data={"csrf_token": csrf, "fee_state": "waived", "fee_note": "hardship"},
                )
            )
        )
        assert "The fee is now waived" in waived.text

        intake_url = f"/t/{slug}/mentoring/intakes/{prog.intake_id}"
        run_url = location(
            await staff.post(f"{intake_url}/match-runs", data={"csrf_token": csrf})
        ).split("?")[0]
        run = await staff.get(run_url)
        assert "2 pairs" in run.text
        assert "capacity exhausted" in run.text  # three mentees, two mentors of one place

        async def draft() -> dict:
            response = await api.get(
                f"/api/v1/t/{slug}/mentoring/match-runs/{run_url.rsplit('/', 1)[1]}",
                headers=world[Role.COORDINATOR].headers,
            )
            return response.json()

        left_out = (await draft())["unmatched"][0]["application"]
        mentor = str(mentors[0][1]["id"])
        bad_pin = await staff.post(f"{run_url}/pin", data={"csrf_token": csrf, "a": left_out})
        assert "Choose their partner" in field_error(bad_pin.text, "b")
        pinned = await staff.get(
            location(
                await staff.post(
                    f"{run_url}/pin", data={"csrf_token": csrf, "a": left_out, "b": mentor}
                )
            )
        )
        assert "The pair is pinned" in pinned.text
        pairs = (await draft())["pairs"]
        assert [left_out, mentor] in [[p["a"], p["b"]] for p in pairs]

        first, second = (pair["a"] for pair in pairs)
        same = await staff.post(
            f"{run_url}/swap", data={"csrf_token": csrf, "first": first, "second": first}
        )
        assert same.status_code == 400
        assert "different partners" in field_error(same.text, "second")
        swapped = await staff.get(
            location(
                await staff.post(
                    f"{run_url}/swap", data={"csrf_token": csrf, "first": first, "second": second}
                )
            )
        )
        assert "The partners are swapped" in swapped.text
        assert text_of(swapped.text).count("pinned") >= 2

        # Every mentor's one place is pinned now: another pin is refused, with why.
        now_out = (await draft())["unmatched"][0]["application"]
        over = await staff.post(
            f"{run_url}/pin", data={"csrf_token": csrf, "a": now_out, "b": mentor}
        )
        assert over.status_code == 409
        assert "more pins than capacity" in over.text
        names = await staff.get(intake_url)
        assert "Run of" in names.text


async def test_withdrawing_and_terminating_ask_first(live_server, api, factory, world):
    story = await stories.matched_pair(api, factory, world)
    slug = world.slug
    url = f"/t/{slug}/mentoring/partnerships/{story.partnership_id}"
    await give_password(story.mentee.email)
    async with browser_for(live_server, story.mentee.email) as (mentee, csrf):
        short = await mentee.get(f"/t/{slug}/partnerships/{story.partnership_id}")
        assert short.status_code == 303 and short.headers["location"] == url
        ask = await mentee.get(f"{url}/withdraw")
        assert "This cannot be undone" in ask.text
        assert "Yes, withdraw" in ask.text
        no_reason = await mentee.post(f"{url}/withdraw", data={"csrf_token": csrf})
        assert no_reason.status_code == 400
        assert "Say why you withdraw" in field_error(no_reason.text, "reason")
        refused = await mentee.get(f"{url}/terminate")
        assert refused.status_code == 403

    async with browser_for(live_server, world[Role.COORDINATOR].email) as (staff, csrf):
        ask = await staff.get(f"{url}/terminate")
        assert "code of conduct" in ask.text
        terminated = await staff.get(
            location(
                await staff.post(
                    f"{url}/terminate",
                    data={
                        "csrf_token": csrf,
                        "reason": "harassment reported and upheld",
                        "in_breach": str(story.mentor.person_id),
                    },
                )
            )
        )
        assert "The partnership is terminated" in terminated.text
        assert "harassment reported and upheld" in terminated.text
        twice = await staff.post(f"{url}/terminate", data={"csrf_token": csrf, "reason": "again"})
        assert twice.status_code == 409
        assert "cannot terminate" in twice.text


async def test_a_party_answers_the_evaluation(live_server, world):
    seeded = world.participation
    mentee = await Person.objects().where(Person.id == seeded["mentee"]).first()
    assert mentee is not None
    await give_password(str(mentee.email))
    url = f"/t/{world.slug}/surveys/{seeded['survey_id']}"
    async with browser_for(live_server, str(mentee.email)) as (client, csrf):
        partnership = await client.get(
            f"/t/{world.slug}/mentoring/partnerships/{seeded['partnership_id']}"
        )
        assert re.search(r"Evaluation: .*overdue", text_of(partnership.text))
        form = await client.get(url)
        assert "How satisfied are you with the partnership overall?" in form.text
        missing = await client.post(url, data={"csrf_token": csrf, "answers.goals_met": "4"})
        assert missing.status_code == 400
        assert "Answer this question" in field_error(missing.text, "answers.satisfaction")
        assert "Answer this question" in field_error(missing.text, "answers.recommend")
        answers = {
            "csrf_token": csrf,
            "answers.goals_met": "4",
            "answers.satisfaction": "5",
            "answers.recommend": "yes",
            "answers.cpd_claimed": "no",
        }
        done = await client.get(location(await client.post(url, data=answers)))
        assert "your answers are recorded" in done.text
        again = await client.get(url)
        assert "You answered on" in again.text


async def test_the_coordinator_sees_a_quiet_partnership_on_the_dashboard(live_server, world):
    scope = TenantScope(world.tenant.id, world.slug)
    today = date.today()
    began = today - timedelta(days=100)
    pair = await partnership(
        scope,
        await person(world.tenant, "quietmentor"),
        await person(world.tenant, "quietmentee"),
        state="active",
        accepted_at=datetime.combine(began, datetime.min.time(), UTC),
        starts_on=began,
        midway_review_on=today + timedelta(days=50),
        ends_on=today + timedelta(days=200),
        evaluation_due_on=today + timedelta(days=214),
    )
    ran = await participation.run_daily(scope, actor=OPERATOR)
    assert ran.flags_raised >= 1
    async with browser_for(live_server, world[Role.COORDINATOR].email) as (staff, _):
        dashboard = await staff.get(f"/t/{world.slug}/")
        assert "without a meeting for 60 days" in dashboard.text
        assert f"/mentoring/partnerships/{pair.id}" in dashboard.text


async def test_a_peer_round_is_reviewed_as_peers(live_server, api, factory, world):
    prog = await stories.programme(api, world, "iln-peer")
    peers = await stories.applicants(api, factory, prog, "peer", 10)
    slug = world.slug
    await give_password(peers[0][0].email)
    async with browser_for(live_server, peers[0][0].email) as (member, _):
        page = await member.get(f"/t/{slug}/mentoring/applications/{peers[0][1]['id']}")
        assert "Your application" in page.text
        overview = await member.get(f"/t/{slug}/mentoring")
        assert "iln-peer scheme, Intake: peer" in text_of(overview.text)
    async with browser_for(live_server, world[Role.COORDINATOR].email) as (staff, csrf):
        intake_url = f"/t/{slug}/mentoring/intakes/{prog.intake_id}"
        run = await staff.get(
            location(await staff.post(f"{intake_url}/match-runs", data={"csrf_token": csrf}))
        )
        shown = text_of(run.text)
        assert "5 pairs" in shown  # ten peers of ten countries: under the 20 percent cap
        assert "Peer Peer Score" in shown
        assert "Across borders:" in shown  # every peer is from another country
        assert "Swap partners" in run.text and "Pin this peer" in run.text
