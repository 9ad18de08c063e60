"""Export bundles of a tenant's audit log, and their offline verification.

Format `accord-audit-bundle/1`: a UTF-8 JSON Lines file, every line one canonical
JSON object (RFC 8785) ended by "\\n", in three parts.

Line 1, the header:

    {"type": "bundle_header", "format": "accord-audit-bundle/1", "tenant": SLUG,
     "prefix_size": m, "prev_hash": HEX, "prefix_peaks": [HEX, ...]}

Lines 2 .. k+1, the exported events seq m+1 .. m+k, each as stored: the event fields
plus "prev_hash" and "hash" (see `chain`).

Last line, the signed tree head over the whole log up to the last exported event,
with the signer's raw Ed25519 public key:

    {"type": "tree_head", "tenant", "tree_size": m+k, "root_hash", "timestamp",
     "key_id", "signature", "public_key": HEX}

How a slice is verified. An export for a time range usually starts after seq 1, yet
the signed root covers every event from seq 1. The header carries what the verifier
needs to recompute that root without the earlier events:

- `prefix_size` m: how many events precede the first exported one;
- `prev_hash`: the hash of event m (32 zero bytes when m = 0), which the first
  exported event must chain from;
- `prefix_peaks`: the RFC 9162 subtree hashes that make up the Merkle tree of events
  1 .. m-1 (one per set bit of m-1, largest first; see `merkle.CompactRange`).

The verifier starts a compact range from the peaks, appends `prev_hash` as leaf m
(so the header's prev_hash is itself bound by the signed root), then every exported
event's hash, and compares the resulting root and size with the signed tree head.
This costs O(log m) extra bytes, where listing the earlier hashes would cost 32 m.
It proves that the exported events are exactly events m+1 .. m+k of the log whose
root the tenant's key signed, each chaining from the one before; it does not reveal
or check the content of events outside the slice (the full export, m = 0, does).

Every byte matters: lines must be in canonical form, hex must be lowercase, and the
header and tree head records must have exactly their fields. So flipping, inserting,
deleting or reordering anything is reported, naming the first bad line.

What it cannot prove alone: that the key is the tenant's. Pin the key the association
published (`public_key=` / `--public-key`); otherwise anyone can re-sign a forgery.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.audit.canonical import (
    CanonicalError,
    canonical_bytes,
    encode_fast,
    loads_canonical,
    parse_canonical,
)
from registry.audit.chain import GENESIS_HASH, HASH_SIZE, link_problem
from registry.audit.hexes import is_hex
from registry.audit.merkle import CompactRange, aligned_subtrees, leaf_hash
from registry.audit.result import VerifyResult
from registry.audit.treehead import (
    PUBLIC_KEY_SIZE,
    SIGNED_FIELDS,
    TreeHead,
    TreeHeadError,
    raw_public_key,
    sign_tree_head,
    tree_head_problem,
)

FORMAT = "accord-audit-bundle/1"
HEADER_TYPE = "bundle_header"
TREE_HEAD_TYPE = "tree_head"
HEADER_FIELDS = frozenset({"type", "format", "tenant", "prefix_size", "prev_hash", "prefix_peaks"})
TRAILER_FIELDS = frozenset({"type", *SIGNED_FIELDS, "signature", "public_key"})


class BundleError(ValueError):
    """The events handed to the writer do not form a valid chain."""


@dataclass(frozen=True)
class BundlePrefix:
    """What a bundle needs to know about the events before its first one."""

    size: int = 0
    prev_hash: bytes = GENESIS_HASH
    peaks: tuple[bytes, ...] = ()

    @classmethod
    def from_event_hashes(cls, hashes: Iterable[bytes]) -> BundlePrefix:
        """Build from the hashes of events 1 .. m, in seq order (one streaming pass)."""
        earlier = CompactRange()
        last: bytes | None = None
        for event_hash in hashes:
            if last is not None:
                earlier.append(last)
            last = event_hash
        if last is None:
            return cls()
        return cls(size=earlier.size + 1, prev_hash=last, peaks=tuple(earlier.peaks))

    def compact_range(self) -> CompactRange:
        """The Merkle compact range of events 1 .. size."""
        if self.size == 0:
            return CompactRange()
        leaves = CompactRange(self.size - 1, self.peaks)
        leaves.append(self.prev_hash)
        return leaves

    def header(self, tenant: str) -> dict[str, Any]:
        return {
            "type": HEADER_TYPE,
            "format": FORMAT,
            "tenant": tenant,
            "prefix_size": self.size,
            "prev_hash": self.prev_hash.hex(),
            "prefix_peaks": [peak.hex() for peak in self.peaks],
        }


@dataclass
class BundleWriter:
    """Writes a bundle line by line, so an HTTP response can stream it.

    Use: header_line(), then event_line(e) for each event in seq order, then
    tree_head_line(key). Each event is checked to chain on: an export never
    silently carries a broken chain out of the database.
    """

    tenant: str
    prefix: BundlePrefix = field(default_factory=BundlePrefix)
    events: int = 0
    tree_head: TreeHead | None = None

    def __post_init__(self) -> None:
        self._range = self.prefix.compact_range()
        self._prev_hash = self.prefix.prev_hash
        self._prev_hex = self._prev_hash.hex()
        self._leaves: list[bytes] = []  # leaf hashes not yet in _range
        self._tenant_json = canonical_bytes(self.tenant).decode()

    def header_line(self) -> bytes:
        return canonical_bytes(self.prefix.header(self.tenant)) + b"\n"

    def event_line(self, event: Mapping[str, Any]) -> bytes:
        expected_seq = self.prefix.size + self.events + 1
        problem = link_problem(event, expected_seq=expected_seq, prev_hash=self._prev_hash)
        if problem is None and event.get("tenant") != self.tenant:
            problem = f"event belongs to tenant {event.get('tenant')!r}"
        if problem is not None:
            raise BundleError(f"event seq {event.get('seq')!r}: {problem}")
        self._prev_hash = bytes.fromhex(event["hash"])
        self._prev_hex = event["hash"]
        self._add_leaf()
        self.events += 1
        return canonical_bytes(dict(event)) + b"\n"

    def stored_line(self, body: bytes | str, *, seq: int, prev_hash: str, hash: str) -> bytes:
        """The line of an event stored as its canonical body, written as it is.

        `seq`, `prev_hash` and `hash` are the stored row's columns. They are checked
        to chain on (and the body to carry them), as `event_line` checks an event,
        except that the hash over the content is not recomputed here: a full export
        is a million events, and `verify_bundle` recomputes every hash anyway.
        """
        text = body if isinstance(body, str) else body.decode("utf-8", "replace")
        expected_seq = self.prefix.size + self.events + 1
        problem = None
        if seq != expected_seq:
            problem = f"seq {seq!r} where {expected_seq} expected"
        elif prev_hash != self._prev_hex:
            problem = "prev_hash does not chain from the previous event"
        elif not _is_hash_hex(hash):
            problem = "hash is not 64 lowercase hex digits"
        elif (
            f',"hash":"{hash}",' not in text
            or f',"prev_hash":"{prev_hash}",' not in text
            or f',"seq":{seq},"tenant":{self._tenant_json},"time":' not in text
        ):
            problem = "stored body does not match its seq, tenant, prev_hash and hash"
        if problem is not None:
            raise BundleError(f"event seq {seq!r}: {problem}")
        self._prev_hex = hash
        self._prev_hash = bytes.fromhex(hash)
        self._add_leaf()
        self.events += 1
        return (body.encode() if isinstance(body, str) else body) + b"\n"

    def _add_leaf(self) -> None:
        """Add the last event's leaf; the Merkle range takes them in batches."""
        self._leaves.append(hashlib.sha256(b"\x00" + self._prev_hash).digest())
        if len(self._leaves) >= 4096:
            self._flush_leaves()

    def _flush_leaves(self) -> None:
        for level, node in aligned_subtrees(self._range.size, self._leaves):
            self._range.append_subtree(level, node)
        self._leaves = []

    def tree_head_line(
        self, signing_key: Ed25519PrivateKey, timestamp: str | datetime | None = None
    ) -> bytes:
        self._flush_leaves()
        self.tree_head = sign_tree_head(
            signing_key,
            tenant=self.tenant,
            tree_size=self._range.size,
            root_hash=self._range.root(),
            timestamp=timestamp,
        )
        record = {
            "type": TREE_HEAD_TYPE,
            **self.tree_head.to_dict(),
            "public_key": raw_public_key(signing_key).hex(),
        }
        return canonical_bytes(record) + b"\n"


