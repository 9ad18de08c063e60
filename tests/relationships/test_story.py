"""The relationships stories through the HTTP API on the live server, on both engines:
a Pacific association's request screened clean, prioritised and referred; an
officer on the UN list holding the request until confirmed, and then blocking it
whatever the board votes; re-screening after a newer UN list version is imported."""

from __future__ import annotations

import datetime as dt

from registry.relationships.service import request_clearance
from tenants.roles import Role
from tenants.scope import TenantScope
from tests.relationships import stories
from tests.relationships.stories import UN_2024, UN_2026, base
from tests.screening.conftest import accord


async def _inbox(api, world, role: Role) -> list[dict]:
    response = await api.get(f"{base(world)}/notifications", headers=world[role].headers)
    assert response.status_code == 200
    return response.json()["items"]


async def _events(api, world, object_id: str) -> list[str]:
    response = await api.get(
        f"{base(world)}/audit/events",
        params={"object_id": object_id},
        headers=world[Role.AUDITOR].headers,
    )
    assert response.status_code == 200, response.text
    return [e["action"] for e in response.json()["items"]]


async def test_pacific_request_is_screened_clean_prioritised_and_referred(api, world, un_2026):
    fiji = await stories.create_partner(
        api,
        world,
        name="Fiji Library Association",
        country="FJ",
        other_names=[{"name": "Soqosoqo ni Vale ni Vola e Viti", "language": "fj"}],
        languages=["en", "fj"],
        website="https://fla.example.org.fj",
        officers=[
            stories.officer("Mere Naulumatua", date_of_birth="1980", nationality="FJ"),
            stories.officer("Salote Tupou Vea", role="Secretary"),
        ],
    )
    assert fiji["country_name"] == "Fiji" and len(fiji["officers"]) == 2
    canada = await stories.create_partner(
        api,
        world,
        name="Northern Lights Library Network",
        country="CA",
        officers=[stories.officer("Jean Tremblay")],
    )

    request = await stories.raise_request(api, world, fiji["id"])
    assert request["state"] == "draft"
    assert request["clearance"]["status"] == "not_screened"
    request = await stories.submit(api, world, request["id"])
    assert request["state"] == "submitted"
    today = str(dt.date.today())
    assert request["clearance"] == {"status": "clear", "reason": None, "as_of": today}
    assert request["cases"] == []
    # Regional priority from the policy: Oceania, Melanesia and a small island state.
    assert request["priority"]["score"] == 4
    assert any("Melanesia" in reason for reason in request["priority"]["reasons"])
    assert request["decision"]["policy"]["name"] == "alia-international"
    assert request["policy"]["name"] == "international" and request["policy"]["version"] == 1
    assert request["decision"]["outcome"] == "refer"

    other = await stories.raise_request(api, world, canada["id"], title="Exchange visits")
    other = await stories.submit(api, world, other["id"])
    assert other["priority"]["score"] in (None, 0)

    # The executive is the first stop, told of each submission; the queue puts the
    # Pacific association first although it was submitted earlier... and it is first.
    inbox = await _inbox(api, world, Role.EXECUTIVE)
    assert sum(n["kind"] == "relationship_request.submitted" for n in inbox) == 2
    queue = await api.get(
        f"{base(world)}/relationship-requests/queue", headers=world[Role.EXECUTIVE].headers
    )
    ids = [item["id"] for item in queue.json()["items"]]
    assert ids.index(request["id"]) < ids.index(other["id"])

    request = await stories.receive(api, world, request["id"])
    assert request["state"] == "due_diligence"
    assert request["due_diligence"]["complete"] is False
    missing = " ".join(request["due_diligence"]["missing"])
    assert "not attested" in missing and "reputation" in missing

    early = await stories.refused_referral(api, world, request["id"])
    assert "due diligence is not complete" in early

    request = await stories.complete_due_diligence(api, world, request["id"])
    assert request["due_diligence"] == {"complete": True, "missing": []}
    kinds = {a["kind"]: a for a in request["attestations"]}
    assert set(kinds) == {"non_discrimination", "reputation", "personnel"}
    assert kinds["non_discrimination"]["attested_by"] == str(world[Role.COORDINATOR].person_id)
    assert kinds["non_discrimination"]["evidence_sha256"] == "a" * 64

    request = await stories.refer(api, world, request["id"], papers="Recommended.")
    assert request["state"] == "referred" and request["motion_id"]
    motion = await api.get(
        f"{base(world)}/motions/{request['motion_id']}", headers=world[Role.BOARD].headers
    )
    assert motion.status_code == 200, motion.text
    assert motion.json()["subject_kind"] == "relationship_request"
    assert "Fiji Library Association" in motion.json()["papers"]

    again = await api.post(
        f"{base(world)}/relationship-requests/{request['id']}/submit",
        headers=world[Role.MEMBER].headers,
    )
    assert again.status_code == 409
    assert again.json()["detail"].startswith("cannot submit a request that is referred")

    # The board carries the motion: nothing holds or blocks it, so it is approved.
    await stories.vote(api, world, request["motion_id"])
    request = await stories.get_request(api, world, request["id"])
    assert request["state"] == "approved" and request["decided_at"]
    assert request["outcome_reason"] == f"the board carried motion {request['motion_id']}"
    assert request["decision"]["outcome"] == "eligible"  # the vote is on the Decision now
    scope = TenantScope(world.tenant.id, world.slug)
    assert await request_clearance(scope, request["id"]) is None
    inbox = await _inbox(api, world, Role.MEMBER)
    assert any(n["kind"] == "relationship_request.approved" for n in inbox)

    actions = await _events(api, world, request["id"])
    for action in ("created", "submit", "receive", "attested", "refer", "approve"):
        assert f"relationship_request.{action}" in actions


