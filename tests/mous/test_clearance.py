"""Clearance is a property of a party, checked wherever something is committed
(issue 13). Each way around it that was seen is refused with a 409 naming the party
and the reason, through the HTTP API:

- an MOU with no relationship request whose party's treasurer is a confirmed
  UN-listed person, and one whose party has no due diligence at all;
- a second party beside the approved request of another partner;
- a UN-listed person named to sign for a party;
- a request blocked by a confirmed hit, referred to the board.

And the register's own rules: an MOU goes to the board only with its working
relationships, shared interests and common understanding stated; a terminated MOU
has no next review date.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from tenants.roles import Role
from tests.board.support import (
    SHA256_OF_SIGNED_PDF,
    accord,
    board_of,
    draft_mou,
    mou_body,
    vote,
)
from tests.mous.world import seed_partner
from tests.relationships import stories
from tests.web.helpers import browser_for
from tests.web.relationships.world import text_of


def ok(response, status=200):
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    return response.json()


def refused(response) -> str:
    assert response.status_code == 409, f"{response.request.url}: {response.text}"
    detail: str = response.json()["detail"]
    return detail


async def carry(api, world, motion_id):
    for director in world.directors:
        ok(
            await api.put(
                f"{stories.base(world)}/motions/{motion_id}/vote",
                json={"choice": "for"},
                headers=director.headers,
            )
        )


async def approved_partner(api, world, kind="bilateral_mou"):
    """The Fiji Library Association screened clean, its due diligence complete, its
    request (for an MOU of `kind`) approved by the board: (partner, request)."""
    partner = await stories.create_partner(
        api,
        world,
        name="Fiji Library Association",
        country="FJ",
        officers=[stories.officer("Mere Naulumatua")],
    )
    request = await stories.raise_request(api, world, partner["id"], kind=kind)
    request = await stories.submit(api, world, request["id"])
    request = await stories.receive(api, world, request["id"])
    request = await stories.complete_due_diligence(api, world, request["id"])
    request = await stories.refer(api, world, request["id"])
    await carry(api, world, request["motion_id"])
    request = await stories.get_request(api, world, request["id"])
    assert request["state"] == "approved"
    return partner, request


async def blocked_partner(api, world, name="Bibliothèque nationale du Kivu"):
    """A partner whose treasurer is a confirmed UN-listed person: (partner, request)."""
    partner = await stories.create_partner(
        api,
        world,
        name=name,
        country="CD",
        officers=[stories.officer(role="Treasurer", **stories.UN_LISTED)],
    )
    request = await stories.raise_request(api, world, partner["id"])
    request = await stories.submit(api, world, request["id"])
    await stories.receive(api, world, request["id"])
    [case] = request["cases"]
    await stories.adjudicate(api, world, case["id"], "confirmed", "Name, birth year, nationality")
    request = await stories.get_request(api, world, request["id"])
    assert request["clearance"]["status"] == "blocked"
    return partner, request


async def to_the_board(api, world, mou_id):
    return await api.post(
        f"{stories.base(world)}/mous/{mou_id}/motions",
        json={"purpose": "approval", "closes_at": "2031-01-01T00:00:00Z"},
        headers=world[Role.EXECUTIVE].headers,
    )


async def test_an_mou_without_a_request_cannot_go_to_the_board_with_an_unclear_party(
    live_server, api, world, un_2026
):
    base = stories.base(world)
    executive = world[Role.EXECUTIVE].headers
    kivu, _ = await blocked_partner(api, world)
    mou = ok(await api.post(f"{base}/mous", json=mou_body(kivu["id"]), headers=executive), 201)
    detail = refused(await to_the_board(api, world, mou["id"]))
    assert "Bibliothèque nationale du Kivu is blocked" in detail
    assert "confirmed sanctions hit" in detail and "ERIC BADEGE" in detail

    # The page says so too, with the day it was given.
    page = ok(await api.get(f"{base}/mous/{mou['id']}", headers=executive))
    [party] = page["parties"]
    assert party["clearance"]["status"] == "blocked"
    assert party["clearance"]["as_of"] == str(date.today())
    assert any("ERIC BADEGE" in reason for reason in party["clearance"]["reasons"])
    async with browser_for(live_server, world[Role.EXECUTIVE].email) as (client, _):
        words = text_of((await client.get(f"/t/{world.slug}/mous/{mou['id']}")).text)
    assert "Clearance of the parties" in words
    assert f"Bibliothèque nationale du Kivu blocked {date.today()}" in words

    # A partner nobody ever screened or assessed cannot be a party either.
    tonga = await stories.create_partner(api, world, name="Tonga Library Association", country="TO")
    other = ok(await api.post(f"{base}/mous", json=mou_body(tonga["id"]), headers=executive), 201)
    detail = refused(await to_the_board(api, world, other["id"]))
    assert "Tonga Library Association is not cleared" in detail
    assert "no due diligence on record" in detail


async def test_a_second_party_beside_an_approved_request_needs_its_own_clearance(
    api, world, un_2026
):
    base = stories.base(world)
    executive = world[Role.EXECUTIVE].headers
    fiji, request = await approved_partner(api, world, kind="multi_party_mou")
    kivu, _ = await blocked_partner(api, world)
    body = mou_body(
        fiji["id"],
        kind="multi_party",
        parties=[fiji["id"], kivu["id"]],
        request_id=request["id"],
    )
    mou = ok(await api.post(f"{base}/mous", json=body, headers=executive), 201)
    detail = refused(await to_the_board(api, world, mou["id"]))
    assert "Bibliothèque nationale du Kivu is blocked" in detail
    assert "Fiji Library Association" not in detail  # the cleared party is not blamed
    by_name = {p["name"]: p["clearance"]["status"] for p in mou["parties"]}
    assert by_name == {
        "Fiji Library Association": "clear",
        "Bibliothèque nationale du Kivu": "blocked",
    }

    # Nor through the request's own carried motion, whatever it asked for.
    detail = refused(await api.post(f"{base}/mous/{mou['id']}/approval", headers=executive))
    assert "Bibliothèque nationale du Kivu is blocked" in detail
    assert ok(await api.get(f"{base}/mous/{mou['id']}", headers=executive))["state"] == "draft"

    # The register's export shows each party's clearance and its date.
    export = await api.get(f"{base}/mous/export", headers=world[Role.AUDITOR].headers)
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    [row] = [r for r in rows if r["reference"] == mou["reference"]]
    cell = row["clearance of the parties"]
    assert f"Fiji Library Association: clear (as of {date.today()})" in cell
    assert "Bibliothèque nationale du Kivu: blocked" in cell


async def test_a_listed_signatory_is_screened_and_stops_the_signing(api, world, un_2026):
    base = stories.base(world)
    executive = world[Role.EXECUTIVE].headers
    fiji, request = await approved_partner(api, world)
    body = mou_body(fiji["id"], request_id=request["id"])
    mou = ok(await api.post(f"{base}/mous", json=body, headers=executive), 201)
    mou = ok(await api.post(f"{base}/mous/{mou['id']}/approval", headers=executive))
    assert mou["state"] == "approved"
    today = str(date.today())
    signing = {
        "signatories": [
            {"name": "Chief Executive", "position": "CEO", "signed_on": today},
            {
                "partner_id": fiji["id"],
                "name": stories.UN_LISTED["name"],
                "position": "President",
                "signed_on": today,
            },
        ],
        "document_sha256": SHA256_OF_SIGNED_PDF,
    }
    detail = refused(
        await api.post(f"{base}/mous/{mou['id']}/signing", json=signing, headers=executive)
    )
    assert "Fiji Library Association is held" in detail and "screening case" in detail
    mou = ok(await api.get(f"{base}/mous/{mou['id']}", headers=executive))
    assert mou["state"] == "approved" and mou["signatories"] == []
    assert mou["parties"][0]["clearance"]["status"] == "held"

    # The hit is a case like an officer's, for a coordinator to adjudicate.
    cases = ok(
        await api.get(
            f"{base}/screening-cases",
            params={"partner_id": fiji["id"], "status": "open"},
            headers=world[Role.COORDINATOR].headers,
        )
    )["items"]
    [case] = cases
    assert case["subject_kind"] == "signatory" and case["entity_ref"] == "CDi.001"
    await stories.adjudicate(api, world, case["id"], "confirmed", "The listed person")
    detail = refused(
        await api.post(f"{base}/mous/{mou['id']}/signing", json=signing, headers=executive)
    )
    assert "Fiji Library Association is blocked" in detail

    # Another person signs: still blocked, for a confirmed hit stands.
    signing["signatories"][1]["name"] = "Mere Naulumatua"
    detail = refused(
        await api.post(f"{base}/mous/{mou['id']}/signing", json=signing, headers=executive)
    )
    assert "ERIC BADEGE" in detail


async def test_a_blocked_request_cannot_be_referred(api, world, un_2026):
    _, request = await blocked_partner(api, world)
    await stories.complete_due_diligence(api, world, request["id"])
    response = await api.post(
        f"{stories.base(world)}/relationship-requests/{request['id']}/refer",
        json={},
        headers=world[Role.EXECUTIVE].headers,
    )
    detail = refused(response)
    assert "Bibliothèque nationale du Kivu is blocked" in detail
    assert "confirmed sanctions hit" in detail
    request = await stories.get_request(api, world, request["id"])
    assert request["state"] == "due_diligence" and request["motion_id"] is None


async def test_an_mou_goes_to_the_board_only_with_its_understanding_stated(api, factory):
    board = await board_of(factory, 1, prefix="terms")
    mou = await draft_mou(api, board, working_relationships="", common_understanding="  ")
    response = await api.post(
        f"{board.base}/mous/{mou['id']}/motions",
        json={"purpose": "approval", "closes_at": "2031-01-01T00:00:00Z"},
        headers=board.executive,
    )
    detail = refused(response)
    assert "working_relationships" in detail and "common_understanding" in detail
    assert "shared_interests" not in detail


async def test_a_terminated_mou_has_no_next_review(live_server, api, factory, un_2026):
    board = await board_of(factory, 1, prefix="ended")
    mou = await draft_mou(api, board)
    base = f"{board.base}/mous/{mou['id']}"

    async def motion(purpose: str) -> None:
        response = await api.post(
            f"{base}/motions",
            json={"purpose": purpose, "closes_at": "2031-01-01T00:00:00Z"},
            headers=board.executive,
        )
        motion_id = ok(response, 201)["id"]
        ok(await vote(api, board, motion_id, board.directors[0], "for"))

    await motion("approval")
    mou = ok(await api.get(base, headers=board.executive))
    # The motion's papers show the party's clearance and its date.
    [motion_id] = [mou["approved_motion_id"]]
    papers = ok(await api.get(f"{board.base}/motions/{motion_id}", headers=board.executive))
    assert f"Pacific Library Association: clear (as of {date.today()})" in papers["papers"]
    today = str(date.today())
    signing = {
        "signatories": [
            {"name": "Chief Executive", "signed_on": today},
            {"partner_id": str(board.partner_id), "name": "Seini Taufa", "signed_on": today},
        ],
        "document_sha256": SHA256_OF_SIGNED_PDF,
    }
    ok(await api.post(f"{base}/signing", json=signing, headers=board.executive))
    mou = ok(await api.post(f"{base}/activation", headers=board.executive))
    assert mou["next_review_due"] is not None
    await motion("termination")
    mou = ok(await api.get(base, headers=board.executive))
    assert mou["state"] == "terminated" and mou["next_review_due"] is None
    email = board.world[Role.EXECUTIVE].email
    async with browser_for(live_server, email) as (client, _):
        words = text_of((await client.get(f"/t/{board.world.slug}/mous/{mou['id']}")).text)
    assert "Review every 12 months" in words and "next due" not in words


async def test_seeded_partner_without_screening_is_not_cleared(api, factory):
    """A partner written without any screening (as old MOU drafts had) is refused."""
    board = await board_of(factory, 1, prefix="bare")
    bare = await seed_partner(board.scope, "Samoa Library Association", "WS")
    mou = await draft_mou(api, board, parties=[str(bare)])
    response = await api.post(
        f"{board.base}/mous/{mou['id']}/motions",
        json={"purpose": "approval", "closes_at": "2031-01-01T00:00:00Z"},
        headers=board.executive,
    )
    detail = refused(response)
    assert "Samoa Library Association is not cleared" in detail
    assert "not screened yet" in detail


async def test_a_signatory_listed_later_holds_the_mou_after_the_rescreening(api, factory):
    """People who signed an MOU in force are screened again with its parties when a
    new list version is imported."""
    await stories.clear_lists()
    try:
        await stories.load_list("un", stories.UN_2024)
        board = await board_of(factory, 1, prefix="later")
        mou = await draft_mou(api, board)
        base = f"{board.base}/mous/{mou['id']}"
        response = await api.post(
            f"{base}/motions",
            json={"purpose": "approval", "closes_at": "2031-01-01T00:00:00Z"},
            headers=board.executive,
        )
        ok(await vote(api, board, ok(response, 201)["id"], board.directors[0], "for"))
        today = str(date.today())
        listed_later = stories.UN_ADDED_2026["name"]
        signing = {
            "signatories": [
                {"name": "Chief Executive", "signed_on": today},
                {"partner_id": str(board.partner_id), "name": listed_later, "signed_on": today},
            ],
            "document_sha256": SHA256_OF_SIGNED_PDF,
        }
        ok(await api.post(f"{base}/signing", json=signing, headers=board.executive))
        mou = ok(await api.post(f"{base}/activation", headers=board.executive))
        assert mou["parties"][0]["clearance"]["status"] == "clear"

        accord("screening", "import", "--source", "un", str(stories.UN_2026))
        mou = ok(await api.get(base, headers=board.executive))
        assert mou["parties"][0]["clearance"]["status"] == "held"
        cases = ok(
            await api.get(
                f"{board.base}/screening-cases",
                params={"partner_id": str(board.partner_id), "status": "open"},
                headers=board.world[Role.COORDINATOR].headers,
            )
        )["items"]
        assert [(c["subject_kind"], c["subject_name"]) for c in cases] == [
            ("signatory", listed_later)
        ]
        renewal = await api.post(
            f"{base}/motions",
            json={
                "purpose": "renewal",
                "closes_at": "2031-01-01T00:00:00Z",
                "expires_on": str(date.today().replace(year=date.today().year + 6)),
            },
            headers=board.executive,
        )
        assert "Pacific Library Association is held" in refused(renewal)
    finally:
        await stories.clear_lists()


async def test_an_adverse_finding_blocks_the_partner_as_a_party(api, world, un_2026):
    base = stories.base(world)
    executive = world[Role.EXECUTIVE].headers
    tonga = await stories.create_partner(api, world, name="Tonga Library Association", country="TO")
    request = await stories.submitted_and_received(api, world, tonga["id"])
    await stories.complete_due_diligence(api, world, request["id"])
    request = await stories.attest(
        api,
        world,
        request["id"],
        {
            "kind": "non_discrimination",
            "grounds": stories.ALL_GROUNDS,
            "discriminates_on": ["sexual orientation"],
            "evidence": "The association's membership rules",
        },
    )
    assert request["clearance"]["status"] == "blocked"
    detail = refused(
        await api.post(
            f"{base}/relationship-requests/{request['id']}/refer", json={}, headers=executive
        )
    )
    assert "Tonga Library Association is blocked" in detail and "adverse finding" in detail

    mou = ok(await api.post(f"{base}/mous", json=mou_body(tonga["id"]), headers=executive), 201)
    detail = refused(await to_the_board(api, world, mou["id"]))
    assert "Tonga Library Association is blocked: adverse finding" in detail
