"""Where a browser's request came from: the `Origin` (or `Referer`) of a sign-in.

Signing in needs no credential, so the session cookie's CSRF token cannot protect
it; instead another site's page must not be able to post a sign-in (login CSRF: the
victim would work in the attacker's account). Browsers name the page's origin in
`Origin` on every cross-site POST, and in `Referer` unless told not to; a request
naming neither (a program, an old client) is let through, since a browser would
have named one.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException
from litestar.handlers.base import BaseRouteHandler

from tenants.errors import Forbidden
from tenants.settings import load_settings

JSON = "application/json"


def _origin_of(url: str) -> tuple[str, str] | None:
    """(scheme, host[:port]) of an absolute URL, lower-cased; None if it has none."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    return parts.scheme.lower(), parts.netloc.lower()


def _expected(connection: ASGIConnection[Any, Any, Any, Any]) -> tuple[str | None, str]:
    """The site's own origin: the configured one, else the host the request was sent
    to (the scheme is then unknown: a TLS proxy in front changes it)."""
    site = load_settings().server.site_url
    configured = _origin_of(site) if site else None
    if configured is not None:
        return configured
    return None, connection.headers.get("host", "").strip().lower()


def check_same_origin(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Refuse (403) a request whose `Origin`, or failing that `Referer`, is not this
    site."""
    origin = connection.headers.get("origin")
    named = origin if origin is not None else connection.headers.get("referer")
    if named is None:
        return
    presented = _origin_of(named)
    scheme, host = _expected(connection)
    if presented is None or presented[1] != host or (scheme and presented[0] != scheme):
        what = "Origin" if origin is not None else "Referer"
        raise Forbidden(f"a sign-in must come from Accord's own pages ({what} is another site)")


def sign_in_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """The API's sign-in takes JSON only (a cross-site form or `text/plain` post cannot
    send it without the browser asking first), from this site's pages or a program."""
    media_type = connection.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != JSON:
        raise HTTPException(
            status_code=415,
            detail="sign-in accepts only application/json (the sign-in page posts to /sign-in)",
        )
    check_same_origin(connection)
