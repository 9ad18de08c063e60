"""Reading a tenant's ledger back in tests."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from registry.audit.chain import find_chain_break
from registry.audit.merkle import MerkleTree
from registry.audit.store import chain_head
from registry.audit.tables import AuditEvent


async def events_of(tenant_id: UUID) -> list[dict[str, Any]]:
    rows = (
        await AuditEvent.select(AuditEvent.body)
        .where(AuditEvent.tenant == tenant_id)
        .order_by(AuditEvent.seq)
    )
    return [json.loads(row["body"]) for row in rows]


async def count_of(tenant_id: UUID) -> int:
    return await AuditEvent.count().where(AuditEvent.tenant == tenant_id)


async def assert_log_valid(tenant_id: UUID, slug: str) -> list[dict[str, Any]]:
    """seq 1..n without gaps, an unbroken chain, and a chain head with the right root."""
    events = await events_of(tenant_id)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert find_chain_break(events) is None
    head = await chain_head(tenant_id, slug)
    assert head.size == len(events)
    tree = MerkleTree(bytes.fromhex(e["hash"]) for e in events)
    assert head.root == tree.root()
    return events
