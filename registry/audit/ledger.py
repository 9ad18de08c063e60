"""Appending to a tenant's audit log, inside the caller's write transaction.

`record(actor, tenant_id, action, ...)` seals one event onto the tenant's hash chain
and Merkle tree. It must run inside `tenants.database.write_transaction()`, the same
one that makes the change it records: both commit, or neither does.

Appends are serialised per tenant by the chain head row (`audit_chain`): PostgreSQL
locks it with SELECT ... FOR UPDATE, SQLite's transactions already began IMMEDIATE
(one writer at a time). So seq is gap-free and the chain never forks, however many
writers there are.

`Actor` is who acted (person, roles, token or session) and from where (request id,
client address). It implements `tenants.trail.AuditTrail`, the protocol by which
the tenancy code (which never imports `registry`) records its events.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from piccolo.engine.postgres import PostgresEngine

from registry.audit.canonical import canonical_bytes
from registry.audit.chain import GENESIS_HASH, redact_changes, seal_event, utc_timestamp
from registry.audit.merkle import leaf_hash, node_hash
from tenants.database import current_engine, fetch

#: Field names whose values never enter the ledger (only the fact that they changed).
CONFIDENTIAL = frozenset({"password", "password_hash", "secret", "token", "token_hash"})

OPERATOR_ROLE = "operator"


class NotInTransaction(RuntimeError):
    """`record` was called outside a write transaction."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a change, and through which request."""

    person_id: UUID | None = None
    roles: tuple[str, ...] = ()
    token_id: UUID | None = None
    session_id: UUID | None = None
    request_id: str | None = None
    client: str | None = None

    @classmethod
    def operator(cls, client: str = "cli") -> Actor:
        """The platform operator at the command line (no person: the host's user)."""
        return cls(roles=(OPERATOR_ROLE,), request_id=uuid.uuid4().hex, client=client)

    def as_person(self, person_id: UUID, session_id: UUID | None = None) -> Actor:
        """This request's actor, once it is known who is signing in."""
        return replace(self, person_id=person_id, session_id=session_id or self.session_id)

    def actor_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "person": str(self.person_id) if self.person_id else None,
            "role": ",".join(sorted(self.roles)) or None,
        }
        if self.token_id is not None:
            record["token_id"] = str(self.token_id)
        if self.session_id is not None:
            record["session"] = str(self.session_id)
        return record

    async def record(
        self,
        tenant_id: UUID,
        action: str,
        object_type: str,
        object_id: object,
        changes: Mapping[str, Sequence[Any]] | None = None,
        reason: str = "",
    ) -> dict[str, Any]:
        return await record(self, tenant_id, action, object_type, object_id, changes, reason)


OPERATOR = Actor.operator()


@dataclass(frozen=True, slots=True)
class ChainHead:
    slug: str
    size: int
    last_hash: bytes
    peaks: list[bytes]


LOCK_SQL = "SELECT slug, size, last_hash, peaks FROM audit_chain WHERE tenant = {}"
CREATE_HEAD_SQL = (
    "INSERT INTO audit_chain (id, tenant, slug, size, last_hash, peaks)"
    " VALUES ({}, {}, {}, 0, {}, {}) ON CONFLICT (tenant) DO NOTHING"
)
INSERT_EVENT_SQL = (
    "INSERT INTO audit_event (id, tenant, seq, time, actor_person, actor_role, token_id,"
    " session_id, action, object_type, object_id, changes, reason, request_id, client,"
    " prev_hash, hash, body) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {},"
    " {}, {}, {}, {})"
)
UPDATE_HEAD_SQL = "UPDATE audit_chain SET size = {}, last_hash = {}, peaks = {} WHERE tenant = {}"


def _in_transaction() -> bool:
    return current_engine().current_transaction.get() is not None


