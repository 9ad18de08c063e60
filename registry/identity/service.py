"""Members, tokens and keys of one tenant, always through its `TenantScope`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from registry.audit.ledger import Actor
from registry.identity.schemas import MemberOut, MembershipSummary, MeOut, TokenOut
from tenants.database import as_moment, write_transaction
from tenants.errors import Conflict, NotFound
from tenants.roles import Role, parse_role
from tenants.scope import TenantScope
from tenants.service import (
    MustBeInvited,
    insert_membership,
    insert_person,
    lock_roles,
    membership_changes,
)
from tenants.tables import ApiToken, Membership, Person
from tenants.tokens import revoke_token
from tenants.validation import check_email, check_text

# The members page is the most requested read: its SQL is written out so that each
# request runs it rather than rebuilding it through the query builder, and its rows
# come as plain sequences in MemberOut's field order. Ids go into the struct as the
# driver gives them (text on SQLite): they only go back out as JSON strings, and
# parsing a hundred UUIDs a page only to print them again would double the cost.
# The name shown is the tenant's own name for the member if it keeps one, else the
# person's account name.
MEMBER_SELECT = (
    "SELECT m.id, p.id AS person_id, p.email, COALESCE(NULLIF(m.display_name, ''), p.name)"
    " AS name, m.role, m.created_at"
    " FROM membership m JOIN person p ON p.id = m.person WHERE m.tenant = {tenant}"
)
MEMBER_PAGE = MEMBER_SELECT + "%s ORDER BY m.created_at, m.id LIMIT {} OFFSET {}"
MEMBER_ONE = MEMBER_SELECT + " AND m.id = {}"


def _members(rows: Sequence[Sequence[Any]]) -> list[MemberOut]:
    return [
        MemberOut(membership_id, person_id, email, name, role, as_moment(created_at))
        for membership_id, person_id, email, name, role, created_at in rows
    ]


async def list_members(
    scope: TenantScope, *, limit: int, offset: int, role: Role | None = None
) -> tuple[list[MemberOut], int | None]:
    if role is None:
        rows = await scope.records(MEMBER_PAGE % "", limit + 1, offset)
    else:
        rows = await scope.records(MEMBER_PAGE % " AND m.role = {}", role.value, limit + 1, offset)
    next_offset = offset + limit if len(rows) > limit else None
    return _members(rows[:limit]), next_offset


async def get_member(scope: TenantScope, membership_id: UUID) -> MemberOut:
    rows = await scope.records(MEMBER_ONE, membership_id)
    if not rows:
        raise NotFound(f"no membership {membership_id}")
    return _members(rows)[0]


async def add_member(
    scope: TenantScope, email: str, role: str, name: str = "", *, actor: Actor
) -> MemberOut:
    """Give a role to a new person, or another role to a member of this tenant.

    An address that already has an account, and no role here, is refused
    (`MustBeInvited`): joining an association is the person's own decision, and
    the refusal shows nothing of what other associations hold about them. `name`
    is this tenant's name for the member (`Membership.display_name`); a new
    person's account starts with it, an existing account is never changed."""
    parsed = parse_role(role)
    email = check_email(email)
    name = check_text(name, "name")
    async with write_transaction():
        person, created = await insert_person(email, name)
        if not created:
            held = await scope.select(Membership, Membership.display_name).where(
                Membership.person == person.id
            )
            if not held:
                raise MustBeInvited(email, scope.slug)
            name = name or next((row["display_name"] for row in held if row["display_name"]), "")
        membership = await insert_membership(scope.tenant_id, person.id, parsed, name)
        if membership is None:
            raise Conflict(f"{email} already holds the role {parsed.value}")
        await actor.record(
            scope.tenant_id,
            "membership.granted",
            "membership",
            str(membership.id),
            membership_changes(person, parsed.value, display_name=name),
        )
    return await get_member(scope, membership.id)


async def remove_member(scope: TenantScope, membership_id: UUID, *, actor: Actor) -> None:
    async with write_transaction():
        # Locked before anything is read, so that the count below is still true
        # when the row goes (see `lock_roles`).
        await lock_roles(scope.tenant_id)
        membership = await scope.get(Membership, membership_id, "membership_id")
        if membership.role == Role.ADMIN.value:
            admins = await scope.count(Membership).where(Membership.role == Role.ADMIN.value)
            if admins <= 1:
                raise Conflict("this is the tenant's last administrator; appoint another first")
        await scope.delete(Membership).where(Membership.id == membership_id)
        await actor.record(
            scope.tenant_id,
            "membership.removed",
            "membership",
            str(membership_id),
            {"person": [str(membership.person), None], "role": [membership.role, None]},
        )


def _token(row: dict[str, Any]) -> TokenOut:
    return TokenOut(
        id=row["id"],
        person_id=row["person"],
        label=row["label"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
    )


TOKEN_COLUMNS = (
    ApiToken.id,
    ApiToken.person,
    ApiToken.label,
    ApiToken.created_at,
    ApiToken.expires_at,
    ApiToken.revoked_at,
)


async def list_tokens(scope: TenantScope, person_id: UUID | None) -> list[TokenOut]:
    """Tokens of the tenant; of one person unless `person_id` is None (administrators)."""
    query = scope.select(ApiToken, *TOKEN_COLUMNS)
    if person_id is not None:
        query = query.where(ApiToken.person == person_id)
    return [_token(row) for row in await query.order_by(ApiToken.created_at)]


async def revoke(
    scope: TenantScope, token_id: UUID, person_id: UUID | None, *, actor: Actor
) -> None:
    """Revoke a token; a non-administrator (person_id given) may revoke only their own."""
    query = scope.select(ApiToken, ApiToken.id).where(ApiToken.id == token_id)
    if person_id is not None:
        query = query.where(ApiToken.person == person_id)
    if await query.first() is None:
        raise NotFound(f"no token {token_id}")
    await revoke_token(scope.tenant_id, token_id, actor=actor)


async def me(person_id: UUID) -> MeOut:
    person = await Person.objects().where(Person.id == person_id).first()
    if person is None:
        raise NotFound("this person no longer exists")
    rows = (
        await Membership.select(
            Membership.role,
            Membership.tenant.slug.as_alias("slug"),
            Membership.tenant.name.as_alias("tenant_name"),
        )
        .where(Membership.person == person_id)
        .order_by(Membership.tenant.slug)
    )
    grouped: dict[str, MembershipSummary] = {}
    for row in rows:
        summary = grouped.setdefault(
            row["slug"], MembershipSummary(row["slug"], row["tenant_name"], [])
        )
        summary.roles.append(row["role"])
    return MeOut(
        person.id,
        person.email,
        person.name,
        list(grouped.values()),
        languages=person.languages,
        time_zone=person.time_zone,
    )
