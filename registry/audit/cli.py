"""`accord audit verify`: offline verification of bundles and inclusion proofs.

No database, no network and no configuration: an auditor runs it on a file they
were given. The main CLI mounts `audit_group` (or `audit_verify_command`) under
`accord audit` and adds the commands that need the database (export, prove).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from registry.audit import consistency, proof
from registry.audit.bundle import HEADER_TYPE, verify_bundle
from registry.audit.result import VerifyResult
from registry.audit.treehead import load_public_key

# A proof document is small; refuse to slurp a multi-gigabyte file by mistake.
_MAX_PROOF_BYTES = 16 * 1024 * 1024
_DOCUMENT_TYPES = (proof.DOCUMENT_TYPE, consistency.DOCUMENT_TYPE)


@click.group("audit")
def audit_group() -> None:
    """Tamper-evident audit ledger."""


@click.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--public-key",
    "public_key_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The tenant's Ed25519 public key (PEM, raw, hex or base64) to pin.",
)
def audit_verify_command(path: Path, public_key_file: Path | None) -> None:
    """Verify an export bundle, or an inclusion or consistency proof document, at PATH.

    Exit 0 and print one "valid: ..." line when everything checks; exit 1 naming the
    first bad line and what is wrong with it otherwise.
    """
    public_key = None
    if public_key_file is not None:
        try:
            public_key = load_public_key(public_key_file.read_bytes())
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--public-key") from exc
    result = verify_path(path, public_key=public_key)
    click.echo(result.summary())
    if not result.valid:
        raise click.exceptions.Exit(1)


audit_group.add_command(audit_verify_command)


def verify_path(path: Path, *, public_key: bytes | None = None) -> VerifyResult:
    """Verify `path` as whichever it is: a proof document or a bundle (the default)."""
    document = _proof_document(path)
    if document is None:
        return verify_bundle(path, public_key=public_key)
    if document.get("type") == consistency.DOCUMENT_TYPE:
        return consistency.verify_consistency_document(document, public_key)
    return proof.verify_inclusion_document(document, public_key)


def _proof_document(path: Path) -> dict[str, object] | None:
    """The parsed proof document at `path`, or None when it is not one."""
    with open(path, "rb") as stream:
        first_line = stream.readline(_MAX_PROOF_BYTES)
    try:
        first = json.loads(first_line)
    except ValueError:
        first = None
    if isinstance(first, dict) and first.get("type") == HEADER_TYPE:
        return None  # a bundle: its header is a complete object on line 1
    if path.stat().st_size > _MAX_PROOF_BYTES:
        return None
    try:
        document = json.loads(path.read_bytes())
    except ValueError:
        return None
    if isinstance(document, dict) and document.get("type") in _DOCUMENT_TYPES:
        return document
    return None
