"""The client's address: what connected, unless a configured proxy says otherwise.

`X-Forwarded-For` is believed only from the addresses in ACCORD_TRUSTED_PROXIES, so
a client cannot name its own address to dodge the per-address sign-in limit or to
forge the audit log's `client`."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import httpx
import pytest

from tenants.roles import Role
from tenants.sessions import hash_password
from tenants.tables import Person, SignInAttempt
from tests.audit.ledger_helpers import events_of
from tests.conftest import running_server

PASSWORD = "correct horse battery staple"
FORGED = "203.0.113.66"


@pytest.fixture(scope="module")
def proxied_server(database: str) -> Iterator[str]:
    """A server behind a trusted proxy on loopback, with a per-account limit of one
    failure (so an address may fail ten times)."""
    with running_server(
        "proxied", ACCORD_TRUSTED_PROXIES="127.0.0.1", ACCORD_SIGN_IN_MAX_FAILURES="1"
    ) as base:
        yield base


async def _failed_sign_in_from(base: str, factory, forwarded: str) -> tuple[str, str]:
    """Fail a sign-in with `X-Forwarded-For: forwarded`; the address the attempt and
    its audit event were recorded under."""
    world = await factory.tenant("addr", rooms=False)
    email = world[Role.BOARD].email
    await Person.update({Person.password_hash: hash_password(PASSWORD)}).where(
        Person.email == email
    )
    async with httpx.AsyncClient(base_url=base) as client:
        response = await client.post(
            "/auth/sign-in",
            json={"email": email, "password": "not the password"},
            headers={"X-Forwarded-For": forwarded},
        )
    assert response.status_code == 401, response.text
    attempt = await SignInAttempt.select(SignInAttempt.client).where(SignInAttempt.email == email)
    (event,) = [e for e in await events_of(world.tenant.id) if e["action"] == "auth.sign_in_failed"]
    return attempt[0]["client"], event["client"]


async def test_forwarded_for_is_ignored_without_a_trusted_proxy(live_server, factory):
    assert await _failed_sign_in_from(live_server, factory, FORGED) == ("127.0.0.1", "127.0.0.1")


async def test_forwarded_for_from_a_trusted_proxy_names_the_client(proxied_server, factory):
    assert await _failed_sign_in_from(proxied_server, factory, FORGED) == (FORGED, FORGED)


async def test_sign_in_limits_count_the_real_address_and_the_account(proxied_server, factory):
    # Behind the proxy every client connects from 127.0.0.1: the limit per address
    # must count the address the proxy names, so that one client's failures do not
    # lock out everyone behind the same proxy.
    one, other = f"198.51.100.{secrets.randbelow(200) + 1}", "2001:db8::7"

    async def sign_in(client: httpx.AsyncClient, email: str, address: str) -> int:
        response = await client.post(
            "/auth/sign-in",
            json={"email": email, "password": "not the password"},
            headers={"X-Forwarded-For": address},
        )
        return response.status_code

    async with httpx.AsyncClient(base_url=proxied_server, timeout=30) as client:
        run = secrets.token_hex(4)
        for n in range(10):  # ten different accounts, one failure each: the address's limit
            assert await sign_in(client, f"guess{n}.{run}@example.org", one) == 401
        assert await sign_in(client, f"guess-more.{run}@example.org", one) == 429
        assert await sign_in(client, f"guess-more.{run}@example.org", other) == 401
        # The per-account limit holds whatever address the attempts come from.
        assert await sign_in(client, f"guess-more.{run}@example.org", "192.0.2.9") == 429