async def test_un_listed_officer_holds_then_blocks_whatever_the_vote(api, world, un_2026):
    partner = await stories.create_partner(
        api,
        world,
        name="Bibliothèque nationale du Kivu",
        country="CD",
        officers=[
            stories.officer("Jean-Pierre Mbala", date_of_birth="1965", nationality="CD"),
            stories.officer(role="Treasurer", **stories.UN_LISTED),
        ],
    )
    request = await stories.raise_request(api, world, partner["id"], kind="in_kind_support")
    request = await stories.submit(api, world, request["id"])
    assert request["clearance"]["status"] == "held"
    [case] = request["cases"]
    assert case["status"] == "open" and case["subject_kind"] == "officer"
    assert case["list"] == "un" and case["entity_ref"] == "CDi.001"
    assert case["matched_name"] == "ERIC BADEGE" and case["score"] >= 0.8
    assert any(f["feature"] == "dob" for f in case["hit"]["features"])
    inbox = await _inbox(api, world, Role.COORDINATOR)
    assert any(n["kind"] == "screening_case.opened" for n in inbox)

    request = await stories.receive(api, world, request["id"])
    assert request["state"] == "screening"
    scope = TenantScope(world.tenant.id, world.slug)
    assert "await" in (await request_clearance(scope, request["id"]) or "")

    held = await stories.refused_referral(api, world, request["id"])
    assert "screening" in held

    # Nobody but a coordinator adjudicates; a false positive needs a reason.
    refused = await api.post(
        f"{base(world)}/screening-cases/{case['id']}/adjudicate",
        json={"outcome": "confirmed"},
        headers=world[Role.EXECUTIVE].headers,
    )
    assert refused.status_code == 403
    no_reason = await api.post(
        f"{base(world)}/screening-cases/{case['id']}/adjudicate",
        json={"outcome": "false_positive"},
        headers=world[Role.COORDINATOR].headers,
    )
    assert no_reason.status_code == 400 and no_reason.json()["detail"].startswith("reason")

    confirmed = await stories.adjudicate(
        api, world, case["id"], "confirmed", "Same person: name, year of birth, nationality"
    )
    assert confirmed["status"] == "confirmed"
    assert confirmed["adjudicated_by"] == str(world[Role.COORDINATOR].person_id)
    twice = await api.post(
        f"{base(world)}/screening-cases/{case['id']}/adjudicate",
        json={"outcome": "false_positive", "reason": "changed my mind"},
        headers=world[Role.COORDINATOR].headers,
    )
    assert twice.status_code == 409 and "already adjudicated" in twice.json()["detail"]

    request = await stories.get_request(api, world, request["id"])
    assert request["state"] == "due_diligence"
    assert request["clearance"]["status"] == "blocked"
    assert "ERIC BADEGE" in request["clearance"]["reason"]
    assert request["decision"]["outcome"] == "ineligible"
    assert "whatever the board" in (await request_clearance(scope, request["id"]) or "")

    # A blocked request is not put to the board at all, its findings complete or not.
    await stories.complete_due_diligence(api, world, request["id"])
    blocked = await stories.refused_referral(api, world, request["id"])
    assert "Kivu" in blocked and "blocked" in blocked
    request = await stories.get_request(api, world, request["id"])
    assert request["state"] == "due_diligence" and request["motion_id"] is None


async def test_rescreening_after_a_newer_list_opens_cases_and_records_a_vanished_hit(api, world):
    await stories.clear_lists()
    try:
        await stories.load_list("un", UN_2024)
        partner = await stories.create_partner(
            api,
            world,
            name="Regional Information Network",
            country="FR",
            officers=[
                stories.officer(role="Chair", **stories.UN_ADDED_2026),
                stories.officer(role="Adviser", **stories.UN_REMOVED_2026),
                stories.officer("Claire Martin", role="Secretary"),
            ],
        )
        request = await stories.raise_request(api, world, partner["id"])
        request = await stories.submit(api, world, request["id"])
        [first] = request["cases"]
        assert first["entity_ref"] == "QDi.095" and first["status"] == "open"
        await stories.adjudicate(api, world, first["id"], "false_positive", "A namesake")

        imported = accord("screening", "import", "--source", "un", str(UN_2026))
        assert imported.returncode == 0, imported.stderr
        # Partners of active MOUs are screened too (the MOU room's test world has one).
        line = next(x for x in imported.stdout.splitlines() if f"re-screened {world.slug}:" in x)
        assert line.endswith("; 1 new cases, 1 hits gone"), line

        request = await stories.get_request(api, world, request["id"])
        by_ref = {c["entity_ref"]: c for c in request["cases"]}
        assert by_ref["IRi.002"]["status"] == "open"
        assert by_ref["IRi.002"]["list_version"].startswith("un@2026-02-27")
        assert by_ref["QDi.095"]["disappeared_in"].startswith("un@2026-02-27")
        assert request["clearance"]["status"] == "held"

        history = await api.get(
            f"{base(world)}/partners/{partner['id']}/screening",
            headers=world[Role.COORDINATOR].headers,
        )
        latest = {r["subject_name"]: r for r in reversed(history.json())}
        gone = latest[stories.UN_REMOVED_2026["name"]]["disappeared"]
        assert [g["ref"] for g in gone] == ["QDi.095"]
        assert latest[stories.UN_REMOVED_2026["name"]]["trigger"] == "list_import"
        inbox = await _inbox(api, world, Role.COORDINATOR)
        ours = [n["kind"] for n in inbox if partner["name"] in n["subject"]]
        assert ours.count("screening_case.opened") == 2  # on submission, after the import
        assert "screening.hit_disappeared" in ours
        assert "screening.hit_disappeared" in await _events(api, world, partner["id"])
    finally:
        await stories.clear_lists()
