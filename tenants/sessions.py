"""Browser sign-in: argon2id password hashes, session cookies, CSRF tokens, rate limit.

Failed attempts are counted in the database, not in process memory, because app
processes are stateless and may be many.

The database holds hashes only: of the session's secret (the cookie) and of its CSRF
token. The CSRF token is derived from the secret (an HMAC), so each request that
presents the cookie can put the token in its pages' forms without it being stored;
a presented token is checked against the stored hash.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tenants.database import write_transaction
from tenants.errors import TooManyAttempts, Unauthorized
from tenants.passwords import check_password
from tenants.principal import Principal
from tenants.service import tenants_of
from tenants.settings import load_settings
from tenants.tables import Person, SignInAttempt, WebSession
from tenants.validation import check_email

if TYPE_CHECKING:
    from tenants.trail import AuditTrail

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so that timing does not reveal which
# addresses have accounts.
_DUMMY_HASH = _hasher.hash("accord-dummy-password")
#: An address may fail this many times the per-account limit (offices share addresses).
CLIENT_FACTOR = 10


def hash_password(password: str, field: str = "password") -> str:
    """The argon2id hash of a password a person may choose (see `tenants.passwords`)."""
    return _hasher.hash(check_password(password, field))


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and bool(stored)
    except (VerificationError, InvalidHashError):
        return False


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _csrf_of(session_secret: str) -> str:
    """The session's CSRF token: unguessable without the cookie, and not stored."""
    return hmac.new(session_secret.encode(), b"accord-csrf", hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class SignedIn:
    session_secret: str
    csrf_token: str
    person: Person
    expires_at: datetime


async def sign_in(email: str, password: str, client: str, *, actor: AuditTrail) -> SignedIn:
    """Check the password and open a session.

    Audited in every tenant the person belongs to (a session may visit all of them):
    `auth.signed_in`, or `auth.sign_in_failed` for a wrong password. A failure for an
    unknown e-mail belongs to no tenant, so it is only counted in `sign_in_attempt`;
    refusals for too many attempts change nothing and are not events.
    """

    security = load_settings().security
    email = check_email(email)
    since = datetime.now(UTC) - timedelta(minutes=security.sign_in_window_minutes)
    recent_failures = SignInAttempt.count().where(
        (SignInAttempt.at >= since) & (SignInAttempt.succeeded == False)  # noqa: E712
    )
    # One account guessed at from anywhere, or many accounts from one address.
    by_email = await recent_failures.where(SignInAttempt.email == email)
    by_client = await SignInAttempt.count().where(
        (SignInAttempt.at >= since)
        & (SignInAttempt.succeeded == False)  # noqa: E712
        & (SignInAttempt.client == client[:64])
    )
    if (
        by_email >= security.sign_in_max_failures
        or by_client >= security.sign_in_max_failures * CLIENT_FACTOR
    ):
        raise TooManyAttempts(
            "too many failed sign-ins; wait before trying again",
            retry_after_s=security.sign_in_window_minutes * 60,
        )
    person = await Person.objects().where(Person.email == email).first()
    ok = _verify(person.password_hash if person else "", password)
    if not ok or person is None:
        async with write_transaction():
            await SignInAttempt(email=email, client=client[:64], succeeded=False).save()
            if person is not None:
                for tenant_id in await tenants_of(person.id):
                    await actor.record(
                        tenant_id, "auth.sign_in_failed", "person", str(person.id), {}
                    )
        raise Unauthorized("e-mail or password is wrong")
    secret = secrets.token_urlsafe(32)
    csrf = _csrf_of(secret)
    expires_at = datetime.now(UTC) + timedelta(hours=security.session_hours)
    async with write_transaction():
        await SignInAttempt(email=email, client=client[:64], succeeded=True).save()
        session = WebSession(
            person=person.id,
            session_hash=_digest(secret),
            csrf_hash=_digest(csrf),
            expires_at=expires_at,
        )
        await session.save()
        signed_in = actor.as_person(person.id, session.id)
        for tenant_id in await tenants_of(person.id):
            await signed_in.record(
                tenant_id,
                "auth.signed_in",
                "web_session",
                str(session.id),
                {"expires_at": [None, expires_at]},
            )
    return SignedIn(secret, csrf, person, expires_at)


async def authenticate_session(secret: str) -> Principal | None:
    if not secret or len(secret) > 100:
        return None
    row = (
        await WebSession.select(
            WebSession.id,
            WebSession.person,
            WebSession.csrf_hash,
            WebSession.expires_at,
            WebSession.revoked_at,
        )
        .where(WebSession.session_hash == _digest(secret))
        .first()
    )
    if row is None or row["revoked_at"] is not None or row["expires_at"] <= datetime.now(UTC):
        return None
    return Principal(
        person_id=row["person"],
        session_id=row["id"],
        csrf_token=_csrf_of(secret),
        csrf_hash=row["csrf_hash"],
    )


async def sign_out(session_id: UUID, *, actor: AuditTrail) -> None:
    """End a session; audited (`auth.signed_out`) in every tenant of its person."""

    async with write_transaction():
        rows = await WebSession.select(WebSession.person, WebSession.revoked_at).where(
            WebSession.id == session_id
        )
        if not rows or rows[0]["revoked_at"] is not None:
            return
        now = datetime.now(UTC)
        await WebSession.update({WebSession.revoked_at: now}).where(WebSession.id == session_id)
        for tenant_id in await tenants_of(rows[0]["person"]):
            await actor.record(
                tenant_id,
                "auth.signed_out",
                "web_session",
                str(session_id),
                {"revoked_at": [None, now]},
            )


def csrf_matches(expected: str | None, presented: str | None) -> bool:
    """A double-submitted token (the sign-in form's cookie and field) matches."""
    return bool(expected and presented) and secrets.compare_digest(str(expected), str(presented))


def session_csrf_ok(principal: Principal, presented: str | None) -> bool:
    """The presented token is the session's: its hash is the stored one."""
    if not presented or not principal.csrf_hash or len(presented) > 200:
        return False
    return secrets.compare_digest(_digest(presented), principal.csrf_hash)


async def end_sessions(person_id: UUID, *, keep: UUID | None = None, actor: AuditTrail) -> int:
    """End every open session of a person but `keep`; how many ended. Caller holds
    the transaction. Audited (`auth.sessions_ended`) in each of their tenants."""
    now = datetime.now(UTC)
    query = WebSession.update({WebSession.revoked_at: now}).where(
        (WebSession.person == person_id)
        & WebSession.revoked_at.is_null()
        & (WebSession.expires_at > now)
    )
    if keep is not None:
        query = query.where(WebSession.id != keep)
    ended = len(await query.returning(WebSession.id))
    if ended:
        for tenant_id in await tenants_of(person_id):
            await actor.record(
                tenant_id, "auth.sessions_ended", "person", str(person_id), {"ended": [0, ended]}
            )
    return ended
