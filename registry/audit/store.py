"""Reading a tenant's ledger: event pages, export bundles, proofs, signed tree heads.

Writes happen only in `ledger.record` (events, nodes, chain head) and here in
`store_head` (signed tree heads); nothing updates or deletes ledger rows.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.audit.bundle import BundlePrefix, BundleWriter
from registry.audit.merkle import EMPTY_ROOT, CompactRange, inclusion_path
from registry.audit.proof import inclusion_document
from registry.audit.tables import AuditEvent, AuditTreeHead
from registry.audit.treehead import TreeHead, raw_public_key, sign_tree_head
from tenants.database import as_uuid, fetch, write_transaction
from tenants.errors import NotFound
from tenants.keys import signing_key
from tenants.scope import TenantScope

EXPORT_BATCH = 5000


def _event(body: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(body)
    return event


# -- the events page ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventFilter:
    since: datetime | None = None
    until: datetime | None = None
    actor: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    action: str | None = None


async def list_events(
    scope: TenantScope, where: EventFilter, *, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int | None]:
    query = scope.select(AuditEvent, AuditEvent.body)
    if where.since is not None:
        query = query.where(AuditEvent.time >= where.since)
    if where.until is not None:
        query = query.where(AuditEvent.time < where.until)
    if where.actor is not None:
        query = query.where(AuditEvent.actor_person == where.actor)
    if where.object_type is not None:
        query = query.where(AuditEvent.object_type == where.object_type)
    if where.object_id is not None:
        query = query.where(AuditEvent.object_id == where.object_id)
    if where.action is not None:
        query = query.where(AuditEvent.action == where.action)
    rows = await query.order_by(AuditEvent.seq).limit(limit + 1).offset(offset)
    next_offset = offset + limit if len(rows) > limit else None
    return [_event(row["body"]) for row in rows[:limit]], next_offset


# -- the chain head and the stored Merkle nodes ---------------------------------------


@dataclass(frozen=True, slots=True)
class Head:
    tenant_id: UUID
    slug: str
    size: int
    root: bytes


async def chain_head(tenant_id: UUID, slug: str) -> Head:
    """The tenant's log as committed now: its size and Merkle root."""
    rows = await fetch("SELECT size, peaks FROM audit_chain WHERE tenant = {}", tenant_id)
    if not rows:
        return Head(tenant_id, slug, 0, EMPTY_ROOT)
    peaks = rows[0]["peaks"]
    peaks = json.loads(peaks) if isinstance(peaks, str) else peaks
    size = int(rows[0]["size"])
    root = CompactRange(size, [bytes.fromhex(p) for p in peaks]).root()
    return Head(tenant_id, slug, size, root)


class _Recorder:
    """A NodeSource that notes which nodes a proof needs (first pass)."""

    def __init__(self) -> None:
        self.wanted: set[tuple[int, int]] = set()

    def perfect_node(self, level: int, index: int) -> bytes:
        self.wanted.add((level, index))
        return bytes(32)


class _Nodes:
    def __init__(self, nodes: dict[tuple[int, int], bytes]) -> None:
        self.nodes = nodes

    def perfect_node(self, level: int, index: int) -> bytes:
        try:
            return self.nodes[(level, index)]
        except KeyError:
            raise NotFound(f"Merkle node {level}/{index} is missing") from None


async def load_nodes(tenant_id: UUID, wanted: Iterable[tuple[int, int]]) -> _Nodes:
    wanted = sorted(set(wanted))
    nodes: dict[tuple[int, int], bytes] = {}
    for start in range(0, len(wanted), 200):
        chunk = wanted[start : start + 200]
        # One indexed lookup per node: (tenant, level, idx) is the unique index.
        terms = " OR ".join("(tenant = {} AND level = {} AND idx = {})" for _ in chunk)
        args: list[Any] = []
        for level, index in chunk:
            args.extend((tenant_id, level, index))
        sql = f"SELECT level, idx, hash FROM audit_node WHERE {terms}"  # noqa: S608
        for row in await fetch(sql, *args):
            nodes[(int(row["level"]), int(row["idx"]))] = bytes.fromhex(row["hash"])
    return _Nodes(nodes)


def perfect_ranges(size: int) -> list[tuple[int, int]]:
    """The complete subtrees (level, index) making up leaves [0, size), largest first."""
    ranges, start = [], 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            ranges.append((level, start >> level))
            start += 1 << level
    return ranges


async def bundle_prefix(tenant_id: UUID, size: int) -> BundlePrefix:
    """What an export starting after event `size` carries about events 1..size."""
    if size == 0:
        return BundlePrefix()
    rows = await fetch(
        "SELECT hash FROM audit_event WHERE tenant = {} AND seq = {}", tenant_id, size
    )
    if not rows:
        raise NotFound(f"audit event {size} is missing")
    ranges = perfect_ranges(size - 1)
    nodes = await load_nodes(tenant_id, ranges)
    return BundlePrefix(
        size=size,
        prev_hash=bytes.fromhex(rows[0]["hash"]),
        peaks=tuple(nodes.perfect_node(level, index) for level, index in ranges),
    )


# -- signed tree heads ------------------------------------------------------------------


async def store_head(tenant_id: UUID, head: TreeHead, public_key: bytes) -> None:
    async with write_transaction():
        await AuditTreeHead(
            tenant=tenant_id,
            tree_size=head.tree_size,
            root_hash=head.root_hash,
            timestamp=head.timestamp,
            key_id=head.key_id,
            signature=head.signature,
            public_key=public_key.hex(),
        ).save()


