"""Administration pages: members and roles, the association's settings, API tokens.

Each form calls the service the API calls (`registry.identity.service`,
`tenants.service.update_tenant`, `tenants.tokens.issue_token`); what the service
refuses comes back next to the field it names. Removing a role and revoking a
token cannot be undone, so each asks for confirmation on a page of its own.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote
from uuid import UUID

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Redirect, Template

from registry.audit.ledger import Actor
from registry.http.tenancy import Caller, allow
from registry.identity import service as identity
from registry.web.forms import Form, parse_days
from registry.web.rendering import page
from registry.web.tenancy import WEB_TENANT_PATH, TenantPages
from tenants import text, tokens
from tenants.errors import Conflict, InvalidInput, NotFound
from tenants.roles import ALL_ROLES, Role
from tenants.scope import TenantScope
from tenants.service import MustBeInvited, get_tenant, update_tenant
from tenants.validation import check_country, check_name, check_time_zone

ADMINS = (Role.ADMIN,)
MEMBERS_PAGE = 50
ROLE_CHOICES = [(role.value, role.value.title()) for role in Role]
SETTINGS_MAX = 20_000


class MemberPages(TenantPages):
    path = WEB_TENANT_PATH + "/admin/members"

    async def _render(
        self,
        request: Request[Any, Any, Any],
        scope: TenantScope,
        *,
        offset: int = 0,
        role: str | None = None,
        form: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        notice: str = "",
        status: int = 200,
    ) -> Template:
        role_filter = Role(role) if role and role in Role._value2member_map_ else None
        members, next_offset = await identity.list_members(
            scope, limit=MEMBERS_PAGE, offset=offset, role=role_filter
        )
        from registry.invitations.service import list_invitations

        return await page(
            request,
            "members.html",
            title="Members and roles",
            members=members,
            invitations=(await list_invitations(scope))[:MEMBERS_PAGE],
            now=datetime.now(UTC),
            next_offset=next_offset,
            role_filter=role_filter.value if role_filter else "",
            role_choices=ROLE_CHOICES,
            form=form or {"role": Role.MEMBER.value},
            errors=errors or {},
            notice=notice,
            status=status,
        )

    @get("/", **allow(ADMINS))
    async def members(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        offset: Annotated[int, Parameter(ge=0, le=1_000_000)] = 0,
        role: Annotated[str | None, Parameter(max_length=32)] = None,
        added: Annotated[str | None, Parameter(max_length=254)] = None,
        removed: Annotated[str | None, Parameter(max_length=254)] = None,
        invited: Annotated[str | None, Parameter(max_length=254)] = None,
    ) -> Template:
        notice = ""
        if invited:
            notice = (
                f"An invitation is on its way to {invited}: the person becomes a member "
                "when they accept it."
            )
        elif added:
            notice = f"{added} now holds the role."
        elif removed:
            notice = f"The role of {removed} was removed."
        return await self._render(request, tenant_scope, offset=offset, role=role, notice=notice)

    @post("/", **allow(ADMINS), status_code=303)
    async def add(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
    ) -> Template | Redirect:
        form = await Form.read(request)
        email, role, name = form.text("email"), form.text("role"), form.name("name")
        errors: dict[str, str] = {}
        if not email:
            errors["email"] = "Enter the person's e-mail address"
        if not errors:
            try:
                added = await identity.add_member(tenant_scope, email, role, name, actor=actor)
            except InvalidInput as exc:
                errors[exc.field] = exc.message
            except MustBeInvited:
                from registry.invitations.service import invite

                await invite(tenant_scope, email, role, name, actor=actor)
                return Redirect(
                    f"/t/{tenant_scope.slug}/admin/members?invited={quote(email)}",
                    status_code=303,
                )
            except Conflict as exc:
                errors["role"] = exc.detail
            else:
                return Redirect(
                    f"/t/{tenant_scope.slug}/admin/members?added={quote(added.email)}",
                    status_code=303,
                )
        return await self._render(
            request,
            tenant_scope,
            form={"email": email, "role": role, "name": name},
            errors=errors,
            status=400,
        )

    @post("/invite", **allow(ADMINS), status_code=303)
    async def invite(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
    ) -> Template | Redirect:
        from registry.invitations.service import invite

        form = await Form.read(request)
        email, role, name = (
            form.text("invite_email"),
            form.text("invite_role"),
            form.name("invite_name"),
        )
        errors: dict[str, str] = {}
        if not email:
            errors["invite_email"] = "Enter the person's e-mail address"
        else:
            try:
                await invite(tenant_scope, email, role, name, actor=actor)
            except InvalidInput as exc:
                errors["invite_" + exc.field] = exc.message
            except Conflict as exc:
                errors["invite_email"] = exc.detail
            else:
                return Redirect(
                    f"/t/{tenant_scope.slug}/admin/members?invited={quote(email)}",
                    status_code=303,
                )
        return await self._render(
            request,
            tenant_scope,
            form={
                "role": Role.MEMBER.value,
                "invite_email": email,
                "invite_role": role,
                "invite_name": name,
            },
            errors=errors,
            status=400,
        )

    @get("/{membership_id:uuid}/remove", **allow(ADMINS))
    async def confirm_remove(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        membership_id: FromPath[UUID],
    ) -> Template:
        member = await identity.get_member(tenant_scope, membership_id)
        return await page(request, "member_remove.html", title="Remove a role", member=member)

    @post("/{membership_id:uuid}/remove", **allow(ADMINS), status_code=303)
    async def remove(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        membership_id: FromPath[UUID],
    ) -> Template | Redirect:
        member = await identity.get_member(tenant_scope, membership_id)
        try:
            await identity.remove_member(tenant_scope, membership_id, actor=actor)
        except Conflict as exc:
            return await page(
                request,
                "member_remove.html",
                title="Remove a role",
                member=member,
                refusal=exc.detail,
                status=409,
            )
        return Redirect(
            f"/t/{tenant_scope.slug}/admin/members?removed={quote(member.email)}", status_code=303
        )


class SettingsPages(TenantPages):
    path = WEB_TENANT_PATH + "/admin/settings"

    async def _render(
        self,
        request: Request[Any, Any, Any],
        form: dict[str, str],
        errors: dict[str, str] | None = None,
        notice: str = "",
        status: int = 200,
    ) -> Template:
        return await page(
            request,
            "settings.html",
            title="Association settings",
            form=form,
            errors=errors or {},
            notice=notice,
            status=status,
        )

    @get("/", **allow(ADMINS))
    async def show(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        saved: FromQuery[bool] = False,
    ) -> Template:
        tenant = await get_tenant(tenant_scope.slug)
        settings: dict[str, Any] = tenant.settings if isinstance(tenant.settings, dict) else {}
        form = {
            "name": tenant.name,
            "country": tenant.country,
            "time_zone": tenant.time_zone,
            "settings": json.dumps(settings, indent=2, sort_keys=True),
        }
        return await self._render(request, form, notice="Settings saved." if saved else "")

    @post("/", **allow(ADMINS), status_code=303)
    async def save(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
    ) -> Template | Redirect:
        submitted = await Form.read(request)
        form = {
            "name": submitted.text("name"),
            "country": submitted.text("country"),
            "time_zone": submitted.text("time_zone"),
            "settings": submitted.raw("settings").strip() or "{}",
        }
        errors: dict[str, str] = {}
        # Every field checked with the service's own validators, so that all the
        # mistakes are shown at once rather than one per submission.
        for field, check in (
            ("name", check_name),
            ("country", check_country),
            ("time_zone", check_time_zone),
        ):
            try:
                check(form[field])
            except InvalidInput as exc:
                errors[field] = exc.message
        settings: dict[str, Any] | None = None
        if len(form["settings"]) > SETTINGS_MAX:
            errors["settings"] = f"must be at most {SETTINGS_MAX} characters"
        else:
            try:
                parsed = json.loads(form["settings"])
            except json.JSONDecodeError as exc:
                errors["settings"] = f"not valid JSON: {exc.msg} (line {exc.lineno})"
            else:
                if isinstance(parsed, dict):
                    try:
                        settings = text.clean_json(parsed, "settings")
                    except InvalidInput as exc:
                        errors["settings"] = f"{exc.field}: {exc.message}"
                else:
                    errors["settings"] = "must be a JSON object, for example {}"
        if not errors:
            try:
                await update_tenant(
                    tenant_scope.slug,
                    name=form["name"],
                    country=form["country"],
                    time_zone=form["time_zone"],
                    settings=settings,
                    actor=actor,
                )
            except InvalidInput as exc:
                errors[exc.field] = exc.message
            else:
                return Redirect(
                    f"/t/{tenant_scope.slug}/admin/settings?saved=true", status_code=303
                )
        return await self._render(request, form, errors, status=400)


class TokenPages(TenantPages):
    """Your API tokens (an administrator sees and may revoke everyone's)."""

    path = WEB_TENANT_PATH + "/tokens"

    async def _render(
        self,
        request: Request[Any, Any, Any],
        scope: TenantScope,
        caller: Caller,
        *,
        form: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        issued: tokens.IssuedToken | None = None,
        notice: str = "",
        status: int = 200,
    ) -> Template:
        owner = None if caller.has(Role.ADMIN) else caller.person_id
        return await page(
            request,
            "tokens.html",
            title="API tokens",
            tokens=await identity.list_tokens(scope, owner),
            form=form or {"expires_days": "90"},
            errors=errors or {},
            issued=issued,
            notice=notice,
            status=status,
        )

    @get("/", **allow(ALL_ROLES))
    async def list_tokens(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        revoked: FromQuery[bool] = False,
    ) -> Template:
        notice = "The token was revoked." if revoked else ""
        return await self._render(request, tenant_scope, caller, notice=notice)

    @post("/", **allow(ALL_ROLES), status_code=200)
    async def create(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
    ) -> Template:
        form = await Form.read(request)
        values = {"label": form.name("label"), "expires_days": form.text("expires_days")}
        errors: dict[str, str] = {}
        days = parse_days(values["expires_days"], "expires_days", errors, 1, tokens.MAX_DAYS)
        if not values["expires_days"] and "expires_days" not in errors:
            errors["expires_days"] = "Enter how many days the token is valid, for example 90"
        if not errors:
            try:
                issued = await tokens.issue_token(
                    caller.tenant_id,
                    caller.person_id,
                    label=values["label"],
                    expires_days=days,
                    actor=actor,
                )
            except InvalidInput as exc:
                errors[exc.field] = exc.message
            else:
                return await self._render(request, tenant_scope, caller, issued=issued)
        return await self._render(
            request, tenant_scope, caller, form=values, errors=errors, status=400
        )

    async def _token(self, scope: TenantScope, caller: Caller, token_id: UUID) -> Any:
        owner = None if caller.has(Role.ADMIN) else caller.person_id
        for token in await identity.list_tokens(scope, owner):
            if token.id == token_id:
                return token
        raise NotFound(f"no token {token_id}")

    @get("/{token_id:uuid}/revoke", **allow(ALL_ROLES))
    async def confirm_revoke(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        token_id: FromPath[UUID],
    ) -> Template:
        token = await self._token(tenant_scope, caller, token_id)
        return await page(request, "token_revoke.html", title="Revoke a token", token=token)

    @post("/{token_id:uuid}/revoke", **allow(ALL_ROLES), status_code=303)
    async def revoke(
        self,
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        token_id: FromPath[UUID],
    ) -> Redirect:
        owner = None if caller.has(Role.ADMIN) else caller.person_id
        await identity.revoke(tenant_scope, token_id, owner, actor=actor)
        return Redirect(f"/t/{tenant_scope.slug}/tokens?revoked=true", status_code=303)
