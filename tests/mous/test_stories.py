"""Issue 6's two stories end to end through the HTTP API, on the relationships room's
steps (tests/relationships/stories.py) and the board's and the register's routes:

1. A Pacific association's request is submitted, screened clean, prioritised,
   referred, voted with one recusal and approved; its MOU is approved through that
   motion, signed, activated, reviewed, and finally expires.
2. A request whose officer matches a UN-listed person is held by the case, the hit is
   confirmed, the board votes for it, and it stays blocked: no MOU can follow.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from policies.dates import add_months
from registry.mous.service import active_mou_partner_ids
from tenants.roles import Role
from tenants.scope import TenantScope
from tests.board.support import SHA256_OF_SIGNED_PDF, accord, mou_body
from tests.mous.world import seed_partner
from tests.relationships import stories


def ok(response, status=200):
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    return response.json()


async def events(api, world, object_id):
    response = await api.get(
        f"{stories.base(world)}/audit/events",
        params={"object_id": object_id, "limit": 500},
        headers=world[Role.AUDITOR].headers,
    )
    return [e["action"] for e in ok(response)["items"]]


async def test_pacific_request_to_an_mou_that_is_reviewed_and_expires(api, world, un_2026):
    base = stories.base(world)
    executive = world[Role.EXECUTIVE].headers
    coordinator = world[Role.COORDINATOR].headers
    fiji = await stories.create_partner(
        api,
        world,
        name="Fiji Library Association",
        country="FJ",
        officers=[stories.officer("Mere Naulumatua", date_of_birth="1980", nationality="FJ")],
    )
    request = await stories.raise_request(api, world, fiji["id"])
    request = await stories.submit(api, world, request["id"])
    assert request["clearance"]["status"] == "clear" and request["cases"] == []
    assert request["priority"]["score"] == 4  # Oceania, Melanesia, a small island state
    request = await stories.receive(api, world, request["id"])
    request = await stories.complete_due_diligence(api, world, request["id"])
    request = await stories.refer(api, world, request["id"], papers="Recommended by the CEO.")
    assert request["state"] == "referred"
    motion_id = request["motion_id"]

    # The board: one director declares a conflict, the other two vote for.
    first, second, third = world.directors
    recused = await api.post(
        f"{base}/motions/{motion_id}/recusal",
        json={"conflict": "Sits on the Fiji Library Association's advisory council."},
        headers=first.headers,
    )
    assert ok(recused)["tally"]["recused"] == 1
    ok(
        await api.put(
            f"{base}/motions/{motion_id}/vote", json={"choice": "for"}, headers=second.headers
        )
    )
    decided = ok(
        await api.put(
            f"{base}/motions/{motion_id}/vote", json={"choice": "for"}, headers=third.headers
        )
    )
    assert decided["status"] == "carried"
    tally = decided["tally"]
    assert (tally["votes_for"], tally["present"], tally["quorum_present"]) == (2, 3, 2)
    request = await stories.get_request(api, world, request["id"])
    assert request["state"] == "approved"
    record = json.loads(
        ok(await api.get(f"{base}/motions/{motion_id}/decision", headers=executive))["record"]
    )
    assert record["recusals"][0]["person"] == str(first.person_id)
    assert record["motion"]["subject_kind"] == "relationship_request"

    # The MOU the request asked for, sanctioned by that motion; not one with another partner.
    today = date.today()
    scope = TenantScope(world.tenant.id, world.slug)
    tonga = await seed_partner(scope, "Tonga Library Association", "TO")
    wrong = mou_body(tonga, request_id=request["id"])
    refused = await api.post(f"{base}/mous", json=wrong, headers=coordinator)
    assert refused.status_code == 400 and "parties" in refused.json()["detail"]
    body = mou_body(fiji["id"], request_id=request["id"], title="ALIA and FLA MOU")
    mou = ok(await api.post(f"{base}/mous", json=body, headers=coordinator), 201)
    mou = ok(await api.post(f"{base}/mous/{mou['id']}/approval", headers=executive))
    assert mou["state"] == "approved" and mou["approved_motion_id"] == motion_id
    signing = {
        "signatories": [
            {"name": "Chief Executive", "position": "CEO", "signed_on": str(today)},
            {
                "partner_id": fiji["id"],
                "name": "Mere Naulumatua",
                "position": "President",
                "signed_on": str(today),
            },
        ],
        "document_sha256": SHA256_OF_SIGNED_PDF,
    }
    mou = ok(await api.post(f"{base}/mous/{mou['id']}/signing", json=signing, headers=executive))
    assert mou["state"] == "signed"
    mou = ok(await api.post(f"{base}/mous/{mou['id']}/activation", headers=executive))
    assert mou["state"] == "active"
    assert mou["next_review_due"] == str(add_months(today, 12))  # the policy's interval
    assert str(fiji["id"]) in {str(p) for p in await active_mou_partner_ids(scope)}

    # A year on, the review falls due; it still benefits members, so it continues.
    accord(
        "mous", "reviews-due", "--tenant", world.slug, "--as-of", mou["next_review_due"], "--apply"
    )
    [review] = ok(await api.get(f"{base}/mous/{mou['id']}/reviews", headers=coordinator))
    assert (
        ok(await api.get(f"{base}/mous/{mou['id']}", headers=executive))["state"] == "under_review"
    )
    review = ok(
        await api.post(
            f"{base}/mous/{mou['id']}/reviews/{review['id']}/decision",
            json={
                "benefits_members": True,
                "decision": "continue",
                "findings": "Two workshops held; a course accreditation pathway agreed.",
            },
            headers=coordinator,
        )
    )
    assert review["decision"] == "continue" and review["benefits_members"] is True
    assert ok(await api.get(f"{base}/mous/{mou['id']}", headers=executive))["state"] == "active"

    # And at the end of its term it expires by itself.
    day_after = str(date.fromisoformat(mou["expires_on"]) + timedelta(days=1))
    accord("mous", "expire", "--tenant", world.slug, "--as-of", day_after, "--apply")
    mou = ok(await api.get(f"{base}/mous/{mou['id']}", headers=executive))
    assert mou["state"] == "expired"
    assert str(fiji["id"]) not in {str(p) for p in await active_mou_partner_ids(scope)}
    trail = await events(api, world, mou["id"])
    for action in (
        "created",
        "approved",
        "signed",
        "activated",
        "review_opened",
        "reviewed",
        "expired",
    ):
        assert f"mou.{action}" in trail, (action, trail)
    motion_trail = await events(api, world, motion_id)
    assert motion_trail.count("motion.voted") == 2 and "motion.recused" in motion_trail
    assert "motion.decided" in motion_trail


async def test_un_listed_officer_blocks_the_request_and_its_mou_whatever_the_vote(
    api, world, un_2026
):
    base = stories.base(world)
    executive = world[Role.EXECUTIVE].headers
    partner = await stories.create_partner(
        api,
        world,
        name="Bibliothèque nationale du Kivu",
        country="CD",
        officers=[stories.officer(role="Treasurer", **stories.UN_LISTED)],
    )
    request = await stories.raise_request(api, world, partner["id"])
    request = await stories.submit(api, world, request["id"])
    assert request["clearance"]["status"] == "held"
    [case] = request["cases"]
    request = await stories.receive(api, world, request["id"])
    held = await api.post(
        f"{base}/relationship-requests/{request['id']}/refer", json={}, headers=executive
    )
    assert held.status_code == 409
    await stories.adjudicate(api, world, case["id"], "confirmed", "Name, birth year, nationality")
    request = await stories.get_request(api, world, request["id"])
    assert request["clearance"]["status"] == "blocked"

    # An MOU drafted for it cannot even go to the board, nor can the request.
    body = mou_body(partner["id"], request_id=request["id"])
    mou = ok(await api.post(f"{base}/mous", json=body, headers=executive), 201)
    refused = await api.post(
        f"{base}/mous/{mou['id']}/motions",
        json={"purpose": "approval", "closes_at": "2031-01-01T00:00:00Z"},
        headers=executive,
    )
    assert refused.status_code == 409
    assert "Bibliothèque nationale du Kivu is blocked" in refused.json()["detail"]
    await stories.complete_due_diligence(api, world, request["id"])
    refer = await api.post(
        f"{base}/relationship-requests/{request['id']}/refer", json={}, headers=executive
    )
    assert refer.status_code == 409 and "blocked" in refer.json()["detail"]


async def test_a_hit_confirmed_during_the_vote_blocks_whatever_the_vote(api, world, un_2026):
    """Clearance is checked again when the motion's result is applied."""
    base = stories.base(world)
    executive = world[Role.EXECUTIVE].headers
    partner = await stories.create_partner(
        api, world, name="Bibliothèque nationale du Kivu", country="CD"
    )
    request = await stories.raise_request(api, world, partner["id"])
    request = await stories.submit(api, world, request["id"])
    request = await stories.receive(api, world, request["id"])
    await stories.complete_due_diligence(api, world, request["id"])
    request = await stories.refer(api, world, request["id"])
    body = mou_body(partner["id"], request_id=request["id"])
    mou = ok(await api.post(f"{base}/mous", json=body, headers=executive), 201)

    # While the board deliberates, a UN-listed treasurer joins; the coordinator confirms.
    added = await api.post(
        f"{base}/partners/{partner['id']}/officers",
        json=stories.officer(role="Treasurer", **stories.UN_LISTED),
        headers=world[Role.COORDINATOR].headers,
    )
    assert added.status_code == 201, added.text
    request = await stories.get_request(api, world, request["id"])
    [case] = request["cases"]
    await stories.adjudicate(api, world, case["id"], "confirmed", "Name, birth year, nationality")

    # The board votes for it, unanimously.
    for director in world.directors:
        await api.put(
            f"{base}/motions/{request['motion_id']}/vote",
            json={"choice": "for"},
            headers=director.headers,
        )
    motion = ok(await api.get(f"{base}/motions/{request['motion_id']}", headers=executive))
    assert motion["status"] == "carried" and motion["tally"]["votes_for"] == 3
    request = await stories.get_request(api, world, request["id"])
    assert request["state"] == "rejected"
    assert request["clearance"]["status"] == "blocked"

    # Still blocked: the carried motion does not sanction its MOU.
    approval = await api.post(f"{base}/mous/{mou['id']}/approval", headers=executive)
    assert approval.status_code == 409
    assert "Bibliothèque nationale du Kivu is blocked" in approval.json()["detail"]
    mou = ok(await api.get(f"{base}/mous/{mou['id']}", headers=executive))
    assert mou["state"] == "draft" and mou["approved_motion_id"] is None
    activation = await api.post(f"{base}/mous/{mou['id']}/activation", headers=executive)
    assert activation.status_code == 409
