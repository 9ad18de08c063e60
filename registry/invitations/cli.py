"""`accord members invite`: the operator (or an administrator at the console) invites
a person by e-mail. Imports stay inside the command, so that `accord --help` and the
other short commands do not pay for them."""

from __future__ import annotations

import click


@click.command("invite")
@click.argument("email", required=False)
@click.option("--tenant", "slug", required=True, help="The association's slug.")
@click.option(
    "--register",
    "from_register",
    is_flag=True,
    help="Invite every current member on the register who has no role here yet.",
)
@click.option("--role", default="member", show_default=True, help="The role offered.")
@click.option("--name", default="", help="The association's name for the member.")
@click.option("--expires-days", type=int, default=7, show_default=True)
def invite_command(
    email: str | None, slug: str, from_register: bool, role: str, name: str, expires_days: int
) -> None:
    """Invite EMAIL (or, with --register, every current or financial member on the
    register without a role here and without an open invitation) to take ROLE: an
    e-mail with a single-use link is queued in the outbox for each. Prints one line per
    invitation with its expiry (never the link)."""
    if from_register == bool(email):
        raise click.UsageError("name one EMAIL, or give --register (not both)")
    from registry.audit.ledger import OPERATOR
    from registry.console import run
    from registry.invitations.service import invite, invite_register
    from tenants import text
    from tenants.scope import TenantScope
    from tenants.service import get_tenant

    async def go() -> None:
        tenant = await get_tenant(slug)
        scope = TenantScope(tenant.id, tenant.slug)
        if from_register:
            issued = await invite_register(scope, role, actor=OPERATOR, days=expires_days)
        else:
            clean = text.clean(name, "name", text.NAME) if name else ""
            assert email is not None
            issued = [await invite(scope, email, role, clean, actor=OPERATOR, days=expires_days)]
        for one in issued:
            invitation = one.invitation
            click.echo(
                f"{invitation.email}\t{slug}\t{invitation.role}\tinvited\t"
                f"expires {invitation.expires_at:%Y-%m-%dT%H:%MZ}"
            )
        if from_register:
            click.echo(f"{len(issued)} invited from the register", err=True)

    run(go())
