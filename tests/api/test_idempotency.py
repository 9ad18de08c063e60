"""`Idempotency-Key` on POST: a retry gets the first answer and creates nothing more."""

from __future__ import annotations

import asyncio
import uuid

from tenants.roles import Role


def _partner(name: str, country: str = "NZ") -> dict[str, str]:
    return {"name": name, "country": country, "kind": "library_association"}


async def _partner_names(api, world) -> list[str]:
    page = await api.get(
        f"/api/v1/t/{world.slug}/partners?limit=100", headers=world[Role.ADMIN].headers
    )
    assert page.status_code == 200
    return [item["name"] for item in page.json()["items"]]


async def test_a_retry_gets_the_first_answer_and_creates_nothing(api, factory):
    world = await factory.tenant("idem", rooms=False)
    url = f"/api/v1/t/{world.slug}/partners"
    headers = {**world[Role.ADMIN].headers, "Idempotency-Key": str(uuid.uuid4())}
    first = await api.post(url, json=_partner("Once Only Library"), headers=headers)
    assert first.status_code == 201, first.text
    again = await api.post(url, json=_partner("Once Only Library"), headers=headers)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["content-type"] == first.headers["content-type"]
    assert "idempotent-replayed" not in first.headers
    assert await _partner_names(api, world) == ["Once Only Library"]

    # The same key for another request is refused, naming the key.
    other = await api.post(url, json=_partner("Another Library"), headers=headers)
    assert other.status_code == 409
    assert headers["Idempotency-Key"] in other.json()["detail"]
    assert await _partner_names(api, world) == ["Once Only Library"]

    # Without a key, or with a new one, the same body creates again.
    assert (
        await api.post(url, json=_partner("Once Only Library"), headers=world[Role.ADMIN].headers)
    ).status_code == 201
    assert len(await _partner_names(api, world)) == 2


async def test_keys_are_per_person_and_a_refusal_is_not_kept(api, factory):
    world = await factory.tenant("idem", rooms=False)
    url = f"/api/v1/t/{world.slug}/partners"
    key = {"Idempotency-Key": "retry-me-1"}
    refused = await api.post(
        url,
        json=_partner("Typo Library", country="XX"),
        headers={**world[Role.ADMIN].headers, **key},
    )
    assert refused.status_code == 400
    # Nothing was created, so the key is free for the corrected request.
    fixed = await api.post(
        url, json=_partner("Typo Library"), headers={**world[Role.ADMIN].headers, **key}
    )
    assert fixed.status_code == 201 and "idempotent-replayed" not in fixed.headers
    # Another person's identical key and body is their own request.
    theirs = await api.post(
        url, json=_partner("Typo Library"), headers={**world[Role.COORDINATOR].headers, **key}
    )
    assert theirs.status_code == 201 and "idempotent-replayed" not in theirs.headers
    assert theirs.json()["id"] != fixed.json()["id"]
    assert sorted(await _partner_names(api, world)) == ["Typo Library", "Typo Library"]


async def test_concurrent_retries_create_one_object(api, factory):
    world = await factory.tenant("idem", rooms=False)
    url = f"/api/v1/t/{world.slug}/partners"
    headers = {**world[Role.ADMIN].headers, "Idempotency-Key": str(uuid.uuid4())}
    answers = await asyncio.gather(
        *(api.post(url, json=_partner("Raced Library"), headers=headers) for _ in range(6))
    )
    assert [a.status_code for a in answers] == [201] * 6
    assert len({a.json()["id"] for a in answers}) == 1
    assert sum("idempotent-replayed" in a.headers for a in answers) == 5
    assert await _partner_names(api, world) == ["Raced Library"]


async def test_a_malformed_key_is_refused_by_name(api, factory):
    world = await factory.tenant("idem", rooms=False)
    response = await api.post(
        f"/api/v1/t/{world.slug}/partners",
        json=_partner("Keyed Library"),
        headers={**world[Role.ADMIN].headers, "Idempotency-Key": "x" * 300},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert await _partner_names(api, world) == []
