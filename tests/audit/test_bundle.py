"""Export bundles: writing, verifying, and catching every kind of tampering."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.audit.bundle import (
    BundleError,
    BundlePrefix,
    BundleWriter,
    verify_bundle,
    write_bundle,
)
from registry.audit.canonical import canonical_bytes
from registry.audit.chain import seal_event
from registry.audit.merkle import MerkleTree
from registry.audit.treehead import raw_public_key, sign_tree_head
from tests.audit.bundles import TIMESTAMP, build, edit_line, join, lines_of, verify
from tests.audit.factories import TENANT, event_fields, make_log, signing_key

LOG = make_log(10)  # bundle lines: 1 header, 2..11 seq 1..10, 12 tree head
BUNDLE = build(LOG)
PUBLIC_KEY = raw_public_key(signing_key())
TREE = MerkleTree(bytes.fromhex(event["hash"]) for event in LOG)


def test_full_bundle_verifies():
    result = verify(BUNDLE, PUBLIC_KEY)
    assert result.valid, result.problem
    assert (result.events, result.tree_size, result.tenant) == (10, 10, TENANT)
    assert result.root_hash == TREE.root().hex()
    assert result.summary().startswith(f"valid: 10 events, tree size 10, root {TREE.root().hex()}")


def test_bundle_layout():
    lines = [json.loads(line) for line in lines_of(BUNDLE)]
    assert len(lines) == 12
    assert lines[0] == {
        "type": "bundle_header",
        "format": "accord-audit-bundle/1",
        "tenant": TENANT,
        "prefix_size": 0,
        "prev_hash": "00" * 32,
        "prefix_peaks": [],
    }
    assert lines[1:11] == LOG
    assert lines[11]["type"] == "tree_head"
    assert lines[11]["public_key"] == PUBLIC_KEY.hex()
    assert lines[11]["timestamp"] == TIMESTAMP
    assert all(canonical_bytes(record) == line for record, line in zip(lines, lines_of(BUNDLE)))


@pytest.mark.parametrize("size", range(0, 14))
def test_every_slice_of_a_log_verifies_against_the_whole_log_root(size):
    log = make_log(size)
    tree = MerkleTree(bytes.fromhex(event["hash"]) for event in log)
    for first_seq in range(1, size + 2):  # size + 1: an export with no events
        result = verify(build(log, first_seq), PUBLIC_KEY)
        assert result.valid, (first_seq, result.problem)
        assert result.events == size - first_seq + 1
        assert (result.tree_size, result.root_hash) == (size, tree.root().hex())


def test_prefix_header_is_compact():
    log = make_log(40)
    header = json.loads(lines_of(build(log, first_seq=31))[0])
    assert header["prefix_size"] == 30
    assert header["prev_hash"] == log[29]["hash"]
    assert len(header["prefix_peaks"]) == bin(29).count("1")


def test_file_round_trip(tmp_path):
    path = tmp_path / "export.jsonl"
    head = write_bundle(path, LOG, tenant=TENANT, signing_key=signing_key())
    assert (head.tree_size, head.root_hash) == (10, TREE.root().hex())
    assert verify_bundle(path, public_key=PUBLIC_KEY).valid
    assert verify_bundle(path).valid


def test_writer_refuses_a_broken_chain():
    writer = BundleWriter(TENANT)
    writer.header_line()
    writer.event_line(LOG[0])
    with pytest.raises(BundleError, match="seq 3"):
        writer.event_line(LOG[2])
    with pytest.raises(BundleError, match="hash does not match"):
        BundleWriter(TENANT).event_line({**LOG[0], "action": "edited"})
    with pytest.raises(BundleError, match="tenant"):
        BundleWriter("other").event_line(LOG[0])
    with pytest.raises(BundleError, match="prev_hash"):
        prefix = BundlePrefix.from_event_hashes([bytes(32)])
        BundleWriter(TENANT, prefix).event_line(LOG[1])


def problem(data: bytes, public_key: bytes | None = PUBLIC_KEY) -> str | None:
    result = verify(data, public_key)
    assert not result.valid
    return result.problem


def test_edited_field_names_its_line():
    assert problem(edit_line(BUNDLE, 5, action="motion.vote_withdrawn")) == (
        "line 5: hash does not match content"
    )


def test_resealed_edit_breaks_the_chain_on_the_next_line():
    record = json.loads(lines_of(BUNDLE)[4])
    record["changes"] = {"vote": [None, "no"]}
    resealed = seal_event(
        {k: v for k, v in record.items() if k not in ("hash", "prev_hash")},
        bytes.fromhex(record["prev_hash"]),
    )
    data = edit_line(BUNDLE, 5, **resealed)
    assert problem(data) == "line 6: prev_hash does not chain from line 5"


def test_rewritten_chain_is_caught_by_the_signed_root():
    log = [dict(event) for event in LOG]
    log[3] = {**log[3], "reason": "rewritten"}
    prev = bytes.fromhex(log[2]["hash"])
    for index in range(3, 10):
        fields = {k: v for k, v in log[index].items() if k not in ("hash", "prev_hash")}
        log[index] = seal_event(fields, prev)
        prev = bytes.fromhex(log[index]["hash"])
    forged = join(lines_of(BUNDLE)[:1] + [canonical_bytes(e) for e in log] + lines_of(BUNDLE)[11:])
    assert problem(forged) == (
        "line 12: root_hash does not match the Merkle root recomputed from the events"
    )


def test_deleted_line():
    lines = lines_of(BUNDLE)
    assert problem(join(lines[:4] + lines[5:])).startswith("line 5: seq 5 where 4 expected")


def test_reordered_lines():
    lines = lines_of(BUNDLE)
    lines[4], lines[5] = lines[5], lines[4]
    assert problem(join(lines)).startswith("line 5: seq 5 where 4 expected")


def test_inserted_line():
    lines = lines_of(BUNDLE)
    assert problem(join(lines[:5] + lines[4:])).startswith("line 6: seq 4 where 5 expected")


def test_changed_tree_head_size_or_root():
    assert problem(edit_line(BUNDLE, 12, tree_size=9)) == "line 12: signature invalid"
    assert problem(edit_line(BUNDLE, 12, root_hash=TREE.root(9).hex())) == (
        "line 12: signature invalid"
    )


def test_replayed_older_tree_head():
    older = sign_tree_head(
        signing_key(), tenant=TENANT, tree_size=6, root_hash=TREE.root(6), timestamp=TIMESTAMP
    )
    data = edit_line(BUNDLE, 12, **older.to_dict())
    assert problem(data).startswith(
        "line 12: tree head covers 6 events but the bundle ends at seq 10"
    )


def test_replaced_public_key():
    intruder = raw_public_key(signing_key("intruder")).hex()
    assert problem(edit_line(BUNDLE, 12, public_key=intruder), None) == (
        "line 12: key_id does not match public key"
    )


def test_pinned_key_differs():
    assert problem(BUNDLE, raw_public_key(signing_key("intruder"))) == (
        "line 12: public key differs from pinned key"
    )


def test_forgery_re_signed_with_another_key_passes_only_without_a_pin():
    # An intruder with database access edits an event, re-seals the whole chain and
    # signs with their own key: self-consistent, so only the pinned key exposes it.
    forged_log = []
    prev = bytes(32)
    for seq in range(1, 11):
        fields = event_fields(seq, client="203.0.113.9" if seq == 1 else "192.0.2.10")
        forged_log.append(seal_event(fields, prev))
        prev = bytes.fromhex(forged_log[-1]["hash"])
    forged = build(forged_log, key_name="intruder")
    assert verify(forged, None).valid
    assert problem(forged, PUBLIC_KEY) == "line 12: public key differs from pinned key"


def test_truncations():
    lines = lines_of(BUNDLE)
    assert problem(join(lines[:11])) == ("line 12: missing signed tree head (file truncated?)")
    assert problem(BUNDLE[:-20]) == (
        "line 12: line is not terminated by a newline (file truncated?)"
    )
    assert problem(b"") == "line 1: empty file, not an audit bundle"


def test_content_after_the_tree_head():
    assert problem(BUNDLE + lines_of(BUNDLE)[5] + b"\n") == (
        "line 13: content after the signed tree head"
    )


def test_non_canonical_line():
    lines = lines_of(BUNDLE)
    lines[2] = json.dumps(json.loads(lines[2])).encode()
    assert problem(join(lines)) == "line 3: not in canonical JSON form"


def test_tampered_prefix_of_a_slice():
    log = make_log(20)
    data = build(log, first_seq=12)  # header, seq 12..20 on lines 2..10, head on 11
    header = json.loads(lines_of(data)[0])
    peaks = list(header["prefix_peaks"])
    peaks[0] = "11" * 32
    assert problem(edit_line(data, 1, prefix_peaks=peaks)) == (
        "line 11: root_hash does not match the Merkle root recomputed from the events"
    )
    assert problem(edit_line(data, 1, prev_hash="22" * 32)) == (
        "line 2: prev_hash does not chain from the bundle header"
    )
    assert problem(edit_line(data, 1, prefix_size=12)).startswith(
        "line 1: prefix_peaks has 2 hashes, 3 expected for prefix_size 12"
    )
    assert problem(edit_line(data, 1, prefix_size=10)).startswith("line 2: seq 12 where 11")


def test_a_bundle_of_another_tenant_does_not_pass_as_this_one():
    other = build(make_log(3, tenant="social-work"), tenant="social-work")
    assert problem(edit_line(other, 1, tenant=TENANT)) == (
        "line 2: event of tenant 'social-work' in a bundle of 'library-association'"
    )


# Property-based: random logs, random slices, random mutations; all must fail.

LOGS = {size: make_log(size) for size in range(1, 9)}
TREES = {
    size: MerkleTree(bytes.fromhex(event["hash"]) for event in log) for size, log in LOGS.items()
}


@st.composite
def bundles(draw):
    size = draw(st.integers(1, 8))
    first_seq = draw(st.integers(1, size + 1))
    return size, build(LOGS[size], first_seq)


@settings(max_examples=300, deadline=None)
@given(bundles(), st.data())
def test_any_flipped_byte_fails_on_its_line(bundle, data):
    _, raw = bundle
    position = data.draw(st.integers(0, len(raw) - 1))
    value = data.draw(st.integers(0, 255).filter(lambda byte: byte != raw[position]))
    mutated = raw[:position] + bytes([value]) + raw[position + 1 :]
    result = verify(mutated, PUBLIC_KEY)
    assert not result.valid
    line = raw[:position].count(b"\n") + 1
    if line > 1:  # a header edit can first show where the header is used
        assert result.line == line, (result.problem, line)


@settings(max_examples=300, deadline=None)
@given(bundles(), st.data())
def test_structural_mutations_fail(bundle, data):
    size, raw = bundle
    lines = lines_of(raw)
    kind = data.draw(st.sampled_from(["delete", "swap", "duplicate", "truncate", "replay", "key"]))
    i = data.draw(st.integers(0, len(lines) - 1))
    j = data.draw(st.integers(0, len(lines) - 1))
    pinned = PUBLIC_KEY
    if kind == "delete":
        mutated = join(lines[:i] + lines[i + 1 :])
    elif kind == "swap":
        if i == j:
            j = (i + 1) % len(lines)
        lines[i], lines[j] = lines[j], lines[i]
        mutated = join(lines)
    elif kind == "duplicate":
        mutated = join([*lines[:j], lines[i], *lines[j:]])
    elif kind == "truncate":
        mutated = raw[: data.draw(st.integers(0, len(raw) - 1))]
    elif kind == "replay":
        older_size = data.draw(st.integers(0, size - 1))
        older = sign_tree_head(
            signing_key(),
            tenant=TENANT,
            tree_size=older_size,
            root_hash=TREES[size].root(older_size),
            timestamp=TIMESTAMP,
        )
        mutated = edit_line(raw, len(lines), **older.to_dict())
    else:
        other = signing_key("intruder")
        mutated = build(LOGS[size], data.draw(st.integers(1, size + 1)), key_name="intruder")
        assert verify(mutated, raw_public_key(other)).valid
    result = verify(mutated, pinned)
    assert not result.valid
    if kind in ("delete", "swap"):
        assert result.line == min(i, j if kind == "swap" else i) + 1, result.problem


def test_events_chained_across_tenants_are_sealed_separately():
    # Two tenants' logs never share a chain: same seq, different hashes.
    other = seal_event(event_fields(1, tenant="social-work"), bytes(32))
    assert other["hash"] != LOG[0]["hash"]
