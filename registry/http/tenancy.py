"""The tenant wall: resolve `{tenant}` from the path, check membership, check the role.

Every route under `/api/v1/t/{tenant}` declares the roles it admits with
`**allow(...)`; `TenantWall` refuses a route that declares none, so a new route
cannot be left open by forgetting. A tenant the caller does not belong to, and a
token issued for another tenant, are answered 404 as if the tenant did not exist.

The wall is a middleware of the tenant controllers rather than a Litestar guard:
middleware accumulates over the layers as guards do (a route cannot drop it), but
Litestar hands every guard call a copy of the route handler, which cost more than
the wall itself on the busiest routes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar import Controller, Request
from litestar.di import Provide
from litestar.handlers import BaseRouteHandler
from litestar.types import ASGIApp, Receive, Scope, Send

from registry.http.actor import provide_actor
from registry.http.idempotency import Idempotency
from registry.http.problems import problem_responses
from tenants.access import tenant_access
from tenants.errors import Forbidden, NotFound, Unauthorized
from tenants.principal import Principal
from tenants.roles import Role
from tenants.scope import TenantScope
from tenants.validation import SLUG

ROLES_KEY = "roles"


def allow(roles: Iterable[Role], *errors: int) -> dict[str, Any]:
    """Route options of a tenant route: the roles it admits and the errors it documents.

    `@get("/members", **allow(READERS))`: every tenant route may answer 400, 401, 403,
    404 and 413 (a body over the route's limit: the limit is in bytes, so a text field
    within its length in characters can still exceed it once escaped); pass further
    codes (409, ...) that the route itself can produce.
    """
    return {
        "opt": {ROLES_KEY: frozenset(roles)},
        "responses": problem_responses(400, 401, 403, 404, 413, *errors),
    }


@dataclass(frozen=True, slots=True)
class Caller:
    principal: Principal
    tenant_id: UUID
    tenant_slug: str
    roles: frozenset[Role]

    @property
    def person_id(self) -> UUID:
        return self.principal.person_id

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


async def enter_tenant(
    principal: Principal | None, slug: str, handler: BaseRouteHandler
) -> Caller:
    """The caller in the path's tenant, or the refusal: 404 for a tenant the caller
    does not belong to (or a token of another tenant), 403 for a suspended tenant or
    a role the route does not admit, and 403 for a route that declares no roles."""
    required: frozenset[Role] | None = handler.opt.get(ROLES_KEY)
    if required is None:
        raise Forbidden(f"route {handler} declares no roles; refused by default")
    if principal is None:  # only OPTIONS passes authentication without one
        raise Unauthorized("sign in or present a bearer token")
    if not SLUG.match(slug):
        raise NotFound(f"no tenant {slug!r}")  # not a slug: no tenant can have it
    access = principal.access
    if access is None or access.slug != slug:
        access = await tenant_access(slug, principal.person_id)
    if access is None or (
        principal.token_tenant_id is not None and principal.token_tenant_id != access.tenant_id
    ):
        raise NotFound(f"no tenant {slug!r}")
    if not access.active:
        reason = f": {access.suspended_reason}" if access.suspended_reason else ""
        raise Forbidden(f"tenant {slug!r} is suspended{reason}; nothing is changed or shown")
    if not access.roles & required:
        needed = ", ".join(sorted(r.value for r in required))
        raise Forbidden(f"this action needs one of the roles: {needed}")
    return Caller(principal, access.tenant_id, slug, access.roles)


CALLER_KEY = "caller"


class TenantWall:
    """Middleware of every tenant controller: `enter_tenant` for the authenticated
    principal, the caller kept in the request's state for the handlers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        slug = scope["path_params"].get("tenant", "")
        caller = await enter_tenant(scope.get("user"), slug, scope["route_handler"])
        scope.setdefault("state", {})[CALLER_KEY] = caller
        await self.app(scope, receive, send)


def provide_caller(request: Request[Any, Any, Any]) -> Caller:
    caller: Caller = request.scope["state"][CALLER_KEY]
    return caller


def provide_scope(request: Request[Any, Any, Any]) -> TenantScope:
    caller: Caller = request.scope["state"][CALLER_KEY]
    return TenantScope(caller.tenant_id, caller.tenant_slug)


#: Operations that need a bearer token (or a browser session) in the OpenAPI document.
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


class TenantRoutes(Controller):
    """Base of every controller under `/api/v1/t/{tenant}`: the tenant wall,
    and `caller`, `tenant_scope` and `actor` (who acts, for the audit log) for the
    handlers, and `Idempotency-Key` on its POST routes (registry/http/idempotency.py).
    Subclasses set `path`, which must start with TENANT_PATH, and declare roles on each
    route with `**allow(...)`."""

    middleware = [TenantWall, Idempotency]
    dependencies = {
        "caller": Provide(provide_caller, sync_to_thread=False),
        "tenant_scope": Provide(provide_scope, sync_to_thread=False),
        "actor": Provide(provide_actor, sync_to_thread=False),
    }
    security = BEARER


TENANT_PATH = "/api/v1/t/{tenant:str}"
