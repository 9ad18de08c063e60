"""`accord mentoring ...`: the operator's jobs for mentoring schemes."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from registry.console import apply_option, run, run_job

T = TypeVar("T")

AS_OF_HELP = "The day to run as (default: each association's today); a dry run unless --apply."

mentoring_group = click.Group(
    "mentoring", help="Mentoring schemes: fee runs, closing ended intakes, exports."
)


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("a date, e.g. 2026-09-01", param_hint="--as-of") from None


@mentoring_group.command("charge-fees")
@click.option("--tenant", "slug", default=None, help="Only this tenant (default: every tenant).")
@click.option("--as-of", "as_of", default=None, help=AS_OF_HELP)
@apply_option()
def charge_fees_command(slug: str | None, as_of: str | None, apply: bool) -> None:
    """Charge every mentee fee that is due and whose charging date has come.

    A fee falls due only once a partner is allocated and the acceptance signed; it is
    charged from the earliest day the scheme's policy allows (ALIA: two months later).
    Run it daily from cron; a fee is charged once. Prints one line per tenant. With
    --as-of it only says what it would charge, unless --apply is given."""
    day = _day(as_of)

    async def charge() -> list[tuple[str, int]]:
        from registry.audit.ledger import OPERATOR
        from registry.mentoring.fees import charge_due_fees
        from tenants import clock

        counts: list[tuple[str, int]] = []
        for scope in await _scopes(slug):
            charged = await charge_due_fees(scope, day or await clock.today(scope), actor=OPERATOR)
            counts.append((scope.slug, len(charged)))
        return counts

    def show(counts: list[tuple[str, int]]) -> None:
        for name, count in counts:
            click.echo(f"{name}\t{count} fees charged")

    run_job(charge(), as_of=as_of, apply=apply, show=show)


@mentoring_group.command("close-ended")
@click.option("--tenant", "slug", default=None, help="Only this tenant (default: every tenant).")
@click.option("--as-of", "as_of", default=None, help=AS_OF_HELP)
@apply_option()
def close_ended_command(slug: str | None, as_of: str | None, apply: bool) -> None:
    """Complete every active partnership whose intake has ended.

    Nothing continues past an intake's end: run it daily from cron. A partnership that
    never became active is left as it is (its transitions are refused after the end).
    Prints one line per tenant. With --as-of it only says what it would complete,
    unless --apply is given."""
    day = _day(as_of)

    async def close() -> list[tuple[str, int]]:
        from registry.audit.ledger import OPERATOR
        from registry.mentoring.partnerships import complete_ended
        from tenants import clock

        counts: list[tuple[str, int]] = []
        for scope in await _scopes(slug):
            done = await complete_ended(scope, day or await clock.today(scope), actor=OPERATOR)
            counts.append((scope.slug, len(done)))
        return counts

    def show(counts: list[tuple[str, int]]) -> None:
        for name, count in counts:
            click.echo(f"{name}\t{count} partnerships completed")

    run_job(close(), as_of=as_of, apply=apply, show=show)


async def _scopes(slug: str | None) -> list[Any]:
    """The scope of one tenant, or of every active tenant."""
    from tenants.scope import TenantScope
    from tenants.service import get_tenant
    from tenants.tables import Tenant

    if slug is not None:
        tenants = [await get_tenant(slug)]
    else:
        tenants = await Tenant.objects().where(Tenant.status == "active").order_by(Tenant.slug)
    return [TenantScope(tenant.id, str(tenant.slug)) for tenant in tenants]


@mentoring_group.command("export-pairs")
@click.option("--tenant", "slug", required=True)
@click.option("--intake", "intake_id", required=True, help="The intake's id.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_pairs_command(slug: str, intake_id: str, out: Path) -> None:
    """Write the intake's partnerships to OUT (.csv, or .xlsx by its extension)."""
    fmt = "xlsx" if out.suffix.lower() == ".xlsx" else "csv"

    async def export() -> bytes:
        from registry.mentoring.runs import export_pairs
        from tenants.scope import TenantScope
        from tenants.service import get_tenant

        tenant = await get_tenant(slug)
        content, _, _ = await export_pairs(TenantScope(tenant.id, slug), intake_id, fmt)
        return content

    out.write_bytes(run(export()))
    click.echo(f"wrote {out}", err=True)
