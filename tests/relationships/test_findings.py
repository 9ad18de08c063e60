"""Findings stand, through the HTTP API on both engines: an adverse finding survives a
later clean attestation and is lifted only by a coordinator's reversal that names
it (both stay visible, in order, on the request, in the board papers and in the
audit log); no assessment is dated in the future or before the partner was
registered; a motion that lapses for lack of quorum leaves the request referred."""

from __future__ import annotations

import datetime as dt

from tenants.roles import Role
from tests.relationships import stories
from tests.relationships.stories import base

DISCRIMINATES = {
    "kind": "non_discrimination",
    "grounds": [g for g in stories.ALL_GROUNDS if g != "sexual orientation"],
    "discriminates_on": ["sexual orientation"],
    "evidence": "The partner's membership rules exclude gay and lesbian librarians",
}
CLEAN = {
    "kind": "non_discrimination",
    "grounds": stories.ALL_GROUNDS,
    "evidence": "A new signed statement from the partner's president",
}


async def _events(api, world, object_id: str) -> list[dict]:
    response = await api.get(
        f"{base(world)}/audit/events",
        params={"object_id": object_id},
        headers=world[Role.AUDITOR].headers,
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def _reverse(api, world, request_id: str, body: dict, role: Role = Role.COORDINATOR):
    return await api.post(
        f"{base(world)}/relationship-requests/{request_id}/reversals",
        json=body,
        headers=world[role].headers,
    )


def _ours(request: dict) -> list[dict]:
    return [a for a in request["attestations"] if a["kind"] in ("non_discrimination", "reversal")]


async def test_an_adverse_finding_stands_until_a_reversal_names_it(api, world, un_2026):
    partner = await stories.create_partner(api, world, name="Pacific Reading Society", country="WS")
    request = await stories.submitted_and_received(api, world, partner["id"])
    request = await stories.complete_due_diligence(api, world, request["id"])
    assert request["decision"]["outcome"] == "refer"

    request = await stories.attest(api, world, request["id"], DISCRIMINATES)
    adverse = _ours(request)[-1]
    assert adverse["adverse"] == "discrimination found on the basis of sexual orientation"
    assert adverse["status"] == "in_force"
    assert request["decision"]["outcome"] == "ineligible"

    # A later clean attestation does not lift it: both are shown, the adverse one in force.
    request = await stories.attest(api, world, request["id"], CLEAN)
    first, found, clean = _ours(request)
    assert [first["status"], found["status"], clean["status"]] == [
        "superseded",
        "in_force",
        "outweighed",
    ]
    assert found["id"] == adverse["id"] and clean["adverse"] is None
    assert request["decision"]["outcome"] == "ineligible"
    assert any("sexual orientation" in r["reason"] for r in request["decision"]["rules"])

    # Only a coordinator reverses, naming an adverse finding, with a reason and evidence.
    body = {
        "reverses": adverse["id"],
        "reason": "The rule was repealed at the partner's general meeting",
        "evidence": "Minutes of the general meeting of 2 December",
    }
    assert (await _reverse(api, world, request["id"], body, Role.EXECUTIVE)).status_code == 403
    no_evidence = await _reverse(api, world, request["id"], {**body, "evidence": ""})
    assert no_evidence.status_code == 400 and "evidence" in no_evidence.json()["detail"]
    not_adverse = await _reverse(api, world, request["id"], {**body, "reverses": clean["id"]})
    assert not_adverse.status_code == 409 and "not adverse" in not_adverse.json()["detail"]

    response = await _reverse(api, world, request["id"], body)
    assert response.status_code == 200, response.text
    request = response.json()
    first, found, clean, reversal = _ours(request)
    assert found["status"] == "reversed" and found["reversed_by"] == reversal["id"]
    assert reversal["kind"] == "reversal" and reversal["reverses"] == adverse["id"]
    assert reversal["details"]["reason"] == body["reason"]
    assert reversal["attested_by"] == str(world[Role.COORDINATOR].person_id)
    assert clean["status"] == "in_force"
    assert request["decision"]["outcome"] == "refer"
    again = await _reverse(api, world, request["id"], body)
    assert again.status_code == 409 and "already reversed" in again.json()["detail"]

    # The board papers list every finding in order, the reversal beside what it reverses.
    request = await stories.refer(api, world, request["id"])
    motion = await api.get(
        f"{base(world)}/motions/{request['motion_id']}", headers=world[Role.BOARD].headers
    )
    papers = motion.json()["papers"]
    assert "discrimination found on the basis of sexual orientation; reversed" in papers
    assert papers.index(adverse["id"]) < papers.index("reversal")
    assert "Adverse findings in force: none" in papers

    events = await _events(api, world, request["id"])
    actions = [e["action"] for e in events]
    assert actions.count("relationship_request.attested") == 5
    reversed_event = next(
        e for e in events if e["action"] == "relationship_request.finding_reversed"
    )
    assert reversed_event["changes"]["finding"] == [adverse["id"], None]


async def test_a_reputation_unsatisfactory_stands_against_a_later_satisfactory_one(
    api, world, un_2026
):
    partner = await stories.create_partner(api, world, name="Island Archives Trust", country="TO")
    request = await stories.submitted_and_received(api, world, partner["id"])
    await stories.complete_due_diligence(api, world, request["id"])
    today = dt.date.today().isoformat()
    bad = {"kind": "reputation", "result": "unsatisfactory", "assessed_on": today}
    request = await stories.attest(api, world, request["id"], bad)
    good = {"kind": "reputation", "result": "satisfactory", "assessed_on": today}
    request = await stories.attest(api, world, request["id"], good)
    reputation = [a for a in request["attestations"] if a["kind"] == "reputation"]
    assert [a["status"] for a in reputation] == ["superseded", "in_force", "outweighed"]
    assert request["decision"]["outcome"] == "ineligible"


async def test_no_assessment_is_dated_in_the_future_or_before_the_partner_existed(
    api, world, un_2026
):
    partner = await stories.create_partner(api, world, name="Northern Book Trust", country="NZ")
    request = await stories.submitted_and_received(api, world, partner["id"])
    url = f"{base(world)}/relationship-requests/{request['id']}/attestations"
    headers = world[Role.COORDINATOR].headers
    today = dt.date.today()
    cases = [
        ({"kind": "reputation", "result": "satisfactory", "assessed_on": "2030-01-01"}, "future"),
        (
            {
                "kind": "reputation",
                "result": "satisfactory",
                "assessed_on": (today + dt.timedelta(days=2)).isoformat(),
            },
            "future",
        ),
        (
            {
                "kind": "reputation",
                "result": "satisfactory",
                "assessed_on": (today - dt.timedelta(days=2)).isoformat(),
            },
            "before Northern Book Trust was registered",
        ),
        (
            {
                "kind": "non_discrimination",
                "grounds": stories.ALL_GROUNDS,
                "attested_on": "2030-01-01",
            },
            "future",
        ),
    ]
    for body, why in cases:
        response = await api.post(url, json=body, headers=headers)
        assert response.status_code == 400, (body, response.text)
        detail = response.json()["detail"]
        field = "assessed_on" if body["kind"] == "reputation" else "attested_on"
        assert detail.startswith(field) and why in detail, detail
    request = await stories.get_request(api, world, request["id"])
    assert request["attestations"] == []
    ok = await api.post(
        url,
        json={"kind": "reputation", "result": "satisfactory", "assessed_on": today.isoformat()},
        headers=headers,
    )
    assert ok.status_code == 200, ok.text


async def test_a_motion_that_lapses_for_lack_of_quorum_leaves_the_request_referred(
    api, world, un_2026
):
    partner = await stories.create_partner(api, world, name="Atoll Libraries Network", country="KI")
    request = await stories.submitted_and_received(api, world, partner["id"])
    await stories.complete_due_diligence(api, world, request["id"])
    request = await stories.refer(api, world, request["id"])
    first = request["motion_id"]
    # The board's only director declares a conflict: the quorum can never be reached.
    recusal = await api.post(
        f"{base(world)}/motions/{first}/recusal",
        json={"conflict": "Sits on the partner's council"},
        headers=world[Role.BOARD].headers,
    )
    assert recusal.status_code == 200, recusal.text
    assert recusal.json()["status"] == "lost" and not recusal.json()["tally"]["quorate"]

    request = await stories.get_request(api, world, request["id"])
    assert request["state"] == "referred"
    assert "lapsed for lack of quorum" in request["outcome_reason"]
    events = [e["action"] for e in await _events(api, world, request["id"])]
    assert "relationship_request.motion_lapsed" in events
    assert "relationship_request.reject" not in events

    # A new motion can open, and the board decides it.
    request = await stories.refer(api, world, request["id"])
    assert request["state"] == "referred" and request["motion_id"] != first
    twice = await stories.refused_referral(api, world, request["id"])
    assert "still open" in twice
    await stories.vote(api, world, request["motion_id"])
    request = await stories.get_request(api, world, request["id"])
    assert request["state"] == "approved"
    await stories.refused_referral(api, world, request["id"])


async def test_a_lost_vote_still_rejects(api, world, un_2026):
    partner = await stories.create_partner(api, world, name="Coral Coast Library", country="FJ")
    request = await stories.submitted_and_received(api, world, partner["id"])
    await stories.complete_due_diligence(api, world, request["id"])
    request = await stories.refer(api, world, request["id"])
    await stories.vote(api, world, request["motion_id"], "against")
    request = await stories.get_request(api, world, request["id"])
    assert request["state"] == "rejected"
    await stories.refused_referral(api, world, request["id"])
