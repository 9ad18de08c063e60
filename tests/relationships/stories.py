"""Steps of the relationships stories, through the HTTP API, for any room's tests.

Every helper takes the `api` client and a `TenantWorld` (tests/factories.py), acts
as the role a person in that position would hold, asserts the answer a user would
expect, and returns the JSON. The board room builds its vote stories on these:

    await use_partner_policy(api, world)                 # alia-international, UN list
    await load_list("un", UN_2026)                       # stored, as `accord screening import`
    partner = await create_partner(api, world, name="Fiji Library Association",
                                   country="FJ", officers=[officer("Mere Naulumatua")])
    request = await raise_request(api, world, partner["id"])
    request = await submit(api, world, request["id"])    # screened at once
    request = await receive(api, world, request["id"])   # the executive takes it in
    request = await complete_due_diligence(api, world, request["id"])
    request = await refer(api, world, request["id"])     # request["motion_id"] is the motion

Lists are global: a test that loads one should start from `clear_lists()` (the
screening tests do the same) so that it knows what it screens against.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from policies import preset_text
from policies.subjects import NON_DISCRIMINATION_GROUNDS
from screening import store
from screening.parsers import parse_list
from tenants.roles import Role
from tests.shared_data import SANCTIONS

UN_2026 = SANCTIONS / "un" / "consolidated_2026-02-27.xml"
UN_2024 = SANCTIONS / "un" / "consolidated_2024-11-30.xml"

#: A person on the UN list (both versions): CDi.001, born 1971, Congolese.
UN_LISTED = {"name": "Eric Badege", "date_of_birth": "1971", "nationality": "CD"}
#: Listed only from the 2026 version on (IRi.002).
UN_ADDED_2026 = {"name": "Dawood Agha-Jani", "date_of_birth": "1957-04-23"}
#: Listed in 2024, gone by 2026 (QDi.095).
UN_REMOVED_2026 = {"name": "Lionel Dumont", "date_of_birth": "1971-01-29", "nationality": "FR"}

ALL_GROUNDS = list(NON_DISCRIMINATION_GROUNDS)


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    return response.json()


def base(world: Any) -> str:
    return f"/api/v1/t/{world.slug}"


async def clear_lists() -> None:
    """No stored list version: screening fails closed until one is loaded."""
    await store.delete_all()


async def load_list(source: str, path: Path) -> str:
    """Store a list publication as the active version of its source (what `accord
    screening import` stores, without the re-screening hook); its version id."""
    version = parse_list(source, path)
    result = await store.import_version(version)
    return result.version.version


@pytest.fixture
async def un_2026(database: str) -> AsyncIterator[str]:
    """Only the UN list of 2026-02-27 is stored while the test runs (a fixture: the
    rooms' conftest.py import it)."""
    await clear_lists()
    yield await load_list("un", UN_2026)
    await clear_lists()


async def board_world(factory: Any, api: httpx.AsyncClient, prefix: str) -> Any:
    """A tenant with the partner policy (alia-international on the UN list) and a
    board of three directors (`world.directors`)."""
    world = await factory.tenant(prefix)
    await use_partner_policy(api, world)
    world.directors = [world[Role.BOARD]] + [
        await factory.party(world.tenant, Role.BOARD, f"director{n}.{world.slug}@example.org")
        for n in (1, 2)
    ]
    return world


def partner_policy_document(lists: tuple[str, ...] = ("un",)) -> str:
    """The alia-international preset, bound to `lists` (the preset names UN and DFAT;
    tests load the UN list alone, which parses in a fraction of the time)."""
    text = preset_text("alia-international")
    quoted = ", ".join(f'"{name}"' for name in lists)
    return text.replace('lists = ["un", "dfat"]', f"lists = [{quoted}]")


async def use_partner_policy(
    api: httpx.AsyncClient,
    world: Any,
    *,
    lists: tuple[str, ...] = ("un",),
    name: str = "international",
    document: str | None = None,
) -> dict[str, Any]:
    """The tenant's administrator installs its partner policy."""
    body = {"name": name, "document": document or partner_policy_document(lists)}
    response = await api.post(
        f"{base(world)}/policies", json=body, headers=world[Role.ADMIN].headers
    )
    return _ok(response, 201)


def officer(name: str, role: str = "President", **fields: Any) -> dict[str, Any]:
    return {"name": name, "role": role, **fields}


async def create_partner(
    api: httpx.AsyncClient,
    world: Any,
    *,
    name: str,
    country: str,
    kind: str = "library_association",
    officers: list[dict[str, Any]] | None = None,
    role: Role = Role.COORDINATOR,
    **fields: Any,
) -> dict[str, Any]:
    body = {"name": name, "country": country, "kind": kind, "officers": officers or [], **fields}
    response = await api.post(f"{base(world)}/partners", json=body, headers=world[role].headers)
    return _ok(response, 201)


async def raise_request(
    api: httpx.AsyncClient,
    world: Any,
    partner_id: str,
    *,
    role: Role = Role.MEMBER,
    **fields: Any,
) -> dict[str, Any]:
    body = {
        "partner_id": partner_id,
        "kind": "bilateral_mou",
        "title": "Library and information education partnership",
        "assistance": ["lis_education", "administrative_resources"],
        "shared_interests": "Information literacy and library education in the Pacific.",
        "expected_outcomes": "A course accreditation pathway and two workshops a year.",
        "mutual_benefits": "Members gain regional experience; the partner gains resources.",
        "sdgs": [4, 16, 17],
        "personnel": [
            {"name": "A Staff Member", "kind": "staff", "availability": "two days a month"}
        ],
        **fields,
    }
    response = await api.post(
        f"{base(world)}/relationship-requests", json=body, headers=world[role].headers
    )
    return _ok(response, 201)


async def _act(
    api: httpx.AsyncClient,
    world: Any,
    request_id: str,
    action: str,
    role: Role,
    body: Any = None,
) -> dict[str, Any]:
    response = await api.post(
        f"{base(world)}/relationship-requests/{request_id}/{action}",
        json=body,
        headers=world[role].headers,
    )
    return _ok(response)


async def submit(
    api: httpx.AsyncClient, world: Any, request_id: str, *, role: Role = Role.MEMBER
) -> dict[str, Any]:
    return await _act(api, world, request_id, "submit", role)


async def receive(api: httpx.AsyncClient, world: Any, request_id: str) -> dict[str, Any]:
    return await _act(api, world, request_id, "receive", Role.EXECUTIVE)


async def attest(
    api: httpx.AsyncClient,
    world: Any,
    request_id: str,
    body: dict[str, Any],
    *,
    role: Role = Role.COORDINATOR,
) -> dict[str, Any]:
    return await _act(api, world, request_id, "attestations", role, body)


async def complete_due_diligence(
    api: httpx.AsyncClient,
    world: Any,
    request_id: str,
    *,
    justification: bool = False,
) -> dict[str, Any]:
    """The coordinator's findings: non-discrimination on every ground, a satisfactory
    reputation assessment today, a staff member and a member available; with
    `justification`, the written case for a country at governance risk too."""
    today = dt.date.today().isoformat()
    await attest(
        api,
        world,
        request_id,
        {
            "kind": "non_discrimination",
            "grounds": ALL_GROUNDS,
            "attested_on": today,
            "evidence": "Signed statement from the partner's president",
            "evidence_sha256": "a" * 64,
        },
    )
    await attest(
        api,
        world,
        request_id,
        {
            "kind": "reputation",
            "result": "satisfactory",
            "assessed_on": today,
            "evidence": "References from two regional associations",
        },
    )
    request = await attest(
        api,
        world,
        request_id,
        {
            "kind": "personnel",
            "staff": 1,
            "members": 1,
            "evidence": "Confirmed with the international coordinator",
        },
    )
    if justification:
        request = await attest(
            api,
            world,
            request_id,
            {
                "kind": "governance_justification",
                "text": "Training librarians strengthens civil society, fosters social "
                "development and advances SDG 4 and 16.",
                "strengthens_civil_society": True,
                "fosters_social_development": True,
                "advances_sdgs": True,
                "evidence": "Board paper on country risk",
            },
        )
    return request


async def refer(
    api: httpx.AsyncClient,
    world: Any,
    request_id: str,
    *,
    closes_at: dt.datetime | None = None,
    papers: str = "",
) -> dict[str, Any]:
    body: dict[str, Any] = {"papers": papers}
    if closes_at is not None:
        body["closes_at"] = closes_at.isoformat()
    return await _act(api, world, request_id, "refer", Role.EXECUTIVE, body)


async def refused_referral(api: httpx.AsyncClient, world: Any, request_id: str) -> str:
    """Why the executive's referral of the request to the board is refused (409)."""
    response = await api.post(
        f"{base(world)}/relationship-requests/{request_id}/refer",
        json={},
        headers=world[Role.EXECUTIVE].headers,
    )
    detail: str = _ok(response, 409)["detail"]
    return detail


async def vote(
    api: httpx.AsyncClient, world: Any, motion_id: str, choice: str = "for"
) -> dict[str, Any]:
    """The board member's vote on the motion, taken (200)."""
    response = await api.put(
        f"{base(world)}/motions/{motion_id}/vote",
        json={"choice": choice},
        headers=world[Role.BOARD].headers,
    )
    return _ok(response)


async def adjudicate(
    api: httpx.AsyncClient, world: Any, case_id: str, outcome: str, reason: str = ""
) -> dict[str, Any]:
    response = await api.post(
        f"{base(world)}/screening-cases/{case_id}/adjudicate",
        json={"outcome": outcome, "reason": reason},
        headers=world[Role.COORDINATOR].headers,
    )
    return _ok(response)


async def get_request(
    api: httpx.AsyncClient, world: Any, request_id: str, *, role: Role = Role.EXECUTIVE
) -> dict[str, Any]:
    response = await api.get(
        f"{base(world)}/relationship-requests/{request_id}", headers=world[role].headers
    )
    return _ok(response)


async def approved(
    api: httpx.AsyncClient, world: Any, partner_id: str, **fields: Any
) -> dict[str, Any]:
    """A request taken through due diligence to the board, which carries it."""
    request = await submitted_and_received(api, world, partner_id, **fields)
    await complete_due_diligence(api, world, request["id"])
    request = await refer(api, world, request["id"])
    await vote(api, world, request["motion_id"])
    request = await get_request(api, world, request["id"])
    assert request["state"] == "approved", request["outcome_reason"]
    return request


async def submitted_and_received(
    api: httpx.AsyncClient, world: Any, partner_id: str, **fields: Any
) -> dict[str, Any]:
    """A request raised by a member, submitted and taken in by the executive."""
    request = await raise_request(api, world, partner_id, **fields)
    await submit(api, world, request["id"])
    return await receive(api, world, request["id"])
