"""Authentication: a bearer token or a session cookie becomes a `Principal`.

State-changing requests made with a session cookie must also present the session's
CSRF token in the `X-CSRF-Token` header; bearer requests carry no
ambient credential, so they need none.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from tenants.errors import Forbidden, Unauthorized
from tenants.sessions import authenticate_session, session_csrf_ok
from tenants.tokens import authenticate_token

SESSION_COOKIE = "accord_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_PATHS = ["^/health$", "^/schema", "^/auth/sign-in$"]


class AccordAuthentication(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        if header:
            scheme, _, secret = header.partition(" ")
            if scheme.lower() != "bearer" or not secret.strip():
                raise Unauthorized("Authorization must be 'Bearer <token>'")
            principal = await authenticate_token(
                secret.strip(), connection.path_params.get("tenant")
            )
            if principal is None:
                raise Unauthorized("the token is unknown, revoked or expired")
            return AuthenticationResult(user=principal, auth="token")
        cookie = connection.cookies.get(SESSION_COOKIE)
        if cookie:
            principal = await authenticate_session(cookie)
            if principal is None:
                raise Unauthorized("the session has ended; sign in again")
            if connection.scope.get("method", "GET") not in SAFE_METHODS:
                presented = connection.headers.get(CSRF_HEADER)
                if not session_csrf_ok(principal, presented):
                    raise Forbidden("missing or wrong CSRF token")
            return AuthenticationResult(user=principal, auth="session")
        raise Unauthorized("sign in or present a bearer token")
