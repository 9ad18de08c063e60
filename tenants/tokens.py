"""API tokens: random secrets shown once, stored only as their SHA-256.

A token is 32 random bytes (plus a recognisable prefix). Being uniformly random, it
needs no slow password hash: SHA-256 makes the stored value useless to a reader of the
table while keeping the per-request lookup a single indexed query.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from tenants import text
from tenants.access import access_from_rows
from tenants.database import as_datetime, as_uuid, change_stamp, fetch, write_transaction
from tenants.errors import InvalidInput, NotFound
from tenants.principal import Principal
from tenants.tables import ApiToken
from tenants.validation import SLUG, check_text

if TYPE_CHECKING:
    from tenants.trail import AuditTrail

PREFIX = "acc_"
SECRET_BYTES = 32
MAX_DAYS = 3650


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedToken:
    id: UUID
    secret: str
    expires_at: datetime | None


async def issue_token(
    tenant_id: UUID,
    person_id: UUID,
    *,
    label: str = "",
    expires_days: int | None = 90,
    actor: AuditTrail,
) -> IssuedToken:
    if expires_days is not None and not 1 <= expires_days <= MAX_DAYS:
        raise InvalidInput("expires_days", f"must be between 1 and {MAX_DAYS}")
    label = check_text(label, "label", 100, text.NAME)
    secret = PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    expires_at = (
        datetime.now(UTC) + timedelta(days=expires_days) if expires_days is not None else None
    )
    row = ApiToken(
        tenant=tenant_id,
        person=person_id,
        token_hash=hash_secret(secret),
        label=label,
        expires_at=expires_at,
    )
    async with write_transaction():
        await row.save()
        await actor.record(
            tenant_id,
            "token.issued",
            "api_token",
            str(row.id),
            {
                "person": [None, str(person_id)],
                "label": [None, label],
                "expires_at": [None, expires_at],
            },
        )
    return IssuedToken(row.id, secret, expires_at)


async def revoke_token(tenant_id: UUID, token_id: UUID, *, actor: AuditTrail) -> ApiToken:
    async with write_transaction():
        row = (
            await ApiToken.objects()
            .where((ApiToken.id == token_id) & (ApiToken.tenant == tenant_id))
            .first()
        )
        if row is None:
            raise NotFound(f"no token {token_id}")
        if row.revoked_at is None:
            row.revoked_at = datetime.now(UTC)
            await ApiToken.update({ApiToken.revoked_at: row.revoked_at}).where(
                ApiToken.id == token_id
            )
            await actor.record(
                tenant_id,
                "token.revoked",
                "api_token",
                str(token_id),
                {"revoked_at": [None, row.revoked_at]},
            )
    return row


BY_HASH_SQL = (
    "SELECT t.id, t.person, t.tenant, t.expires_at, t.revoked_at"
    " FROM api_token t WHERE t.token_hash = {}"
)
#: The token and the caller's roles in the path's tenant, in one round trip.
BY_HASH_WITH_ACCESS_SQL = (
    "SELECT t.id, t.person, t.tenant, t.expires_at, t.revoked_at,"
    " m.role, tn.id AS tenant_id, tn.status, tn.suspended_reason AS reason"
    " FROM api_token t"
    " LEFT JOIN tenant tn ON tn.slug = {}"
    " LEFT JOIN membership m ON m.tenant = tn.id AND m.person = t.person"
    " WHERE t.token_hash = {}"
)


class RecentTokens:
    """Principals of the tokens presented lately, by token hash and path's tenant.

    Every API request presents a token; most present one seen a moment ago. An entry
    is served only while the database's change stamp (`change_stamp`) is the one read
    before the entry was: any commit anywhere (a revocation, a role removed, a tenant
    suspended, by this process or another) empties the cache, so an answer from it
    is the answer the database would give. Where no stamp is cheap (PostgreSQL,
    inside a transaction) nothing is cached. Expiry is checked on every use."""

    MAX_ENTRIES = 10_000

    def __init__(self) -> None:
        self._stamp: tuple[int, int] | None = None
        self._entries: dict[tuple[str, str | None], tuple[Principal, float]] = {}

    def get(self, stamp: tuple[int, int], key: tuple[str, str | None]) -> Principal | None:
        if stamp != self._stamp:
            self._entries.clear()
            self._stamp = stamp
            return None
        entry = self._entries.get(key)
        if entry is None:
            return None
        principal, expires = entry
        if expires <= time.time():
            del self._entries[key]
            return None
        return principal

    def put(
        self,
        stamp: tuple[int, int],
        key: tuple[str, str | None],
        principal: Principal,
        expires_at: datetime | None,
    ) -> None:
        if stamp != self._stamp or len(self._entries) >= self.MAX_ENTRIES:
            self._entries.clear()
            self._stamp = stamp
        expires = expires_at.timestamp() if expires_at is not None else float("inf")
        self._entries[key] = (principal, expires)


RECENT = RecentTokens()


async def authenticate_token(secret: str, tenant_slug: str | None = None) -> Principal | None:
    """The principal behind a presented token, or None if unknown, revoked or expired.

    With `tenant_slug`, the caller's standing in that tenant is read in the same
    query and carried on the principal, so that the tenant wall needs no second one.
    """
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    if tenant_slug is not None and not SLUG.match(tenant_slug):
        tenant_slug = None  # no tenant has it; the tenant wall will answer 404
    key = (hash_secret(secret), tenant_slug)
    # Read before the token: a commit in between makes the entry older, never newer.
    stamp = change_stamp()
    if stamp is not None and (known := RECENT.get(stamp, key)) is not None:
        return known
    # Every API request runs this; plain SQL skips rebuilding the query each time.
    if tenant_slug is None:
        rows = await fetch(BY_HASH_SQL, key[0])
    else:
        rows = await fetch(BY_HASH_WITH_ACCESS_SQL, tenant_slug, key[0])
    if not rows or rows[0]["revoked_at"] is not None:
        return None
    row = rows[0]
    expires_at = as_datetime(row["expires_at"])
    if expires_at is not None and expires_at <= datetime.now(UTC):
        return None
    principal = Principal(
        person_id=as_uuid(row["person"]),
        token_tenant_id=as_uuid(row["tenant"]),
        token_id=as_uuid(row["id"]),
        access=access_from_rows(tenant_slug, rows) if tenant_slug is not None else None,
    )
    if stamp is not None:
        RECENT.put(stamp, key, principal, expires_at)
    return principal