def bundle_lines(
    events: Iterable[Mapping[str, Any]],
    *,
    tenant: str,
    signing_key: Ed25519PrivateKey,
    prefix: BundlePrefix | None = None,
    timestamp: str | datetime | None = None,
) -> Iterator[bytes]:
    """Every line of a bundle of `events` (sealed, consecutive, in seq order)."""
    writer = BundleWriter(tenant, prefix or BundlePrefix())
    yield writer.header_line()
    for event in events:
        yield writer.event_line(event)
    yield writer.tree_head_line(signing_key, timestamp)


def write_bundle(
    target: str | Path | BinaryIO,
    events: Iterable[Mapping[str, Any]],
    *,
    tenant: str,
    signing_key: Ed25519PrivateKey,
    prefix: BundlePrefix | None = None,
    timestamp: str | datetime | None = None,
) -> TreeHead:
    """Write a bundle to a path or binary stream; return the tree head it signed."""
    writer = BundleWriter(tenant, prefix or BundlePrefix())
    if isinstance(target, str | Path):
        with open(target, "wb") as stream:
            _write(writer, stream, events, signing_key, timestamp)
    else:
        _write(writer, target, events, signing_key, timestamp)
    assert writer.tree_head is not None
    return writer.tree_head


def _write(
    writer: BundleWriter,
    stream: BinaryIO,
    events: Iterable[Mapping[str, Any]],
    signing_key: Ed25519PrivateKey,
    timestamp: str | datetime | None,
) -> None:
    stream.write(writer.header_line())
    for event in events:
        stream.write(writer.event_line(event))
    stream.write(writer.tree_head_line(signing_key, timestamp))


