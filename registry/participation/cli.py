"""`accord participation ...`: the daily job (60-day flags, surveys opening, survey
reminders), the open flags of a tenant, and the check of a certificate code.

`daily` is meant for cron once a day; running it again the same day does nothing
(flags, opened surveys and reminders are each recorded once). Without `--today` it
runs on today in each association's zone; given `--today DAY` it is a dry run that
prints what it would do, unless `--apply` is given.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import click
import msgspec

from registry.console import apply_option, run, run_job

if TYPE_CHECKING:  # the service (calendars, PDFs) is imported by the command that runs
    from registry.participation.schemas import FlagOut, RunOut, VerificationOut
    from tenants.scope import TenantScope

T = TypeVar("T")

participation_group = click.Group(
    "participation",
    help="Meetings, surveys, flags and certificates of mentoring partnerships.",
)


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("expected YYYY-MM-DD", param_hint="--today") from None


async def _scope(slug: str) -> TenantScope:
    from tenants.scope import TenantScope
    from tenants.service import get_tenant

    tenant = await get_tenant(slug)
    return TenantScope(tenant.id, str(tenant.slug))


def _echo(value: Any) -> None:
    click.echo(json.dumps(msgspec.to_builtins(value), ensure_ascii=False))


@participation_group.command("daily")
@click.option("--tenant", "slug", default=None, help="Only this tenant (default: every one).")
@click.option(
    "--today",
    default=None,
    metavar="YYYY-MM-DD",
    help="The day to run as (default: each association's today); a dry run unless --apply.",
)
@apply_option("--today")
def daily_command(slug: str | None, today: str | None, apply: bool) -> None:
    """Raise 60-day flags, open due surveys and send reminders; one JSON line per tenant."""
    from registry.audit.ledger import OPERATOR
    from registry.participation import service

    day = _day(today)

    async def work() -> list[RunOut]:
        if slug is None:
            return await service.run_daily_all(actor=OPERATOR, today=day)
        return [await service.run_daily(await _scope(slug), actor=OPERATOR, today=day)]

    def show(results: list[RunOut]) -> None:
        for result in results:
            _echo(result)

    run_job(work(), as_of=today, apply=apply, show=show, option="--today")


@participation_group.command("flags")
@click.option("--tenant", "slug", required=True, help="The tenant's slug.")
@click.option("--all", "include_resolved", is_flag=True, help="Also resolved flags.")
def flags_command(slug: str, include_resolved: bool) -> None:
    """The tenant's flagged partnerships, one JSON line each."""
    from registry.participation import service

    async def work() -> list[FlagOut]:
        return await service.list_flags(await _scope(slug), open_only=not include_resolved)

    for flag in run(work()):
        _echo(flag)


@participation_group.command("verify")
@click.argument("code")
def verify_command(code: str) -> None:
    """Check a certificate code (as the public page does); exit 1 unless valid."""
    from registry.participation import service

    answer: VerificationOut = run(service.verify_certificate(code))
    _echo(answer)
    if not answer.valid:
        raise click.ClickException(f"certificate {answer.code} is {answer.status}")
