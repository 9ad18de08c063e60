"""Headers every response carries, whatever answered it (a handler, an error, a
static file, a 404 for a path no route has)."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

NOSNIFF = ("X-Content-Type-Options", "nosniff")


async def add_security_headers(message: Message, scope: Scope) -> None:
    """`before_send` hook of the app: browsers must take every response as the type it
    declares (a JSON answer echoing input is never run as script or styles)."""
    if message["type"] == "http.response.start":
        headers = MutableScopeHeaders.from_message(message)
        if NOSNIFF[0] not in headers:
            headers[NOSNIFF[0]] = NOSNIFF[1]
