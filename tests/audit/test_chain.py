"""Audit events and the per-tenant hash chain."""

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from registry.audit.canonical import canonical_bytes
from registry.audit.chain import (
    GENESIS_HASH,
    REDACTED,
    EventError,
    event_hash,
    find_chain_break,
    redact_changes,
    seal_event,
    utc_timestamp,
    validate_event,
)
from tests.audit.factories import event_fields, make_log


def test_hash_is_sha256_of_previous_hash_then_canonical_content():
    fields = event_fields(1)
    sealed = seal_event(fields, GENESIS_HASH)
    expected = hashlib.sha256(bytes(32) + canonical_bytes(fields)).hexdigest()
    assert sealed["hash"] == expected
    assert sealed["prev_hash"] == "00" * 32
    assert {k: v for k, v in sealed.items() if k not in ("hash", "prev_hash")} == fields


def test_hash_ignores_key_order_and_seal_fields_but_not_the_previous_hash():
    fields = event_fields(3)
    reordered = dict(reversed(list(fields.items())))
    previous = hashlib.sha256(b"x").digest()
    assert event_hash(fields, previous) == event_hash(reordered, previous)
    assert event_hash({**fields, "hash": "ab", "prev_hash": "cd"}, previous) == event_hash(
        fields, previous
    )
    assert event_hash(fields, previous) != event_hash(fields, GENESIS_HASH)


def test_log_chains_and_a_break_is_located():
    log = make_log(6)
    assert find_chain_break(log) is None
    assert find_chain_break(log[2:], first_seq=3, prev_hash=bytes.fromhex(log[1]["hash"])) is None

    edited = [dict(event) for event in log]
    edited[3]["action"] = "motion.vote_withdrawn"
    found = find_chain_break(edited)
    assert found is not None
    assert (found.index, found.seq, found.problem) == (3, 4, "hash does not match content")

    found = find_chain_break(log[:2] + log[3:])
    assert found is not None and found.index == 2 and found.problem.startswith("seq 4 where 3")

    resealed = [*log[:2], seal_event(event_fields(3, reason="rewritten"), GENESIS_HASH)]
    found = find_chain_break(resealed)
    assert found is not None and found.problem.startswith("prev_hash does not chain")


def test_redaction_keeps_the_field_and_whether_it_was_set():
    changes = {"notes": ["old secret", "new secret"], "resume": [None, "cv"], "status": ["a", "b"]}
    assert redact_changes(changes, {"notes", "resume"}) == {
        "notes": [REDACTED, REDACTED],
        "resume": [None, REDACTED],
        "status": ["a", "b"],
    }


def test_utc_timestamp_normalises_to_z():
    moment = datetime(2025, 3, 1, 11, 30, tzinfo=timezone(timedelta(hours=2)))
    assert utc_timestamp(moment) == "2025-03-01T09:30:00.000000Z"
    assert utc_timestamp().endswith("Z")
    with pytest.raises(EventError):
        utc_timestamp(datetime(2025, 3, 1))  # naive
    validate_event(event_fields(1, time=utc_timestamp(datetime.now(UTC))))


@pytest.mark.parametrize(
    "overrides",
    [
        {"seq": 0},
        {"seq": True},
        {"seq": "1"},
        {"time": "2025-03-01T09:30:00+00:00"},
        {"time": "2025-13-01T09:30:00Z"},
        {"tenant": ""},
        {"actor": {"person": "p"}},
        {"actor": {"person": "p", "role": "admin", "api_key": "k"}},
        {"changes": {"vote": ["yes"]}},
        {"changes": ["vote"]},
        {"reason": 5},
        {"object_id": 1.5},
        {"hash": "00"},
        {"type": "event"},
        {"extra": 1},
    ],
)
def test_malformed_events_are_refused(overrides):
    with pytest.raises(EventError):
        seal_event({**event_fields(1), **overrides}, GENESIS_HASH)


def test_missing_field_is_refused():
    fields = event_fields(1)
    del fields["client"]
    with pytest.raises(EventError, match="client"):
        validate_event(fields)
