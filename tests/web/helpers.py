"""Signing in through the web pages, as a browser would (cookies kept by the client)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from tenants.sessions import hash_password
from tenants.tables import Person

PASSWORD = "correct horse battery staple"
_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
_SIGN_IN_CSRF = re.compile(r'name="sign_in_csrf" value="([^"]+)"')


async def give_password(email: str, password: str = PASSWORD) -> None:
    await Person.update({Person.password_hash: hash_password(password)}).where(
        Person.email == email
    )


def csrf_of(html: str) -> str:
    match = _CSRF_META.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


async def sign_in(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD, next: str | None = None
) -> httpx.Response:
    """Open the sign-in page and submit it; the answer (a redirect when it worked)."""
    form_page = await client.get("/sign-in")
    token = _SIGN_IN_CSRF.search(form_page.text)
    assert token, form_page.text
    data = {"email": email, "password": password, "sign_in_csrf": token.group(1)}
    if next:
        data["next"] = next
    return await client.post("/sign-in", data=data)


async def signed_in(live_server: str, email: str) -> tuple[httpx.AsyncClient, str]:
    """A client with a session for `email`, and the session's CSRF token."""
    await give_password(email)
    client = httpx.AsyncClient(base_url=live_server, timeout=30)
    response = await sign_in(client, email)
    assert response.status_code == 303, response.text
    landing = await client.get(response.headers["location"])
    assert landing.status_code == 200, landing.text
    return client, csrf_of(landing.text)


@asynccontextmanager
async def browser_for(live_server: str, email: str) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """`signed_in` as a context: the client is closed at the end."""
    client, csrf = await signed_in(live_server, email)
    try:
        yield client, csrf
    finally:
        await client.aclose()
