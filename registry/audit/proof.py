"""Inclusion proof documents: "this event is in the log this signed tree head covers".

A document (`accord-audit-proof/1`) is one JSON object:

    {"type": "inclusion_proof", "format": "accord-audit-proof/1",
     "tenant": SLUG, "seq": N,
     "event": {... the sealed event, with prev_hash and hash ...},
     "leaf_hash": HEX,               # HASH(0x00 || event hash), RFC 9162 leaf
     "tree_size": T,
     "audit_path": [HEX, ...],       # RFC 9162 inclusion path of leaf N-1 in tree T
     "tree_head": {tenant, tree_size, root_hash, timestamp, key_id, signature,
                   "public_key": HEX}}

Carrying the event itself lets the verifier recompute its hash from what it says, so
the proof shows what was decided and not only that some hash is in the log. It need
not be canonical JSON (it is read as a whole, and may be pretty-printed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from registry.audit.chain import HASH_SIZE, event_hash, link_problem
from registry.audit.hexes import is_hex
from registry.audit.merkle import NodeSource, inclusion_path, leaf_hash, verify_inclusion
from registry.audit.result import VerifyResult
from registry.audit.treehead import TreeHead, TreeHeadError, published_head, tree_head_problem

FORMAT = "accord-audit-proof/1"
DOCUMENT_TYPE = "inclusion_proof"
DOCUMENT_FIELDS = frozenset(
    {
        "type",
        "format",
        "tenant",
        "seq",
        "event",
        "leaf_hash",
        "tree_size",
        "audit_path",
        "tree_head",
    }
)


def inclusion_document(
    source: NodeSource,
    event: Mapping[str, Any],
    tree_head: TreeHead,
    public_key: bytes,
) -> dict[str, Any]:
    """The proof that sealed `event` is leaf seq-1 of the tree `tree_head` signed.

    `source` gives the tenant's complete subtree hashes (e.g. a `merkle.MerkleTree`
    of the event hashes, or a database-backed `NodeSource`) up to tree_head.tree_size.
    """
    seq = event["seq"]
    path = inclusion_path(source, seq - 1, tree_head.tree_size)
    leaf = leaf_hash(bytes.fromhex(event["hash"]))
    if not verify_inclusion(
        leaf, seq - 1, tree_head.tree_size, path, bytes.fromhex(tree_head.root_hash)
    ):
        raise ValueError("the tree does not lead to the tree head's root: wrong source or event")
    return {
        "type": DOCUMENT_TYPE,
        "format": FORMAT,
        "tenant": tree_head.tenant,
        "seq": seq,
        "event": dict(event),
        "leaf_hash": leaf.hex(),
        "tree_size": tree_head.tree_size,
        "audit_path": [node.hex() for node in path],
        "tree_head": {**tree_head.to_dict(), "public_key": public_key.hex()},
    }


def verify_inclusion_document(doc: object, public_key: bytes | None = None) -> VerifyResult:
    """Check a proof document offline; `public_key` (raw 32 bytes) pins the signer."""
    try:
        head = _verify(doc, public_key)
    except _Invalid as invalid:
        return VerifyResult(valid=False, kind=DOCUMENT_TYPE, problem=str(invalid))
    assert isinstance(doc, dict)
    return VerifyResult(
        valid=True,
        kind=DOCUMENT_TYPE,
        tenant=head.tenant,
        events=1,
        tree_size=head.tree_size,
        root_hash=head.root_hash,
        key_id=head.key_id,
        seq=doc["seq"],
    )


class _Invalid(Exception):
    pass


def _verify(doc: object, pinned_key: bytes | None) -> TreeHead:
    if not isinstance(doc, dict) or doc.get("type") != DOCUMENT_TYPE:
        raise _Invalid("not an inclusion proof document")
    if doc.get("format") != FORMAT:
        raise _Invalid(f"unsupported proof format {doc.get('format')!r}")
    if set(doc) != DOCUMENT_FIELDS:
        raise _Invalid(f"proof fields must be exactly {sorted(DOCUMENT_FIELDS)}")
    head, key = _tree_head(doc["tree_head"])
    if pinned_key is not None and key != pinned_key:
        raise _Invalid("public key differs from pinned key")
    if (problem := tree_head_problem(head, key)) is not None:
        raise _Invalid(f"tree_head: {problem}")

    seq, size, event = doc["seq"], doc["tree_size"], doc["event"]
    if doc["tenant"] != head.tenant:
        raise _Invalid("tenant differs from the tree head's tenant")
    if size != head.tree_size:
        raise _Invalid("tree_size differs from the tree head's tree_size")
    if type(seq) is not int or not 1 <= seq <= size:
        raise _Invalid(f"seq {seq!r} is not in a tree of size {size}")
    if not isinstance(event, dict) or event.get("tenant") != head.tenant:
        raise _Invalid("event is missing or belongs to another tenant")
    # The chain link is checked against the event's own prev_hash: the proof shows
    # the event's content and position, not its neighbours.
    if not is_hex(event.get("prev_hash"), HASH_SIZE):
        raise _Invalid("event: prev_hash is not 64 lowercase hex digits")
    prev_hash = bytes.fromhex(event["prev_hash"])
    problem = link_problem(event, expected_seq=seq, prev_hash=prev_hash)
    if problem is not None:
        raise _Invalid(f"event: {problem}")
    leaf = leaf_hash(event_hash(event, prev_hash))
    if doc["leaf_hash"] != leaf.hex():
        raise _Invalid("leaf_hash does not match the event")
    path = doc["audit_path"]
    if not isinstance(path, list) or not all(is_hex(node, HASH_SIZE) for node in path):
        raise _Invalid("audit_path must be a list of 64-hex-digit hashes")
    nodes = [bytes.fromhex(node) for node in path]
    if not verify_inclusion(leaf, seq - 1, size, nodes, bytes.fromhex(head.root_hash)):
        raise _Invalid("audit_path does not lead from the event to the signed root_hash")
    return head


def _tree_head(record: object) -> tuple[TreeHead, bytes]:
    try:
        return published_head(record)
    except TreeHeadError as exc:
        raise _Invalid(f"tree_head: {exc}") from None
