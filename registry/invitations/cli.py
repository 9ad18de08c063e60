"""`accord members invite`: the operator (or an administrator at the console) invites
a person by e-mail. Imports stay inside the command, so that `accord --help` and the
other short commands do not pay for them."""

from __future__ import annotations

import click

members_group = click.Group("members", help="An association's members: invitations.")


@members_group.command("invite")
@click.argument("email")
@click.option("--tenant", "slug", required=True, help="The association's slug.")
@click.option("--role", default="member", show_default=True, help="The role offered.")
@click.option("--name", default="", help="The association's name for the member.")
@click.option("--expires-days", type=int, default=7, show_default=True)
def invite_command(email: str, slug: str, role: str, name: str, expires_days: int) -> None:
    """Invite EMAIL to take ROLE in the association: an e-mail with a single-use link
    is queued in the outbox. Prints the invitation's id and expiry (not the link)."""
    from registry.audit.ledger import OPERATOR
    from registry.console import run
    from registry.invitations.service import invite
    from tenants import text
    from tenants.scope import TenantScope
    from tenants.service import get_tenant

    async def go() -> None:
        tenant = await get_tenant(slug)
        clean = text.clean(name, "name", text.NAME) if name else ""
        issued = await invite(
            TenantScope(tenant.id, tenant.slug),
            email,
            role,
            clean,
            actor=OPERATOR,
            days=expires_days,
        )
        invitation = issued.invitation
        click.echo(
            f"{invitation.email}\t{slug}\t{invitation.role}\tinvited\t"
            f"expires {invitation.expires_at:%Y-%m-%dT%H:%MZ}"
        )

    run(go())
