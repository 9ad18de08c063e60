"""Signed tree heads: a tenant's Merkle root at a size, signed with Ed25519.

A tree head is the record

    {"tenant", "tree_size", "root_hash", "timestamp", "key_id", "signature"}

root_hash and signature are lowercase hex; timestamp is UTC ISO 8601 with "Z";
key_id is the first 16 hex digits of SHA-256 of the raw 32-byte Ed25519 public key
(an identifier for humans and key rotation, never trusted on its own: verification
always uses the full key).

The signature is Ed25519 over

    b"accord-audit-tree-head-v1\\x00" || JCS({tenant, tree_size, root_hash,
                                               timestamp, key_id})

The fixed prefix separates these signatures from anything else the tenant's key
signs (board decisions, certificates), so no signature can be replayed as another.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from registry.audit.canonical import canonical_bytes
from registry.audit.chain import is_utc_time, utc_timestamp
from registry.audit.hexes import is_hex

SIGNING_CONTEXT = b"accord-audit-tree-head-v1\x00"
PUBLIC_KEY_SIZE = 32
SIGNATURE_SIZE = 64
KEY_ID_HEX_DIGITS = 16
SIGNED_FIELDS = ("tenant", "tree_size", "root_hash", "timestamp", "key_id")


class TreeHeadError(ValueError):
    """A tree head record that is malformed."""


@dataclass(frozen=True)
class TreeHead:
    tenant: str
    tree_size: int
    root_hash: str
    timestamp: str
    key_id: str
    signature: str

    def signed_fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in SIGNED_FIELDS}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: object) -> TreeHead:
        """Parse a record holding exactly the tree head fields; TreeHeadError if not."""
        if not isinstance(data, dict):
            raise TreeHeadError("tree head is not a JSON object")
        expected = {*SIGNED_FIELDS, "signature"}
        if set(data) != expected:
            raise TreeHeadError(f"tree head fields must be exactly {sorted(expected)}")
        head = cls(**data)
        problems = [
            (isinstance(head.tenant, str) and head.tenant != "", "tenant"),
            (type(head.tree_size) is int and head.tree_size >= 0, "tree_size"),
            (is_hex(head.root_hash, 32), "root_hash"),
            (isinstance(head.timestamp, str) and is_utc_time(head.timestamp), "timestamp"),
            (is_hex(head.key_id, KEY_ID_HEX_DIGITS // 2), "key_id"),
            (is_hex(head.signature, SIGNATURE_SIZE), "signature"),
        ]
        for ok, name in problems:
            if not ok:
                raise TreeHeadError(f"tree head field '{name}' is malformed")
        return head


def published_head(record: object) -> tuple[TreeHead, bytes]:
    """A tree head record carrying its signer's key as "public_key" (hex), parsed.

    This is how proof documents embed a head; TreeHeadError when malformed.
    """
    if not isinstance(record, dict):
        raise TreeHeadError("tree head is not a JSON object")
    if not is_hex(record.get("public_key"), PUBLIC_KEY_SIZE):
        raise TreeHeadError("public_key is not 64 lowercase hex digits")
    head = TreeHead.from_dict({k: v for k, v in record.items() if k != "public_key"})
    return head, bytes.fromhex(record["public_key"])


def raw_public_key(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    """The 32 raw bytes of an Ed25519 public key (of a private key's public half)."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: bytes) -> str:
    """First 16 hex digits of SHA-256 of the raw public key."""
    return hashlib.sha256(public_key).hexdigest()[:KEY_ID_HEX_DIGITS]


def signing_message(fields: dict[str, Any]) -> bytes:
    """The exact bytes an Ed25519 tree head signature covers."""
    return SIGNING_CONTEXT + canonical_bytes({name: fields[name] for name in SIGNED_FIELDS})


def sign_tree_head(
    private_key: Ed25519PrivateKey,
    *,
    tenant: str,
    tree_size: int,
    root_hash: bytes,
    timestamp: str | datetime | None = None,
) -> TreeHead:
    """Sign the tenant's root at `tree_size` (timestamp defaults to now)."""
    if not isinstance(timestamp, str):
        timestamp = utc_timestamp(timestamp)
    fields: dict[str, Any] = {
        "tenant": tenant,
        "tree_size": tree_size,
        "root_hash": root_hash.hex(),
        "timestamp": timestamp,
        "key_id": key_id(raw_public_key(private_key)),
    }
    signature = private_key.sign(signing_message(fields)).hex()
    return TreeHead.from_dict({**fields, "signature": signature})


def tree_head_problem(head: TreeHead, public_key: bytes) -> str | None:
    """Why `head` is not validly signed by `public_key`, or None when it is."""
    if len(public_key) != PUBLIC_KEY_SIZE:
        return "public key is not 32 bytes"
    if head.key_id != key_id(public_key):
        return "key_id does not match public key"
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            bytes.fromhex(head.signature), signing_message(head.signed_fields())
        )
    except (InvalidSignature, ValueError):
        return "signature invalid"
    return None


def load_public_key(data: bytes) -> bytes:
    """Raw Ed25519 public key bytes from a key file's contents.

    Accepts PEM or DER SubjectPublicKeyInfo, 32 raw bytes, or the raw key as hex or
    base64 text, so an auditor can pin a key however it was handed to them.
    """
    stripped = data.strip()
    if stripped.startswith(b"-----BEGIN"):
        return raw_public_key(_ed25519(serialization.load_pem_public_key(stripped)))
    if len(data) == PUBLIC_KEY_SIZE:
        return data
    text = stripped.decode("ascii", errors="replace")
    if len(text) == 2 * PUBLIC_KEY_SIZE and is_hex(text.lower(), PUBLIC_KEY_SIZE):
        return bytes.fromhex(text)
    try:
        decoded = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    if len(decoded) == PUBLIC_KEY_SIZE:
        return decoded
    try:
        return raw_public_key(_ed25519(serialization.load_der_public_key(data)))
    except ValueError as exc:
        raise ValueError("not an Ed25519 public key (PEM, DER, raw, hex or base64)") from exc


def pinned_public_key(value: str) -> bytes:
    """The key an auditor pins on a command line, given either way: the path of a key
    file (anything `load_public_key` reads) or the key itself as 64 hex digits (as
    GET /keys lists it) or base64. ValueError saying what was expected otherwise."""
    path = Path(value)
    if path.is_file():
        return load_public_key(path.read_bytes())
    text = value.strip()
    if is_hex(text.lower(), PUBLIC_KEY_SIZE):
        return bytes.fromhex(text)
    try:
        decoded = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    if len(decoded) == PUBLIC_KEY_SIZE:
        return decoded
    raise ValueError(
        f"{value!r} is neither a key file nor an Ed25519 public key in hex (64 hex digits)"
    )


def _ed25519(key: object) -> Ed25519PublicKey:
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("key is not an Ed25519 public key")
    return key
