"""Inviting a person to an association, and the person accepting.

An administrator invites an address to a role. The address gets an e-mail (the
outbox) with a link whose secret is stored only as its SHA-256; the link works once
and for `DEFAULT_DAYS` days. Accepting adds the membership:

- an address new to Accord (its account has no password yet) chooses a password;
- a person who already has an account proves it with their own password, and
  nothing of their account (name, e-mail, password) changes: another
  association's administrator cannot reach it.

Either way the person is signed in afterwards. Nothing in the answers to the
administrator tells what else the person holds in Accord.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from registry.audit.ledger import Actor
from registry.notifications.service import queue_email
from tenants.database import as_datetime, write_transaction
from tenants.errors import AccordError, Conflict, InvalidInput, NotFound
from tenants.roles import parse_role
from tenants.scope import TenantScope
from tenants.service import (
    change_person,
    insert_membership,
    insert_person,
    lock_roles,
    membership_changes,
)
from tenants.sessions import SignedIn, hash_password, sign_in
from tenants.tables import Invitation, Membership, Person, Tenant
from tenants.validation import check_email, check_text

DEFAULT_DAYS = 7
MAX_DAYS = 90
LINK_PREFIX = "/invitations/"


class LinkGone(AccordError):
    """A link that was used already, or has expired: 410, and the page says which."""

    status = 410
    title = "Gone"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Issued:
    invitation: Invitation
    #: The link's secret: in the e-mail only; returned to the caller for the CLI's
    #: own output and the tests, never stored.
    secret: str

    @property
    def link(self) -> str:
        return LINK_PREFIX + self.secret


async def invite(
    scope: TenantScope,
    email: str,
    role: str,
    name: str = "",
    *,
    actor: Actor,
    days: int = DEFAULT_DAYS,
) -> Issued:
    """Invite an address to a role in this tenant and queue the e-mail.

    Refused (409) only when the address already holds that role here: anything
    else about the person stays unsaid. `name` is this tenant's name for the
    member; a new address's account starts with it, an existing one keeps its own."""
    parsed = parse_role(role)
    email = check_email(email)
    name = check_text(name, "name")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput("expires_days", f"must be between 1 and {MAX_DAYS}")
    secret = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    async with write_transaction():
        person, _ = await insert_person(email, name)
        held = await scope.count(Membership).where(
            (Membership.person == person.id) & (Membership.role == parsed.value)
        )
        if held:
            raise Conflict(f"{email} already holds the role {parsed.value} in {scope.slug}")
        # One open invitation per address and role: a second would mail a second link.
        await lock_roles(scope.tenant_id)
        waiting = await scope.rows(
            "SELECT expires_at FROM invitation WHERE tenant = {tenant} AND email = {}"
            " AND role = {} AND accepted_at IS NULL AND expires_at > {}",
            email,
            parsed.value,
            now,
        )
        if waiting:
            raise Conflict(
                f"an invitation of {email} to the role {parsed.value} is already open "
                f"(until {as_datetime(waiting[0]['expires_at']):%d %B %Y %H:%M} UTC)"
            )
        tenant = await Tenant.objects().where(Tenant.id == scope.tenant_id).first()
        assert tenant is not None
        invitation = Invitation(
            tenant=scope.tenant_id,
            person=person.id,
            email=email,
            role=parsed.value,
            display_name=name,
            token_hash=digest(secret),
            invited_by=actor.person_id,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        await invitation.save()
        await actor.record(
            scope.tenant_id,
            "invitation.created",
            "invitation",
            str(invitation.id),
            {
                "email": [None, email],
                "role": [None, parsed.value],
                "expires_at": [None, invitation.expires_at],
            },
        )
        await queue_email(
            scope.tenant_id,
            person.id,
            email,
            kind="invitation.created",
            subject=f"{tenant.name} invites you to Accord",
            body=(
                f"{tenant.name} invites you to join it in Accord as {parsed.value}.\n"
                f"Open the link below to accept; it works once, until "
                f"{invitation.expires_at:%d %B %Y %H:%M} UTC. If you did not expect "
                "this invitation, ignore this message."
            ),
            link=LINK_PREFIX + secret,
        )
    return Issued(invitation, secret)


async def invite_many(
    scope: TenantScope,
    people: Iterable[tuple[str, str]],
    role: str,
    *,
    actor: Actor,
    days: int = DEFAULT_DAYS,
) -> list[Issued]:
    """Invite each (e-mail, name) not yet a member of this tenant; members are skipped.

    The hook for "invite every register record without an account": the member
    register passes its records' addresses and names here."""
    issued: list[Issued] = []
    for email, name in people:
        member = await scope.rows(
            "SELECT m.id FROM membership m JOIN person p ON p.id = m.person"
            " WHERE m.tenant = {tenant} AND p.email = {}",
            check_email(email),
        )
        if member:
            continue
        issued.append(await invite(scope, email, role, name, actor=actor, days=days))
    return issued


#: Register records in these states are invited; a lapsed or resigned member is not.
INVITED_STATUSES = ("current", "financial")


async def invite_register(
    scope: TenantScope, role: str, *, actor: Actor, days: int = DEFAULT_DAYS
) -> list[Issued]:
    """Invite every current or financial member on the register who holds no role here
    and has no invitation still open, so that running it again sends nothing twice."""
    from registry.members.service import records_without_account

    open_now = {
        row["email"]
        for row in await scope.rows(
            "SELECT email FROM invitation WHERE tenant = {tenant}"
            " AND accepted_at IS NULL AND expires_at > {}",
            datetime.now(UTC),
        )
    }
    people = [
        (record.email, record.name)
        for record in await records_without_account(scope)
        if record.status in INVITED_STATUSES and record.email and record.email not in open_now
    ]
    return await invite_many(scope, people, role, actor=actor, days=days)


async def list_invitations(scope: TenantScope) -> list[Invitation]:
    return await scope.objects(Invitation).order_by(Invitation.created_at, ascending=False)


@dataclass(frozen=True, slots=True)
class Pending:
    invitation: Invitation
    tenant: Tenant
    #: Whether the account already has a password (then the person signs in with it).
    has_password: bool


async def pending(secret: str) -> Pending:
    """The invitation behind a link, if it can still be accepted."""
    if not secret or len(secret) > 100:
        raise NotFound("this invitation link is not known")
    invitation = await Invitation.objects().where(Invitation.token_hash == digest(secret)).first()
    if invitation is None:
        raise NotFound("this invitation link is not known")
    if invitation.accepted_at is not None:
        raise LinkGone("this invitation has already been used; sign in instead")
    expires_at = as_datetime(invitation.expires_at)
    if expires_at is None or expires_at <= datetime.now(UTC):
        raise LinkGone(
            "this invitation has expired; ask the association's administrator for a new one"
        )
    tenant = await Tenant.objects().where(Tenant.id == invitation.tenant).first()
    person = await Person.objects().where(Person.id == invitation.person).first()
    assert tenant is not None and person is not None
    return Pending(invitation, tenant, bool(person.password_hash))


async def accept(secret: str, password: str, client: str, *, actor: Actor) -> SignedIn:
    """Accept an invitation and sign in.

    A person with an account signs in with their own password first (rate-limited
    and audited like any sign-in); a new one chooses a password here."""
    found = await pending(secret)
    invitation = found.invitation
    if found.has_password:
        signed = await sign_in(invitation.email, password, client, actor=actor)
        await _accept(invitation, None, actor=actor.as_person(signed.person.id))
        return signed
    password_hash = hash_password(password)
    await _accept(invitation, password_hash, actor=actor.as_person(invitation.person))
    return await sign_in(invitation.email, password, client, actor=actor)


async def _accept(invitation: Invitation, password_hash: str | None, *, actor: Actor) -> None:
    now = datetime.now(UTC)
    async with write_transaction():
        # Single use even when two tabs accept at once: only one UPDATE finds it open.
        won = (
            await Invitation.update({Invitation.accepted_at: now})
            .where((Invitation.id == invitation.id) & Invitation.accepted_at.is_null())
            .returning(Invitation.id)
        )
        if not won:
            raise LinkGone("this invitation has already been used; sign in instead")
        person = await Person.objects().where(Person.id == invitation.person).first()
        assert person is not None
        role = parse_role(invitation.role)
        membership = await insert_membership(
            invitation.tenant, person.id, role, invitation.display_name
        )
        await actor.record(
            invitation.tenant,
            "invitation.accepted",
            "invitation",
            str(invitation.id),
            {"accepted_at": [None, now]},
        )
        if membership is not None:
            await actor.record(
                invitation.tenant,
                "membership.granted",
                "membership",
                str(membership.id),
                membership_changes(person, role.value, display_name=invitation.display_name),
            )
        if password_hash is not None:
            # The person chooses their first password; the new tenant is told too.
            await change_person(person, password_hash=password_hash, actor=actor)
