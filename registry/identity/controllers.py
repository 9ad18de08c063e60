"""HTTP routes for tenants, members, tokens, keys and sign-in. Thin: they call services."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, HttpMethod, Request, Response, delete, get, patch, post, route
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from registry.audit.ledger import Actor
from registry.http.actor import actor_of
from registry.http.auth import SESSION_COOKIE
from registry.http.origin import sign_in_guard
from registry.http.problems import problem_responses
from registry.http.tenancy import BEARER, TENANT_PATH, Caller, TenantRoutes, allow
from registry.identity import me as own
from registry.identity import service
from registry.identity.schemas import (
    InvitationIn,
    InvitationOut,
    KeyOut,
    MemberIn,
    MemberOut,
    MemberPage,
    MeOut,
    OwnTokenIn,
    OwnTokenOut,
    ProfileIn,
    RegisterInvitationIn,
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
from tenants.service import MustBeInvited, get_tenant, update_tenant
from tenants.settings import load_settings
from tenants.tables import Invitation, Tenant

MEMBER_READERS = (Role.ADMIN, Role.EXECUTIVE, Role.COORDINATOR, Role.AUDITOR)


# An existing account is invited instead of added: the route documents that answer.
ADD_MEMBER = allow([Role.ADMIN], 409)
ADD_MEMBER["responses"][202] = ResponseSpec(
    data_container=InvitationOut,
    description="The address already has an account: it is invited, and joins on accepting",
    generate_examples=False,
)


def invitation_out(invitation: Invitation) -> InvitationOut:
    return InvitationOut(
        id=invitation.id,
        email=invitation.email,
        role=invitation.role,
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
        accepted_at=invitation.accepted_at,
    )


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
        **ADD_MEMBER,
        summary="Give a new person, or a member of this tenant, a role",
        description=(
            "An address that already has an Accord account and no role in this tenant "
            "is invited instead (202, an invitation: the person becomes a member when "
            "they accept). `name` is this tenant's name for the member; an existing "
            "account is never changed."
        ),
    )
    async def add_member(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        data: JSONBody[MemberIn],
    ) -> Response[MemberOut | InvitationOut]:
        from registry.invitations.service import invite

        try:
            added = await service.add_member(
                tenant_scope, data.email, data.role, data.name, actor=actor
            )
        except MustBeInvited:
            issued = await invite(tenant_scope, data.email, data.role, data.name, actor=actor)
            return Response(invitation_out(issued.invitation), status_code=202)
        return Response(added, status_code=201)

    @post(
        "/invitations",
        **allow([Role.ADMIN], 409),
        summary="Invite a person (by e-mail) to take a role",
        description=(
            "The address gets an e-mail with a single-use link, valid `expires_days` "
            "days, to choose a password (or sign in) and accept. Nothing of an "
            "existing account changes."
        ),
    )
    async def invite(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        data: JSONBody[InvitationIn],
    ) -> InvitationOut:
        from registry.invitations.service import invite

        issued = await invite(
            tenant_scope, data.email, data.role, data.name, actor=actor, days=data.expires_days
        )
        return invitation_out(issued.invitation)

    @post(
        "/invitations/register",
        **allow([Role.ADMIN], 409),
        summary="Invite every current member on the register who has no role here",
        description=(
            "Each current or financial record of the member register whose address holds "
            "no role in the association, and has no invitation still open, is invited to "
            "`role`; lapsed and resigned members are not. Answers the invitations sent."
        ),
    )
    async def invite_register(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        data: JSONBody[RegisterInvitationIn],
    ) -> list[InvitationOut]:
        from registry.invitations.service import invite_register

        issued = await invite_register(tenant_scope, data.role, actor=actor, days=data.expires_days)
        return [invitation_out(i.invitation) for i in issued]

    @get("/invitations", **allow([Role.ADMIN]), summary="Invitations, newest first")
    async def list_invitations(
        self, tenant_scope: NamedDependency[TenantScope]
    ) -> list[InvitationOut]:
        from registry.invitations.service import list_invitations

        return [invitation_out(i) for i in await list_invitations(tenant_scope)]

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


def _own_token(row: dict[str, Any]) -> OwnTokenOut:
    return OwnTokenOut(
        row["id"],
        row["tenant"],
        row["label"],
        row["created_at"],
        row["expires_at"],
        row["revoked_at"],
    )


class MeController(Controller):
    """The signed-in person's own account: who they are, their profile, their API
    tokens in every association, and the export of everything held about them."""

    path = "/api/v1/me"
    tags = ["identity"]

    # Litestar (2.25) answers OPTIONS on a path served by two handlers with the
    # methods of one of them only (the route it makes for the first handler
    # registered, in name order, keeps its own OPTIONS handler); these say all of
    # them, and are named to come first.
    @route("/", http_method=[HttpMethod.OPTIONS], include_in_schema=False, status_code=204)
    async def allow_me(self) -> Response[None]:
        return Response(None, status_code=204, headers={"Allow": "GET, OPTIONS, PATCH"})

    @route("/tokens", http_method=[HttpMethod.OPTIONS], include_in_schema=False, status_code=204)
    async def allow_tokens(self) -> Response[None]:
        return Response(None, status_code=204, headers={"Allow": "GET, OPTIONS, POST"})

    @get(
        "/",
        responses=problem_responses(401),
        summary="Who you are and your tenants",
    )
    async def whoami(self, request: Request[Principal, Any, Any]) -> MeOut:
        return await service.me(request.user.person_id)

    @patch(
        "/",
        responses=problem_responses(400, 401, 403),
        summary="Change your own name, languages or time zone",
    )
    async def update_me(
        self, request: Request[Principal, Any, Any], data: JSONBody[ProfileIn]
    ) -> MeOut:
        await own.update_profile(
            request.user.person_id,
            name=data.name,
            languages=data.languages,
            time_zone=data.time_zone,
            actor=actor_of(request),
        )
        return await service.me(request.user.person_id)

    @get(
        "/export",
        responses=problem_responses(401),
        summary="Everything Accord holds about you, as JSON",
    )
    async def export_me(self, request: Request[Principal, Any, Any]) -> Response[dict[str, Any]]:
        document = await own.export(request.user.person_id)
        return Response(
            document,
            headers={"content-disposition": 'attachment; filename="accord-my-data.json"'},
        )

    @get(
        "/tokens",
        responses=problem_responses(401),
        summary="Your API tokens in every association",
    )
    async def my_tokens(self, request: Request[Principal, Any, Any]) -> list[OwnTokenOut]:
        return [_own_token(row) for row in await own.own_tokens(request.user.person_id)]

    @post(
        "/tokens",
        responses=problem_responses(400, 401, 403, 404),
        summary="Create an API token for yourself in one of your associations",
    )
    async def create_my_token(
        self, request: Request[Principal, Any, Any], data: JSONBody[OwnTokenIn]
    ) -> TokenIssued:
        issued = await own.create_own_token(
            request.user.person_id,
            data.tenant,
            data.label,
            data.expires_days,
            actor=actor_of(request),
        )
        return TokenIssued(id=issued.id, token=issued.secret, expires_at=issued.expires_at)

    @delete(
        "/tokens/{token_id:uuid}",
        responses=problem_responses(401, 403, 404),
        summary="Revoke one of your own API tokens",
    )
    async def revoke_my_token(
        self, request: Request[Principal, Any, Any], token_id: FromPath[UUID]
    ) -> None:
        await own.revoke_own_token(request.user.person_id, token_id, actor=actor_of(request))


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