async def lock_head(tenant_id: UUID) -> ChainHead:
    """The tenant's chain head, locked until the transaction ends (created if new)."""
    postgres = isinstance(current_engine(), PostgresEngine)
    sql = LOCK_SQL + (" FOR UPDATE" if postgres else "")
    rows = await fetch(sql, tenant_id)
    if not rows:
        tenants = await fetch("SELECT slug FROM tenant WHERE id = {}", tenant_id)
        if not tenants:
            raise LookupError(f"no tenant {tenant_id}")
        await fetch(
            CREATE_HEAD_SQL, uuid.uuid4(), tenant_id, tenants[0]["slug"], GENESIS_HASH.hex(), "[]"
        )
        rows = await fetch(sql, tenant_id)
    row = rows[0]
    peaks = row["peaks"]
    if isinstance(peaks, str):
        peaks = json.loads(peaks)
    return ChainHead(
        slug=row["slug"],
        size=int(row["size"]),
        last_hash=bytes.fromhex(row["last_hash"]),
        peaks=[bytes.fromhex(peak) for peak in peaks],
    )


def grow(
    size: int, peaks: list[bytes], entry: bytes
) -> tuple[list[bytes], list[tuple[int, int, bytes]]]:
    """Append leaf `entry` to the compact range (size, peaks): the new peaks, and
    every complete subtree the append completes as (level, index, hash)."""
    node = leaf_hash(entry)
    new_nodes = [(0, size, node)]
    peaks = list(peaks)
    level, rest = 0, size
    while rest & 1:
        node = node_hash(peaks.pop(), node)
        level += 1
        rest >>= 1
        new_nodes.append((level, size >> level, node))
    peaks.append(node)
    return peaks, new_nodes


_MAX_SAFE_INT = 2**53 - 1


def plain(value: Any) -> Any:
    """`value` as canonical JSON can hold it: times as UTC "Z" strings, ids as text,
    fractions and very large integers as their decimal text."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value if abs(value) <= _MAX_SAFE_INT else str(value)
    if isinstance(value, datetime):
        return utc_timestamp(value if value.tzinfo else value.replace(tzinfo=UTC))
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return str(value)


def _changes(changes: Mapping[str, Sequence[Any]] | None) -> dict[str, list[Any]]:
    plain_changes = {
        field: [plain(pair[0]), plain(pair[1])] for field, pair in (changes or {}).items()
    }
    return redact_changes(plain_changes, CONFIDENTIAL)


def _object_id(object_id: object) -> str | int | None:
    if object_id is None or isinstance(object_id, int | str):
        return object_id
    return str(object_id)


async def record(
    actor: Actor,
    tenant_id: UUID,
    action: str,
    object_type: str,
    object_id: object,
    changes: Mapping[str, Sequence[Any]] | None = None,
    reason: str = "",
) -> dict[str, Any]:
    """Append one sealed event to the tenant's log; returns it. Inside a transaction."""
    if not _in_transaction():
        raise NotInTransaction("audit events are recorded inside the change's write_transaction()")
    head = await lock_head(tenant_id)
    now = datetime.now(UTC)
    seq = head.size + 1
    fields = {
        "tenant": head.slug,
        "seq": seq,
        "time": utc_timestamp(now),
        "actor": actor.actor_record(),
        "action": action,
        "object_type": object_type,
        "object_id": _object_id(object_id),
        "changes": _changes(changes),
        "reason": reason or None,
        "request_id": actor.request_id,
        "client": actor.client,
    }
    event = seal_event(fields, head.last_hash)
    event_hash = bytes.fromhex(event["hash"])
    peaks, nodes = grow(head.size, head.peaks, event_hash)
    actor_fields = event["actor"]
    await fetch(
        INSERT_EVENT_SQL,
        uuid.uuid4(),
        tenant_id,
        seq,
        now,
        actor_fields["person"],
        actor_fields["role"],
        actor_fields.get("token_id"),
        actor_fields.get("session"),
        action,
        object_type,
        None if fields["object_id"] is None else str(fields["object_id"]),
        json.dumps(fields["changes"], sort_keys=True),
        fields["reason"],
        fields["request_id"],
        fields["client"],
        event["prev_hash"],
        event["hash"],
        canonical_bytes(event).decode(),
    )
    values = ", ".join("({}, {}, {}, {}, {})" for _ in nodes)
    args: list[Any] = []
    for level, index, digest in nodes:
        args.extend((uuid.uuid4(), tenant_id, level, index, digest.hex()))
    sql = f"INSERT INTO audit_node (id, tenant, level, idx, hash) VALUES {values}"  # noqa: S608
    await fetch(sql, *args)
    await fetch(
        UPDATE_HEAD_SQL, seq, event["hash"], json.dumps([p.hex() for p in peaks]), tenant_id
    )
    return event