def _is_hash_hex(value: object) -> bool:
    # Same as is_hex(value, HASH_SIZE), without a regex: strip leaves "" only when
    # every character is a lowercase hex digit.
    return type(value) is str and len(value) == 2 * HASH_SIZE and not value.strip(_HEX_DIGITS)


_HEX_DIGITS = "0123456789abcdef"

# Files from this size on are verified by a pool of processes, in blocks of lines.
PARALLEL_MIN_BYTES = 16 << 20
BLOCK_BYTES = 4 << 20


def verify_bundle(
    path: str | Path,
    *,
    public_key: bytes | None = None,
    workers: int | None = None,
    block_bytes: int = BLOCK_BYTES,
) -> VerifyResult:
    """Verify a bundle file offline; `public_key` (raw 32 bytes) pins the signer.

    The event lines are checked in blocks, each on its own (canonical form, seal
    fields, the hash over the content, seq and prev_hash within the block, tenant,
    the Merkle subtrees of its leaves), by `workers` processes (by default one per
    CPU for files of PARALLEL_MIN_BYTES and more, else in this process). Then, in
    order, each block must continue the chain and seq where the previous one ended,
    and its subtrees extend the Merkle range. From the first line a block could not
    vouch for (a bad line, the tree head, a break between blocks) the file is read
    line by line as `verify_bundle_lines` does, so that the first bad line is named
    with the very same message.
    """
    path = Path(path)
    if workers is None:
        big = path.stat().st_size >= PARALLEL_MIN_BYTES
        workers = (os.cpu_count() or 1) if big else 1
    verifier = _Verifier(public_key)
    try:
        with open(path, "rb") as stream:
            header = stream.readline()
            if header:
                verifier.feed(header)
                resume = _verify_blocks(verifier, path, stream.tell(), workers, block_bytes)
                stream.seek(resume)
                for raw in stream:
                    verifier.feed(raw)
        return verifier.finish()
    except _Bad as bad:
        return VerifyResult(
            valid=False, kind="bundle", problem=f"line {bad.line}: {bad.message}", line=bad.line
        )


@dataclass(frozen=True, slots=True)
class _Block:
    """What one block of event lines vouches for (see `_check_block`)."""

    events: int  # good event lines from the block's start
    first_seq: int
    first_prev_hash: bytes
    last_hash: bytes
    subtrees: list[tuple[int, bytes]]
    stop: int  # file offset of the first line not vouched for (the block's end if none)


def _block_bounds(path: Path, start: int, block_bytes: int) -> list[tuple[int, int]]:
    """Split the file from `start` into blocks of whole lines, about block_bytes each."""
    size = path.stat().st_size
    bounds = []
    with open(path, "rb") as stream:
        while start < size:
            end = start + max(block_bytes, 1)
            if end >= size:
                end = size
            else:
                stream.seek(end)
                stream.readline()  # on to the start of the next line
                end = stream.tell()
            bounds.append((start, end))
            start = end
    return bounds


