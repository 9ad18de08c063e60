"""Browser sessions: password sign-in, HttpOnly cookie, CSRF, rate limit."""

from __future__ import annotations

import hashlib

import httpx

from registry.audit.ledger import OPERATOR
from tenants.roles import Role
from tenants.service import grant_role
from tenants.sessions import hash_password
from tenants.tables import Person, SignInAttempt, WebSession

PASSWORD = "correct horse battery staple"


async def _person_with_password(factory, role=Role.COORDINATOR):
    world = await factory.tenant("ses")
    email = world[role].email
    await Person.update({Person.password_hash: hash_password(PASSWORD)}).where(
        Person.email == email
    )
    return world, email


async def test_sign_in_sets_httponly_cookie_and_session_works(live_server, factory):
    world, email = await _person_with_password(factory)
    async with httpx.AsyncClient(base_url=live_server) as browser:
        response = await browser.post("/auth/sign-in", json={"email": email, "password": PASSWORD})
        assert response.status_code == 200
        cookie = response.headers["set-cookie"]
        assert "accord_session=" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
        csrf = response.json()["csrf_token"]
        me = await browser.get("/api/v1/me")
        assert me.json()["email"] == email
        # A session may visit every tenant of the person.
        assert (await browser.get(f"/api/v1/t/{world.slug}")).status_code == 200
        # State-changing requests need the CSRF token.
        no_csrf = await browser.post(f"/api/v1/t/{world.slug}/tokens", json={})
        assert no_csrf.status_code == 403
        assert "CSRF" in no_csrf.json()["detail"]
        with_csrf = await browser.post(
            f"/api/v1/t/{world.slug}/tokens", json={}, headers={"X-CSRF-Token": csrf}
        )
        assert with_csrf.status_code == 201
        out = await browser.post("/auth/sign-out", headers={"X-CSRF-Token": csrf})
        assert out.status_code == 204
    async with httpx.AsyncClient(base_url=live_server) as replay:
        replay.cookies.set("accord_session", response.cookies["accord_session"])
        assert (await replay.get("/api/v1/me")).status_code == 401


async def test_wrong_password_and_unknown_email_look_the_same(api, factory):
    _, email = await _person_with_password(factory)
    wrong = await api.post("/auth/sign-in", json={"email": email, "password": "not it at all"})
    unknown = await api.post(
        "/auth/sign-in", json={"email": "nobody@example.org", "password": "not it at all"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]


async def test_sign_in_is_rate_limited(api, factory):
    _, email = await _person_with_password(factory)
    for _ in range(5):
        response = await api.post("/auth/sign-in", json={"email": email, "password": "guess guess"})
        assert response.status_code == 401
    blocked = await api.post("/auth/sign-in", json={"email": email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0


async def test_password_too_short_is_refused(factory, database):
    world = await factory.tenant("ses")
    try:
        await grant_role(
            world.tenant,
            "short@example.org",
            Role.MEMBER,
            "",
            hash_password("short"),
            actor=OPERATOR,
        )
    except Exception as exc:
        assert "password: must be at least 12 characters" in str(exc)
    else:
        raise AssertionError("a short password was accepted")


async def test_sign_in_refuses_bodies_a_cross_site_form_could_send(api, factory):
    _, email = await _person_with_password(factory)
    body = f'{{"email": "{email}", "password": "{PASSWORD}"}}'
    plain = await api.post("/auth/sign-in", content=body, headers={"Content-Type": "text/plain"})
    form = await api.post("/auth/sign-in", data={"email": email, "password": PASSWORD})
    for refused in (plain, form):
        assert refused.status_code == 415, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert "application/json" in refused.json()["detail"]
        assert "set-cookie" not in refused.headers
    assert not await SignInAttempt.exists().where(SignInAttempt.email == email)


async def test_sign_in_from_another_site_is_refused(api, live_server, factory):
    _, email = await _person_with_password(factory)
    credentials = {"email": email, "password": PASSWORD}
    for header in (
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/login-csrf.html"},
    ):
        refused = await api.post("/auth/sign-in", json=credentials, headers=header)
        assert refused.status_code == 403, (header, refused.text)
        assert "set-cookie" not in refused.headers
    # The sign-in page's own form is held to the same rule.
    page = await api.post("/sign-in", data=credentials, headers={"Origin": "https://evil.example"})
    assert page.status_code == 403
    assert "accord_session" not in page.headers.get("set-cookie", "")
    own = await api.post("/auth/sign-in", json=credentials, headers={"Origin": live_server})
    assert own.status_code == 200, own.text


async def test_session_stores_a_hash_of_its_csrf_token_not_the_token(live_server, factory):
    world, email = await _person_with_password(factory)
    async with httpx.AsyncClient(base_url=live_server) as browser:
        response = await browser.post("/auth/sign-in", json={"email": email, "password": PASSWORD})
        assert response.status_code == 200
        csrf = response.json()["csrf_token"]
        person = await Person.objects().where(Person.email == email).first()
        assert person is not None
        rows = await WebSession.select().where(WebSession.person == person.id)
        (row,) = [r for r in rows if r["revoked_at"] is None]
        assert row["csrf_hash"] == hashlib.sha256(csrf.encode()).hexdigest()
        assert csrf not in str(rows)
        # The stored hash is what a presented token is checked against.
        wrong = await browser.post(
            f"/api/v1/t/{world.slug}/tokens", json={}, headers={"X-CSRF-Token": row["csrf_hash"]}
        )
        assert wrong.status_code == 403
        right = await browser.post(
            f"/api/v1/t/{world.slug}/tokens", json={}, headers={"X-CSRF-Token": csrf}
        )
        assert right.status_code == 201
