"""Consistency proof documents: the newer signed log extends the older one."""

import copy

import pytest

from registry.audit.consistency import consistency_document, verify_consistency_document
from registry.audit.merkle import MerkleTree
from registry.audit.treehead import raw_public_key, sign_tree_head
from tests.audit.bundles import TIMESTAMP
from tests.audit.factories import TENANT, make_log, signing_key

LOG = make_log(19)
TREE = MerkleTree(bytes.fromhex(event["hash"]) for event in LOG)
KEY = raw_public_key(signing_key())
ROTATED = raw_public_key(signing_key("rotated"))


def head(size, key_name="tenant", tree=TREE):
    return sign_tree_head(
        signing_key(key_name),
        tenant=TENANT,
        tree_size=size,
        root_hash=tree.root(size),
        timestamp=TIMESTAMP,
    )


@pytest.mark.parametrize(("first", "second"), [(0, 5), (1, 1), (4, 19), (7, 19), (18, 19)])
def test_consistent_heads_verify(first, second):
    doc = consistency_document(TREE, head(first), KEY, head(second), KEY)
    result = verify_consistency_document(doc, KEY)
    assert result.valid, result.problem
    assert (result.first_size, result.tree_size) == (first, second)
    assert result.summary().startswith(f"valid: tree size {second} of tenant {TENANT} extends")


def test_key_rotation_between_heads():
    doc = consistency_document(TREE, head(5), KEY, head(19, "rotated"), ROTATED)
    assert verify_consistency_document(doc, ROTATED).valid
    assert verify_consistency_document(doc, KEY).problem == "public key differs from pinned key"


def test_rewritten_history_is_caught():
    # The older head was signed over a log whose event 3 later changed.
    rewritten = [dict(event) for event in LOG]
    rewritten[2]["hash"] = "ab" * 32
    other_tree = MerkleTree(bytes.fromhex(event["hash"]) for event in rewritten)
    doc = consistency_document(other_tree, head(7), KEY, head(19, tree=other_tree), KEY)
    assert verify_consistency_document(doc, KEY).problem == (
        "consistency_path does not prove that the second tree extends the first"
    )


def tampered(change):
    doc = copy.deepcopy(consistency_document(TREE, head(7), KEY, head(19), KEY))
    change(doc)
    result = verify_consistency_document(doc, KEY)
    assert not result.valid
    return result.problem


def test_tampering():
    assert tampered(lambda d: d["consistency_path"].pop()).startswith("consistency_path does not")
    assert tampered(lambda d: d["first"].update(tree_size=6)) == "first: signature invalid"
    assert tampered(lambda d: d.update(first=d["second"], second=d["first"])) == (
        "first tree head is larger than the second"
    )
    assert tampered(lambda d: d.update(tenant="other")) == "first: tree head is for another tenant"
    assert tampered(lambda d: d["second"].pop("public_key")) == (
        "second: public_key is not 64 lowercase hex digits"
    )
