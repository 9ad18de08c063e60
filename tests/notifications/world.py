"""A notification in every test tenant, so that routes with `{notification_id}` have an
object to find (tests/api/routes.py)."""

from __future__ import annotations

from uuid import UUID

from registry.notifications.service import inbox, notify
from tenants.database import write_transaction
from tenants.scope import TenantScope


async def seed_notification(scope: TenantScope, person_id: UUID) -> UUID:
    """A welcome notification for `person_id`; its id."""
    async with write_transaction():
        await notify(
            scope,
            [person_id],
            kind="tenant.welcome",
            subject=f"Welcome to {scope.slug}",
            body="Your account is ready.",
            link=f"/t/{scope.slug}",
        )
    page = await inbox(scope, person_id, limit=1)
    return page.items[0].id
