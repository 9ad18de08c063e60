"""Per-tenant keys, wrapped by the platform's master key.

The master key (32 random bytes, base64 in a 0600 file, created on the first run
against a database that holds no wrapped key) never leaves this module. Each tenant
has an Ed25519 signing key (audit tree heads, board decisions, certificates) and a
256-bit AES-GCM data key (confidential fields). Both are stored wrapped with AES-GCM
under the master key, the tenant id and key purpose bound in as associated data so a
wrapped key cannot be moved to another tenant. Rotation retires the active pair and
creates a new one; retired keys are kept, so old signatures verify and old
ciphertexts decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from tenants.errors import NotFound
from tenants.settings import load_settings
from tenants.tables import TenantKey

if TYPE_CHECKING:
    from tenants.trail import AuditTrail

NONCE_BYTES = 12


class MasterKeyError(RuntimeError):
    pass


def load_master_key(path: Path) -> bytes:
    """Read the master key file; refused if others may read it or it is malformed."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        raise MasterKeyError(f"master key file {path} does not exist") from None
    if mode & 0o077:
        raise MasterKeyError(
            f"master key file {path} is readable by group or others (mode {mode:o}); "
            f"make it private with: chmod 600 {path}"
        )
    try:
        key = base64.b64decode(path.read_bytes().strip(), validate=True)
    except ValueError as exc:
        raise MasterKeyError(f"master key file {path} is not base64") from exc
    if len(key) != 32:
        raise MasterKeyError(f"master key file {path} must hold 32 bytes, holds {len(key)}")
    return key


def create_master_key(path: Path) -> bytes:
    """Create a new master key file (mode 0600); if another process created it first,
    read theirs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = AESGCM.generate_key(bit_length=256)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return load_master_key(path)
    with os.fdopen(fd, "wb") as handle:
        handle.write(base64.b64encode(key) + b"\n")
    return key


async def open_master_key(path: Path) -> bytes:
    """The master key at `path`. A missing file is created only when the database holds
    no wrapped tenant key: otherwise a new key could never unwrap them, and the
    operator has merely pointed ACCORD_MASTER_KEY_FILE at the wrong place."""
    if path.exists():
        return load_master_key(path)
    wrapped = await TenantKey.count()
    if wrapped:
        raise MasterKeyError(
            f"master key file {path} does not exist, but the database holds {wrapped} "
            "tenant key(s) wrapped by a master key; set ACCORD_MASTER_KEY_FILE to that "
            "key's file (or restore it to this path): a new key could not unwrap them"
        )
    return create_master_key(path)


_masters: dict[str, AESGCM] = {}


async def master() -> AESGCM:
    path = str(load_settings().security.master_key_file)
    aead = _masters.get(path)
    if aead is None:
        aead = _masters[path] = AESGCM(await open_master_key(Path(path)))
    return aead


def _wrap(aead: AESGCM, secret: bytes, aad: bytes) -> str:
    nonce = os.urandom(NONCE_BYTES)
    return base64.b64encode(nonce + aead.encrypt(nonce, secret, aad)).decode()


def _unwrap(aead: AESGCM, wrapped: str, aad: bytes) -> bytes:
    raw = base64.b64decode(wrapped)
    try:
        return aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)
    except InvalidTag as exc:
        raise MasterKeyError(
            "a tenant key cannot be unwrapped: the master key differs from the one that "
            "wrapped it, or the stored key was altered"
        ) from exc


def _aad(tenant_id: UUID, purpose: str, key_id: str) -> bytes:
    return f"accord/{tenant_id}/{purpose}/{key_id}".encode()


def public_key_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id_for(public_key: bytes) -> str:
    """Short fingerprint of a public key: the first 16 bytes of its SHA-256, hex."""
    return hashlib.sha256(public_key).hexdigest()[:32]


async def create_tenant_keys(tenant_id: UUID) -> TenantKey:
    """Create and store a new active key pair for the tenant (caller holds the transaction)."""
    signing = Ed25519PrivateKey.generate()
    public = public_key_bytes(signing.public_key())
    key_id = key_id_for(public)
    data_key = AESGCM.generate_key(bit_length=256)
    raw_private = signing.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    row = TenantKey(
        tenant=tenant_id,
        key_id=key_id,
        public_key=public.hex(),
        wrapped_signing_key=_wrap(await master(), raw_private, _aad(tenant_id, "signing", key_id)),
        wrapped_data_key=_wrap(await master(), data_key, _aad(tenant_id, "data", key_id)),
        active=True,
    )
    await row.save()
    return row


async def rotate_tenant_keys(tenant_id: UUID, *, actor: AuditTrail) -> TenantKey:
    """Retire the active pair and create a new one (caller holds the transaction)."""

    retired = await TenantKey.select(TenantKey.key_id).where(
        (TenantKey.tenant == tenant_id) & (TenantKey.active == True)  # noqa: E712
    )
    await TenantKey.update(
        {TenantKey.active: False, TenantKey.retired_at: datetime.now(UTC)}
    ).where((TenantKey.tenant == tenant_id) & (TenantKey.active == True))  # noqa: E712
    row = await create_tenant_keys(tenant_id)
    old = ",".join(sorted(r["key_id"] for r in retired)) or None
    await actor.record(
        tenant_id, "key.rotated", "tenant_key", row.key_id, {"active_key_id": [old, row.key_id]}
    )
    return row


async def _active_key(tenant_id: UUID) -> TenantKey:
    row = (
        await TenantKey.objects()
        .where((TenantKey.tenant == tenant_id) & (TenantKey.active == True))  # noqa: E712
        .first()
    )
    if row is None:
        raise NotFound(f"tenant {tenant_id} has no active key")
    return row


async def _key(tenant_id: UUID, key_id: str) -> TenantKey:
    row = (
        await TenantKey.objects()
        .where((TenantKey.tenant == tenant_id) & (TenantKey.key_id == key_id))
        .first()
    )
    if row is None:
        raise NotFound(f"key {key_id} is not a key of this tenant")
    return row


@dataclass(frozen=True, slots=True)
class Signature:
    key_id: str
    public_key: bytes
    signature: bytes


async def signing_key(tenant_id: UUID) -> Ed25519PrivateKey:
    """The tenant's active Ed25519 private key, unwrapped (for audit tree heads)."""
    row = await _active_key(tenant_id)
    raw = _unwrap(await master(), row.wrapped_signing_key, _aad(tenant_id, "signing", row.key_id))
    return Ed25519PrivateKey.from_private_bytes(raw)


