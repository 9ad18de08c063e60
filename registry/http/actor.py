"""The audit actor of an HTTP request: who (person, roles, token or session) and
from where (request id, client address)."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from litestar import Request
from litestar.connection import ASGIConnection

from registry.audit.ledger import Actor
from tenants.principal import Principal

if TYPE_CHECKING:
    from registry.http.tenancy import Caller

REQUEST_ID_HEADER = "x-request-id"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,100}")


def request_id(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The caller's X-Request-ID when it is a sane token, otherwise a new one."""
    presented = connection.headers.get(REQUEST_ID_HEADER, "")
    if _REQUEST_ID.fullmatch(presented):
        return presented
    return uuid.uuid4().hex


def client_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    return connection.client.host if connection.client else None


def actor_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    """The actor of any request; anonymous (sign-in) until a principal is known."""
    principal: Principal | None = connection.scope.get("user")
    caller: Caller | None = getattr(connection.state, "caller", None)
    return Actor(
        person_id=principal.person_id if principal else None,
        roles=tuple(sorted(role.value for role in caller.roles)) if caller else (),
        token_id=principal.token_id if principal else None,
        session_id=principal.session_id if principal else None,
        request_id=request_id(connection),
        client=client_address(connection),
    )


def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    return actor_of(request)
