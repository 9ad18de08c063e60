"""`/api/v1/t/{tenant}/policies` on the live server: create from a preset or a document,
every change a new version and an audit event, malformed documents refused with the
key and line named, dry-run evaluation that stores nothing, admin-only edits."""

from __future__ import annotations

import json
import re

import pytest

from policies import load_policy, load_preset, preset_text
from tenants.roles import Role
from tests.policies.factories import partner


@pytest.fixture
async def world(factory):
    return await factory.tenant("pol")


def _url(world, rest: str = "") -> str:
    return f"/api/v1/t/{world.slug}/policies{rest}"


async def _events(api, world, action: str = "policy.changed") -> list[dict]:
    response = await api.get(
        f"/api/v1/t/{world.slug}/audit/events",
        params={"action": action},
        headers=world[Role.AUDITOR].headers,
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def _create_international(api, world) -> dict:
    response = await api.post(
        _url(world),
        json={"name": "international", "preset": "alia-international"},
        headers=world[Role.ADMIN].headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_create_from_preset_then_put_documents(api, world):
    admin = world[Role.ADMIN].headers
    created = await _create_international(api, world)
    preset = load_preset("alia-international")
    assert created["version"] == 1
    assert created["sha256"] == preset.sha256
    assert created["document"] == preset_text("alia-international")
    assert created["policy_name"] == preset.name and created["subject"] == "partner"

    again = await api.post(
        _url(world), json={"name": "international", "preset": "iln-peer"}, headers=admin
    )
    assert again.status_code == 409

    # A new version as JSON: stored as sent, with its own hash.
    data = preset.to_dict()
    data["policy"]["version"] = "2026.1"
    put = await api.put(
        _url(world, "/international"),
        json={"document": json.dumps(data), "format": "json"},
        headers=admin,
    )
    assert put.status_code == 200, put.text
    v2 = put.json()
    assert v2["version"] == 2 and v2["changed"] is True and v2["format"] == "json"
    assert v2["sha256"] == load_policy(json.dumps(data), format="json").sha256 != preset.sha256
    assert v2["policy_version"] == "2026.1"
    assert v2["created_by"] == str(world[Role.ADMIN].person_id)

    # The same document again is a no-op: nothing stored, nothing recorded.
    same = await api.put(
        _url(world, "/international"),
        json={"document": json.dumps(data), "format": "json"},
        headers=admin,
    )
    assert same.status_code == 200 and same.json()["changed"] is False
    assert same.json()["version"] == 2

    # Back to the preset: version 3. The versions list grows; old versions stay readable.
    back = await api.put(
        _url(world, "/international"), json={"preset": "alia-international"}, headers=admin
    )
    assert back.status_code == 200 and back.json()["version"] == 3
    versions = await api.get(_url(world, "/international/versions"), headers=admin)
    assert [v["version"] for v in versions.json()] == [1, 2, 3]
    assert [v["sha256"] for v in versions.json()] == [preset.sha256, v2["sha256"], preset.sha256]
    old = await api.get(
        _url(world, "/international/versions/2"), headers=world[Role.AUDITOR].headers
    )
    assert old.status_code == 200 and old.json()["document"] == json.dumps(data)
    current = await api.get(_url(world, "/international"), headers=world[Role.BOARD].headers)
    assert current.json()["version"] == 3
    assert current.json()["document"] == preset_text("alia-international")
    missing = await api.get(_url(world, "/international/versions/4"), headers=admin)
    assert missing.status_code == 404

    listing = await api.get(_url(world), headers=world[Role.EXECUTIVE].headers)
    by_name = {p["name"]: p for p in listing.json()}
    assert set(by_name) == {"international", world.policy_name}
    assert by_name["international"]["version"] == 3
    assert by_name["international"]["sha256"] == preset.sha256

    events = [e for e in await _events(api, world) if e["object_id"] == "international"]
    assert [e["changes"]["version"] for e in events] == [[None, 1], [1, 2], [2, 3]]
    assert events[1]["changes"]["sha256"] == [preset.sha256, v2["sha256"]]
    assert events[1]["actor"]["person"] == str(world[Role.ADMIN].person_id)


async def test_malformed_document_names_key_and_line_and_stores_nothing(api, world):
    admin = world[Role.ADMIN].headers
    text = preset_text("alia-mentoring")
    match = re.search(r"^min_years = \d+$", text, flags=re.MULTILINE)
    assert match is not None
    line = text.count("\n", 0, match.start()) + 1
    bad = text[: match.start()] + 'min_years = "five"' + text[match.end() :]
    before = await _events(api, world)

    response = await api.put(
        _url(world, f"/{world.policy_name}"), json={"document": bad}, headers=admin
    )
    assert response.status_code == 400, response.text
    [error] = response.json()["errors"]
    assert error["field"] == "document"
    assert "min_years" in error["message"] and f"line {line}" in error["message"]

    unparsable = await api.post(
        _url(world), json={"name": "broken", "document": "[policy\nname ="}, headers=admin
    )
    assert unparsable.status_code == 400
    assert unparsable.json()["errors"][0]["field"] == "document"
    unknown = await api.post(
        _url(world), json={"name": "broken", "preset": "no-such-preset"}, headers=admin
    )
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "preset"
    both = await api.post(
        _url(world),
        json={"name": "broken", "preset": "iln-peer", "document": text},
        headers=admin,
    )
    assert both.status_code == 400

    versions = await api.get(_url(world, f"/{world.policy_name}/versions"), headers=admin)
    assert [v["version"] for v in versions.json()] == [1]
    assert (await api.get(_url(world, "/broken"), headers=admin)).status_code == 404
    assert await _events(api, world) == before


async def test_evaluate_is_a_dry_run_naming_the_policy_hash(api, world):
    created = await _create_international(api, world)
    before = await _events(api, world)
    response = await api.post(
        _url(world, "/international/evaluate"),
        json={"subject": partner(), "as_of": "2025-03-01"},
        headers=world[Role.COORDINATOR].headers,
    )
    assert response.status_code == 200, response.text
    decision = response.json()
    assert decision["policy"]["sha256"] == created["sha256"]
    assert decision["outcome"] in {"eligible", "ineligible", "refer"}
    assert decision["rules"] and decision["as_of"] == "2025-03-01", decision
    assert await _events(api, world) == before
    versions = await api.get(
        _url(world, "/international/versions"), headers=world[Role.ADMIN].headers
    )
    assert len(versions.json()) == 1

    bad = await api.post(
        _url(world, "/international/evaluate"),
        json={"subject": partner(country="ZZ"), "as_of": "2025-03-01"},
        headers=world[Role.EXECUTIVE].headers,
    )
    assert bad.status_code == 400, bad.text
    assert bad.json()["errors"][0]["field"] == "country"


async def test_only_admins_change_policies(api, world):
    for role in Role:
        if role is Role.ADMIN:
            continue
        put = await api.put(
            _url(world, f"/{world.policy_name}"),
            json={"preset": "iln-peer"},
            headers=world[role].headers,
        )
        assert put.status_code == 403, (role, put.text)
        post = await api.post(
            _url(world), json={"name": "x", "preset": "iln-peer"}, headers=world[role].headers
        )
        assert post.status_code == 403, (role, post.text)
    member = await api.get(_url(world), headers=world[Role.MEMBER].headers)
    assert member.status_code == 403
    versions = await api.get(
        _url(world, f"/{world.policy_name}/versions"), headers=world[Role.ADMIN].headers
    )
    assert [v["version"] for v in versions.json()] == [1]


async def test_unknown_policy_is_404(api, world):
    admin = world[Role.ADMIN].headers
    for path in ("/nope", "/nope/versions", "/nope/versions/1", "/Not_A_Slug"):
        assert (await api.get(_url(world, path), headers=admin)).status_code == 404
    put = await api.put(_url(world, "/nope"), json={"preset": "iln-peer"}, headers=admin)
    assert put.status_code == 404
