"""RFC 9162 Merkle trees: known answers, exhaustive small trees, corrupted proofs."""

import hashlib

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from registry.audit.merkle import (
    EMPTY_ROOT,
    CompactRange,
    MerkleTree,
    leaf_hash,
    node_hash,
    split_point,
    verify_consistency,
    verify_inclusion,
)

# Known-answer vectors of the RFC 6962 / RFC 9162 SHA-256 tree, as published with
# transparency-dev/merkle (testonly/constants.go and proof/verify_test.go).
LEAF_INPUTS = [
    bytes.fromhex(h)
    for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
              "606162636465666768696a6b6c6d6e6f"]
]  # fmt: skip
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]  # ROOTS[n - 1] is the root of the first n leaves
INCLUSION = [  # (leaf number from 1, tree size, audit path)
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (3, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (2, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip
CONSISTENCY = [  # (first size, second size, proof)
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]  # fmt: skip

KNOWN_TREE = MerkleTree(LEAF_INPUTS)


def reference_root(leaves: list[bytes]) -> bytes:
    """MTH straight from the RFC's recursive definition, over leaf inputs."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = split_point(len(leaves))
    return node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))


def entries(n: int) -> list[bytes]:
    return [hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(n)]


TREE_64 = MerkleTree(entries(64))


def test_empty_tree_root():
    assert MerkleTree().root() == EMPTY_ROOT
    assert CompactRange().root() == EMPTY_ROOT
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize("size", range(1, 9))
def test_known_roots(size):
    assert KNOWN_TREE.root(size).hex() == ROOTS[size - 1]
    assert MerkleTree(LEAF_INPUTS[:size]).root().hex() == ROOTS[size - 1]


@pytest.mark.parametrize(("leaf", "size", "path"), INCLUSION)
def test_known_inclusion_proofs(leaf, size, path):
    proof = KNOWN_TREE.inclusion_proof(leaf - 1, size)
    assert [node.hex() for node in proof] == path
    root = bytes.fromhex(ROOTS[size - 1])
    assert verify_inclusion(KNOWN_TREE.leaf_hash(leaf - 1), leaf - 1, size, proof, root)


@pytest.mark.parametrize(("first", "second", "path"), CONSISTENCY)
def test_known_consistency_proofs(first, second, path):
    proof = KNOWN_TREE.consistency_proof(first, second)
    assert [node.hex() for node in proof] == path
    first_root, second_root = (bytes.fromhex(ROOTS[n - 1]) for n in (first, second))
    assert verify_consistency(first, second, first_root, second_root, proof)


def test_trivial_consistency_cases():
    root1, root2 = TREE_64.root(1), TREE_64.root(2)
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert verify_consistency(0, 5, EMPTY_ROOT, TREE_64.root(5), [])
    assert verify_consistency(1, 1, root1, root1, [])
    assert not verify_consistency(1, 1, root1, root2, [])
    assert not verify_consistency(2, 1, root2, root1, [])
    assert not verify_consistency(1, 2, root1, root2, [])  # empty proof
    assert not verify_consistency(1, 1, root1, root1, [root1])  # proof where none is due


@pytest.mark.parametrize("size", range(0, 65))
def test_roots_match_the_rfc_definition_and_the_compact_range(size):
    leaves = entries(size)
    compact = CompactRange()
    for leaf in leaves:
        compact.append(leaf)
    assert TREE_64.root(size) == reference_root(leaves) == compact.root()


@pytest.mark.parametrize("size", range(1, 65))
def test_every_inclusion_proof_verifies(size):
    root = TREE_64.root(size)
    for index in range(size):
        proof = TREE_64.inclusion_proof(index, size)
        assert verify_inclusion(TREE_64.leaf_hash(index), index, size, proof, root)


@pytest.mark.parametrize("second", range(1, 65))
def test_every_consistency_proof_verifies(second):
    second_root = TREE_64.root(second)
    for first in range(0, second + 1):
        proof = TREE_64.consistency_proof(first, second)
        assert verify_consistency(first, second, TREE_64.root(first), second_root, proof)


def test_compact_range_continues_from_peaks():
    leaves = entries(45)
    prefix = CompactRange()
    for leaf in leaves[:29]:
        prefix.append(leaf)
    resumed = CompactRange(prefix.size, prefix.peaks)
    for leaf in leaves[29:]:
        resumed.append(leaf)
    assert resumed.root() == TREE_64.root(45)
    with pytest.raises(ValueError):
        CompactRange(29, prefix.peaks[:-1])  # 29 = 0b11101 needs four peaks


def test_proofs_for_impossible_positions_are_refused():
    with pytest.raises(ValueError):
        TREE_64.inclusion_proof(5, 5)
    with pytest.raises(ValueError):
        TREE_64.consistency_proof(6, 5)
    with pytest.raises(ValueError):
        TREE_64.root(65)


def flip_bit(node: bytes, bit: int) -> bytes:
    return node[: bit // 8] + bytes([node[bit // 8] ^ (1 << bit % 8)]) + node[bit // 8 + 1 :]


PROOF_EDITS = ["flip", "drop_last", "drop_first", "append", "prepend", "duplicate"]


def edit_proof(proof: list[bytes], edit: str, position: int, bit: int, extra: bytes):
    """A changed copy of `proof`, or None when the edit does not apply."""
    proof = list(proof)
    if edit == "flip":
        if not proof:
            return None
        i = position % len(proof)
        proof[i] = flip_bit(proof[i], bit)
    elif edit == "drop_last":
        if not proof:
            return None
        proof.pop()
    elif edit == "drop_first":
        if not proof:
            return None
        proof.pop(0)
    elif edit == "append":
        proof.append(extra)
    elif edit == "prepend":
        proof.insert(0, extra)
    else:
        if not proof:
            return None
        proof.insert(position % len(proof), proof[position % len(proof)])
    return proof


@given(
    size=st.integers(1, 64),
    index=st.integers(0, 63),
    edit=st.sampled_from(PROOF_EDITS),
    position=st.integers(0, 10),
    bit=st.integers(0, 255),
    extra=st.binary(min_size=32, max_size=32),
)
def test_altered_inclusion_proofs_fail(size, index, edit, position, bit, extra):
    index %= size
    proof = edit_proof(TREE_64.inclusion_proof(index, size), edit, position, bit, extra)
    assume(proof is not None)
    root = TREE_64.root(size)
    assert not verify_inclusion(TREE_64.leaf_hash(index), index, size, proof, root)


@given(
    size=st.integers(1, 64),
    index=st.integers(0, 63),
    other=st.integers(0, 63),
    bit=st.integers(0, 255),
)
def test_inclusion_proofs_fail_for_another_leaf_position_or_hash(size, index, other, bit):
    index, other = index % size, other % size
    proof = TREE_64.inclusion_proof(index, size)
    root = TREE_64.root(size)
    leaf = TREE_64.leaf_hash(index)
    assert not verify_inclusion(flip_bit(leaf, bit), index, size, proof, root)
    assert not verify_inclusion(leaf, index, size, proof, flip_bit(root, bit))
    if other != index:
        assert not verify_inclusion(leaf, other, size, proof, root)
    assert not verify_inclusion(leaf, index + size, size, proof, root)


@given(
    second=st.integers(2, 64),
    first=st.integers(1, 63),
    edit=st.sampled_from(PROOF_EDITS),
    position=st.integers(0, 10),
    bit=st.integers(0, 255),
    extra=st.binary(min_size=32, max_size=32),
)
def test_altered_consistency_proofs_fail(second, first, edit, position, bit, extra):
    first = first % (second - 1) + 1  # 0 < first < second: a proof is due
    proof = edit_proof(TREE_64.consistency_proof(first, second), edit, position, bit, extra)
    assume(proof is not None)
    assert not verify_consistency(first, second, TREE_64.root(first), TREE_64.root(second), proof)


@given(second=st.integers(2, 64), first=st.integers(1, 63), bit=st.integers(0, 255))
def test_consistency_proofs_fail_for_other_roots(second, first, bit):
    first = first % (second - 1) + 1
    proof = TREE_64.consistency_proof(first, second)
    root1, root2 = TREE_64.root(first), TREE_64.root(second)
    assert not verify_consistency(first, second, flip_bit(root1, bit), root2, proof)
    assert not verify_consistency(first, second, root1, flip_bit(root2, bit), proof)
    assert not verify_consistency(first, second, root2, root1, proof)
    # The proof does not carry over to a different pair of sizes with their true roots.
    if first + 1 < second:
        assert not verify_consistency(first + 1, second, TREE_64.root(first + 1), root2, proof)
