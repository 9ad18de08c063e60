"""Self-service: a person's own profile, their own API tokens, and everything Accord
holds about them (the export privacy law gives them the right to).

Nothing here takes a tenant's administrator as the actor: each function acts for the
signed-in person on their own account.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from registry.audit.ledger import Actor
from tenants.database import as_datetime, fetch, write_transaction
from tenants.errors import NotFound
from tenants.service import change_person, get_tenant, roles_of
from tenants.tables import ApiToken, Person
from tenants.tokens import IssuedToken, issue_token, revoke_token


async def person_of(person_id: UUID) -> Person:
    person = await Person.objects().where(Person.id == person_id).first()
    if person is None:
        raise NotFound("this person no longer exists")
    return person


async def update_profile(
    person_id: UUID,
    *,
    name: str | None = None,
    languages: str | None = None,
    time_zone: str | None = None,
    actor: Actor,
) -> Person:
    async with write_transaction():
        person = await person_of(person_id)
        return await change_person(
            person, name=name, languages=languages, time_zone=time_zone, actor=actor
        )


OWN_TOKENS = (
    "SELECT k.id, t.slug AS tenant, k.label, k.created_at, k.expires_at, k.revoked_at"
    " FROM api_token k JOIN tenant t ON t.id = k.tenant WHERE k.person = {}"
    " ORDER BY k.created_at DESC"
)


def _moments(row: dict[str, Any]) -> dict[str, Any]:
    """The row with its instants (`*_at`) as datetimes: SQLite hands them over as text."""
    return {
        key: as_datetime(value) if key.endswith("_at") else value for key, value in row.items()
    }


async def own_tokens(person_id: UUID) -> list[dict[str, Any]]:
    """The person's API tokens in every association (never their secrets or hashes)."""
    return [_moments(row) for row in await fetch(OWN_TOKENS, person_id)]


async def create_own_token(
    person_id: UUID, tenant_slug: str, label: str, expires_days: int | None, *, actor: Actor
) -> IssuedToken:
    """A token for oneself in one of one's own associations (another is not found)."""
    tenant = await get_tenant(tenant_slug)
    if not await roles_of(tenant.id, person_id):
        raise NotFound(f"no tenant {tenant_slug!r}")
    return await issue_token(
        tenant.id, person_id, label=label, expires_days=expires_days, actor=actor
    )


async def revoke_own_token(person_id: UUID, token_id: UUID, *, actor: Actor) -> None:
    row = (
        await ApiToken.select(ApiToken.tenant)
        .where((ApiToken.id == token_id) & (ApiToken.person == person_id))
        .first()
    )
    if row is None:
        raise NotFound(f"no token {token_id}")
    await revoke_token(row["tenant"], token_id, actor=actor)


def _plain(rows: list[dict[str, Any]], json_columns: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Rows as JSON values: JSON columns parsed (SQLite gives them as text)."""
    out = []
    for row in rows:
        item = _moments(row)
        for column in json_columns:
            if isinstance(item.get(column), str):
                item[column] = json.loads(item[column])
        out.append(item)
    return out


EXPORT_QUERIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "memberships": (
        "SELECT t.slug AS tenant, t.name AS tenant_name, m.role, m.display_name, m.created_at"
        " FROM membership m JOIN tenant t ON t.id = m.tenant WHERE m.person = {}"
        " ORDER BY t.slug, m.role",
        (),
    ),
    "invitations": (
        "SELECT t.slug AS tenant, i.role, i.created_at, i.expires_at, i.accepted_at"
        " FROM invitation i JOIN tenant t ON t.id = i.tenant WHERE i.person = {}"
        " ORDER BY i.created_at",
        (),
    ),
    "sessions": (
        "SELECT created_at, expires_at, revoked_at FROM web_session WHERE person = {}"
        " ORDER BY created_at",
        (),
    ),
    "mentoring_applications": (
        "SELECT a.id, t.slug AS tenant, a.intake, a.role, a.status, a.interests, a.sector,"
        " a.career_stage, a.years, a.country, a.languages, a.utc_offset, a.preference,"
        " a.capacity, a.subject, a.decision, a.outcome, a.fee_state, a.fee_amount,"
        " a.fee_currency, a.created_at"
        " FROM mentoring_application a JOIN tenant t ON t.id = a.tenant WHERE a.person = {}"
        " ORDER BY a.created_at",
        ("interests", "languages", "subject", "decision"),
    ),
    "mentoring_partnerships": (
        "SELECT p.id, t.slug AS tenant, p.state, p.accepted_at, p.activated_at,"
        " p.completed_at, p.ended_at, p.created_at"
        " FROM mentoring_partnership p JOIN tenant t ON t.id = p.tenant"
        " WHERE p.person_a = {} OR p.person_b = {} ORDER BY p.created_at",
        (),
    ),
    "certificates": (
        "SELECT c.id, t.slug AS tenant, c.code, c.issued_at, c.revoked_at"
        " FROM participation_certificate c JOIN tenant t ON t.id = c.tenant"
        " WHERE c.person = {} ORDER BY c.issued_at",
        (),
    ),
}


async def export(person_id: UUID) -> dict[str, Any]:
    """Everything Accord holds about the person, as one JSON document."""
    person = await person_of(person_id)
    document: dict[str, Any] = {
        "exported_at": datetime.now(UTC),
        "person": {
            "id": person.id,
            "email": person.email,
            "name": person.name,
            "languages": person.languages,
            "time_zone": person.time_zone,
            "created_at": person.created_at,
            "has_password": bool(person.password_hash),
        },
        "api_tokens": await own_tokens(person_id),
    }
    for section, (sql, json_columns) in EXPORT_QUERIES.items():
        args = (person_id,) * sql.count("{}")
        document[section] = _plain(await fetch(sql, *args), json_columns)
    return document
