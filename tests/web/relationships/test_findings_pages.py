"""The request page as a browser without JavaScript uses it: every finding in the
order recorded with where it stands, an adverse finding flagged until a coordinator
reverses it from the page, and the periodic review of an approved relationship."""

from __future__ import annotations

import datetime as dt

import pytest

from tenants.roles import Role
from tests.relationships import stories
from tests.web.helpers import browser_for
from tests.web.relationships.world import field_error, relationships_world, text_of

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


async def test_an_adverse_finding_is_shown_until_reversed_on_the_page(
    live_server, factory, api, un_list
):
    world = await relationships_world(factory, api, "web-findings")
    partner = await stories.create_partner(api, world, name="Samoa Reading Club", country="WS")
    request = await stories.submitted_and_received(api, world, partner["id"])
    await stories.complete_due_diligence(api, world, request["id"])
    url = f"/t/{world.slug}/requests/{request['id']}"
    async with browser_for(live_server, world[Role.COORDINATOR].email) as (client, csrf):
        recorded = await client.post(
            f"{url}/attestations",
            data={
                "csrf_token": csrf,
                "kind": "reputation",
                "reputation-result": "unsatisfactory",
                "reputation-assessed_on": dt.date.today().isoformat(),
                "reputation-evidence": "Press reports of misused grant money",
            },
        )
        assert recorded.status_code == 303, text_of(recorded.text)[:2000]
        future = await client.post(
            f"{url}/attestations",
            data={
                "csrf_token": csrf,
                "kind": "reputation",
                "reputation-result": "satisfactory",
                "reputation-assessed_on": "2030-01-01",
            },
        )
        assert future.status_code == 400
        assert "in the future" in field_error(future.text, "reputation-assessed_on")

        page = await client.get(url)
        words = text_of(page.text)
        assert "Adverse findings in force" in words
        assert "Reputation assessed as unsatisfactory" in words
        assert "Reverse an adverse finding" in words
        adverse = next(
            a
            for a in (await stories.get_request(api, world, request["id"]))["attestations"]
            if a["adverse"]
        )
        missing = await client.post(f"{url}/reversals", data={"csrf_token": csrf})
        assert missing.status_code == 400 and field_error(missing.text, "evidence")
        reversed_ = await client.post(
            f"{url}/reversals",
            data={
                "csrf_token": csrf,
                "reverses": adverse["id"],
                "reason": "The reports concerned another organisation of a similar name",
                "evidence": "Letter from the regional federation",
            },
        )
        assert reversed_.status_code == 303, text_of(reversed_.text)[:2000]
        words = text_of((await client.get(reversed_.headers["location"])).text)
        assert "Adverse findings in force" not in words
        assert "Reversed" in words and "Reversal of" in words
        assert "another organisation of a similar name" in words

    async with browser_for(live_server, world[Role.EXECUTIVE].email) as (client, csrf):
        words = text_of((await client.get(url)).text)
        assert "Reverse an adverse finding" not in words  # a coordinator's finding to reverse


async def test_the_periodic_review_is_opened_and_recorded_on_the_page(
    live_server, factory, api, un_list
):
    world = await factory.tenant("web-review")  # one director: one vote carries
    await stories.use_partner_policy(api, world)
    partner = await stories.create_partner(api, world, name="Tonga Library Friends", country="TO")
    request = await stories.approved(api, world, partner["id"], kind="in_kind_support")
    url = f"/t/{world.slug}/requests/{request['id']}"
    async with browser_for(live_server, world[Role.COORDINATOR].email) as (client, csrf):
        opened = await client.post(f"{url}/reviews", data={"csrf_token": csrf})
        assert opened.status_code == 303, text_of(opened.text)[:2000]
        assert opened.headers["location"] == f"{url}?done=review#reviews"
        twice = await client.post(f"{url}/reviews", data={"csrf_token": csrf})
        assert twice.status_code == 409 and "still open" in text_of(twice.text)

        unsaid = await client.post(
            f"{url}/reviews/decision", data={"csrf_token": csrf, "decision": "continue"}
        )
        assert unsaid.status_code == 400
        assert "still benefits members" in field_error(unsaid.text, "benefits_members")
        vague = await client.post(
            f"{url}/reviews/decision",
            data={"csrf_token": csrf, "benefits_members": "yes", "decision": "modify"},
        )
        assert vague.status_code == 400
        assert "what changes" in field_error(vague.text, "changes")

        recorded = await client.post(
            f"{url}/reviews/decision",
            data={
                "csrf_token": csrf,
                "benefits_members": "yes",
                "decision": "continue",
                "findings": "Volunteers catalogued two collections this year.",
            },
        )
        assert recorded.status_code == 303, text_of(recorded.text)[:2000]
        words = text_of((await client.get(recorded.headers["location"])).text)
        assert "The review was recorded." in words
        assert "Volunteers catalogued two collections this year." in words
