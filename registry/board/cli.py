"""`accord motions ...`: the board's scheduled work, for cron.

*/15 * * * *  accord motions close-due   # decide motions past their deadline, remind

Given `--as-of TIME` it is a dry run (it prints what it would decide) unless `--apply`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import click

from registry.console import apply_option, run_job

T = TypeVar("T")

motions_group = click.Group("motions", help="Board motions: close those past their deadline.")


def parse_moment(value: str | None, name: str) -> datetime | None:
    """An ISO 8601 time with its offset (UTC if none is given), or None."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            "an ISO 8601 time, e.g. 2026-01-01T00:00:00Z", param_hint=name
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@motions_group.command("close-due")
@click.option(
    "--as-of",
    "as_of",
    default=None,
    help="Act as if it were this time (ISO 8601); a dry run unless --apply.",
)
@click.option("--tenant", default=None, help="Only this tenant's motions (default: every tenant).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per decided motion.")
@apply_option()
def close_due_command(as_of: str | None, tenant: str | None, as_json: bool, apply: bool) -> None:
    """Decide every open motion whose deadline has passed (signed record, audit event,
    the subject's state moved), then remind directors of motions closing within a day."""
    from registry.audit.ledger import OPERATOR
    from registry.board.service import ClosingRun, close_due, remind_closing

    now = parse_moment(as_of, "--as-of")

    async def work() -> tuple[ClosingRun, int]:
        closing = await close_due(actor=OPERATOR, now=now, tenant=tenant)
        return closing, await remind_closing(now=now, tenant=tenant)

    def show(done: tuple[ClosingRun, int]) -> None:
        closing, reminded = done
        for motion in closing.decided:
            if as_json:
                line = {
                    "motion": str(motion.id),
                    "status": motion.status,
                    "subject": f"{motion.subject_kind}:{motion.subject_id}",
                }
                click.echo(json.dumps(line))
            else:
                click.echo(f"{motion.id}\t{motion.status}\t{motion.subject_kind}\t{motion.title}")
        for motion_id, why in closing.failed:
            click.echo(f"{motion_id}\tnot closed: {why}", err=True)
        click.echo(f"{len(closing.decided)} decided, {reminded} reminded", err=True)
        if closing.failed:
            raise SystemExit(1)

    run_job(work(), as_of=as_of, apply=apply, show=show)


@motions_group.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--public-key",
    default=None,
    help="The tenant's Ed25519 public key to pin: in hex as GET /keys lists it, or the path "
    "of a key file (PEM, raw, hex or base64). Without it the key inside PATH is used, which "
    "proves integrity but not who signed.",
)
def verify_command(path: Path, public_key: str | None) -> None:
    """Check a decision record offline: PATH is the JSON of GET motions/{id}/decision.
    Prints the outcome and each director's vote by name; exits 1 naming what does not
    hold (the hash, the signature, the key)."""
    from registry.audit.cli import key_note, public_key_option
    from registry.board.decision import record_roll, record_sha256, verify_record
    from tenants.keys import key_id_for

    pinned = public_key_option(public_key)
    try:
        document = json.loads(path.read_bytes())
        record = str(document["record"]).encode()
        signature = bytes.fromhex(document["signature"])
        key = pinned if pinned is not None else bytes.fromhex(document["public_key"])
    except (ValueError, KeyError, TypeError) as exc:
        raise click.ClickException(f"{path}: not a decision record ({exc})") from None
    if record_sha256(record) != document.get("sha256"):
        raise click.ClickException("the record's sha256 differs from the one it names")
    if not verify_record(record, signature, key):
        raise click.ClickException(
            "the signature does not verify: the record was changed, "
            "or it was signed with another key"
        )
    body = json.loads(record)
    click.echo(
        f"ok: motion {body['motion']['id']} {body['outcome']} "
        f"({body['tally']['for']} for, {body['tally']['against']} against, "
        f"{body['tally']['abstain']} abstaining, {body['tally']['recused']} recused); "
        f"sha256 {document['sha256']}"
    )
    for entry in record_roll(body):
        who = entry.name or entry.person
        if entry.recused:
            click.echo(f"  {who}: recused ({entry.conflict})")
        else:
            click.echo(f"  {who}: {entry.choice or 'did not vote'}")
    click.echo(key_note(pinned is not None, key_id_for(key), "the file"))


@click.command("board")
@click.option("--engine", type=click.Choice(["sqlite", "postgres", "both"]), default="both")
@click.option(
    "--postgres-url",
    envvar="ACCORD_BENCH_POSTGRES_URL",
    default="postgresql://accord:accord@127.0.0.1:5432/accord_bench",
    show_default=True,
    help="Server to use; the benchmark re-creates the database NAME_board on it.",
)
@click.option("--directors", type=click.IntRange(min=2, max=1000), default=100, show_default=True)
def bench_board_command(engine: str, postgres_url: str, directors: int) -> None:
    """One vote (p50, p99), the settling vote that signs the decision, DIRECTORS votes
    at once (none lost, none doubled) and reading back a verified decision."""
    from registry.board.bench import run_board_bench

    engines = ["sqlite", "postgres"] if engine == "both" else [engine]
    for line in run_board_bench(engines, postgres_url, directors):
        click.echo(json.dumps(line))
