"""verify_bundle's block path (in this process and in a pool) agrees with the
line-by-line verifier, naming the same first bad line; and stored bodies export as is."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.audit.bundle import BundleError, BundleWriter, verify_bundle
from registry.audit.canonical import canonical_bytes
from registry.audit.treehead import raw_public_key
from tests.audit.bundles import build, edit_line, join, lines_of, verify
from tests.audit.factories import TENANT, make_log, signing_key

LOG = make_log(70)  # lines: 1 header, 2..71 seq 1..70, 72 tree head
BUNDLE = build(LOG)
SLICE = build(LOG, first_seq=23)
PUBLIC_KEY = raw_public_key(signing_key())


def blocks(data: bytes, path: Path, workers: int = 1, block_bytes: int = 1000) -> str | None:
    path.write_bytes(data)
    result = verify_bundle(path, public_key=PUBLIC_KEY, workers=workers, block_bytes=block_bytes)
    expected = verify(data, PUBLIC_KEY)
    assert result == expected
    return result.problem


def tampered() -> list[bytes]:
    lines = lines_of(BUNDLE)
    return [
        edit_line(BUNDLE, 2, action="edited"),
        edit_line(BUNDLE, 40, action="edited"),
        edit_line(BUNDLE, 70, seq=3),
        edit_line(BUNDLE, 71, tenant="other"),
        edit_line(BUNDLE, 72, tree_size=12),
        join(lines[:30] + lines[31:]),
        join(lines[:50] + lines[49:]),
        join([*lines[:20], lines[21], lines[20], *lines[22:]]),
        join([*lines[:60], lines[60].replace(b":", b": ", 1), *lines[61:]]),
        join([*lines[:45], b"", *lines[45:]]),
        join(lines) + b"{}\n",
        join(lines)[:-1],
        join(lines[:71]),
        join(lines[:65]),
        edit_line(SLICE, 1, prev_hash="22" * 32),
        edit_line(SLICE, 30, action="edited"),
    ]


@pytest.mark.parametrize("block_bytes", [1, 700, 3000, 10**6])
def test_blocks_agree_with_the_line_by_line_verifier(tmp_path, block_bytes):
    assert blocks(BUNDLE, tmp_path / "b.jsonl", block_bytes=block_bytes) is None
    assert blocks(SLICE, tmp_path / "b.jsonl", block_bytes=block_bytes) is None
    for data in tampered():
        assert blocks(data, tmp_path / "b.jsonl", block_bytes=block_bytes) is not None


def test_a_pool_names_a_bad_line_in_a_late_block(tmp_path):
    path = tmp_path / "b.jsonl"
    assert blocks(BUNDLE, path, workers=2) is None
    assert blocks(edit_line(BUNDLE, 66, action="edited"), path, workers=2) == (
        "line 66: hash does not match content"
    )
    lines = lines_of(BUNDLE)
    assert blocks(join(lines[:58] + lines[59:]), path, workers=2).startswith(
        "line 59: seq 59 where 58 expected"
    )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_mutations_are_named_alike(tmp_path, data):
    raw = bytearray(data.draw(st.sampled_from([BUNDLE, SLICE])))
    position = data.draw(st.integers(0, len(raw) - 1))
    action = data.draw(st.sampled_from(["flip", "delete", "insert"]))
    if action == "flip":
        raw[position] ^= data.draw(st.integers(1, 255))
    elif action == "delete":
        del raw[position]
    else:
        raw.insert(position, data.draw(st.integers(0, 255)))
    block_bytes = data.draw(st.sampled_from([1, 500, 4000]))
    assert blocks(bytes(raw), tmp_path / "m.jsonl", block_bytes=block_bytes) is not None


def test_stored_bodies_are_written_as_they_are():
    writer, plain = BundleWriter(TENANT), BundleWriter(TENANT)
    for event in LOG[:5]:
        line = writer.stored_line(
            canonical_bytes(event),
            seq=event["seq"],
            prev_hash=event["prev_hash"],
            hash=event["hash"],
        )
        assert line == plain.event_line(event)
    key = signing_key()
    assert writer.tree_head_line(key, "2025-03-02T00:00:00Z") == plain.tree_head_line(
        key, "2025-03-02T00:00:00Z"
    )


def test_stored_bodies_must_chain_and_match_their_columns():
    event = LOG[1]
    body = canonical_bytes(event)
    columns = {"seq": 2, "prev_hash": event["prev_hash"], "hash": event["hash"]}
    with pytest.raises(BundleError, match="seq 2 where 1 expected"):
        BundleWriter(TENANT).stored_line(body, **columns)
    writer = BundleWriter(TENANT)
    writer.stored_line(canonical_bytes(LOG[0]), seq=1, prev_hash="00" * 32, hash=LOG[0]["hash"])
    with pytest.raises(BundleError, match="does not match"):
        writer.stored_line(body, **{**columns, "hash": "ab" * 32})
    with pytest.raises(BundleError, match="chain"):
        writer.stored_line(body, **{**columns, "prev_hash": "ab" * 32})
    with pytest.raises(BundleError, match="does not match"):
        BundleWriter("other").stored_line(
            canonical_bytes(LOG[0]), seq=1, prev_hash="00" * 32, hash=LOG[0]["hash"]
        )
