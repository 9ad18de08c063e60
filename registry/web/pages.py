"""The dashboard and the inbox of a tenant."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Redirect, Template

from registry.audit.ledger import Actor
from registry.http.tenancy import Caller, allow
from registry.notifications import service as notifications
from registry.web.panels import panels_for
from registry.web.rendering import page, zone_context
from registry.web.tenancy import WEB_TENANT_PATH, TenantPages
from tenants.roles import ALL_ROLES
from tenants.scope import TenantScope

INBOX_PAGE = 25


class DashboardPages(TenantPages):
    path = WEB_TENANT_PATH

    @get("/", **allow(ALL_ROLES))
    async def dashboard(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
    ) -> Template:
        return await page(
            request,
            "dashboard.html",
            title="Dashboard",
            panels=await panels_for(tenant_scope, caller),
        )

    @get("/inbox", **allow(ALL_ROLES))
    async def inbox(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        offset: Annotated[int, Parameter(ge=0, le=1_000_000)] = 0,
        unread: FromQuery[bool] = False,
    ) -> Template:
        entries = await notifications.inbox(
            tenant_scope, caller.person_id, limit=INBOX_PAGE, offset=offset, unread_only=unread
        )
        return await page(request, "inbox.html", title="Inbox", inbox=entries, only_unread=unread)

    @post("/inbox/{notification_id:uuid}/read", **allow(ALL_ROLES), status_code=303)
    async def mark_read(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        notification_id: FromPath[UUID],
    ) -> Template | Redirect:
        entry = await notifications.mark_read(
            tenant_scope, caller.person_id, notification_id, actor=actor
        )
        if request.headers.get("hx-request") == "true":
            # HTMX swaps just the row; the count in the navigation follows on the
            # next page load.
            return Template(
                template_name="inbox_row.html",
                context={
                    "n": entry,
                    "slug": tenant_scope.slug,
                    "session_csrf": request.user.csrf_token,
                    **(await zone_context(tenant_scope)),
                },
                status_code=200,
            )
        return Redirect(f"/t/{tenant_scope.slug}/inbox", status_code=303)

    @post("/inbox/read", **allow(ALL_ROLES), status_code=303)
    async def mark_all_read(
        self,
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
    ) -> Redirect:
        await notifications.mark_all_read(tenant_scope, caller.person_id, actor=actor)
        return Redirect(f"/t/{tenant_scope.slug}/inbox", status_code=303)
