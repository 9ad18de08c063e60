"""A person's standing in one tenant: which tenant the slug names, whether it is
active, and the roles the person holds there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from tenants.database import as_uuid, fetch
from tenants.roles import Role

#: The person's roles in the tenant named by slug (`m`, `tn` aliases; see tokens.py).
ACCESS_SQL = (
    "SELECT m.role, tn.id AS tenant_id, tn.status, tn.suspended_reason AS reason"
    " FROM membership m JOIN tenant tn ON tn.id = m.tenant"
    " WHERE tn.slug = {} AND m.person = {}"
)


@dataclass(frozen=True, slots=True)
class TenantAccess:
    slug: str
    tenant_id: UUID
    active: bool
    suspended_reason: str
    roles: frozenset[Role]


def access_from_rows(slug: str, rows: list[dict[str, Any]]) -> TenantAccess | None:
    """Rows with role, tenant_id, status and reason, one per role held; None when
    the person holds none (a NULL role is a LEFT JOIN that found no membership)."""
    held = [row for row in rows if row["role"] is not None]
    if not held:
        return None
    first = held[0]
    return TenantAccess(
        slug=slug,
        tenant_id=as_uuid(first["tenant_id"]),
        active=first["status"] == "active",
        suspended_reason=first["reason"] or "",
        roles=frozenset(Role(row["role"]) for row in held),
    )


async def tenant_access(slug: str, person_id: UUID) -> TenantAccess | None:
    # Every tenant request runs this (or its twin in tokens.py); plain SQL skips
    # rebuilding the join each time.
    rows = await fetch(ACCESS_SQL, slug, person_id)
    return access_from_rows(slug, rows)
