""" "Forgot password" against the real server: the link from the outbox works once,
within the hour; the answer for an unknown address is the same; requests are
rate-limited; a reset signs out the person's other sessions and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tenants.roles import Role
from tenants.tables import PasswordReset
from tests.audit.ledger_helpers import events_of
from tests.web.helpers import PASSWORD, browser_for, give_password, sign_in
from tests.web.outbox import link_in_mail, mails_to, submit_public_form

NEW_PASSWORD = "seven ducks on the river"


async def _ask(live_server: str, email: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=live_server) as browser:
        return await submit_public_form(browser, "/forgot-password", {"email": email})


async def test_reset_end_to_end_signs_out_other_sessions_only(live_server, api, factory):
    world = await factory.tenant("reset", rooms=False)
    person = world[Role.COORDINATOR]
    async with (
        browser_for(live_server, person.email) as (laptop, _),
        browser_for(live_server, person.email) as (phone, _),
    ):
        assert (await laptop.get(f"/t/{world.slug}/")).status_code == 200
        asked = await _ask(live_server, person.email)
        assert asked.status_code == 200
        assert "If an account uses this address" in asked.text
        link = await link_in_mail(person.email, "auth.password_reset")
        assert link.startswith("/reset-password/")

        async with httpx.AsyncClient(base_url=live_server, timeout=30) as browser:
            common = await submit_public_form(
                browser, link, {"password": "1q2w3e4r5t6y", "password_again": "1q2w3e4r5t6y"}
            )
            assert common.status_code == 400 and "commonly used" in common.text
            short = await submit_public_form(
                browser, link, {"password": "too short", "password_again": "too short"}
            )
            assert short.status_code == 400 and "at least 12 characters" in short.text
            done = await submit_public_form(
                browser, link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
            )
            assert done.status_code == 303, done.text
            assert done.headers["location"] == "/sign-in?reset=true"
            reused = await browser.get(link)
            assert reused.status_code == 410 and "already been used" in reused.text

        # Both open sessions ended; the API token (not a session) still works.
        for client in (laptop, phone):
            bounced = await client.get(f"/t/{world.slug}/")
            assert bounced.status_code == 303
            assert bounced.headers["location"].startswith("/sign-in")
    me = await api.get("/api/v1/me", headers=person.headers)
    assert me.status_code == 200
    async with httpx.AsyncClient(base_url=live_server) as fresh:
        assert (await sign_in(fresh, person.email, PASSWORD)).status_code == 401
        assert (await sign_in(fresh, person.email, NEW_PASSWORD)).status_code == 303
    actions = [event["action"] for event in await events_of(world.tenant.id)]
    for action in (
        "auth.password_reset_requested",
        "auth.password_reset",
        "person.updated",
        "auth.sessions_ended",
    ):
        assert action in actions


async def test_the_answer_for_an_unknown_address_is_the_same(live_server, factory):
    world = await factory.tenant("reset-same", rooms=False)
    known = await _ask(live_server, world[Role.MEMBER].email)
    unknown = await _ask(live_server, f"nobody.{world.slug}@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.text == unknown.text
    assert "set-cookie" not in known.headers and "set-cookie" not in unknown.headers
    assert await mails_to(world[Role.MEMBER].email, "auth.password_reset") == 1
    assert await mails_to(f"nobody.{world.slug}@example.org", "auth.password_reset") == 0


async def test_requests_are_rate_limited_alike_for_known_and_unknown(live_server, factory):
    world = await factory.tenant("reset-limit", rooms=False)
    for email in (world[Role.BOARD].email, f"ghost.{world.slug}@example.org"):
        answers = [await _ask(live_server, email) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert "too many password reset requests" in answers[-1].text.lower()
    assert await mails_to(world[Role.BOARD].email, "auth.password_reset") == 3


async def test_an_expired_reset_link_is_refused(live_server, factory):
    world = await factory.tenant("reset-old", rooms=False)
    email = world[Role.AUDITOR].email
    await give_password(email)
    await _ask(live_server, email)
    link = await link_in_mail(email, "auth.password_reset")
    await PasswordReset.update(
        {PasswordReset.expires_at: datetime.now(UTC) - timedelta(seconds=1)}
    ).where(PasswordReset.email == email)
    async with httpx.AsyncClient(base_url=live_server) as browser:
        page = await browser.get(link)
        assert page.status_code == 410 and "expired" in page.text
        tried = await browser.post(
            link, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
        )
        assert tried.status_code == 410
        assert (await sign_in(browser, email, PASSWORD)).status_code == 303
