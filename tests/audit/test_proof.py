"""Inclusion proof documents: this event is in the log this signed head covers."""

import copy

import pytest

from registry.audit.merkle import MerkleTree
from registry.audit.proof import inclusion_document, verify_inclusion_document
from registry.audit.treehead import raw_public_key, sign_tree_head
from tests.audit.bundles import TIMESTAMP
from tests.audit.factories import TENANT, make_log, signing_key

LOG = make_log(21)
TREE = MerkleTree(bytes.fromhex(event["hash"]) for event in LOG)
PUBLIC_KEY = raw_public_key(signing_key())


def head_at(size: int, key_name: str = "tenant"):
    return sign_tree_head(
        signing_key(key_name),
        tenant=TENANT,
        tree_size=size,
        root_hash=TREE.root(size),
        timestamp=TIMESTAMP,
    )


def document(seq: int = 7, size: int = 21):
    return inclusion_document(TREE, LOG[seq - 1], head_at(size), PUBLIC_KEY)


@pytest.mark.parametrize("size", [1, 2, 7, 8, 13, 21])
def test_every_event_proves_against_every_later_head(size):
    for seq in range(1, size + 1):
        result = verify_inclusion_document(document(seq, size), PUBLIC_KEY)
        assert result.valid, (seq, size, result.problem)
        assert (result.seq, result.tree_size) == (seq, size)


def test_document_layout():
    doc = document()
    assert doc["type"] == "inclusion_proof"
    assert doc["format"] == "accord-audit-proof/1"
    assert (doc["tenant"], doc["seq"], doc["tree_size"]) == (TENANT, 7, 21)
    assert doc["event"] == LOG[6]
    assert doc["tree_head"]["public_key"] == PUBLIC_KEY.hex()
    assert [bytes.fromhex(node) for node in doc["audit_path"]] == TREE.inclusion_proof(6, 21)
    assert (
        verify_inclusion_document(doc)
        .summary()
        .startswith(
            "valid: event seq 7 of tenant library-association is in the log at tree size 21"
        )
    )


def test_generation_refuses_a_tree_that_does_not_match_the_head():
    with pytest.raises(ValueError):
        inclusion_document(MerkleTree([b"x"] * 21), LOG[0], head_at(21), PUBLIC_KEY)


def tampered(change, pinned=PUBLIC_KEY):
    doc = copy.deepcopy(document())
    change(doc)
    result = verify_inclusion_document(doc, pinned)
    assert not result.valid
    return result.problem


def test_edited_event():
    assert tampered(lambda d: d["event"].update(action="motion.vote_withdrawn")) == (
        "event: hash does not match content"
    )


def test_moved_event():
    assert tampered(lambda d: d.update(seq=8)).startswith("event: seq 7 where 8 expected")


def test_swapped_event():
    assert tampered(lambda d: d.update(event=LOG[7])).startswith("event: seq 8 where 7")


def test_altered_audit_path():
    def flip(doc):
        doc["audit_path"][1] = "00" * 32

    assert tampered(flip) == "audit_path does not lead from the event to the signed root_hash"
    assert tampered(lambda d: d["audit_path"].pop()) == (
        "audit_path does not lead from the event to the signed root_hash"
    )


def test_altered_tree_head():
    assert tampered(lambda d: d["tree_head"].update(tree_size=20)) == (
        "tree_head: signature invalid"
    )
    assert tampered(lambda d: d.update(tree_size=20)) == (
        "tree_size differs from the tree head's tree_size"
    )


def test_head_of_another_size_with_the_old_path():
    def replay(doc):
        doc["tree_head"] = {**head_at(13).to_dict(), "public_key": PUBLIC_KEY.hex()}
        doc["tree_size"] = 13

    assert tampered(replay) == "audit_path does not lead from the event to the signed root_hash"


def test_keys():
    other = raw_public_key(signing_key("intruder"))
    assert not verify_inclusion_document(document(), other).valid
    assert verify_inclusion_document(document(), other).problem == (
        "public key differs from pinned key"
    )
    assert tampered(lambda d: d["tree_head"].update(public_key=other.hex()), None) == (
        "tree_head: key_id does not match public key"
    )


def test_not_a_document():
    assert verify_inclusion_document([]).problem == "not an inclusion proof document"
    assert verify_inclusion_document({**document(), "format": "x"}).problem == (
        "unsupported proof format 'x'"
    )
    assert tampered(lambda d: d.update(extra=1)).startswith("proof fields must be exactly")
