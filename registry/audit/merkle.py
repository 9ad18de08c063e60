"""RFC 9162 (Certificate Transparency v2) Merkle trees over a tenant's event hashes.

Definitions (RFC 9162 section 2.1.1), with HASH = SHA-256:

    MTH({})     = HASH()
    MTH({d0})   = HASH(0x00 || d0)                      leaf hash
    MTH(D[n])   = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n]))
                  with k the largest power of two smaller than n

The leaf entries d_i are the events' chained hashes (`chain.event_hash`), leaf i
holding seq i + 1.

Generation of audit paths and consistency proofs follows the recursive definitions of
sections 2.1.3.1 and 2.1.4.1; their verification follows the algorithms of sections
2.1.3.2 and 2.1.4.2 step by step.

Proof generation reads the tree through `NodeSource.perfect_node(level, index)`, the
hash of the complete subtree of 2**level leaves starting at leaf index * 2**level.
Every subtree the RFC recursion visits is either such an aligned complete subtree or
lies on the tree's right edge, so a proof costs O(log^2 n) hashes given stored complete
subtrees: `MerkleTree` keeps them in memory; a database can keep them in a table.

`CompactRange` computes a root in O(log n) memory from a stream of leaves, optionally
continuing from the "peaks" (the complete subtrees) of an earlier prefix: export
bundles use it to recompute the root of a whole log from a slice of it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Protocol

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(entry: bytes) -> bytes:
    """HASH(0x00 || entry)."""
    return hashlib.sha256(_LEAF_PREFIX + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """HASH(0x01 || left || right)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class NodeSource(Protocol):
    """Read access to the complete, aligned subtrees of a log."""

    def perfect_node(self, level: int, index: int) -> bytes:
        """Hash of leaves [index * 2**level, (index + 1) * 2**level)."""
        ...


def subtree_hash(source: NodeSource, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for a range the RFC recursion produces (start aligned)."""
    size = end - start
    if size <= 0:
        return EMPTY_ROOT
    if size & (size - 1) == 0:  # complete subtree, stored
        level = size.bit_length() - 1
        return source.perfect_node(level, start >> level)
    k = split_point(size)
    return node_hash(subtree_hash(source, start, start + k), subtree_hash(source, start + k, end))


def root_hash(source: NodeSource, size: int) -> bytes:
    """MTH(D[0:size])."""
    return subtree_hash(source, 0, size)


def inclusion_path(source: NodeSource, index: int, size: int) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 section 2.1.3.1."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is not in a tree of size {size}")
    return _path(source, index, 0, size)


def _path(source: NodeSource, m: int, start: int, end: int) -> list[bytes]:
    n = end - start
    if n == 1:
        return []
    k = split_point(n)
    if m < k:
        return [*_path(source, m, start, start + k), subtree_hash(source, start + k, end)]
    return [*_path(source, m - k, start + k, end), subtree_hash(source, start, start + k)]


def consistency_path(source: NodeSource, first: int, second: int) -> list[bytes]:
    """PROOF(first, D[0:second]) of RFC 9162 section 2.1.4.1 (empty when trivial)."""
    if not 0 <= first <= second:
        raise ValueError(f"no consistency proof from size {first} to size {second}")
    if first in (0, second):
        return []
    return _subproof(source, first, 0, second, True)


def _subproof(source: NodeSource, m: int, start: int, end: int, whole: bool) -> list[bytes]:
    n = end - start
    if m == n:
        return [] if whole else [subtree_hash(source, start, end)]
    k = split_point(n)
    if m <= k:
        return [
            *_subproof(source, m, start, start + k, whole),
            subtree_hash(source, start + k, end),
        ]
    return [
        *_subproof(source, m - k, start + k, end, False),
        subtree_hash(source, start, start + k),
    ]


def verify_inclusion(
    leaf: bytes, index: int, size: int, path: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 section 2.1.3.2: does `path` prove leaf hash `leaf` at `index`?"""
    if not 0 <= index < size or not _all_hashes([leaf, root, *path]):
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn != 0 and not fn & 1:  # a no-op when LSB(fn) is set
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, path: Sequence[bytes]
) -> bool:
    """RFC 9162 section 2.1.4.2: does `path` prove tree `second` extends tree `first`?

    The RFC states the algorithm for 0 < first < second; the trivial cases follow the
    reference implementations: equal sizes need an empty path and equal roots, and
    every tree extends the empty tree with an empty path.
    """
    if not 0 <= first <= second or not _all_hashes([first_root, second_root, *path]):
        return False
    if first == second:
        return not path and first_root == second_root
    if first == 0:
        return not path
    if not path:  # step 1
        return False
    nodes = list(path)
    if first & (first - 1) == 0:  # step 2: first is an exact power of two
        nodes.insert(0, first_root)
    fn, sn = first - 1, second - 1  # step 3
    while fn & 1:  # step 4
        fn >>= 1
        sn >>= 1
    fr = sr = nodes[0]  # step 5
    for c in nodes[1:]:  # step 6
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn != 0 and not fn & 1:  # a no-op when LSB(fn) is set
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0  # step 7


