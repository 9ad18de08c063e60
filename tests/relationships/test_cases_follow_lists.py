"""Screening cases follow the lists, through the HTTP API on both engines: a re-screen
against the same list versions finds nothing gone; a newer version without the
listed entry resolves its case `delisted` by itself (with the version, an audit
event and a notice to the coordinators) and the request is no longer held; a newer
version in which an adjudicated entry's data changed reopens its case."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tenants.roles import Role
from tests.relationships import stories
from tests.relationships.stories import UN_2024, UN_2026, base

#: Listed in 2024 and 2026 (TAi.082); the 2026 version adds a second date of birth.
UN_CHANGED_2026 = {"name": "Abdul Haq Wasiq", "date_of_birth": "1971", "nationality": "AF"}


@pytest.fixture
async def un_2024(database: str) -> AsyncIterator[str]:
    await stories.clear_lists()
    yield await stories.load_list("un", UN_2024)
    await stories.clear_lists()


async def _rescreen(api, world) -> dict:
    response = await api.post(
        f"{base(world)}/screening-cases/rescreen", headers=world[Role.COORDINATOR].headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _case(api, world, case_id: str) -> dict:
    response = await api.get(
        f"{base(world)}/screening-cases/{case_id}", headers=world[Role.COORDINATOR].headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_a_delisted_entry_resolves_its_case_and_stops_holding(api, world, un_2024):
    partner = await stories.create_partner(
        api,
        world,
        name="Alliance of Francophone Libraries",
        country="FR",
        officers=[stories.officer(role="Adviser", **stories.UN_REMOVED_2026)],
    )
    request = await stories.submitted_and_received(api, world, partner["id"])
    assert request["state"] == "screening" and request["clearance"]["status"] == "held"
    [case] = request["cases"]
    assert case["entity_ref"] == "QDi.095" and case["status"] == "open"

    # The same list versions: nothing is gone, nothing changes.
    same = await _rescreen(api, world)
    assert same["hits_disappeared"] == 0 and same["cases_opened"] == 0
    assert (await _case(api, world, case["id"]))["status"] == "open"

    new_version = await stories.load_list("un", UN_2026)
    newer = await _rescreen(api, world)
    assert newer["hits_disappeared"] == 1
    delisted = await _case(api, world, case["id"])
    assert delisted["status"] == "delisted"
    assert delisted["disappeared_in"] == new_version
    assert new_version in delisted["reason"] and "no longer listed" in delisted["reason"]

    request = await stories.get_request(api, world, request["id"])
    assert request["clearance"]["status"] == "clear"
    assert request["state"] == "due_diligence"  # no longer held in screening

    adjudicate = await api.post(
        f"{base(world)}/screening-cases/{case['id']}/adjudicate",
        json={"outcome": "confirmed"},
        headers=world[Role.COORDINATOR].headers,
    )
    assert adjudicate.status_code == 409 and "delisted" in adjudicate.json()["detail"]

    inbox = await api.get(f"{base(world)}/notifications", headers=world[Role.COORDINATOR].headers)
    kinds = [n["kind"] for n in inbox.json()["items"]]
    assert "screening_case.delisted" in kinds
    events = await api.get(
        f"{base(world)}/audit/events",
        params={"object_id": case["id"]},
        headers=world[Role.AUDITOR].headers,
    )
    assert "screening_case.delisted" in [e["action"] for e in events.json()["items"]]

    # Re-screening again against the same newer version reports nothing gone.
    again = await _rescreen(api, world)
    assert again["hits_disappeared"] == 0
    assert (await _case(api, world, case["id"]))["status"] == "delisted"


async def test_an_adjudicated_case_reopens_when_the_listed_entry_changes(api, world, un_2024):
    partner = await stories.create_partner(
        api,
        world,
        name="Kabul Reading Circle",
        country="AF",
        officers=[stories.officer(role="Treasurer", **UN_CHANGED_2026)],
    )
    request = await stories.submitted_and_received(api, world, partner["id"])
    [case] = [c for c in request["cases"] if c["entity_ref"] == "TAi.082"]
    await stories.adjudicate(
        api, world, case["id"], "false_positive", "A namesake: different father's name"
    )
    unchanged = await _rescreen(api, world)
    assert unchanged["hits_disappeared"] == 0
    assert (await _case(api, world, case["id"]))["status"] == "false_positive"

    new_version = await stories.load_list("un", UN_2026)
    await _rescreen(api, world)
    reopened = await _case(api, world, case["id"])
    assert reopened["status"] == "open" and reopened["reason"] == ""
    assert reopened["list_version"] == new_version
    request = await stories.get_request(api, world, request["id"])
    assert request["clearance"]["status"] == "held"
    inbox = await api.get(f"{base(world)}/notifications", headers=world[Role.COORDINATOR].headers)
    assert "screening_case.reopened" in [n["kind"] for n in inbox.json()["items"]]