async def sign(tenant_id: UUID, message: bytes) -> Signature:
    row = await _active_key(tenant_id)
    raw = _unwrap(await master(), row.wrapped_signing_key, _aad(tenant_id, "signing", row.key_id))
    signature = Ed25519PrivateKey.from_private_bytes(raw).sign(message)
    return Signature(row.key_id, bytes.fromhex(row.public_key), signature)


async def verify(tenant_id: UUID, key_id: str, message: bytes, signature: bytes) -> bool:
    row = await _key(tenant_id, key_id)
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(row.public_key)).verify(signature, message)
    except InvalidSignature:
        return False
    return True


async def encrypt(tenant_id: UUID, plaintext: bytes, context: str) -> str:
    """Encrypt a confidential field; `context` (e.g. "mentoring_note:<id>") is bound in."""
    row = await _active_key(tenant_id)
    data_key = _unwrap(await master(), row.wrapped_data_key, _aad(tenant_id, "data", row.key_id))
    return f"{row.key_id}:{_wrap(AESGCM(data_key), plaintext, context.encode())}"


async def decrypt(tenant_id: UUID, token: str, context: str) -> bytes:
    key_id, _, wrapped = token.partition(":")
    row = await _key(tenant_id, key_id)
    data_key = _unwrap(await master(), row.wrapped_data_key, _aad(tenant_id, "data", row.key_id))
    try:
        return _unwrap(AESGCM(data_key), wrapped, context.encode())
    except MasterKeyError as exc:
        raise MasterKeyError("ciphertext does not match its context or was altered") from exc


async def public_keys(tenant_id: UUID) -> list[TenantKey]:
    return (
        await TenantKey.objects()
        .where(TenantKey.tenant == tenant_id)
        .order_by(TenantKey.created_at)
    )
