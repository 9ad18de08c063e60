"""Tenant keys: wrapped by the master key, rotated without losing the past."""

from __future__ import annotations

import os
import stat

import pytest

from registry.audit.ledger import OPERATOR
from tenants import keys
from tenants.database import write_transaction
from tenants.keys import MasterKeyError, create_master_key, load_master_key, open_master_key
from tenants.tables import TenantKey


async def test_signatures_survive_rotation(factory, database):
    world = await factory.tenant("key")
    tenant_id = world.tenant.id
    old = await keys.sign(tenant_id, b"board decision 1")
    secret = await keys.encrypt(tenant_id, b"mentoring note", "note:1")
    async with write_transaction():
        await keys.rotate_tenant_keys(tenant_id, actor=OPERATOR)
    new = await keys.sign(tenant_id, b"board decision 2")
    assert new.key_id != old.key_id
    assert await keys.verify(tenant_id, old.key_id, b"board decision 1", old.signature)
    assert await keys.verify(tenant_id, new.key_id, b"board decision 2", new.signature)
    assert not await keys.verify(tenant_id, old.key_id, b"board decision 2", old.signature)
    assert await keys.decrypt(tenant_id, secret, "note:1") == b"mentoring note"
    rows = await keys.public_keys(tenant_id)
    assert [r.active for r in rows] == [False, True]
    assert rows[0].retired_at is not None


async def test_keys_are_stored_wrapped(factory, database):
    world = await factory.tenant("key")
    row = await TenantKey.objects().where(TenantKey.tenant == world.tenant.id).first()
    # An Ed25519 private key is 32 bytes; wrapped it carries a nonce and a tag.
    assert len(row.wrapped_signing_key) > 60
    assert row.public_key not in row.wrapped_signing_key


async def test_ciphertext_is_bound_to_its_context_and_tenant(factory, database):
    a, b = await factory.tenant("key"), await factory.tenant("key")
    secret = await keys.encrypt(a.tenant.id, b"resume", "resume:7")
    with pytest.raises(MasterKeyError):
        await keys.decrypt(a.tenant.id, secret, "resume:8")
    with pytest.raises(Exception, match="not a key of this tenant"):
        await keys.decrypt(b.tenant.id, secret, "resume:7")


def test_master_key_file_is_created_private(tmp_path):
    path = tmp_path / "sub" / "master.key"
    key = create_master_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_master_key(path) == key
    assert create_master_key(path) == key  # a second creator reads the first one's key


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_master_key_readable_by_others_is_refused(tmp_path, mode):
    path = tmp_path / "master.key"
    create_master_key(path)
    os.chmod(path, mode)
    with pytest.raises(MasterKeyError, match=r"readable by group or others.*chmod 600"):
        load_master_key(path)


async def test_missing_master_key_is_not_replaced_while_wrapped_keys_exist(
    factory, database, tmp_path
):
    await factory.tenant("key")  # the database now holds keys wrapped by the suite's key
    absent = tmp_path / "elsewhere" / "master.key"
    with pytest.raises(MasterKeyError, match=r"does not exist, but the database holds \d+"):
        await open_master_key(absent)
    assert not absent.exists()


def test_malformed_master_key_is_refused(tmp_path):
    path = tmp_path / "master.key"
    path.write_text("c2hvcnQ=\n")
    os.chmod(path, 0o600)
    with pytest.raises(MasterKeyError, match="must hold 32 bytes"):
        load_master_key(path)
