"""Requests and partners through the HTTP API: what a bad input, a stranger, a wrong
state and a missing policy get; governance risk; a new officer screened at once;
fail closed without a list; the register's export."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from openpyxl import load_workbook

from tenants.roles import Role
from tests.relationships import stories
from tests.relationships.stories import base


async def _post(api, world, path: str, body, role: Role = Role.COORDINATOR):
    return await api.post(f"{base(world)}{path}", json=body, headers=world[role].headers)


async def test_bad_input_names_the_field_and_stores_nothing(api, world):
    good = {"name": "Tonga Library Association", "country": "TO", "kind": "library_association"}
    cases = [
        ({**good, "country": "XX"}, "country"),
        ({**good, "languages": ["en", "qq"]}, "languages[1]"),
        ({**good, "website": "ftp://example.org"}, "website"),
        ({**good, "other_names": [{"name": "X", "script": "Zzzq"}]}, "other_names[0].script"),
        (
            {**good, "officers": [{"name": "A", "date_of_birth": "1970-13"}]},
            "officers[0].date_of_birth",
        ),
        ({**good, "officers": [{"name": "A", "nationality": "ZZ"}]}, "officers[0].nationality"),
        ({**good, "kind": "club"}, "kind"),
    ]
    for body, field in cases:
        response = await _post(api, world, "/partners", body)
        assert response.status_code == 400, (field, response.text)
        assert field in response.json()["detail"], (field, response.json()["detail"])
    listed = await api.get(f"{base(world)}/partners", headers=world[Role.COORDINATOR].headers)
    assert "Tonga Library Association" not in [p["name"] for p in listed.json()["items"]]

    partner = await stories.create_partner(
        api, world, name="Tonga Library Association", country="ton"
    )
    assert partner["country"] == "TO"
    attachment = await _post(
        api,
        world,
        f"/partners/{partner['id']}/attachments",
        {"title": "Constitution", "sha256": "xyz"},
    )
    assert attachment.status_code == 400 and "sha256" in attachment.text
    bad_requests: list[tuple[dict[str, Any], str]] = [
        ({"sdgs": [18]}, "sdgs"),
        (
            {"personnel": [{"name": "X", "kind": "staff", "person_id": str(uuid.uuid4())}]},
            "personnel[0].person_id",
        ),
        ({"kind": "alliance"}, "kind"),
    ]
    for fields, field in bad_requests:
        body = {"partner_id": partner["id"], "kind": "in_kind_support", "title": "T", **fields}
        response = await _post(api, world, "/relationship-requests", body, Role.MEMBER)
        assert response.status_code == 400, (field, response.text)
        assert field in response.json()["detail"]


async def test_a_member_sees_only_their_own_and_edits_only_a_draft(api, world, factory, un_2026):
    other = await factory.party(world.tenant, Role.MEMBER, f"other.{world.slug}@example.org")
    partner = await stories.create_partner(
        api, world, name="Samoa Library Association", country="WS", role=Role.MEMBER
    )
    request = await stories.raise_request(api, world, partner["id"], expected_outcomes="")
    url = f"{base(world)}/relationship-requests/{request['id']}"

    assert (await api.get(url, headers=other.headers)).status_code == 404
    assert (
        await api.get(f"{base(world)}/partners/{partner['id']}", headers=other.headers)
    ).status_code == 404
    mine = await api.get(f"{base(world)}/relationship-requests", headers=other.headers)
    assert mine.json()["items"] == []
    everyone = await api.get(
        f"{base(world)}/relationship-requests", headers=world[Role.AUDITOR].headers
    )
    assert request["id"] in [r["id"] for r in everyone.json()["items"]]
    stranger_edit = await api.patch(url, json={"title": "Mine now"}, headers=other.headers)
    assert stranger_edit.status_code == 404

    incomplete = await api.post(f"{url}/submit", headers=world[Role.MEMBER].headers)
    assert incomplete.status_code == 409
    assert "expected_outcomes" in incomplete.json()["detail"]
    edited = await api.patch(
        url,
        json={"expected_outcomes": "Two workshops a year."},
        headers=world[Role.MEMBER].headers,
    )
    assert edited.status_code == 200 and edited.json()["expected_outcomes"]
    await stories.submit(api, world, request["id"])
    late = await api.patch(url, json={"title": "Changed"}, headers=world[Role.MEMBER].headers)
    assert late.status_code == 409 and "only a draft" in late.json()["detail"]

    # The executive's steps are the executive's.
    by_member = await api.post(f"{url}/receive", headers=world[Role.MEMBER].headers)
    assert by_member.status_code == 403
    withdrawn = await api.post(
        f"{url}/withdraw", json={"reason": "Partner merged"}, headers=world[Role.MEMBER].headers
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
    again = await api.post(
        f"{url}/withdraw", json={"reason": "x"}, headers=world[Role.MEMBER].headers
    )
    assert again.status_code == 409 and "cannot be withdrawn" in again.json()["detail"]


async def test_no_partner_policy_no_submission(api, factory, un_2026):
    world = await factory.tenant("rel-nopolicy")
    partner = await stories.create_partner(api, world, name="Kiribati Libraries", country="KI")
    request = await stories.raise_request(api, world, partner["id"])
    response = await api.post(
        f"{base(world)}/relationship-requests/{request['id']}/submit",
        headers=world[Role.MEMBER].headers,
    )
    assert response.status_code == 409
    assert "no policy for partner organisations" in response.json()["detail"]


async def test_governance_risk_needs_the_written_justification(api, world, un_2026):
    partner = await stories.create_partner(
        api, world, name="Myanmar Library Association", country="MM"
    )
    request = await stories.submitted_and_received(api, world, partner["id"])
    assert request["state"] == "due_diligence"
    request = await stories.complete_due_diligence(api, world, request["id"])
    assert request["due_diligence"]["complete"] is True
    request = await stories.attest(
        api,
        world,
        request["id"],
        {
            "kind": "country_risk",
            "emerging_from_conflict": True,
            "non_democratic": True,
            "evidence": "Freedom House 2025",
        },
    )
    assert request["due_diligence"]["complete"] is False
    assert request["decision"]["outcome"] == "ineligible"  # no justification: refused
    partial = await stories.attest(
        api,
        world,
        request["id"],
        {
            "kind": "governance_justification",
            "text": "Civil society only.",
            "strengthens_civil_society": True,
        },
    )
    assert partial["decision"]["outcome"] == "ineligible"
    request = await stories.complete_due_diligence(api, world, request["id"], justification=True)
    assert request["decision"]["outcome"] == "refer"
    assert request["due_diligence"]["complete"] is True
    history = [a for a in request["attestations"] if a["kind"] == "governance_justification"]
    # Every finding stays on record, in order; the newest clean one of its kind counts.
    assert [a["status"] for a in history] == ["superseded", "in_force"]
    assert history[-1]["details"]["advances_sdgs"] is True


async def test_an_officer_added_later_is_screened_at_once(api, world, un_2026):
    partner = await stories.create_partner(
        api,
        world,
        name="Vanuatu Library Association",
        country="VU",
        officers=[stories.officer("Leimana Tabi")],
    )
    request = await stories.submitted_and_received(api, world, partner["id"])
    assert request["state"] == "due_diligence" and request["clearance"]["status"] == "clear"
    added = await _post(
        api,
        world,
        f"/partners/{partner['id']}/officers",
        {"role": "Treasurer", **stories.UN_LISTED},
    )
    assert added.status_code == 201, added.text
    request = await stories.get_request(api, world, request["id"])
    assert request["state"] == "screening"  # held again
    assert request["clearance"]["status"] == "held"
    [case] = request["cases"]
    assert case["officer_id"] == added.json()["id"]
    await stories.adjudicate(
        api, world, case["id"], "false_positive", "Born 1982 in Port Vila: not the listed person"
    )
    request = await stories.get_request(api, world, request["id"])
    assert request["state"] == "due_diligence" and request["clearance"]["status"] == "clear"


async def test_nothing_is_cleared_without_a_list(api, world):
    await stories.clear_lists()
    try:
        partner = await stories.create_partner(
            api, world, name="Palau Library Association", country="PW"
        )
        request = await stories.submitted_and_received(api, world, partner["id"])
        assert request["state"] == "screening"
        assert request["clearance"]["status"] == "not_cleared"
        await stories.refused_referral(api, world, request["id"])
        await stories.load_list("un", stories.UN_2026)
        rescreen = await _post(api, world, "/screening-cases/rescreen", None)
        assert rescreen.status_code == 200, rescreen.text
        assert rescreen.json()["list_versions"][0].startswith("un@2026-02-27")
        request = await stories.get_request(api, world, request["id"])
        assert request["state"] == "due_diligence"
        assert request["clearance"]["status"] == "clear"
    finally:
        await stories.clear_lists()


async def test_the_executive_declines_and_the_register_exports(api, world, un_2026):
    partner = await stories.create_partner(api, world, name='=HYPERLINK("x") Library', country="NZ")
    request = await stories.submitted_and_received(api, world, partner["id"])
    declined = await api.post(
        f"{base(world)}/relationship-requests/{request['id']}/decline",
        json={"reason": "Outside the protocol's priorities this year"},
        headers=world[Role.EXECUTIVE].headers,
    )
    assert declined.status_code == 200 and declined.json()["state"] == "rejected"
    assert "declined by the executive" in declined.json()["outcome_reason"]

    response = await api.get(
        f"{base(world)}/relationships/export", headers=world[Role.AUDITOR].headers
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["request_id"] == request["id"])
    assert row["state"] == "rejected" and row["partner"].startswith("'=")  # not a formula
    assert row["policy"] == "international v1" and row["clearance"] == "clear"

    xlsx = await api.get(
        f"{base(world)}/relationships/export",
        params={"format": "xlsx"},
        headers=world[Role.EXECUTIVE].headers,
    )
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value.startswith(f"Relationships register of {world.slug}")
    assert sheet["A2"].value == "request_id" and sheet["A2"].font.bold
    assert request["id"] in [c.value for c in sheet["A"]]
    member = await api.get(
        f"{base(world)}/relationships/export", headers=world[Role.MEMBER].headers
    )
    assert member.status_code == 403


async def test_a_lost_motion_rejects_and_a_case_opened_while_referred_holds_approval(
    api, world, un_2026
):
    lost = await stories.create_partner(api, world, name="Nauru Library Association", country="NR")
    request = await stories.submitted_and_received(api, world, lost["id"])
    await stories.complete_due_diligence(api, world, request["id"])
    request = await stories.refer(api, world, request["id"])
    await stories.vote(api, world, request["motion_id"], "against")
    request = await stories.get_request(api, world, request["id"])
    assert request["state"] == "rejected"
    assert request["outcome_reason"] == f"the board did not carry motion {request['motion_id']}"

    partner = await stories.create_partner(
        api, world, name="Tuvalu Library Association", country="TV"
    )
    request = await stories.submitted_and_received(api, world, partner["id"])
    await stories.complete_due_diligence(api, world, request["id"])
    request = await stories.refer(api, world, request["id"])
    # While the board deliberates, an officer joins whose name is on the UN list.
    added = await _post(
        api,
        world,
        f"/partners/{partner['id']}/officers",
        {"role": "Treasurer", **stories.UN_LISTED},
    )
    assert added.status_code == 201
    request = await stories.get_request(api, world, request["id"])
    assert request["state"] == "referred" and request["clearance"]["status"] == "held"

    await stories.vote(api, world, request["motion_id"], "for")
    request = await stories.get_request(api, world, request["id"])
    assert request["state"] == "referred"  # carried, but approval waits for the case
    assert "carried; approval waits" in request["outcome_reason"]

    [case] = [c for c in request["cases"] if c["status"] == "open"]
    await stories.adjudicate(
        api, world, case["id"], "false_positive", "Different person: born 1990 in Funafuti"
    )
    request = await stories.get_request(api, world, request["id"])
    assert request["state"] == "approved"
    assert request["outcome_reason"] == f"the board carried motion {request['motion_id']}"
