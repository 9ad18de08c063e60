"""Test data for the audit ledger: deterministic keys, events and logs."""

from __future__ import annotations

import hashlib
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.audit.chain import GENESIS_HASH, seal_event

TENANT = "library-association"


def signing_key(name: str = "tenant") -> Ed25519PrivateKey:
    """A deterministic Ed25519 key, different per name."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(name.encode()).digest())


def event_fields(seq: int, tenant: str = TENANT, **overrides: Any) -> dict[str, Any]:
    """A plausible unsealed event: a board member casting a vote."""
    fields: dict[str, Any] = {
        "tenant": tenant,
        "seq": seq,
        "time": f"2025-03-01T09:{seq // 60 % 60:02d}:{seq % 60:02d}.000000Z",
        "actor": {"person": f"p-{seq % 7}", "role": "board_member", "session": f"s-{seq % 3}"},
        "action": "motion.vote_cast",
        "object_type": "motion",
        "object_id": f"m-{seq // 5}",
        "changes": {"vote": [None, "yes" if seq % 2 else "no"], "note": ["[redacted]", None]},
        "reason": "conflict declared" if seq % 11 == 0 else None,
        "request_id": f"req-{seq:06d}",
        "client": "192.0.2.10",
    }
    fields.update(overrides)
    return fields


def make_log(size: int, tenant: str = TENANT) -> list[dict[str, Any]]:
    """`size` sealed events, seq 1..size, chained from genesis."""
    events: list[dict[str, Any]] = []
    prev_hash = GENESIS_HASH
    for seq in range(1, size + 1):
        event = seal_event(event_fields(seq, tenant), prev_hash)
        prev_hash = bytes.fromhex(event["hash"])
        events.append(event)
    return events
