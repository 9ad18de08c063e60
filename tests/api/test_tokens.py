"""API tokens: stored only as a hash, expiring, revocable, shown once."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from registry.audit.ledger import OPERATOR
from tenants.principal import Principal
from tenants.roles import Role
from tenants.tables import ApiToken, Membership
from tenants.tokens import RecentTokens, authenticate_token, issue_token, revoke_token


async def test_token_is_stored_only_as_its_hash(factory, database):
    world = await factory.tenant("tok")
    party = world[Role.MEMBER]
    rows = await ApiToken.raw("SELECT * FROM api_token WHERE id = {}", party.token_id)
    assert len(rows) == 1
    stored = " ".join(str(v) for v in rows[0].values())
    assert party.token not in stored
    assert rows[0]["token_hash"] == hashlib.sha256(party.token.encode()).hexdigest()
    assert len(party.token) >= 4 + 43  # prefix + 32 random bytes in base64url


async def test_created_token_is_shown_once_and_works(api, factory):
    world = await factory.tenant("tok")
    created = await api.post(
        f"/api/v1/t/{world.slug}/tokens",
        json={"label": "laptop", "expires_days": 7},
        headers=world[Role.BOARD].headers,
    )
    assert created.status_code == 201
    secret = created.json()["token"]
    listed = await api.get(f"/api/v1/t/{world.slug}/tokens", headers=world[Role.BOARD].headers)
    assert secret not in listed.text
    assert "laptop" in listed.text
    ok = await api.get(f"/api/v1/t/{world.slug}", headers={"Authorization": f"Bearer {secret}"})
    assert ok.status_code == 200


async def test_expired_token_gets_401(api, factory):
    world = await factory.tenant("tok")
    party = world[Role.AUDITOR]
    issued = await issue_token(world.tenant.id, party.person_id, expires_days=1, actor=OPERATOR)
    headers = {"Authorization": f"Bearer {issued.secret}"}
    assert (await api.get(f"/api/v1/t/{world.slug}", headers=headers)).status_code == 200
    await ApiToken.update({ApiToken.expires_at: datetime.now(UTC) - timedelta(seconds=1)}).where(
        ApiToken.id == issued.id
    )
    response = await api.get(f"/api/v1/t/{world.slug}", headers=headers)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


async def test_revoked_token_gets_401(api, factory):
    world = await factory.tenant("tok")
    party = world[Role.COORDINATOR]
    revoked = await api.delete(
        f"/api/v1/t/{world.slug}/tokens/{party.token_id}", headers=party.headers
    )
    assert revoked.status_code == 204
    response = await api.get(f"/api/v1/t/{world.slug}", headers=party.headers)
    assert response.status_code == 401


async def test_member_cannot_revoke_someone_elses_token(api, factory):
    world = await factory.tenant("tok")
    response = await api.delete(
        f"/api/v1/t/{world.slug}/tokens/{world[Role.ADMIN].token_id}",
        headers=world[Role.MEMBER].headers,
    )
    assert response.status_code == 404
    still = await api.get(f"/api/v1/t/{world.slug}", headers=world[Role.ADMIN].headers)
    assert still.status_code == 200


async def test_admin_revokes_any_token_of_the_tenant(api, factory):
    world = await factory.tenant("tok")
    response = await api.delete(
        f"/api/v1/t/{world.slug}/tokens/{world[Role.MEMBER].token_id}",
        headers=world[Role.ADMIN].headers,
    )
    assert response.status_code == 204
    gone = await api.get(f"/api/v1/t/{world.slug}/tokens", headers=world[Role.MEMBER].headers)
    assert gone.status_code == 401


async def test_garbage_and_missing_credentials_get_401(api, factory):
    world = await factory.tenant("tok")
    for headers in ({}, {"Authorization": "Bearer acc_nope"}, {"Authorization": "Basic abc"}):
        response = await api.get(f"/api/v1/t/{world.slug}", headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/problem+json")


async def _revoke(party):
    await ApiToken.update({ApiToken.revoked_at: datetime.now(UTC)}).where(
        ApiToken.id == party.token_id
    )


async def _remove_role(party):
    await Membership.delete().where(Membership.id == party.membership_id)


@pytest.mark.parametrize(
    ("change", "refusal"), [(_revoke, 401), (_remove_role, 404)], ids=["revoked", "role removed"]
)
async def test_change_by_another_process_is_refused_at_once(api, factory, change, refusal):
    # The server keeps the principals of tokens it has just seen; a change written by
    # another process (here the test's own, as the CLI would) must still end them.
    world = await factory.tenant("tok")
    party = world[Role.AUDITOR]
    url = f"/api/v1/t/{world.slug}/members"
    for _ in range(3):
        assert (await api.get(url, headers=party.headers)).status_code == 200
    await change(party)
    assert (await api.get(url, headers=party.headers)).status_code == refusal


async def test_known_token_is_read_again_after_any_commit(factory, database):
    world = await factory.tenant("tok")
    party = world[Role.BOARD]
    first = await authenticate_token(party.token, world.slug)
    assert first is not None and first.access is not None
    if database == "sqlite":
        assert await authenticate_token(party.token, world.slug) is first  # kept
    await revoke_token(world.tenant.id, party.token_id, actor=OPERATOR)
    assert await authenticate_token(party.token, world.slug) is None


def test_kept_principal_expires_on_time_and_with_any_change():
    recent = RecentTokens()
    principal = Principal(person_id=uuid4())
    key = ("hash", "slug")
    recent.put((1, 7), key, principal, datetime.now(UTC) + timedelta(hours=1))
    assert recent.get((1, 7), key) is principal
    assert recent.get((1, 8), key) is None  # a commit since: forgotten
    assert recent.get((1, 8), key) is None
    recent.put((1, 8), key, principal, datetime.now(UTC) - timedelta(seconds=1))
    assert recent.get((1, 8), key) is None  # expired while kept
