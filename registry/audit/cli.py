"""`accord audit`: export, report, prove and sign-heads (on the database) and verify (offline).

`verify` needs no database, no network and no configuration: an auditor runs it on a
file they were given. The other commands read the operator's database
(ACCORD_DATABASE_URL) and sign with the tenant's key.

Daily tree heads: run `accord audit sign-heads` from cron, e.g.

    15 2 * * *  accord audit sign-heads     # signs a head for every tenant whose log grew
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

import click

from registry.audit import consistency, proof
from registry.audit.bundle import HEADER_TYPE, verify_bundle
from registry.audit.result import VerifyResult
from registry.audit.treehead import pinned_public_key
from registry.console import run

# A proof document is small; refuse to slurp a multi-gigabyte file by mistake.
_MAX_PROOF_BYTES = 16 * 1024 * 1024
_DOCUMENT_TYPES = (proof.DOCUMENT_TYPE, consistency.DOCUMENT_TYPE)
T = TypeVar("T")


@click.group("audit")
def audit_group() -> None:
    """Tamper-evident audit ledger."""


#: How an auditor pins the signer's key, said wherever a file was checked without one.
PIN_HINT = (
    "pin the tenant's published key with --public-key KEY, the key in hex as "
    "GET /api/v1/t/{tenant}/keys lists it (or a key file: PEM, raw, hex or base64)"
)


def public_key_option(value: str | None, param_hint: str = "--public-key") -> bytes | None:
    """The key given with --public-key (hex, base64 or a key file's path), or None."""
    if value is None:
        return None
    try:
        return pinned_public_key(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=param_hint) from exc


def key_note(pinned: bool, key_id: str | None, inside: str) -> str:
    """What a successful check proves about who signed, in one sentence."""
    if pinned:
        return f"signed by the pinned key {key_id}."
    return (
        f"verified against the public key inside {inside} (key {key_id}), so the file is "
        f"intact but this does not prove who signed it: {PIN_HINT}."
    )


@click.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--public-key",
    "public_key_text",
    default=None,
    help="The tenant's Ed25519 public key to pin: in hex as GET /keys lists it, or the path "
    "of a key file (PEM, raw, hex or base64). Without it the key inside PATH is used, which "
    "proves integrity but not who signed.",
)
def audit_verify_command(path: Path, public_key_text: str | None) -> None:
    """Verify an export bundle, or an inclusion or consistency proof document, at PATH.

    Exit 0 and print "valid: ..." and what the check proves about the signer when
    everything checks; exit 1 naming the first bad line and what is wrong with it
    otherwise.
    """
    public_key = public_key_option(public_key_text)
    result = verify_path(path, public_key=public_key)
    click.echo(result.summary())
    if not result.valid:
        raise click.exceptions.Exit(1)
    inside = "the bundle" if result.kind == "bundle" else "the proof document"
    click.echo(key_note(public_key is not None, result.key_id, inside))


audit_group.add_command(audit_verify_command)


def _moment(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            "an ISO 8601 time, e.g. 2026-01-01T00:00:00Z", param_hint=name
        ) from None
    if moment.tzinfo is None:
        raise click.BadParameter("give a time zone, e.g. 2026-01-01T00:00:00Z", param_hint=name)
    return moment


@audit_group.command("export")
@click.option("--tenant", "slug", required=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--since", default=None, help="Events at or after this time (ISO 8601).")
@click.option("--until", default=None, help="Events before this time (ISO 8601).")
def audit_export_command(slug: str, out: Path, since: str | None, until: str | None) -> None:
    """Write the tenant's export bundle (JSON Lines, signed tree head last) to OUT."""
    start, end = _moment(since, "--since"), _moment(until, "--until")

    async def export() -> int:
        from registry.audit.store import export_lines
        from tenants.service import get_tenant

        tenant = await get_tenant(slug)
        lines = 0
        partial = out.with_name(out.name + ".partial")
        with open(partial, "wb") as stream:
            async for line in export_lines(tenant.id, slug, start, end):
                stream.write(line)
                lines += 1
        partial.replace(out)
        return lines - 2

    events = run(export())
    click.echo(f"exported {events} events of {slug} to {out}", err=True)


@audit_group.command("report")
@click.option("--tenant", "slug", required=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--since", default=None, help="Events at or after this time (ISO 8601).")
@click.option("--until", default=None, help="Events before this time (ISO 8601).")
@click.option(
    "--format",
    "format_",
    type=click.Choice(["csv", "xlsx"]),
    default=None,
    help="csv or xlsx; by default from OUT's extension (csv unless it ends in .xlsx).",
)
def audit_report_command(
    slug: str, out: Path, since: str | None, until: str | None, format_: str | None
) -> None:
    """Write the governance report (decisions with their audit seq) of a period to OUT."""
    from registry.audit.report import render
    from registry.audit.report_data import load_report

    start, end = _moment(since, "--since"), _moment(until, "--until")
    if start is not None and end is not None and end < start:
        raise click.BadParameter("must not be before --since", param_hint="--until")
    chosen = format_ or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")
    fmt: Literal["csv", "xlsx"] = "xlsx" if chosen == "xlsx" else "csv"

    async def report() -> tuple[bytes, int]:
        from tenants.service import get_tenant

        tenant = await get_tenant(slug)
        rows, title = await load_report(tenant.id, slug, start, end)
        return render(rows, title, fmt), len(rows)

    data, count = run(report())
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(data)
    partial.replace(out)
    click.echo(f"wrote {count} rows of the governance report of {slug} to {out} ({fmt})", err=True)


@audit_group.command("prove")
@click.option("--tenant", "slug", required=True)
@click.option("--seq", type=click.IntRange(min=1), required=True)
def audit_prove_command(slug: str, seq: int) -> None:
    """Print an inclusion proof of event SEQ against a signed tree head (JSON)."""

    async def prove() -> dict[str, Any]:
        from registry.audit.store import prove
        from tenants.service import get_tenant

        tenant = await get_tenant(slug)
        return await prove(tenant.id, slug, seq)

    document = run(prove())
    sys.stdout.write(json.dumps(document, indent=2, sort_keys=True) + "\n")


@audit_group.command("sign-heads")
def audit_sign_heads_command() -> None:
    """Sign a tree head for every tenant whose log grew since its last one (run daily)."""

    async def sign() -> list[tuple[str, int]]:
        from registry.audit.store import sign_heads

        return await sign_heads()

    for slug, size in run(sign()):
        click.echo(f"{slug}\tsigned tree head at size {size}")


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


@click.command("audit")
@click.option("--engine", type=click.Choice(["sqlite", "postgres", "both"]), default="both")
@click.option(
    "--postgres-url",
    envvar="ACCORD_BENCH_POSTGRES_URL",
    default="postgresql://accord:accord@127.0.0.1:5432/accord_bench",
    show_default=True,
    help="Server to use; the benchmark re-creates the database NAME_audit on it.",
)
@click.option("--events", type=click.IntRange(min=1), default=1_000_000, show_default=True)
@click.option("--appends", type=click.IntRange(min=10), default=2000, show_default=True)
def bench_audit_command(engine: str, postgres_url: str, events: int, appends: int) -> None:
    """Append overhead (p50, p99), export plus verify of EVENTS, inclusion proof time."""
    from registry.audit.bench import run_audit_bench

    engines = ["sqlite", "postgres"] if engine == "both" else [engine]
    for line in run_audit_bench(engines, postgres_url, events, appends):
        click.echo(json.dumps(line))
