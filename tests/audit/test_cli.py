"""`accord audit verify`, driven through click."""

import json

from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization

from registry.audit.cli import audit_group, audit_verify_command
from registry.audit.consistency import consistency_document
from registry.audit.merkle import MerkleTree
from registry.audit.proof import inclusion_document
from registry.audit.treehead import key_id, raw_public_key, sign_tree_head
from tests.audit.bundles import build, edit_line, join, lines_of
from tests.audit.factories import make_log, signing_key

LOG = make_log(12)
BUNDLE = build(LOG)
TREE = MerkleTree(bytes.fromhex(event["hash"]) for event in LOG)


def run(*args):
    return CliRunner().invoke(audit_verify_command, [str(arg) for arg in args])


def pem_file(tmp_path, key_name):
    path = tmp_path / f"{key_name}.pem"
    path.write_bytes(
        signing_key(key_name)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return path


def test_valid_bundle(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_bytes(BUNDLE)
    result = run(path, "--public-key", pem_file(tmp_path, "tenant"))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"valid: 12 events, tree size 12, root {TREE.root().hex()}")
    pinned = key_id(raw_public_key(signing_key("tenant")))
    assert result.output.splitlines()[1] == f"signed by the pinned key {pinned}."


def test_tampered_bundle_names_the_line(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_bytes(edit_line(BUNDLE, 9, reason="tidied up"))
    result = run(path)
    assert result.exit_code == 1
    assert result.output == "invalid: line 9: hash does not match content\n"

    lines = lines_of(BUNDLE)
    path.write_bytes(join(lines[:6] + lines[7:]))
    result = run(path)
    assert result.exit_code == 1
    assert result.output.startswith("invalid: line 7: seq 7 where 6 expected")


def test_pinned_key_differs(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_bytes(BUNDLE)
    result = run(path, "--public-key", pem_file(tmp_path, "intruder"))
    assert result.exit_code == 1
    assert result.output == "invalid: line 14: public key differs from pinned key\n"


def test_hex_key_file_and_bad_key_file(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_bytes(BUNDLE)
    key_file = tmp_path / "key.hex"
    key_file.write_text(raw_public_key(signing_key()).hex() + "\n")
    assert run(path, "--public-key", key_file).exit_code == 0
    key_file.write_text("garbage")
    result = run(path, "--public-key", key_file)
    assert result.exit_code == 2
    assert "not an Ed25519 public key" in result.output


def test_inclusion_proof_document(tmp_path):
    head = sign_tree_head(
        signing_key(), tenant=LOG[0]["tenant"], tree_size=12, root_hash=TREE.root()
    )
    doc = inclusion_document(TREE, LOG[4], head, raw_public_key(signing_key()))
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(doc, indent=2))
    result = run(path, "--public-key", pem_file(tmp_path, "tenant"))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("valid: event seq 5 of tenant library-association")

    doc["event"]["action"] = "motion.withdrawn"
    path.write_text(json.dumps(doc, indent=2))
    result = run(path)
    assert result.exit_code == 1
    assert result.output == "invalid: event: hash does not match content\n"


def test_not_a_bundle(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("minutes of the board meeting\n")
    result = run(path)
    assert result.exit_code == 1
    assert result.output.startswith("invalid: line 1: not valid JSON")


def test_group_mounts_verify(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_bytes(BUNDLE)
    result = CliRunner().invoke(audit_group, ["verify", str(path)])
    assert result.exit_code == 0
    assert result.output.startswith("valid: 12 events")


def test_consistency_proof_document(tmp_path):
    key = raw_public_key(signing_key())
    first = sign_tree_head(
        signing_key(), tenant=LOG[0]["tenant"], tree_size=5, root_hash=TREE.root(5)
    )
    second = sign_tree_head(
        signing_key(), tenant=LOG[0]["tenant"], tree_size=12, root_hash=TREE.root()
    )
    doc = consistency_document(TREE, first, key, second, key)
    path = tmp_path / "consistency.json"
    path.write_text(json.dumps(doc))
    result = run(path)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "valid: tree size 12 of tenant library-association extends tree size 5"
    )
    doc["consistency_path"][0] = "00" * 32
    path.write_text(json.dumps(doc))
    assert run(path).exit_code == 1


def test_without_a_pinned_key_it_says_which_key_it_trusted_and_how_to_pin(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_bytes(BUNDLE)
    result = run(path)
    assert result.exit_code == 0, result.output
    valid, note = result.output.splitlines()
    assert valid.startswith("valid: 12 events")
    assert note.startswith("verified against the public key inside the bundle (key ")
    assert "does not prove who signed it" in note
    assert "--public-key KEY" in note and "GET /api/v1/t/{tenant}/keys" in note


def test_the_key_is_pinned_as_hex_text_or_as_a_file(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_bytes(BUNDLE)
    hex_key = raw_public_key(signing_key()).hex()
    for given in (hex_key, pem_file(tmp_path, "tenant")):
        result = run(path, "--public-key", given)
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[1].startswith("signed by the pinned key ")
    intruder = raw_public_key(signing_key("intruder")).hex()
    assert run(path, "--public-key", intruder).output == (
        "invalid: line 14: public key differs from pinned key\n"
    )
    refused = run(path, "--public-key", "not-a-key")
    assert refused.exit_code == 2
    assert "neither a key file nor an Ed25519 public key in hex" in refused.output


def test_a_proof_document_names_its_own_key_when_none_is_pinned(tmp_path):
    head = sign_tree_head(signing_key(), tenant="library-association", tree_size=12,
                          root_hash=TREE.root())  # fmt: skip
    doc = inclusion_document(TREE, LOG[4], head, raw_public_key(signing_key()))
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(doc))
    result = run(path)
    assert result.exit_code == 0, result.output
    assert "inside the proof document" in result.output.splitlines()[1]
