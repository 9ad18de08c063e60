"""`accord audit export | prove | sign-heads | verify`, run as the real command."""

from __future__ import annotations

import json

import pytest

from tenants.roles import Role
from tests.cli.test_operator_cli import accord


@pytest.mark.parametrize(
    "command",
    [
        ["audit"],
        ["audit", "export"],
        ["audit", "prove"],
        ["audit", "sign-heads"],
        ["bench", "audit"],
    ],
)
def test_audit_commands_have_help(command):
    result = accord(*command, "--help")
    assert result.returncode == 0 and "Usage:" in result.stdout


async def test_export_verify_tamper_prove(factory, tmp_path):
    world = await factory.tenant("clia")
    out = tmp_path / "bundle.jsonl"
    exported = accord("audit", "export", "--tenant", world.slug, "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    verified = accord("audit", "verify", str(out))
    assert verified.returncode == 0, verified.stdout
    assert verified.stdout.startswith("valid")

    lines = out.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b"membership.granted", b"membership.removed")
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_bytes(b"".join(lines))
    refused = accord("audit", "verify", str(tampered))
    assert refused.returncode == 1
    assert "line 3" in refused.stdout

    proved = accord("audit", "prove", "--tenant", world.slug, "--seq", "2")
    assert proved.returncode == 0, proved.stderr
    document = json.loads(proved.stdout)
    assert document["type"] == "inclusion_proof" and document["seq"] == 2
    proof = tmp_path / "proof.json"
    proof.write_text(proved.stdout)
    key = tmp_path / "key.hex"
    key.write_text(document["tree_head"]["public_key"])
    checked = accord("audit", "verify", str(proof), "--public-key", str(key))
    assert checked.returncode == 0, checked.stdout


async def test_sign_heads_signs_only_grown_logs(factory):
    world = await factory.tenant("clis", rooms=False)
    first = accord("audit", "sign-heads")
    assert first.returncode == 0, first.stderr
    # A new tenant's log: its creation, a role and a token per party, its seed policy.
    events = 1 + len(Role) * 2 + 1
    assert f"{world.slug}\tsigned tree head at size {events}" in first.stdout
    again = accord("audit", "sign-heads")
    assert world.slug not in again.stdout
    await factory.party(world.tenant, Role.MEMBER, "grown@example.org")
    grown = accord("audit", "sign-heads")
    assert world.slug in grown.stdout


def test_export_of_unknown_tenant_fails_clearly(database, tmp_path):
    result = accord("audit", "export", "--tenant", "no-such", "--out", str(tmp_path / "x"))
    assert result.returncode == 1 and "no tenant 'no-such'" in result.stderr
