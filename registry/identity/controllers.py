"""HTTP routes for tenants, members, tokens, keys and sign-in. Thin: they call services."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from litestar import Request, Response, delete, get, patch, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from registry.audit.ledger import Actor
from registry.http.actor import actor_of
from registry.http.auth import SESSION_COOKIE
from registry.http.origin import sign_in_guard
from registry.http.problems import problem_responses
from registry.http.tenancy import BEARER, TENANT_PATH, Caller, TenantRoutes, allow
from registry.identity import service
from registry.identity.schemas import (
    KeyOut,
    MemberIn,
    MemberOut,
    MemberPage,
    MeOut,
    SignInIn,
    SignInOut,
    TenantOut,
    TenantUpdate,
    TokenIn,
    TokenIssued,
    TokenOut,
)
from tenants import keys, sessions, tokens
from tenants.principal import Principal
from tenants.roles import ALL_ROLES, Role
from tenants.scope import TenantScope
from tenants.service import get_tenant, update_tenant
from tenants.settings import load_settings
from tenants.tables import Tenant

MEMBER_READERS = (Role.ADMIN, Role.EXECUTIVE, Role.COORDINATOR, Role.AUDITOR)


def _tenant_out(tenant: Tenant) -> TenantOut:
    return TenantOut(
        id=tenant.id,
        slug=tenant.slug,
        name=tenant.name,
        country=tenant.country,
        time_zone=tenant.time_zone,
        status=tenant.status,
        settings=tenant.settings if isinstance(tenant.settings, dict) else {},
        created_at=tenant.created_at,
        updated_at=tenant.updated_at,
    )


class TenantController(TenantRoutes):
    """The tenant itself, its members, tokens and keys."""

    path = TENANT_PATH
    tags = ["tenant"]

    @get("/", **allow(ALL_ROLES), summary="The tenant and its settings")
    async def show_tenant(self, tenant_scope: NamedDependency[TenantScope]) -> TenantOut:
        return _tenant_out(await get_tenant(tenant_scope.slug))

    @patch("/", **allow([Role.ADMIN]), summary="Update the tenant's name, country, zone, settings")
    async def update(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        data: JSONBody[TenantUpdate],
    ) -> TenantOut:
        tenant = await update_tenant(
            tenant_scope.slug,
            name=data.name,
            country=data.country,
            time_zone=data.time_zone,
            settings=data.settings,
            actor=actor,
        )
        return _tenant_out(tenant)

    @get("/members", **allow(MEMBER_READERS), summary="Members and their roles, paginated")
    async def list_members(
        self,
        tenant_scope: NamedDependency[TenantScope],
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        offset: Annotated[int, Parameter(ge=0, le=1_000_000)] = 0,
        role: FromQuery[Role | None] = None,
    ) -> MemberPage:
        items, next_offset = await service.list_members(
            tenant_scope, limit=limit, offset=offset, role=role
        )
        return MemberPage(items=items, limit=limit, offset=offset, next_offset=next_offset)

    @post(
        "/members",
        **allow([Role.ADMIN], 409),
        summary="Give a new person, or a member of this tenant, a role",
        description=(
            "An address that already has an Accord account and no role in this tenant "
            "is refused (409): the person must be invited and accept. `name` is this "
            "tenant's name for the member; an existing account is never changed."
        ),
    )
    async def add_member(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        data: JSONBody[MemberIn],
    ) -> MemberOut:
        return await service.add_member(tenant_scope, data.email, data.role, data.name, actor=actor)

    @get("/members/{membership_id:uuid}", **allow(MEMBER_READERS), summary="One membership")
    async def show_member(
        self, tenant_scope: NamedDependency[TenantScope], membership_id: FromPath[UUID]
    ) -> MemberOut:
        return await service.get_member(tenant_scope, membership_id)

    @delete("/members/{membership_id:uuid}", **allow([Role.ADMIN], 409), summary="Remove a role")
    async def remove_member(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        membership_id: FromPath[UUID],
    ) -> None:
        await service.remove_member(tenant_scope, membership_id, actor=actor)

    @get("/tokens", **allow(ALL_ROLES), summary="API tokens: your own, or all for admins")
    async def list_tokens(
        self, tenant_scope: NamedDependency[TenantScope], caller: NamedDependency[Caller]
    ) -> list[TokenOut]:
        owner = None if caller.has(Role.ADMIN) else caller.person_id
        return await service.list_tokens(tenant_scope, owner)

    @post("/tokens", **allow(ALL_ROLES), summary="Create an API token for yourself")
    async def create_token(
        self,
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        data: JSONBody[TokenIn],
    ) -> TokenIssued:
        issued = await tokens.issue_token(
            caller.tenant_id,
            caller.person_id,
            label=data.label,
            expires_days=data.expires_days,
            actor=actor,
        )
        return TokenIssued(id=issued.id, token=issued.secret, expires_at=issued.expires_at)

    @delete("/tokens/{token_id:uuid}", **allow(ALL_ROLES), summary="Revoke a token")
    async def revoke_token(
        self,
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        token_id: FromPath[UUID],
    ) -> None:
        owner = None if caller.has(Role.ADMIN) else caller.person_id
        await service.revoke(tenant_scope, token_id, owner, actor=actor)

    @get("/keys", **allow([Role.ADMIN, Role.AUDITOR]), summary="Public signing keys")
    async def list_keys(self, tenant_scope: NamedDependency[TenantScope]) -> list[KeyOut]:
        return [
            KeyOut(k.key_id, k.public_key, k.active, k.created_at, k.retired_at)
            for k in await keys.public_keys(tenant_scope.tenant_id)
        ]


@get(
    "/api/v1/me",
    tags=["identity"],
    responses=problem_responses(401),
    summary="Who you are and your tenants",
)
async def whoami(request: Request[Principal, Any, Any]) -> MeOut:
    return await service.me(request.user.person_id)


@post(
    "/auth/sign-in",
    tags=["identity"],
    guards=[sign_in_guard],
    responses=problem_responses(400, 401, 403, 415, 429),
    summary="Sign in with e-mail and password (JSON; a browser's post from this site only)",
)
async def sign_in(request: Request[Any, Any, Any], data: JSONBody[SignInIn]) -> Response[SignInOut]:
    client = request.client.host if request.client else ""
    signed = await sessions.sign_in(data.email, data.password, client, actor=actor_of(request))
    max_age = int((signed.expires_at - datetime.now(UTC)).total_seconds())
    response = Response(
        SignInOut(signed.person.id, signed.person.email, signed.csrf_token, signed.expires_at),
        status_code=200,
    )
    response.set_cookie(
        SESSION_COOKIE,
        signed.session_secret,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=load_settings().server.secure_cookies,
        path="/",
    )
    return response


@post(
    "/auth/sign-out",
    tags=["identity"],
    security=BEARER,
    responses=problem_responses(401, 403),
    response_cookies=[Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/", httponly=True)],
    status_code=204,
    summary="End this browser session",
)
async def sign_out(request: Request[Principal, Any, Any]) -> None:
    if request.user.session_id is not None:
        await sessions.sign_out(request.user.session_id, actor=actor_of(request))
