"""Tenants, people and memberships: the operations the CLI and the API share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from tenants.database import write_transaction
from tenants.errors import Conflict, InvalidInput, NotFound
from tenants.keys import create_tenant_keys
from tenants.roles import Role, parse_role
from tenants.tables import Membership, Person, Tenant
from tenants.trail import AuditTrail
from tenants.validation import (
    check_country,
    check_email,
    check_name,
    check_slug,
    check_time_zone,
)

ACTIVE = "active"
SUSPENDED = "suspended"


async def create_tenant(
    slug: str,
    name: str,
    country: str,
    time_zone: str = "UTC",
    settings: dict[str, Any] | None = None,
    *,
    actor: AuditTrail,
) -> Tenant:
    slug = check_slug(slug)
    tenant = Tenant(
        slug=slug,
        name=check_name(name),
        country=check_country(country),
        time_zone=check_time_zone(time_zone),
        settings=settings or {},
    )
    async with write_transaction():
        if await Tenant.exists().where(Tenant.slug == slug):
            raise Conflict(f"a tenant with slug {slug!r} already exists")
        await tenant.save()
        key = await create_tenant_keys(tenant.id)
        created = {
            "slug": slug,
            "name": tenant.name,
            "country": tenant.country,
            "time_zone": tenant.time_zone,
            "settings": tenant.settings,
            "key_id": key.key_id,
        }
        await actor.record(
            tenant.id,
            "tenant.created",
            "tenant",
            str(tenant.id),
            {name: [None, value] for name, value in created.items()},
        )
    return tenant


async def get_tenant(slug: str) -> Tenant:
    tenant = await Tenant.objects().where(Tenant.slug == slug).first()
    if tenant is None:
        raise NotFound(f"no tenant {slug!r}")
    return tenant


async def list_tenants() -> list[Tenant]:
    return await Tenant.objects().order_by(Tenant.slug)


async def update_tenant(
    slug: str,
    *,
    name: str | None = None,
    country: str | None = None,
    time_zone: str | None = None,
    settings: dict[str, Any] | None = None,
    actor: AuditTrail,
) -> Tenant:
    changes: dict[Any, Any] = {}
    if name is not None:
        changes[Tenant.name] = check_name(name)
    if country is not None:
        changes[Tenant.country] = check_country(country)
    if time_zone is not None:
        changes[Tenant.time_zone] = check_time_zone(time_zone)
    if settings is not None:
        changes[Tenant.settings] = settings
    async with write_transaction():
        tenant = await get_tenant(slug)
        if changes:
            before = {
                column._meta.name: [getattr(tenant, column._meta.name), value]
                for column, value in changes.items()
            }
            changes[Tenant.updated_at] = datetime.now(UTC)
            await Tenant.update(changes).where(Tenant.id == tenant.id)
            await actor.record(tenant.id, "tenant.updated", "tenant", str(tenant.id), before)
    return await get_tenant(slug)


async def set_tenant_status(
    slug: str, status: str, reason: str = "", *, actor: AuditTrail
) -> Tenant:
    if status not in {ACTIVE, SUSPENDED}:
        raise InvalidInput("status", f"must be {ACTIVE!r} or {SUSPENDED!r}")
    async with write_transaction():
        tenant = await get_tenant(slug)
        if tenant.status == status:
            raise Conflict(f"tenant {slug!r} is already {status}")
        await Tenant.update(
            {
                Tenant.status: status,
                Tenant.suspended_reason: reason if status == SUSPENDED else "",
                Tenant.updated_at: datetime.now(UTC),
            }
        ).where(Tenant.id == tenant.id)
        await actor.record(
            tenant.id,
            "tenant.suspended" if status == SUSPENDED else "tenant.resumed",
            "tenant",
            str(tenant.id),
            {"status": [tenant.status, status]},
            reason,
        )
    return await get_tenant(slug)


async def find_person(email: str) -> Person | None:
    return await Person.objects().where(Person.email == check_email(email)).first()


async def ensure_person(email: str, name: str = "", password_hash: str = "") -> Person:
    """The person with this e-mail, created if new (caller holds the transaction)."""
    email = check_email(email)
    person = await Person.objects().where(Person.email == email).first()
    if person is None:
        person = Person(email=email, name=name.strip(), password_hash=password_hash)
        await person.save()
        return person
    updates: dict[Any, Any] = {}
    if name and name.strip() != person.name:
        updates[Person.name] = name.strip()
    if password_hash:
        updates[Person.password_hash] = password_hash
    if updates:
        await Person.update(updates).where(Person.id == person.id)
        person = await Person.objects().where(Person.id == person.id).first()
        assert person is not None
    return person


@dataclass(frozen=True, slots=True)
class Grant:
    membership: Membership
    person: Person
    created: bool


async def grant_role(
    tenant: Tenant,
    email: str,
    role: str | Role,
    name: str = "",
    password_hash: str = "",
    *,
    actor: AuditTrail,
) -> Grant:
    """Give a person (created if new) a role in a tenant; granting twice is harmless."""
    role = parse_role(str(role))
    async with write_transaction():
        person = await ensure_person(email, name, password_hash)
        existing = (
            await Membership.objects()
            .where(
                (Membership.tenant == tenant.id)
                & (Membership.person == person.id)
                & (Membership.role == role.value)
            )
            .first()
        )
        if existing is not None:
            return Grant(existing, person, created=False)
        membership = Membership(tenant=tenant.id, person=person.id, role=role.value)
        await membership.save()
        await actor.record(
            tenant.id,
            "membership.granted",
            "membership",
            str(membership.id),
            membership_changes(person, role.value, password_set=bool(password_hash)),
        )
    return Grant(membership, person, created=True)


def membership_changes(
    person: Person, role: str, *, password_set: bool = False
) -> dict[str, list[Any]]:
    """The audit record of a role granted to a person (the password never appears)."""
    changes: dict[str, list[Any]] = {
        "person": [None, str(person.id)],
        "email": [None, person.email],
        "role": [None, role],
    }
    if password_set:
        changes["password_hash"] = [None, "set"]  # redacted by the ledger
    return changes


async def roles_of(tenant_id: UUID, person_id: UUID) -> frozenset[Role]:
    rows = await Membership.select(Membership.role).where(
        (Membership.tenant == tenant_id) & (Membership.person == person_id)
    )
    return frozenset(Role(row["role"]) for row in rows)
