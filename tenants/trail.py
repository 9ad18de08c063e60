"""Who acts, as the tenancy code sees it: something that can append an audit event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol
from uuid import UUID


class AuditTrail(Protocol):
    """Who is acting, able to append an audit event to a tenant's log.

    Implemented by `registry.audit.ledger.Actor` (the tenancy code never imports
    `registry`). `record` must be awaited inside the write transaction of the change
    it records. Every state-changing function of `tenants` takes one, so that who
    acted is named at every call site (the CLI passes the platform operator).
    """

    async def record(
        self,
        tenant_id: UUID,
        action: str,
        object_type: str,
        object_id: object,
        changes: Mapping[str, Sequence[Any]] | None = None,
        reason: str = "",
    ) -> Any: ...

    def as_person(self, person_id: UUID, session_id: UUID | None = None) -> AuditTrail: ...