def _all_hashes(values: Iterable[bytes]) -> bool:
    return all(isinstance(value, bytes) and len(value) == HASH_SIZE for value in values)


class MerkleTree:
    """An append-only in-memory tree that keeps every complete subtree.

    levels[0] holds the leaf hashes, levels[h][i] the hash of leaves
    [i * 2**h, (i + 1) * 2**h). Appending is O(1) amortised; roots and proofs for
    the current size or any earlier size cost O(log^2 n).
    """

    def __init__(self, entries: Iterable[bytes] = ()) -> None:
        self._levels: list[list[bytes]] = [[]]
        for entry in entries:
            self.append(entry)

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def append(self, entry: bytes) -> None:
        """Add a leaf entry (an event hash); its leaf hash is HASH(0x00 || entry)."""
        self.append_leaf_hash(leaf_hash(entry))

    def append_leaf_hash(self, leaf: bytes) -> None:
        self._levels[0].append(leaf)
        level = 0
        while len(self._levels[level]) % 2 == 0:
            row = self._levels[level]
            if level + 1 == len(self._levels):
                self._levels.append([])
            self._levels[level + 1].append(node_hash(row[-2], row[-1]))
            level += 1

    def perfect_node(self, level: int, index: int) -> bytes:
        return self._levels[level][index]

    def leaf_hash(self, index: int) -> bytes:
        return self._levels[0][index]

    def root(self, size: int | None = None) -> bytes:
        return root_hash(self, self._size(size))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_path(self, index, self._size(size))

    def consistency_proof(self, first: int, second: int | None = None) -> list[bytes]:
        return consistency_path(self, first, self._size(second))

    def _size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise ValueError(f"tree has {self.size} leaves, not {size}")
        return size


class CompactRange:
    """The root of a growing tree in O(log n) memory.

    `peaks` are the hashes of the complete subtrees that make up leaves [0, size),
    largest (leftmost) first: one per set bit of `size`. The RFC root is these folded
    from the right, HASH(0x01 || p0 || HASH(0x01 || p1 || ...)).
    """

    def __init__(self, size: int = 0, peaks: Sequence[bytes] = ()) -> None:
        if size < 0 or len(peaks) != size.bit_count():
            raise ValueError(f"a range of {size} leaves has {size.bit_count()} peaks")
        if not _all_hashes(peaks):
            raise ValueError("peaks must be 32-byte hashes")
        self.size = size
        self.peaks = list(peaks)

    def append(self, entry: bytes) -> None:
        self.append_leaf_hash(leaf_hash(entry))

    def append_leaf_hash(self, leaf: bytes) -> None:
        node, size = leaf, self.size
        while size & 1:  # merge with each complete subtree of the same height
            node = node_hash(self.peaks.pop(), node)
            size >>= 1
        self.peaks.append(node)
        self.size += 1

    def append_subtree(self, level: int, node: bytes) -> None:
        """Append the complete subtree of 2**level leaves whose hash is `node`.

        The range's size must be a multiple of 2**level (the subtree is aligned).
        """
        if self.size & ((1 << level) - 1):
            raise ValueError(f"a subtree of level {level} is not aligned at {self.size}")
        size = self.size >> level
        while size & 1:
            node = node_hash(self.peaks.pop(), node)
            size >>= 1
        self.peaks.append(node)
        self.size += 1 << level

    def root(self) -> bytes:
        if not self.peaks:
            return EMPTY_ROOT
        node = self.peaks[-1]
        for peak in reversed(self.peaks[:-1]):
            node = node_hash(peak, node)
        return node


def aligned_subtrees(start: int, leaves: Sequence[bytes]) -> list[tuple[int, bytes]]:
    """The leaf hashes of leaves start, start+1, ... as maximal aligned complete subtrees.

    Returns (level, hash) pairs, left to right: appending them in order with
    `CompactRange.append_subtree` to a range of size `start` equals appending every
    leaf hash. This lets the leaves be hashed in chunks, apart from the range.
    """
    subtrees: list[tuple[int, bytes]] = []
    done, count = 0, len(leaves)
    while done < count:
        position = start + done
        level = (position & -position).bit_length() - 1 if position else count.bit_length()
        while 1 << level > count - done:
            level -= 1
        subtrees.append((level, _perfect_root(leaves[done : done + (1 << level)])))
        done += 1 << level
    return subtrees


def _perfect_root(row: Sequence[bytes]) -> bytes:
    """The root of a complete subtree over `row` (a power of two of leaf hashes)."""
    sha256 = hashlib.sha256
    while len(row) > 1:
        row = [
            sha256(_NODE_PREFIX + left + right).digest()
            for left, right in zip(row[::2], row[1::2], strict=True)
        ]
    return row[0]
