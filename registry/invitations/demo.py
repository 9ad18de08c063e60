"""Demo invitations: each association has invited people who have not accepted yet,
so that `make run` shows invitation e-mails in the outbox and a link to try.

One invitee already has an account (ALIA's coordinator, invited to AASW's board):
accepting asks for their own password and changes nothing of their account.
Idempotent: an address with an open invitation is not invited again."""

from __future__ import annotations

from datetime import UTC, datetime

from registry.audit.ledger import OPERATOR
from registry.invitations.service import invite
from registry.notifications.tables import NotificationEmail
from tenants.roles import Role
from tenants.scope import TenantScope
from tenants.tables import Invitation, Tenant

#: (tenant, e-mail, role, the association's name for the person)
INVITEES = (
    ("alia", "new.member@alia.example", Role.MEMBER, "Nadia New"),
    ("alia", "new.mentor@alia.example", Role.MEMBER, "Mateo Mentor"),
    ("aasw", "new.member@aasw.example", Role.MEMBER, "Sam Social"),
    ("aasw", "coordinator@alia.example", Role.BOARD, "ALIA coordinator"),
    ("iln", "new.member@iln.example", Role.MEMBER, "Ines Network"),
)


async def load_invitations_demo(tenants: dict[str, Tenant]) -> list[tuple[str, str, str]]:
    """(tenant, e-mail, link path) of each demo invitation still open."""
    open_links: list[tuple[str, str, str]] = []
    now = datetime.now(UTC)
    for slug, email, role, name in INVITEES:
        tenant = tenants[slug]
        pending = await Invitation.exists().where(
            (Invitation.tenant == tenant.id)
            & (Invitation.email == email)
            & Invitation.accepted_at.is_null()
            & (Invitation.expires_at > now)
        )
        accepted = await Invitation.exists().where(
            (Invitation.tenant == tenant.id)
            & (Invitation.email == email)
            & Invitation.accepted_at.is_not_null()
        )
        if accepted:
            continue
        if not pending:
            await invite(TenantScope(tenant.id, tenant.slug), email, role, name, actor=OPERATOR)
        mail = (
            await NotificationEmail.objects()
            .where(
                (NotificationEmail.tenant == tenant.id)
                & (NotificationEmail.to_address == email)
                & (NotificationEmail.kind == "invitation.created")
            )
            .order_by(NotificationEmail.created_at, ascending=False)
            .first()
        )
        if mail is not None and mail.link:
            open_links.append((slug, email, str(mail.link)))
    return open_links
