""" "Forgot password": a single-use link, by e-mail, to choose a new password.

The answer to a request is the same whether or not the address has an account, and
requests are rate-limited per address and per client alike (an unknown address is
counted too, so the limit itself reveals nothing). A reset ends the person's other
sessions and nothing else: API tokens and memberships stay.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from registry.audit.ledger import Actor
from registry.invitations.service import LinkGone, digest
from registry.notifications.service import queue_email
from tenants.database import as_datetime, write_transaction
from tenants.errors import NotFound, TooManyAttempts
from tenants.service import change_person, tenants_of
from tenants.sessions import end_sessions, hash_password
from tenants.tables import PasswordReset, Person
from tenants.validation import check_email

LINK_HOURS = 1
LINK_PREFIX = "/reset-password/"
#: Requests an address (or, times CLIENT_FACTOR, a client) may make per window.
MAX_PER_ADDRESS = 3
CLIENT_FACTOR = 5
WINDOW = timedelta(hours=1)


async def request_reset(email: str, client: str, *, actor: Actor) -> str | None:
    """Record the request and, for a known address, queue the e-mail with the link.

    Returns the link's secret for a known address (for tests and the demo; the
    caller shows nothing of it), None otherwise."""
    email = check_email(email)
    client = client[:64]
    since = datetime.now(UTC) - WINDOW
    recent = PasswordReset.count().where(PasswordReset.created_at >= since)
    by_address = await recent.where(PasswordReset.email == email)
    by_client = await PasswordReset.count().where(
        (PasswordReset.created_at >= since) & (PasswordReset.client == client)
    )
    if by_address >= MAX_PER_ADDRESS or by_client >= MAX_PER_ADDRESS * CLIENT_FACTOR:
        raise TooManyAttempts(
            "too many password reset requests; wait an hour before asking again",
            retry_after_s=int(WINDOW.total_seconds()),
        )
    now = datetime.now(UTC)
    person = await Person.objects().where(Person.email == email).first()
    tenants = await tenants_of(person.id) if person is not None else []
    secret = secrets.token_urlsafe(32) if tenants else None
    async with write_transaction():
        reset = PasswordReset(
            person=person.id if person is not None and tenants else None,
            email=email,
            client=client,
            token_hash=digest(secret) if secret else None,
            created_at=now,
            expires_at=now + timedelta(hours=LINK_HOURS),
        )
        await reset.save()
        if person is None or secret is None:
            return None
        for tenant_id in tenants:
            await actor.as_person(person.id).record(
                tenant_id,
                "auth.password_reset_requested",
                "person",
                str(person.id),
                {"expires_at": [None, reset.expires_at]},
            )
        # The outbox belongs to a tenant; the mail goes out in the name of the first.
        await queue_email(
            tenants[0],
            person.id,
            person.email,
            kind="auth.password_reset",
            subject="Choose a new Accord password",
            body=(
                "Someone asked to reset the password of your Accord account. Open the "
                f"link below within {LINK_HOURS} hour to choose a new one; it works once. "
                "If it was not you, ignore this message: your password stays as it is."
            ),
            link=LINK_PREFIX + secret,
        )
    return secret


async def open_reset(secret: str) -> PasswordReset:
    """The request behind a link, if the link can still be used."""
    if not secret or len(secret) > 100:
        raise NotFound("this password reset link is not known")
    reset = await PasswordReset.objects().where(PasswordReset.token_hash == digest(secret)).first()
    if reset is None or reset.person is None:
        raise NotFound("this password reset link is not known")
    if reset.used_at is not None:
        raise LinkGone("this password reset link has already been used; ask for a new one")
    expires_at = as_datetime(reset.expires_at)
    if expires_at is None or expires_at <= datetime.now(UTC):
        raise LinkGone("this password reset link has expired; ask for a new one")
    return reset


async def reset_password(secret: str, password: str, *, actor: Actor) -> Person:
    """Set the new password, use up the link and end the person's sessions."""
    reset = await open_reset(secret)
    password_hash = hash_password(password)
    now = datetime.now(UTC)
    async with write_transaction():
        won = (
            await PasswordReset.update({PasswordReset.used_at: now})
            .where((PasswordReset.id == reset.id) & PasswordReset.used_at.is_null())
            .returning(PasswordReset.id)
        )
        if not won:
            raise LinkGone("this password reset link has already been used; ask for a new one")
        person = await Person.objects().where(Person.id == reset.person).first()
        assert person is not None
        own = actor.as_person(person.id)
        person = await change_person(person, password_hash=password_hash, actor=own)
        for tenant_id in await tenants_of(person.id):
            await own.record(
                tenant_id, "auth.password_reset", "person", str(person.id), {"used_at": [None, now]}
            )
        await end_sessions(person.id, keep=actor.session_id, actor=own)
    return person
