"""`accord members ...`: the association's member register from the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from registry.console import run
from registry.invitations.cli import invite_command

members_group = click.Group(
    "members", help="The association's member register, and invitations to join."
)


def _summary(report: Any) -> list[str]:
    lines = ["columns: " + ", ".join(f"{h} -> {f}" for h, f in report.mapping.items())]
    if report.ignored:
        lines.append("ignored columns: " + ", ".join(report.ignored))
    for outcome in report.outcomes:
        if outcome.action == "refuse":
            for p in outcome.problems:
                lines.append(f"row {p.row}\trefuse\tcolumn {p.column!r}: {p.message}")
        else:
            changed = "; ".join(f"{k}: {b} -> {a}" for k, (b, a) in outcome.changes.items())
            lines.append(
                f"row {outcome.row}\t{outcome.action}\t{outcome.number}"
                + (f"\t{changed}" if changed else "")
            )
    counts = report.counts
    lines.append(
        f"{report.rows} rows: {counts['add']} to add, {counts['change']} to change, "
        f"{counts['lapse']} lapsed, {counts['unchanged']} unchanged, {counts['refuse']} refused"
    )
    return lines


@members_group.command("import")
@click.option("--tenant", "slug", required=True, help="The association's slug.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--apply",
    "apply",
    is_flag=True,
    help="Make the changes (in one transaction). Without it, a dry run.",
)
@click.option(
    "--skip-bad",
    "skip_bad",
    is_flag=True,
    help="With --apply: import the good rows and leave the refused ones out "
    "(by default any refused row stops the whole import).",
)
@click.option("--quiet", is_flag=True, help="Print only the summary line.")
def import_command(slug: str, file: Path, apply: bool, skip_bad: bool, quiet: bool) -> None:
    """Import the member register from FILE (CSV or XLSX), a dry run unless --apply.

    Prints how the columns were read, then one line per row that would be added,
    changed, lapsed or refused (with row, column and why), then the counts."""
    try:
        content = file.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"{file}: cannot read it ({exc.strerror})") from None

    async def work() -> Any:
        from registry.audit.ledger import OPERATOR
        from registry.members import parsing
        from registry.members.service import import_register
        from tenants.scope import TenantScope
        from tenants.service import get_tenant

        tenant = await get_tenant(slug)
        scope = TenantScope(tenant.id, str(tenant.slug))
        _, _, total = parsing.read_table(content)
        make_bar: Any = click.progressbar
        with make_bar(length=total, label="reading rows", file=sys.stderr, show_pos=True) as bar:
            return await import_register(
                scope, content, apply=apply, skip_bad=skip_bad, actor=OPERATOR, progress=bar.update
            )

    report = run(work())
    lines = _summary(report)
    for line in lines[-1:] if quiet else lines:
        click.echo(line)
    if report.applied:
        click.echo("applied", err=True)
    elif apply:
        click.echo("nothing to change", err=True)
    else:
        click.echo("dry run: nothing was changed (add --apply to import)", err=True)


# Invitations live with their capability; the register's group offers them.
members_group.add_command(invite_command)
