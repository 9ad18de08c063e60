"""Who is browsing: the session cookie becomes the request's `Principal`.

Web pages are left out of the API's authentication middleware (`exclude_from_auth`)
and authenticated here instead, with the same session mechanism
(`tenants.sessions`), for two reasons the API does not share:

- a page without a session is answered with a redirect to the sign-in page, not a
  401 problem;
- a plain HTML form cannot send the `X-CSRF-Token` header, so a state-changing page
  request may carry the session's CSRF token in the form field `csrf_token` instead
  (HTMX requests send the header).

Bearer tokens are not accepted on pages: they are for programs, and a page reached
with one would have no CSRF token to put in its forms.
"""

from __future__ import annotations

import secrets
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.types import ASGIApp, Receive, Scope, Send

from registry.http.auth import CSRF_HEADER, SAFE_METHODS, SESSION_COOKIE
from tenants.errors import Forbidden
from tenants.principal import Principal
from tenants.sessions import authenticate_session, session_csrf_ok

CSRF_FIELD = "csrf_token"
#: Before a session exists, the sign-in form is protected by a double-submit cookie.
SIGN_IN_CSRF_COOKIE = "accord_sign_in_csrf"
#: Route option: the page is reachable without a session (sign-in).
PUBLIC = {"exclude_from_auth": True, "public_page": True}
#: Route option of every other page: out of the API middleware, authenticated here.
PAGE = {"exclude_from_auth": True}


class SignInRequired(Exception):
    """No valid session: the browser is sent to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


async def presented_csrf(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The CSRF token of a state-changing request: the header, else the form field.

    Litestar keeps the parsed form on the connection, so the handler reads it again
    without consuming the body twice."""
    header = connection.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = connection.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await Request(connection.scope, connection.receive).form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def method_of(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    method: str = connection.scope.get("method", "GET")  # type: ignore[assignment]
    return method


def _here(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    path = connection.url.path
    query = connection.url.query
    return f"{path}?{query}" if query and method_of(connection) in SAFE_METHODS else path


async def open_web_session(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """A live session, and for a state change its CSRF token; sets the request's
    user for the tenant wall and the handlers after it."""
    secret = connection.cookies.get(SESSION_COOKIE)
    principal = await authenticate_session(secret) if secret else None
    if principal is None:
        raise SignInRequired(_here(connection))
    if method_of(connection) not in SAFE_METHODS and not session_csrf_ok(
        principal, await presented_csrf(connection)
    ):
        raise Forbidden("the form has expired or did not come from Accord; reload the page")
    connection.scope["user"] = principal
    connection.scope["auth"] = "session"


class WebSession:
    """Middleware of every signed-in page (before the tenant wall on tenant pages)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await open_web_session(ASGIConnection(scope, receive, send))
        await self.app(scope, receive, send)


def current_principal(request: Request[Any, Any, Any]) -> Principal | None:
    user = request.scope.get("user")
    return user if isinstance(user, Principal) else None


def new_sign_in_csrf() -> str:
    return secrets.token_urlsafe(24)


def safe_next(value: str | None) -> str | None:
    """A path on this site to return to after signing in; anything else is dropped
    (an absolute or protocol-relative URL would make the sign-in an open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    if any(ch in value for ch in "\r\n\x00") or len(value) > 500:
        return None
    return value
