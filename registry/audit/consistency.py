"""Consistency proof documents: "the log at this signed head extends that one".

An auditor who kept an older signed tree head (from last year's export, say) checks
with one of these that nothing before it was rewritten or removed since: RFC 9162
section 2.1.4 proves that the first tree_size leaves of the newer tree are exactly
the older tree.

    {"type": "consistency_proof", "format": "accord-audit-consistency/1",
     "tenant": SLUG,
     "first": {tree head fields ..., "public_key": HEX},    # the older head
     "second": {tree head fields ..., "public_key": HEX},   # the newer head
     "consistency_path": [HEX, ...]}

Both heads must be validly signed; they may carry different keys (after a key
rotation), and a pinned key, when given, must have signed the newer head.
"""

from __future__ import annotations

from typing import Any

from registry.audit.hexes import is_hex
from registry.audit.merkle import HASH_SIZE, NodeSource, consistency_path, verify_consistency
from registry.audit.result import VerifyResult
from registry.audit.treehead import TreeHead, TreeHeadError, published_head, tree_head_problem

FORMAT = "accord-audit-consistency/1"
DOCUMENT_TYPE = "consistency_proof"
DOCUMENT_FIELDS = frozenset({"type", "format", "tenant", "first", "second", "consistency_path"})


def consistency_document(
    source: NodeSource,
    first: TreeHead,
    first_key: bytes,
    second: TreeHead,
    second_key: bytes,
) -> dict[str, Any]:
    """The proof that `second` (signed by `second_key`) extends `first`."""
    if first.tenant != second.tenant:
        raise ValueError("tree heads of different tenants")
    path = consistency_path(source, first.tree_size, second.tree_size)
    return {
        "type": DOCUMENT_TYPE,
        "format": FORMAT,
        "tenant": second.tenant,
        "first": {**first.to_dict(), "public_key": first_key.hex()},
        "second": {**second.to_dict(), "public_key": second_key.hex()},
        "consistency_path": [node.hex() for node in path],
    }


def verify_consistency_document(doc: object, public_key: bytes | None = None) -> VerifyResult:
    """Check a consistency document offline; `public_key` pins the newer head's key."""
    problem = _problem(doc, public_key)
    if problem is not None:
        return VerifyResult(valid=False, kind=DOCUMENT_TYPE, problem=problem)
    assert isinstance(doc, dict)
    second, _ = published_head(doc["second"])
    first, _ = published_head(doc["first"])
    return VerifyResult(
        valid=True,
        kind=DOCUMENT_TYPE,
        tenant=second.tenant,
        tree_size=second.tree_size,
        root_hash=second.root_hash,
        key_id=second.key_id,
        first_size=first.tree_size,
    )


def _problem(doc: object, pinned_key: bytes | None) -> str | None:
    if not isinstance(doc, dict) or doc.get("type") != DOCUMENT_TYPE:
        return "not a consistency proof document"
    if doc.get("format") != FORMAT:
        return f"unsupported proof format {doc.get('format')!r}"
    if set(doc) != DOCUMENT_FIELDS:
        return f"proof fields must be exactly {sorted(DOCUMENT_FIELDS)}"
    heads = {}
    for name in ("first", "second"):
        try:
            head, key = published_head(doc[name])
        except TreeHeadError as exc:
            return f"{name}: {exc}"
        if (problem := tree_head_problem(head, key)) is not None:
            return f"{name}: {problem}"
        if head.tenant != doc["tenant"]:
            return f"{name}: tree head is for another tenant"
        heads[name] = (head, key)
    (first, _), (second, second_key) = heads["first"], heads["second"]
    if pinned_key is not None and second_key != pinned_key:
        return "public key differs from pinned key"
    if first.tree_size > second.tree_size:
        return "first tree head is larger than the second"
    path = doc["consistency_path"]
    if not isinstance(path, list) or not all(is_hex(node, HASH_SIZE) for node in path):
        return "consistency_path must be a list of 64-hex-digit hashes"
    if not verify_consistency(
        first.tree_size,
        second.tree_size,
        bytes.fromhex(first.root_hash),
        bytes.fromhex(second.root_hash),
        [bytes.fromhex(node) for node in path],
    ):
        return "consistency_path does not prove that the second tree extends the first"
    return None
