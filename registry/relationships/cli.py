"""`accord relationships ...`: the operator's commands for the relationships register.

- `rescreen [--tenant SLUG]`: screen again every partner of a request under way or an
  active MOU (what `accord screening import` does after storing a new version).
- `export --tenant SLUG --out PATH.csv|PATH.xlsx`: the relationships register.
- `cases --tenant SLUG [--status open]`: screening cases, one line each.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import click

from registry.audit.ledger import OPERATOR
from registry.console import run
from tenants.scope import TenantScope

T = TypeVar("T")

relationships_group = click.Group(
    "relationships", help="Partners, relationship requests and their screening cases."
)


async def _scope(slug: str) -> TenantScope:
    from tenants.service import get_tenant

    tenant = await get_tenant(slug)
    return TenantScope(tenant.id, str(tenant.slug))


@relationships_group.command("rescreen")
@click.option("--tenant", "slug", default=None, help="One tenant (default: every active one).")
def rescreen_command(slug: str | None) -> None:
    """Screen again every partner of a request under way or an active MOU."""
    from registry.relationships.cases import rescreen_all_tenants, rescreen_tenant

    async def one() -> tuple[int, int, int, int, list[str]]:
        return await rescreen_tenant(await _scope(slug or ""), trigger="manual", actor=OPERATOR)

    if slug is not None:
        partners, subjects, opened, gone, versions = run(one())
        click.echo(
            f"re-screened {slug}: {partners} partners, {subjects} names; {opened} new cases, "
            f"{gone} hits gone (lists: {', '.join(versions) or 'none loaded'})"
        )
        return
    reports = run(rescreen_all_tenants(OPERATOR))
    for report in reports:
        click.echo(
            f"re-screened {report.tenant}: {report.partners} partners, {report.subjects} "
            f"names; {report.cases_opened} new cases, {report.hits_disappeared} hits gone"
        )
    if not reports:
        click.echo("no partner under way in any tenant")


@relationships_group.command("export")
@click.option("--tenant", "slug", required=True)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="PATH.csv or PATH.xlsx: the format follows the suffix.",
)
def export_command(slug: str, out: Path) -> None:
    """Write the tenant's relationships register (one row per request)."""
    from registry.relationships.export import export_register
    from registry.relationships.records import now

    suffix = out.suffix.lower().lstrip(".")
    if suffix not in ("csv", "xlsx"):
        raise click.BadParameter("the file name must end in .csv or .xlsx", param_hint="--out")

    async def build() -> bytes:
        return await export_register(await _scope(slug), suffix, now())  # type: ignore[arg-type]

    body = run(build())
    out.write_bytes(body)
    click.echo(f"wrote {out} ({len(body)} bytes)")


@relationships_group.command("cases")
@click.option("--tenant", "slug", required=True)
@click.option(
    "--status", type=click.Choice(["open", "false_positive", "confirmed", "delisted"]), default=None
)
def cases_command(slug: str, status: str | None) -> None:
    """Screening cases of the tenant, newest first: status, subject, hit."""
    from registry.relationships.cases import list_cases

    async def load() -> list[Any]:
        page = await list_cases(await _scope(slug), limit=200, offset=0, status=status)
        return list(page.items)

    found = run(load())
    if not found:
        click.echo("no screening case", err=True)
    for case in found:
        click.echo(
            f"{case.id}  {case.status:<14} {case.subject_name} ~ {case.matched_name} "
            f"({case.list} {case.entity_ref}, {case.score:.3f})"
        )
