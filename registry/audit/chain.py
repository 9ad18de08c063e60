"""Audit events and the per-tenant hash chain.

An event is a plain dict (what the database row holds, and what one line of an export
bundle holds):

    tenant       str, the tenant's slug
    seq          int, gap-free per tenant, starting at 1
    time         str, UTC ISO 8601 ending in "Z", e.g. "2025-03-01T09:30:00.000000Z"
    actor        {"person": id | None, "role": str | None,
                  "token_id": str | None (optional), "session": str | None (optional)}
    action       str, e.g. "motion.vote_cast", "auth.sign_in_failed"
    object_type  str
    object_id    str | int | None
    changes      {field: [before, after]}, confidential fields redacted (see
                 `redact_changes`)
    reason       str | None
    request_id   str | None
    client       str | None, the client address

Sealing adds two fields, both lowercase hex of 32 bytes:

    prev_hash    the hash of the tenant's previous event; 32 zero bytes for seq 1
    hash         SHA-256(prev_hash_bytes || JCS(event without "hash" and "prev_hash"))

The previous hash enters as its 32 raw bytes, ahead of the canonical JSON, so the
chain is fixed-width and unambiguous; `hash` is also the leaf entry of the tenant's
RFC 9162 Merkle tree (see `merkle`). "type" is reserved for the non-event records of
an export bundle and may not appear in an event.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from registry.audit.canonical import canonical_bytes
from registry.audit.hexes import is_hex

HASH_SIZE = 32
GENESIS_HASH = bytes(HASH_SIZE)
REDACTED = "[redacted]"

SEAL_FIELDS = ("prev_hash", "hash")
RESERVED_FIELDS = frozenset({"type", *SEAL_FIELDS})
EVENT_FIELDS = frozenset(
    {
        "tenant",
        "seq",
        "time",
        "actor",
        "action",
        "object_type",
        "object_id",
        "changes",
        "reason",
        "request_id",
        "client",
    }
)
_ACTOR_REQUIRED = frozenset({"person", "role"})
_ACTOR_ALLOWED = _ACTOR_REQUIRED | {"token_id", "session"}
_UTC_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z")


class EventError(ValueError):
    """An event that does not have the shape the ledger records."""


@dataclass(frozen=True)
class ChainBreak:
    """Where and why a sequence of sealed events stops being a valid chain."""

    index: int  # position in the sequence given, from 0
    seq: object
    problem: str


def utc_timestamp(moment: datetime | None = None) -> str:
    """`moment` (default now) as the ledger writes times: UTC, microseconds, "Z"."""
    moment = datetime.now(UTC) if moment is None else moment
    if moment.tzinfo is None:
        raise EventError("naive datetime: audit times must carry a timezone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def redact_changes(
    changes: Mapping[str, Sequence[Any]], confidential: Collection[str]
) -> dict[str, list[Any]]:
    """`changes` with before and after of every confidential field replaced.

    The field name stays, so the ledger still shows *that* a confidential field
    changed; a value that was absent (None) stays None so "set" vs. "cleared" shows.
    """
    redacted: dict[str, list[Any]] = {}
    for field, pair in changes.items():
        before, after = _pair(field, pair)
        if field in confidential:
            before = None if before is None else REDACTED
            after = None if after is None else REDACTED
        redacted[field] = [before, after]
    return redacted


def validate_event(fields: Mapping[str, Any]) -> None:
    """Raise EventError unless `fields` is a well-formed, unsealed event."""
    names = set(fields)
    if reserved := names & RESERVED_FIELDS:
        raise EventError(f"reserved field(s) in event: {sorted(reserved)}")
    if missing := EVENT_FIELDS - names:
        raise EventError(f"event lacks field(s): {sorted(missing)}")
    if unknown := names - EVENT_FIELDS:
        raise EventError(f"unknown event field(s): {sorted(unknown)}")
    _require(isinstance(fields["tenant"], str) and fields["tenant"] != "", "tenant")
    seq = fields["seq"]
    _require(type(seq) is int and seq >= 1, "seq (an int >= 1)")
    _require(isinstance(fields["time"], str) and is_utc_time(fields["time"]), "time (UTC, Z)")
    _validate_actor(fields["actor"])
    _require(isinstance(fields["action"], str) and fields["action"] != "", "action")
    _require(isinstance(fields["object_type"], str), "object_type")
    object_id = fields["object_id"]
    _require(object_id is None or isinstance(object_id, str | int), "object_id")
    changes = fields["changes"]
    _require(isinstance(changes, dict), "changes (a dict)")
    for field, pair in changes.items():
        _pair(field, pair)
    for name in ("reason", "request_id", "client"):
        _require(fields[name] is None or isinstance(fields[name], str), name)


def event_content(event: Mapping[str, Any]) -> dict[str, Any]:
    """The fields the hash covers: all but the seal fields."""
    return {key: value for key, value in event.items() if key not in SEAL_FIELDS}


def event_hash(event: Mapping[str, Any], prev_hash: bytes) -> bytes:
    """SHA-256(prev_hash || JCS(event without "hash" and "prev_hash"))."""
    if len(prev_hash) != HASH_SIZE:
        raise ValueError("prev_hash must be 32 bytes")
    return hashlib.sha256(prev_hash + canonical_bytes(event_content(event))).digest()


def seal_event(fields: Mapping[str, Any], prev_hash: bytes) -> dict[str, Any]:
    """Validate `fields` and return them with `prev_hash` and `hash` added (hex).

    This is what the append path calls, inside the transaction that holds the
    tenant's chain head: `prev_hash` is the head's hash (GENESIS_HASH for seq 1).
    """
    validate_event(fields)
    sealed = dict(fields)
    sealed["prev_hash"] = prev_hash.hex()
    sealed["hash"] = event_hash(fields, prev_hash).hex()
    return sealed


def link_problem(
    event: Mapping[str, Any],
    *,
    expected_seq: int,
    prev_hash: bytes,
    previous: str = "the previous event",
) -> str | None:
    """Why a sealed event is not the next link after `prev_hash`, or None if it is.

    Checks, in order: the seal fields are present and well-formed, the hash matches
    the content, seq is the expected one, prev_hash is the previous hash.
    """
    for name in SEAL_FIELDS:
        if name not in event:
            return f"missing field '{name}'"
        if not is_hex(event[name], HASH_SIZE):
            return f"{name} is not 64 lowercase hex digits"
    if event_hash(event, bytes.fromhex(event["prev_hash"])).hex() != event["hash"]:
        return "hash does not match content"
    seq = event.get("seq")
    if type(seq) is not int or seq != expected_seq:
        return f"seq {seq!r} where {expected_seq} expected (event missing, inserted or moved)"
    if event["prev_hash"] != prev_hash.hex():
        return f"prev_hash does not chain from {previous}"
    return None


def find_chain_break(
    events: Iterable[Mapping[str, Any]], *, first_seq: int = 1, prev_hash: bytes = GENESIS_HASH
) -> ChainBreak | None:
    """The first place where `events` (sealed, in seq order) stop chaining, or None.

    For a live check of the database: pass all of a tenant's events from seq 1, or a
    slice with the seq and previous hash it starts from.
    """
    for index, event in enumerate(events):
        problem = link_problem(event, expected_seq=first_seq + index, prev_hash=prev_hash)
        if problem is not None:
            return ChainBreak(index=index, seq=event.get("seq"), problem=problem)
        prev_hash = bytes.fromhex(event["hash"])
    return None


def is_utc_time(value: str) -> bool:
    if _UTC_TIME.fullmatch(value) is None:
        return False
    try:
        datetime.fromisoformat(value[:-1])
    except ValueError:  # e.g. month 13
        return False
    return True


def _validate_actor(actor: object) -> None:
    _require(isinstance(actor, dict), "actor (a dict)")
    assert isinstance(actor, dict)  # for the type checker; _require raised otherwise
    names = set(actor)
    _require(_ACTOR_REQUIRED <= names <= _ACTOR_ALLOWED, "actor keys (person, role, ...)")
    person = actor["person"]
    _require(person is None or isinstance(person, str | int), "actor.person")
    for name in ("role", "token_id", "session"):
        value = actor.get(name)
        _require(value is None or isinstance(value, str), f"actor.{name}")


def _pair(field: object, pair: object) -> tuple[Any, Any]:
    if not isinstance(field, str):
        raise EventError(f"changed field name {field!r} is not a string")
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        raise EventError(f"changes[{field!r}] must be [before, after]")
    return pair[0], pair[1]


def _require(condition: bool, what: str) -> None:
    if not condition:
        raise EventError(f"invalid event field: {what}")
