"""HTTP routes of notifications: your own inbox in a tenant, and marking it read.

Thin: they call `registry.notifications.service`. Every role has an inbox; an entry
of another person is answered 404 like one that does not exist.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, Parameter

from registry.audit.ledger import Actor
from registry.http.tenancy import TENANT_PATH, Caller, TenantRoutes, allow
from registry.notifications import service
from registry.notifications.schemas import InboxPage, MarkedRead, NotificationOut
from tenants.roles import ALL_ROLES
from tenants.scope import TenantScope


class InboxController(TenantRoutes):
    """The caller's own notifications in this tenant."""

    path = TENANT_PATH + "/notifications"
    tags = ["notifications"]

    @get("/", **allow(ALL_ROLES), summary="Your notifications, newest first")
    async def list_inbox(
        self,
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        offset: Annotated[int, Parameter(ge=0, le=1_000_000)] = 0,
        unread: Annotated[bool, Parameter(description="Only entries not yet read")] = False,
    ) -> InboxPage:
        return await service.inbox(
            tenant_scope, caller.person_id, limit=limit, offset=offset, unread_only=unread
        )

    @get(
        "/{notification_id:uuid}",
        **allow(ALL_ROLES),
        summary="One of your notifications",
    )
    async def show(
        self,
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        notification_id: FromPath[UUID],
    ) -> NotificationOut:
        return await service.get_notification(tenant_scope, caller.person_id, notification_id)

    @post(
        "/{notification_id:uuid}/read",
        **allow(ALL_ROLES),
        status_code=200,
        summary="Mark one of your notifications read",
    )
    async def mark_read(
        self,
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        notification_id: FromPath[UUID],
    ) -> NotificationOut:
        return await service.mark_read(tenant_scope, caller.person_id, notification_id, actor=actor)

    @post("/read", **allow(ALL_ROLES), status_code=200, summary="Mark all your notifications read")
    async def mark_all_read(
        self,
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
    ) -> MarkedRead:
        marked = await service.mark_all_read(tenant_scope, caller.person_id, actor=actor)
        return MarkedRead(marked=marked)


ROUTES: list[Any] = [InboxController]
