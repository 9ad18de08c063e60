"""`accord mous ...`: the MOU register's daily work, for cron.

5 0 * * *  accord mous expire          # MOUs in force past their expiry
10 0 * * * accord mous reviews-due     # MOUs whose periodic review has fallen due

Without `--as-of` each MOU is judged by today in its association's zone. Given
`--as-of DAY` a job is a dry run (it prints what it would do) unless `--apply` is given.
"""

from __future__ import annotations

from datetime import date

import click

from registry.console import apply_option, run_job

AS_OF_HELP = "Run as if today were this date (a dry run unless --apply)."
mous_group = click.Group("mous", help="The MOU register: expiry and reviews that fall due.")


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("a date, e.g. 2026-12-31", param_hint="--as-of") from None


@mous_group.command("expire")
@click.option("--as-of", "as_of", default=None, help=AS_OF_HELP)
@click.option("--tenant", default=None, help="Only this tenant's MOUs (default: every tenant).")
@apply_option()
def expire_command(as_of: str | None, tenant: str | None, apply: bool) -> None:
    """Mark every MOU in force whose expiry date has passed as expired (every tenant)."""
    from registry.audit.ledger import OPERATOR
    from registry.mous.schemas import MouOut
    from registry.mous.service import expire_due

    def show(expired: list[MouOut]) -> None:
        for mou in expired:
            click.echo(f"{mou.id}\t{mou.reference}\texpired {mou.expires_on}\t{mou.title}")

    work = expire_due(actor=OPERATOR, on=_day(as_of), tenant=tenant)
    run_job(work, as_of=as_of, apply=apply, show=show)


@mous_group.command("reviews-due")
@click.option("--as-of", "as_of", default=None, help=AS_OF_HELP)
@click.option("--tenant", default=None, help="Only this tenant's MOUs (default: every tenant).")
@apply_option()
def reviews_due_command(as_of: str | None, tenant: str | None, apply: bool) -> None:
    """Open the review of every MOU in force whose review has fallen due (every tenant)."""
    from registry.audit.ledger import OPERATOR
    from registry.mous.schemas import ReviewOut
    from registry.mous.service import open_due_reviews

    def show(opened: list[ReviewOut]) -> None:
        for review in opened:
            click.echo(f"{review.mou_id}\treview {review.id}\tdue {review.due_on}")

    work = open_due_reviews(actor=OPERATOR, on=_day(as_of), tenant=tenant)
    run_job(work, as_of=as_of, apply=apply, show=show)
