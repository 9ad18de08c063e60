"""Signing in and out through the pages, and choosing an association."""

from __future__ import annotations

import httpx

from registry.audit.ledger import OPERATOR
from tenants.roles import Role
from tenants.service import grant_role
from tests.web.helpers import browser_for, csrf_of, give_password, sign_in


async def test_pages_need_a_session_and_return_after_sign_in(live_server, factory):
    world = await factory.tenant("web-in")
    email = world[Role.ADMIN].email
    await give_password(email)
    async with httpx.AsyncClient(base_url=live_server) as browser:
        wanted = f"/t/{world.slug}/policies"
        bounced = await browser.get(wanted)
        assert bounced.status_code == 303
        assert bounced.headers["location"] == f"/sign-in?next={wanted}"
        response = await sign_in(browser, email, next=wanted)
        assert response.status_code == 303
        assert response.headers["location"] == wanted
        cookie = response.headers["set-cookie"]
        assert "accord_session=" in cookie and "HttpOnly" in cookie
        landing = await browser.get(wanted)
        assert landing.status_code == 200
        assert "<h1>Policies</h1>" in landing.text
        assert "frame-ancestors 'none'" in landing.headers["content-security-policy"]
        assert landing.headers["cache-control"] == "no-store"


async def test_wrong_password_is_shown_next_to_the_field(live_server, factory):
    world = await factory.tenant("web-wrong")
    email = world[Role.MEMBER].email
    await give_password(email)
    async with httpx.AsyncClient(base_url=live_server) as browser:
        response = await sign_in(browser, email, password="not the password at all")
        assert response.status_code == 401
        assert 'id="password-error"' in response.text
        assert "The e-mail address or the password is wrong" in response.text
        assert 'aria-invalid="true"' in response.text
        assert f'value="{email}"' in response.text  # the address is kept
        empty = await sign_in(browser, "", password="")
        assert empty.status_code == 400
        assert "Enter your e-mail address" in empty.text
        assert "Enter your password" in empty.text


async def test_sign_in_form_needs_its_own_csrf_cookie(live_server, factory):
    world = await factory.tenant("web-login-csrf")
    email = world[Role.MEMBER].email
    await give_password(email)
    async with httpx.AsyncClient(base_url=live_server) as forged:
        response = await forged.post(
            "/sign-in",
            data={"email": email, "password": "correct horse battery staple", "sign_in_csrf": "x"},
        )
        assert response.status_code == 400
        assert "accord_session" not in response.headers.get("set-cookie", "")


async def test_next_cannot_leave_the_site(live_server, factory):
    world = await factory.tenant("web-next")
    email = world[Role.MEMBER].email
    await give_password(email)
    async with httpx.AsyncClient(base_url=live_server) as browser:
        response = await sign_in(browser, email, next="//evil.example/")
        assert response.status_code == 303
        assert response.headers["location"] == f"/t/{world.slug}/"


async def test_person_in_two_associations_chooses(live_server, factory):
    first = await factory.tenant("web-two-a")
    second = await factory.tenant("web-two-b")
    email = first[Role.COORDINATOR].email
    await grant_role(second.tenant, email, Role.BOARD, actor=OPERATOR)
    async with browser_for(live_server, email) as (client, _):
        chooser = await client.get("/tenants")
        assert chooser.status_code == 200
        assert f'href="/t/{first.slug}/"' in chooser.text
        assert f'href="/t/{second.slug}/"' in chooser.text
        assert (await client.get("/")).headers["location"] == "/tenants"
        dashboard = await client.get(f"/t/{second.slug}/")
        assert dashboard.status_code == 200
        assert "Open motions and their deadlines" in dashboard.text  # the board's slot


async def test_sign_out_needs_the_csrf_token_and_ends_the_session(live_server, factory):
    world = await factory.tenant("web-out")
    async with browser_for(live_server, world[Role.AUDITOR].email) as (client, csrf):
        refused = await client.post("/sign-out")
        assert refused.status_code == 403
        assert "form has expired" in refused.text
        done = await client.post("/sign-out", data={"csrf_token": csrf})
        assert done.status_code == 303
        assert done.headers["location"] == "/sign-in?signed_out=true"
        again = await client.get(f"/t/{world.slug}/")
        assert again.status_code == 303  # back to the sign-in page


async def test_dashboard_shows_each_role_its_panels(live_server, factory):
    world = await factory.tenant("web-dash")
    # Panels by key: other capabilities fill the slots with titles of their own.
    expected = {
        Role.ADMIN: ["administration", "audit", "policies", "inbox"],
        Role.EXECUTIVE: ["request_queue", "policies"],
        Role.COORDINATOR: ["screening_cases"],
        Role.BOARD: ["motions"],
        Role.AUDITOR: ["audit"],
        Role.MEMBER: ["partnerships", "inbox"],
    }
    for role, keys in expected.items():
        async with browser_for(live_server, world[role].email) as (client, _):
            html = (await client.get(f"/t/{world.slug}/")).text
            for key in keys:
                assert f'id="panel-{key}"' in html, (role, key)
            if role is not Role.ADMIN:
                assert 'id="panel-administration"' not in html
            if role is Role.MEMBER:
                assert f"Welcome to {world.slug}" in html
            assert csrf_of(html)
