"""Who is calling: the authenticated person and how they proved it."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from tenants.access import TenantAccess


@dataclass(frozen=True, slots=True)
class Principal:
    person_id: UUID
    #: A token is bound to one tenant; a browser session may visit any of the person's.
    token_tenant_id: UUID | None = None
    token_id: UUID | None = None
    session_id: UUID | None = None
    #: The session's CSRF token (for pages to put in their forms) and its stored hash,
    #: against which a presented token is checked.
    csrf_token: str | None = None
    csrf_hash: str | None = None
    #: The caller's standing in the tenant of the request's path, when it was read
    #: together with the token (one query instead of two).
    access: TenantAccess | None = None

    @property
    def via_session(self) -> bool:
        return self.session_id is not None
