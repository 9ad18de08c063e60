"""API tokens: random secrets shown once, stored only as their SHA-256.

A token is 32 random bytes (plus a recognisable prefix). Being uniformly random, it
needs no slow password hash: SHA-256 makes the stored value useless to a reader of the
table while keeping the per-request lookup a single indexed query.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from tenants.database import write_transaction
from tenants.errors import InvalidInput, NotFound
from tenants.principal import Principal
from tenants.tables import ApiToken

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
    tenant_id: UUID, person_id: UUID, *, label: str = "", expires_days: int | None = 90
) -> IssuedToken:
    if expires_days is not None and not 1 <= expires_days <= MAX_DAYS:
        raise InvalidInput("expires_days", f"must be between 1 and {MAX_DAYS}")
    if len(label) > 100:
        raise InvalidInput("label", "must be at most 100 characters")
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
    return IssuedToken(row.id, secret, expires_at)


async def revoke_token(tenant_id: UUID, token_id: UUID) -> ApiToken:
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
    return row


async def authenticate_token(secret: str) -> Principal | None:
    """The principal behind a presented token, or None if unknown, revoked or expired."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    row = (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.person,
            ApiToken.tenant,
            ApiToken.expires_at,
            ApiToken.revoked_at,
        )
        .where(ApiToken.token_hash == hash_secret(secret))
        .first()
    )
    if row is None or row["revoked_at"] is not None:
        return None
    if row["expires_at"] is not None and row["expires_at"] <= datetime.now(UTC):
        return None
    return Principal(person_id=row["person"], token_tenant_id=row["tenant"], token_id=row["id"])
