"""Ed25519-signed tree heads and public key files."""

import base64
import hashlib
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives import serialization

from registry.audit.treehead import (
    SIGNING_CONTEXT,
    TreeHead,
    TreeHeadError,
    key_id,
    load_public_key,
    raw_public_key,
    sign_tree_head,
    signing_message,
    tree_head_problem,
)
from tests.audit.factories import TENANT, signing_key

ROOT = hashlib.sha256(b"root").digest()


def signed(**overrides):
    return sign_tree_head(
        signing_key(),
        tenant=TENANT,
        tree_size=42,
        root_hash=ROOT,
        timestamp="2025-03-02T00:00:00.000000Z",
        **overrides,
    )


def test_sign_and_verify():
    head = signed()
    public = raw_public_key(signing_key())
    assert head.key_id == hashlib.sha256(public).hexdigest()[:16] == key_id(public)
    assert head.root_hash == ROOT.hex()
    assert tree_head_problem(head, public) is None
    assert TreeHead.from_dict(head.to_dict()) == head


def test_signature_covers_context_and_every_signed_field():
    head = signed()
    message = signing_message(head.to_dict())
    assert message.startswith(SIGNING_CONTEXT)
    public = raw_public_key(signing_key())
    for change in [
        {"tenant": "other"},
        {"tree_size": 41},
        {"root_hash": "00" * 32},
        {"timestamp": "2025-03-02T00:00:01.000000Z"},
    ]:
        assert tree_head_problem(replace(head, **change), public) == "signature invalid"


def test_other_key_is_refused():
    head = signed()
    other = raw_public_key(signing_key("intruder"))
    assert tree_head_problem(head, other) == "key_id does not match public key"
    forged = replace(head, key_id=key_id(other))
    assert tree_head_problem(forged, other) == "signature invalid"


@pytest.mark.parametrize(
    "change",
    [
        {"tree_size": -1},
        {"tree_size": True},
        {"root_hash": "AB" * 32},
        {"timestamp": "yesterday"},
        {"signature": "00"},
        {"extra": 1},
    ],
)
def test_malformed_tree_heads_are_refused(change):
    with pytest.raises(TreeHeadError):
        TreeHead.from_dict({**signed().to_dict(), **change})


def test_public_key_files_in_every_common_form():
    public_key = signing_key().public_key()
    raw = raw_public_key(public_key)
    pem = public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    for data in [pem, der, raw, raw.hex().encode() + b"\n", base64.b64encode(raw)]:
        assert load_public_key(data) == raw
    with pytest.raises(ValueError):
        load_public_key(b"not a key")
