"""The audit routes over real HTTP: who may read, filters, pages and export bundles."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from registry.audit.bundle import verify_bundle_lines
from registry.audit.tables import AuditTreeHead
from tenants.roles import Role
from tests.audit.ledger_helpers import assert_log_valid, count_of


async def test_an_api_write_records_its_caller_and_request(api, factory):
    world = await factory.tenant("aud")
    admin = world[Role.ADMIN]
    response = await api.post(
        f"/api/v1/t/{world.slug}/members",
        json={"email": "audited@example.org", "role": "member"},
        headers={**admin.headers, "X-Request-ID": "trace-123"},
    )
    assert response.status_code == 201
    page = await api.get(
        f"/api/v1/t/{world.slug}/audit/events",
        params={"action": "membership.granted", "object_id": response.json()["id"]},
        headers=world[Role.AUDITOR].headers,
    )
    assert page.status_code == 200, page.text
    (event,) = page.json()["items"]
    assert event["actor"] == {
        "person": str(admin.person_id),
        "role": "admin",
        "token_id": str(admin.token_id),
    }
    assert event["request_id"] == "trace-123"
    assert event["client"] == "127.0.0.1"
    assert event["changes"]["email"] == [None, "audited@example.org"]
    by_admin = await api.get(
        f"/api/v1/t/{world.slug}/audit/events",
        params={"actor": str(admin.person_id)},
        headers=world[Role.AUDITOR].headers,
    )
    assert [e["seq"] for e in by_admin.json()["items"]] == [event["seq"]]


async def test_filters_and_pages(api, factory):
    world = await factory.tenant("audf", rooms=False)
    url = f"/api/v1/t/{world.slug}/audit/events"
    headers = world[Role.ADMIN].headers
    everything = (await api.get(url, params={"limit": 500}, headers=headers)).json()["items"]
    assert [e["seq"] for e in everything] == list(range(1, len(everything) + 1))
    first = await api.get(url, params={"limit": 3}, headers=headers)
    assert [e["seq"] for e in first.json()["items"]] == [1, 2, 3]
    assert first.json()["next_offset"] == 3
    second = await api.get(url, params={"limit": 3, "offset": 3}, headers=headers)
    assert second.json()["items"][0]["seq"] == 4
    tokens = await api.get(url, params={"action": "token.issued"}, headers=headers)
    assert {e["action"] for e in tokens.json()["items"]} == {"token.issued"}
    assert len(tokens.json()["items"]) == len(Role)
    by_type = await api.get(url, params={"object_type": "tenant"}, headers=headers)
    assert [e["action"] for e in by_type.json()["items"]] == ["tenant.created"]
    later = datetime.now(UTC).isoformat()
    assert (await api.get(url, params={"since": later}, headers=headers)).json()["items"] == []
    assert len((await api.get(url, params={"until": later}, headers=headers)).json()["items"])
    by_nobody = await api.get(
        url, params={"actor": str(world[Role.MEMBER].person_id)}, headers=headers
    )
    assert by_nobody.json()["items"] == []
    naive = await api.get(url, params={"since": "2026-01-01T00:00:00"}, headers=headers)
    assert naive.status_code == 400


async def test_export_is_a_valid_bundle_signed_by_the_tenant_key(api, factory):
    world = await factory.tenant("aude")
    headers = world[Role.AUDITOR].headers
    response = await api.get(f"/api/v1/t/{world.slug}/audit/export", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = response.content.splitlines(keepends=True)
    keys = (await api.get(f"/api/v1/t/{world.slug}/keys", headers=headers)).json()
    pinned = bytes.fromhex(keys[0]["public_key"])
    result = verify_bundle_lines(lines, public_key=pinned)
    assert result.valid, result.problem
    assert result.events == await count_of(world.tenant.id) == len(lines) - 2
    stored = await AuditTreeHead.count().where(AuditTreeHead.tenant == world.tenant.id)
    assert stored == 1
    tampered = [*lines]
    tampered[3] = tampered[3].replace(b"token.issued", b"token.revoked")
    bad = verify_bundle_lines(tampered, public_key=pinned)
    assert not bad.valid and bad.line == 4


async def test_export_of_a_period_carries_the_prefix(api, factory):
    world = await factory.tenant("audp")
    headers = world[Role.ADMIN].headers
    middle = datetime.now(UTC)
    await api.post(f"/api/v1/t/{world.slug}/tokens", json={"label": "later"}, headers=headers)
    response = await api.get(
        f"/api/v1/t/{world.slug}/audit/export",
        params={"since": middle.isoformat()},
        headers=headers,
    )
    lines = response.content.splitlines(keepends=True)
    result = verify_bundle_lines(lines)
    assert result.valid, result.problem
    assert result.events == 1
    assert b'"prefix_size":' in lines[0] and b'"prefix_size":0' not in lines[0]


async def test_forty_concurrent_api_writes_keep_the_chain(api, factory):
    world = await factory.tenant("audc", rooms=False)
    headers = world[Role.ADMIN].headers

    async def add(i: int) -> int:
        response = await api.post(
            f"/api/v1/t/{world.slug}/members",
            json={"email": f"chain{i}@example.org", "role": "member"},
            headers=headers,
        )
        return response.status_code

    assert await asyncio.gather(*(add(i) for i in range(40))) == [201] * 40
    events = await assert_log_valid(world.tenant.id, world.slug)
    assert sum(e["action"] == "membership.granted" for e in events) == len(Role) + 40