def _check_block(path: str, start: int, end: int, tenant: str) -> _Block:
    """Check the event lines in bytes [start, end) of a bundle, as far as they are good.

    A line is good when `_Verifier.event` would accept it given that the lines
    before it in the block are good, and that the first one has the seq and
    prev_hash that it claims to be expected. Stops at the first line that is not.
    """
    with open(path, "rb") as stream:
        stream.seek(start)
        data = stream.read(end - start)
    lines = data.split(b"\n")
    lines.pop()  # after the last newline: b"", or an unterminated last line
    sha256, fromhex = hashlib.sha256, bytes.fromhex
    leaves: list[bytes] = []
    first_seq, first_prev, prev_hex, offset = 0, b"", "", start
    for raw in lines:
        try:
            event, fast = parse_canonical(raw)
        except CanonicalError:
            break
        if type(event) is not dict or "type" in event:
            break
        event_hex, prev = event.get("hash", ""), event.get("prev_hash", "")
        if not (_is_hash_hex(event_hex) and _is_hash_hex(prev)):
            break
        seq = event.get("seq")
        if type(seq) is not int or event.get("tenant") != tenant:
            break
        if leaves:
            if seq != first_seq + len(leaves) or prev != prev_hex:
                break
        elif seq < 1:
            break
        else:
            first_seq, first_prev = seq, fromhex(prev)
        del event["hash"], event["prev_hash"]
        content = encode_fast(event) if fast else canonical_bytes(event)
        if sha256(fromhex(prev) + content).hexdigest() != event_hex:
            break
        leaves.append(sha256(b"\x00" + fromhex(event_hex)).digest())
        prev_hex = event_hex
        offset += len(raw) + 1
    return _Block(
        events=len(leaves),
        first_seq=first_seq,
        first_prev_hash=first_prev,
        last_hash=fromhex(prev_hex) if leaves else b"",
        subtrees=aligned_subtrees(first_seq - 1, leaves) if leaves else [],
        stop=offset,
    )


def _verify_blocks(
    verifier: _Verifier, path: Path, start: int, workers: int, block_bytes: int
) -> int:
    """Take the verifier through the event lines from `start` that blocks vouch for.

    Returns the file offset from which the rest must be read line by line.
    """
    bounds = _block_bounds(path, start, block_bytes)
    tasks = [(str(path), begin, end, verifier.tenant) for begin, end in bounds]
    pool = None
    if workers > 1 and len(tasks) > 1:
        # A pool that fails (a worker dies) raises BrokenProcessPool rather than hang.
        pool = ProcessPoolExecutor(
            min(workers, len(tasks)), mp_context=multiprocessing.get_context("forkserver")
        )
        blocks: Iterator[_Block] = pool.map(_check_block_task, tasks)
    else:
        blocks = map(_check_block_task, tasks)
    try:
        for (begin, end), block in zip(bounds, blocks, strict=True):
            if block.events:
                if (
                    block.first_seq != verifier.first_seq + verifier.events
                    or block.first_prev_hash != verifier.prev_hash
                ):
                    return begin
                verifier.line += block.events
                verifier.events += block.events
                verifier.prev_hash = block.last_hash
                for level, node in block.subtrees:
                    verifier.range.append_subtree(level, node)
            if block.stop != end:
                return block.stop
        return bounds[-1][1] if bounds else start
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _check_block_task(task: tuple[str, int, int, str]) -> _Block:
    return _check_block(*task)


def verify_bundle_lines(lines: Iterable[bytes], *, public_key: bytes | None = None) -> VerifyResult:
    """Verify a bundle given as its lines (each with its "\\n")."""
    verifier = _Verifier(public_key)
    try:
        for raw in lines:
            verifier.feed(raw)
        return verifier.finish()
    except _Bad as bad:
        return VerifyResult(
            valid=False, kind="bundle", problem=f"line {bad.line}: {bad.message}", line=bad.line
        )


