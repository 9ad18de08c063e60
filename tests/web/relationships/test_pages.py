"""The relationships, screening, board and MOU pages over HTTP, as a browser without
JavaScript uses them: forms with errors next to their fields, confirmations before
what cannot be undone, and what each role sees on its dashboard."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tenants.roles import Role
from tests.board.support import mou_body
from tests.relationships import stories
from tests.web.helpers import browser_for
from tests.web.relationships.world import field_error, held_request, relationships_world, text_of

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


async def test_partner_and_request_forms_then_submit(live_server, factory, api, un_list):
    world = await relationships_world(factory, api, "web-rel-forms")
    async with browser_for(live_server, world[Role.COORDINATOR].email) as (client, csrf):
        base = f"/t/{world.slug}"
        assert "Register a partner organisation" in (await client.get(f"{base}/partners")).text
        bad = await client.post(
            f"{base}/partners",
            data={
                "csrf_token": csrf,
                "name": "Vanuatu Library Association",
                "country": "ZZ",
                "kind": "library_association",
                "officers": "Jean Kalo; President; 1975; VU\n; Secretary",
            },
        )
        assert bad.status_code == 400
        assert "Line 2" in field_error(bad.text, "officers")
        assert 'value="Vanuatu Library Association"' in bad.text  # what was typed is kept
        bad_country = await client.post(
            f"{base}/partners",
            data={
                "csrf_token": csrf,
                "name": "Vanuatu Library Association",
                "country": "ZZ",
                "kind": "library_association",
                "officers": "Jean Kalo; President; 1975; VU",
            },
        )
        assert field_error(bad_country.text, "country")
        made = await client.post(
            f"{base}/partners",
            data={
                "csrf_token": csrf,
                "name": "Vanuatu Library Association",
                "country": "vu",
                "kind": "library_association",
                "languages": "bi, en",
                "officers": "Jean Kalo; President; 1975; VU",
            },
        )
        assert made.status_code == 303, made.text
        partner_page = await client.get(made.headers["location"])
        assert "Jean Kalo" in partner_page.text and "Vanuatu" in partner_page.text
        partner_id = made.headers["location"].rsplit("/", 1)[1]

        form = await client.get(f"{base}/requests/new?partner_id={partner_id}")
        assert f'<option value="{partner_id}" selected>' in form.text
        no_title = await client.post(
            f"{base}/requests",
            data={"csrf_token": csrf, "partner_id": partner_id, "kind": "bilateral_mou"},
        )
        assert no_title.status_code == 400
        assert field_error(no_title.text, "title")
        draft = await client.post(
            f"{base}/requests",
            data={
                "csrf_token": csrf,
                "partner_id": partner_id,
                "kind": "bilateral_mou",
                "title": "Library education in Vanuatu",
                "raised_as": "coordinator",
                "assistance": ["lis_education", "advocacy"],
                "sdgs": ["4", "17"],
                "expected_outcomes": "Two workshops a year.",
                "mutual_benefits": "Regional experience for members.",
                "personnel": "Jo Smith; staff; two days a month",
            },
        )
        assert draft.status_code == 303, draft.text
        url = draft.headers["location"]
        shown = text_of((await client.get(url)).text)
        assert "draft" in shown and "4. Quality education" in shown and "Jo Smith" in shown
        assert "Not screened" in shown

        submitted = await client.post(f"{url}/submit", data={"csrf_token": csrf})
        assert submitted.status_code == 303
        shown = text_of((await client.get(submitted.headers["location"])).text)
        assert "Submitted to the executive" in shown
        assert "Clear: nothing on the sanctions lists holds the request." in shown
        assert "The policy refers the relationship" in shown  # the Decision in words
        assert "relationship request submit" in shown.lower() or "submit" in shown
        again = await client.post(f"{url}/submit", data={"csrf_token": csrf})
        assert again.status_code == 409
        assert "only a draft can be submitted" in again.text

    # A member's own request names the partner, but its officers' details are for staff.
    mine = await stories.raise_request(api, world, partner_id)
    async with browser_for(live_server, world[Role.MEMBER].email) as (client, _):
        shown = await client.get(f"/t/{world.slug}/requests/{mine['id']}")
        assert shown.status_code == 200 and "Vanuatu Library Association" in shown.text
        assert "Jean Kalo" not in shown.text and "1975" not in shown.text
        other = await client.get(url)
        assert other.status_code == 404  # not theirs


async def test_coordinator_adjudicates_side_by_side_after_confirming(
    live_server, factory, api, un_list
):
    world = await relationships_world(factory, api, "web-rel-case")
    request = await held_request(api, world)
    [case] = request["cases"]
    async with browser_for(live_server, world[Role.COORDINATOR].email) as (client, csrf):
        dashboard = text_of((await client.get(f"/t/{world.slug}/")).text)
        assert "Open screening cases" in dashboard and "Eric Badege ~ ERIC BADEGE" in dashboard
        url = f"/t/{world.slug}/screening-cases/{case['id']}"
        shown = (await client.get(url)).text
        words = text_of(shown)
        assert "Who was screened" in words and "The listed entry" in words
        assert "1990-05-01" in words  # the officer's date of birth, beside the listed one
        assert "1971" in words and "CDi.001" in words
        assert "dob" in words  # each feature's contribution explained
        no_reason = await client.post(
            f"{url}/adjudicate", data={"csrf_token": csrf, "outcome": "false_positive"}
        )
        assert no_reason.status_code == 400
        assert "false positive" in field_error(no_reason.text, "reason")
        asked = await client.post(
            f"{url}/adjudicate",
            data={
                "csrf_token": csrf,
                "outcome": "false_positive",
                "reason": "Born 1990 in Suva; the listed person was born 1971",
            },
        )
        assert asked.status_code == 200
        assert "Yes, record the finding" in asked.text and "cannot be changed" in asked.text
        still = await stories.get_request(api, world, request["id"])
        assert still["cases"][0]["status"] == "open"  # nothing recorded before confirming
        done = await client.post(
            f"{url}/adjudicate",
            data={
                "csrf_token": csrf,
                "outcome": "false_positive",
                "reason": "Born 1990 in Suva; the listed person was born 1971",
                "confirm": "yes",
            },
        )
        assert done.status_code == 303
        words = text_of((await client.get(done.headers["location"])).text)
        assert "Your finding was recorded." in words and "False positive by" in words
        assert "screening case adjudicated" in words.lower() or "adjudicated" in words
        twice = await client.post(
            f"{url}/adjudicate",
            data={"csrf_token": csrf, "outcome": "confirmed", "confirm": "yes"},
        )
        assert twice.status_code == 409 and "a finding stands once made" in twice.text
    after = await stories.get_request(api, world, request["id"])
    assert after["state"] == "due_diligence" and after["clearance"]["status"] == "clear"
    async with browser_for(live_server, world[Role.EXECUTIVE].email) as (client, _):
        refused = await client.get(f"/t/{world.slug}/screening-cases/{case['id']}")
        assert "Adjudicate" not in text_of(refused.text)  # the executive reads, never decides


async def test_findings_referral_votes_with_a_recusal_and_the_signed_decision(
    live_server, factory, api, un_list
):
    world = await relationships_world(factory, api, "web-rel-board")
    request = await held_request(api, world)
    [case] = request["cases"]
    await stories.adjudicate(api, world, case["id"], "false_positive", "A namesake")
    url = f"/t/{world.slug}/requests/{request['id']}"
    async with browser_for(live_server, world[Role.COORDINATOR].email) as (client, csrf):
        bad = await client.post(
            f"{url}/attestations",
            data={"csrf_token": csrf, "kind": "personnel", "personnel-staff": "two"},
        )
        assert bad.status_code == 400
        assert field_error(bad.text, "personnel-staff")
        assert '<details id="finding-personnel" open>' in bad.text
        for data in (
            {
                "kind": "non_discrimination",
                "non_discrimination-grounds": stories.ALL_GROUNDS,
                "non_discrimination-evidence": "Signed statement of the president",
            },
            {
                "kind": "reputation",
                "reputation-result": "satisfactory",
                "reputation-assessed_on": __import__("datetime").date.today().isoformat(),
                "reputation-evidence": "Two references",
            },
            {
                "kind": "personnel",
                "personnel-staff": "1",
                "personnel-members": "2",
                "personnel-evidence": "Confirmed",
            },
        ):
            recorded = await client.post(f"{url}/attestations", data={"csrf_token": csrf, **data})
            assert recorded.status_code == 303, text_of(recorded.text)[:2000]
        words = text_of((await client.get(url)).text)
        assert "Complete. Nothing the policy asks for is missing." in words
        assert world[Role.COORDINATOR].email in words  # who recorded each finding
        assert "Signed statement of the president" in words

    async with browser_for(live_server, world[Role.EXECUTIVE].email) as (client, csrf):
        dashboard = text_of((await client.get(f"/t/{world.slug}/")).text)
        assert "Relationship requests waiting for you" in dashboard
        assert "Library and information education partnership" in dashboard
        confirm = await client.get(f"{url}/refer")
        assert "Yes, refer to the board" in confirm.text
        bad = await client.post(f"{url}/refer", data={"csrf_token": csrf, "closes_in_days": "0"})
        assert "between 1 and 90" in field_error(bad.text, "closes_in_days")
        referred = await client.post(
            f"{url}/refer",
            data={"csrf_token": csrf, "closes_in_days": "7", "papers": "Recommended."},
        )
        assert referred.status_code == 303
        words = text_of((await client.get(referred.headers["location"])).text)
        assert "Referred to the board" in words and "referred" in words
    motion_id = (await stories.get_request(api, world, request["id"]))["motion_id"]
    motion_url = f"/t/{world.slug}/motions/{motion_id}"

    first, second, third = world.directors
    async with browser_for(live_server, first.email) as (client, csrf):
        dashboard = text_of((await client.get(f"/t/{world.slug}/")).text)
        assert "your vote is awaited" in dashboard
        page = text_of((await client.get(motion_url)).text)
        assert "Recommended." in page and "Regional priority" in page  # the papers
        empty = await client.post(f"{motion_url}/recusal", data={"csrf_token": csrf})
        assert "conflict" in field_error(empty.text, "conflict")
        conflict = "Sits on the association's advisory council"
        asked = await client.post(
            f"{motion_url}/recusal", data={"csrf_token": csrf, "conflict": conflict}
        )
        assert "Yes, recuse me" in asked.text and "A recusal is final" in asked.text
        done = await client.post(
            f"{motion_url}/recusal",
            data={"csrf_token": csrf, "conflict": conflict, "confirm": "yes"},
        )
        assert done.status_code == 303
        words = text_of((await client.get(done.headers["location"])).text)
        assert "you are recused" in words and f"Recused: {conflict}" in words
    async with browser_for(live_server, second.email) as (client, csrf):
        none = await client.post(f"{motion_url}/vote", data={"csrf_token": csrf})
        assert field_error(none.text, "choice")
        await client.post(
            f"{motion_url}/vote", data={"csrf_token": csrf, "choice": "against", "confirm": "yes"}
        )
        asked = await client.post(f"{motion_url}/vote", data={"csrf_token": csrf, "choice": "for"})
        assert "(instead of against)" in asked.text  # changing the vote is said so
        changed = await client.post(
            f"{motion_url}/vote", data={"csrf_token": csrf, "choice": "for", "confirm": "yes"}
        )
        assert changed.status_code == 303
        words = text_of((await client.get(changed.headers["location"])).text)
        assert "You voted for" in words and "not quorate yet" in words
        live = await client.get(f"{motion_url}/tally")  # what HTMX swaps in every 30 s
        assert "<html" not in live.text  # the fragment alone
        assert 'hx-trigger="every 30s"' in live.text and "not quorate yet" in text_of(live.text)
    async with browser_for(live_server, third.email) as (client, csrf):
        await client.post(
            f"{motion_url}/vote", data={"csrf_token": csrf, "choice": "for", "confirm": "yes"}
        )
        page = (await client.get(motion_url)).text
        words = text_of(page)
        assert "Motion carried" in words
        settled = (await client.get(f"{motion_url}/tally")).text
        assert "hx-trigger" not in settled and "The motion was decided (carried)" in settled
        assert "The signed decision" in words and "Verified" in words
        assert re.search(r"<code>[0-9a-f]{64}</code>", page)
        late = await client.post(
            f"{motion_url}/vote", data={"csrf_token": csrf, "choice": "against", "confirm": "yes"}
        )
        assert late.status_code == 409 and "votes are final" in late.text
    async with browser_for(live_server, world[Role.MEMBER].email) as (client, csrf):
        outsider = await client.post(
            f"{motion_url}/vote", data={"csrf_token": csrf, "choice": "for", "confirm": "yes"}
        )
        assert outsider.status_code == 403 and "Recommended." not in outsider.text
    approved = await stories.get_request(api, world, request["id"])
    assert approved["state"] == "approved"


async def test_mou_approval_through_the_request_motion_and_its_review(
    live_server, factory, api, un_list
):
    world = await relationships_world(factory, api, "web-rel-mou")
    partner = await stories.create_partner(
        api, world, name="Tonga Library Association", country="TO"
    )
    request = await stories.raise_request(api, world, partner["id"])
    await stories.submit(api, world, request["id"])
    await stories.receive(api, world, request["id"])
    await stories.complete_due_diligence(api, world, request["id"])
    motion_id = (await stories.refer(api, world, request["id"]))["motion_id"]
    base = stories.base(world)
    body = mou_body(partner["id"], request_id=request["id"], title="ALIA and TLA MOU")
    created = await api.post(f"{base}/mous", json=body, headers=world[Role.COORDINATOR].headers)
    mou = created.json()
    url = f"/t/{world.slug}/mous/{mou['id']}"
    async with browser_for(live_server, world[Role.EXECUTIVE].email) as (client, csrf):
        words = text_of((await client.get(url)).text)
        assert "once the board carries the motion" in words
        early = await client.post(f"{url}/approval", data={"csrf_token": csrf, "confirm": "yes"})
        assert early.status_code == 409 and "no carried board motion" in early.text
        for director in world.directors:
            await api.put(
                f"{base}/motions/{motion_id}/vote",
                json={"choice": "for"},
                headers=director.headers,
            )
        asked = await client.post(f"{url}/approval", data={"csrf_token": csrf})
        assert "Yes, approve the MOU" in asked.text
        done = await client.post(f"{url}/approval", data={"csrf_token": csrf, "confirm": "yes"})
        assert done.status_code == 303
        words = text_of((await client.get(done.headers["location"])).text)
        assert "State: approved" in words and "the board's motion" in words

        # Signed by both sides (each mistake beside its field), then brought into force.
        today = date.today().isoformat()
        signing = {
            "csrf_token": csrf,
            "sig-0-name": "Chief Executive",
            "sig-0-position": "CEO",
            "sig-0-signed_on": today,
            "sig-1-name": "",
            "sig-1-signed_on": today,
            "document_sha256": "not a hash",
        }
        bad = await client.post(f"{url}/signing", data=signing)
        assert bad.status_code == 400
        assert field_error(bad.text, "sig-1-name") == "This is required"
        bad = await client.post(f"{url}/signing", data={**signing, "sig-1-name": "S. Tonga"})
        assert field_error(bad.text, "document_sha256")
        signed = await client.post(
            f"{url}/signing",
            data={**signing, "sig-1-name": "S. Tonga", "document_sha256": "ab" * 32},
        )
        assert signed.status_code == 303, text_of(signed.text)[:1500]
        words = text_of((await client.get(signed.headers["location"])).text)
        assert "State: signed" in words and "S. Tonga" in words and "ab" * 32 in words
        asked = await client.post(f"{url}/activation", data={"csrf_token": csrf})
        assert "Yes, bring it into force" in asked.text
        active = await client.post(f"{url}/activation", data={"csrf_token": csrf, "confirm": "yes"})
        assert active.status_code == 303
        words = text_of((await client.get(active.headers["location"])).text)
        assert "The MOU is in force." in words and "State: active" in words

        # Its renewal or termination goes to the board, after saying what that means.
        motions_url = f"{url}/motions"
        renewal = await client.post(
            motions_url, data={"csrf_token": csrf, "purpose": "renewal", "confirm": "yes"}
        )
        assert renewal.status_code == 400
        assert "new expiry date" in field_error(renewal.text, "expires_on")
        ending = {"csrf_token": csrf, "purpose": "termination", "papers": "No longer used."}
        asked = await client.post(motions_url, data=ending)
        assert "terminated : that cannot be undone" in text_of(asked.text)
        opened = await client.post(motions_url, data={**ending, "confirm": "yes"})
        assert opened.status_code == 303 and "/motions/" in opened.headers["location"]
        words = text_of((await client.get(opened.headers["location"])).text)
        assert "Termination of" in words and "No longer used." in words

    # The tenant's seeded MOU is under review: its review is recorded from the page.
    review_url = f"/t/{world.slug}/mous/{world.mou_id}/reviews/{world.review_id}/decision"
    async with browser_for(live_server, world[Role.COORDINATOR].email) as (client, csrf):
        register = text_of((await client.get(f"/t/{world.slug}/mous")).text)
        assert "Reviews coming due" in register and "MOU-SEED-0001" in register
        dashboard = text_of((await client.get(f"/t/{world.slug}/")).text)
        assert "MOU reviews coming due" in dashboard and "under review" in dashboard
        bad = await client.post(review_url, data={"csrf_token": csrf, "decision": "continue"})
        assert bad.status_code == 400
        assert field_error(bad.text, "benefits_members") and field_error(bad.text, "findings")
        form = {
            "csrf_token": csrf,
            "benefits_members": "yes",
            "decision": "continue",
            "findings": "Two workshops held.",
        }
        asked = await client.post(review_url, data=form)
        assert "Yes, record the review" in asked.text
        done = await client.post(review_url, data={**form, "confirm": "yes"})
        assert done.status_code == 303
        words = text_of((await client.get(done.headers["location"])).text)
        assert "The review was recorded." in words and "State: active" in words
        reopened = await client.post(
            f"/t/{world.slug}/mous/{world.mou_id}/reviews", data={"csrf_token": csrf}
        )
        assert reopened.status_code == 303
        words = text_of((await client.get(reopened.headers["location"])).text)
        assert "The review is open" in words and "State: under review" in words

        # A draft from the form: every mistake beside its field, then saved.
        drafted = await client.get(f"/t/{world.slug}/mous/new?request_id={request['id']}")
        assert 'value="MOU with Tonga Library Association"' in drafted.text
        bad = await client.post(
            f"/t/{world.slug}/mous",
            data={
                "csrf_token": csrf,
                "title": "",
                "kind": "bilateral",
                "effective_date": "2027-01-01",
                "expires_on": "2026-01-01",
            },
        )
        assert bad.status_code == 400
        assert field_error(bad.text, "parties")
        draft = {
            "csrf_token": csrf,
            "title": "Second MOU",
            "kind": "bilateral",
            "parties": [partner["id"]],
            "sdgs": ["4"],
            "effective_date": "2027-01-01",
            "expires_on": "2030-01-01",
        }
        mous_url = f"/t/{world.slug}/mous"
        not_a_number = await client.post(mous_url, data={**draft, "review_interval_months": "six"})
        assert "Enter a number" in field_error(not_a_number.text, "review_interval_months")
        wrong_dates = await client.post(mous_url, data={**draft, "expires_on": "2026-01-01"})
        assert "after the effective date" in field_error(wrong_dates.text, "expires_on")
        saved = await client.post(mous_url, data=draft)
        assert saved.status_code == 303, text_of(saved.text)[:1500]
        words = text_of((await client.get(saved.headers["location"])).text)
        assert "Second MOU" in words and "State: draft" in words and "ALIA" not in words