async def sign_head(head: Head) -> tuple[TreeHead, bytes]:
    """Sign and store a tree head over the tenant's log at `head`."""
    key = await signing_key(head.tenant_id)
    tree_head = sign_tree_head(key, tenant=head.slug, tree_size=head.size, root_hash=head.root)
    public_key = raw_public_key(key)
    await store_head(head.tenant_id, tree_head, public_key)
    return tree_head, public_key


async def latest_head(
    tenant_id: UUID, slug: str, min_size: int = 0
) -> tuple[TreeHead, bytes] | None:
    """The largest signed tree head of the tenant covering at least `min_size` events."""
    row = (
        await AuditTreeHead.select()
        .where((AuditTreeHead.tenant == tenant_id) & (AuditTreeHead.tree_size >= min_size))
        .order_by(AuditTreeHead.tree_size, ascending=False)
        .order_by(AuditTreeHead.created_at, ascending=False)
        .first()
    )
    if row is None:
        return None
    head = TreeHead(
        tenant=slug,
        tree_size=int(row["tree_size"]),
        root_hash=row["root_hash"],
        timestamp=row["timestamp"],
        key_id=row["key_id"],
        signature=row["signature"],
    )
    return head, bytes.fromhex(row["public_key"])


async def sign_heads() -> list[tuple[str, int]]:
    """Sign a tree head for every tenant whose log grew since its last signed head."""
    rows = await fetch(
        "SELECT c.tenant, c.slug, c.size,"
        " (SELECT MAX(h.tree_size) FROM audit_tree_head h WHERE h.tenant = c.tenant) AS signed"
        " FROM audit_chain c ORDER BY c.slug"
    )
    signed = []
    for row in rows:
        if row["signed"] is not None and int(row["signed"]) >= int(row["size"]):
            continue
        head = await chain_head(as_uuid(row["tenant"]), row["slug"])
        tree_head, _ = await sign_head(head)
        signed.append((head.slug, tree_head.tree_size))
    return signed


# -- export -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportRange:
    first: int  # first exported seq (prefix size + 1)
    last: int  # last exported seq; the signed tree head covers 1..last


async def export_range(
    tenant_id: UUID, slug: str, since: datetime | None, until: datetime | None
) -> ExportRange:
    """The seq range of events with since <= time < until (whole log by default)."""
    head = await chain_head(tenant_id, slug)
    last = head.size
    if until is not None:
        row = (
            await AuditEvent.select(AuditEvent.seq)
            .where((AuditEvent.tenant == tenant_id) & (AuditEvent.time < until))
            .order_by(AuditEvent.seq, ascending=False)
            .first()
        )
        last = int(row["seq"]) if row else 0
    first = 1
    if since is not None:
        row = (
            await AuditEvent.select(AuditEvent.seq)
            .where((AuditEvent.tenant == tenant_id) & (AuditEvent.time >= since))
            .order_by(AuditEvent.seq)
            .first()
        )
        first = int(row["seq"]) if row else last + 1
    return ExportRange(first=min(first, last + 1), last=last)


async def event_rows(tenant_id: UUID, first: int, last: int) -> AsyncIterator[dict[str, Any]]:
    """The stored events first..last (seq, prev_hash, hash, body), in seq order."""
    start = first
    while start <= last:
        end = min(start + EXPORT_BATCH - 1, last)
        rows = await fetch(
            "SELECT seq, prev_hash, hash, body FROM audit_event"
            " WHERE tenant = {} AND seq >= {} AND seq <= {} ORDER BY seq",
            tenant_id,
            start,
            end,
        )
        if len(rows) != end - start + 1:
            raise NotFound(f"audit events {start}..{end} are incomplete")
        for row in rows:
            yield row
        start = end + 1


async def export_lines(
    tenant_id: UUID,
    slug: str,
    since: datetime | None = None,
    until: datetime | None = None,
    key: Ed25519PrivateKey | None = None,
) -> AsyncIterator[bytes]:
    """Every line of an export bundle; the tree head it signs is stored at the end."""
    span = await export_range(tenant_id, slug, since, until)
    key = key or await signing_key(tenant_id)
    writer = BundleWriter(slug, await bundle_prefix(tenant_id, span.first - 1))
    yield writer.header_line()
    async for row in event_rows(tenant_id, span.first, span.last):
        # The stored body is the event exactly as hashed: written as it is, not
        # decoded and encoded again (the writer still checks that it chains on).
        yield writer.stored_line(
            row["body"],
            seq=int(row["seq"]),
            prev_hash=row["prev_hash"],
            hash=row["hash"],
        )
    yield writer.tree_head_line(key)
    assert writer.tree_head is not None
    await store_head(tenant_id, writer.tree_head, raw_public_key(key))


# -- inclusion proofs -----------------------------------------------------------------


async def prove(tenant_id: UUID, slug: str, seq: int) -> dict[str, Any]:
    """An inclusion proof document for event `seq`, against a signed tree head.

    Uses the latest stored head that covers the event, signing a new one if none does.
    """
    rows = await fetch(
        "SELECT body FROM audit_event WHERE tenant = {} AND seq = {}", tenant_id, seq
    )
    if not rows:
        raise NotFound(f"no audit event {seq} in tenant {slug!r}")
    event = _event(rows[0]["body"])
    found = await latest_head(tenant_id, slug, seq)
    if found is None:
        found = await sign_head(await chain_head(tenant_id, slug))
    tree_head, public_key = found
    recorder = _Recorder()
    inclusion_path(recorder, seq - 1, tree_head.tree_size)
    nodes = await load_nodes(tenant_id, recorder.wanted)
    return inclusion_document(nodes, event, tree_head, public_key)