class _Bad(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _Verifier:
    """Streams through a bundle once, in O(log n) memory."""

    def __init__(self, pinned_key: bytes | None) -> None:
        self.pinned_key = pinned_key
        self.line = 0
        self.tenant = ""
        self.first_seq = 1
        self.events = 0
        self.prev_hash = GENESIS_HASH
        self.range = CompactRange()
        self.result: VerifyResult | None = None

    def bad(self, message: str) -> _Bad:
        return _Bad(self.line, message)

    def feed(self, raw: bytes) -> None:
        self.line += 1
        if self.result is not None:
            raise self.bad("content after the signed tree head")
        if not raw.endswith(b"\n"):
            raise self.bad("line is not terminated by a newline (file truncated?)")
        try:
            record = loads_canonical(raw[:-1])
        except CanonicalError as exc:
            raise self.bad(str(exc)) from None
        if not isinstance(record, dict):
            raise self.bad("not a JSON object")
        if self.line == 1:
            self.header(record)
        elif "type" not in record:
            self.event(record)
        elif record["type"] == TREE_HEAD_TYPE:
            self.trailer(record)
        else:
            raise self.bad(f"unexpected record type {record['type']!r}")

    def finish(self) -> VerifyResult:
        if self.result is None:
            self.line += 1
            if self.line == 1:
                raise self.bad("empty file, not an audit bundle")
            raise self.bad("missing signed tree head (file truncated?)")
        return self.result

    def header(self, record: dict[str, Any]) -> None:
        if record.get("type") != HEADER_TYPE:
            raise self.bad("not an Accord audit bundle (no bundle header)")
        if record.get("format") != FORMAT:
            raise self.bad(f"unsupported bundle format {record.get('format')!r}")
        if set(record) != HEADER_FIELDS:
            raise self.bad(f"bundle header fields must be exactly {sorted(HEADER_FIELDS)}")
        tenant, size = record["tenant"], record["prefix_size"]
        prev_hash, peaks = record["prev_hash"], record["prefix_peaks"]
        if not isinstance(tenant, str) or not tenant:
            raise self.bad("bundle header tenant is malformed")
        if type(size) is not int or size < 0:
            raise self.bad("prefix_size must be an integer >= 0")
        if not is_hex(prev_hash, HASH_SIZE):
            raise self.bad("prev_hash is not 64 lowercase hex digits")
        if size == 0 and prev_hash != GENESIS_HASH.hex():
            raise self.bad("prev_hash must be all zeros when prefix_size is 0")
        if not isinstance(peaks, list) or not all(is_hex(peak, HASH_SIZE) for peak in peaks):
            raise self.bad("prefix_peaks must be a list of 64-hex-digit hashes")
        expected_peaks = max(size - 1, 0).bit_count()
        if len(peaks) != expected_peaks:
            raise self.bad(
                f"prefix_peaks has {len(peaks)} hashes, {expected_peaks} expected "
                f"for prefix_size {size}"
            )
        prefix = BundlePrefix(
            size=size,
            prev_hash=bytes.fromhex(prev_hash),
            peaks=tuple(bytes.fromhex(peak) for peak in peaks),
        )
        self.tenant = tenant
        self.first_seq = size + 1
        self.prev_hash = prefix.prev_hash
        self.range = prefix.compact_range()

    def event(self, record: dict[str, Any]) -> None:
        previous = "the bundle header" if self.events == 0 else f"line {self.line - 1}"
        problem = link_problem(
            record,
            expected_seq=self.first_seq + self.events,
            prev_hash=self.prev_hash,
            previous=previous,
        )
        if problem is not None:
            raise self.bad(problem)
        if record.get("tenant") != self.tenant:
            raise self.bad(
                f"event of tenant {record.get('tenant')!r} in a bundle of {self.tenant!r}"
            )
        self.prev_hash = bytes.fromhex(record["hash"])
        self.range.append_leaf_hash(leaf_hash(self.prev_hash))
        self.events += 1

    def trailer(self, record: dict[str, Any]) -> None:
        if set(record) != TRAILER_FIELDS:
            raise self.bad(f"tree head fields must be exactly {sorted(TRAILER_FIELDS)}")
        if not is_hex(record["public_key"], PUBLIC_KEY_SIZE):
            raise self.bad("public_key is not 64 lowercase hex digits")
        key = bytes.fromhex(record["public_key"])
        try:
            head = TreeHead.from_dict(
                {
                    name: value
                    for name, value in record.items()
                    if name not in ("type", "public_key")
                }
            )
        except TreeHeadError as exc:
            raise self.bad(str(exc)) from None
        if head.tenant != self.tenant:
            raise self.bad(f"tree head is for tenant {head.tenant!r}, bundle for {self.tenant!r}")
        if self.pinned_key is not None and key != self.pinned_key:
            raise self.bad("public key differs from pinned key")
        if (problem := tree_head_problem(head, key)) is not None:
            raise self.bad(problem)
        if head.tree_size != self.range.size:
            raise self.bad(
                f"tree head covers {head.tree_size} events but the bundle ends at seq "
                f"{self.range.size} (older tree head, or lines missing or added?)"
            )
        if head.root_hash != self.range.root().hex():
            raise self.bad("root_hash does not match the Merkle root recomputed from the events")
        self.result = VerifyResult(
            valid=True,
            kind="bundle",
            tenant=self.tenant,
            events=self.events,
            tree_size=head.tree_size,
            root_hash=head.root_hash,
            key_id=head.key_id,
        )
