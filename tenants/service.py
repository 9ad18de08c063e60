"""Tenants, people and memberships: the operations the CLI and the API share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from piccolo.engine.postgres import PostgresEngine

from tenants import text
from tenants.database import as_uuid, current_engine, fetch, write_transaction
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
    check_text,
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


class MustBeInvited(Conflict):
    """The address already has an account: the person must be invited and accept.

    The refusal says that an account exists (an add cannot be answered honestly
    without it) and nothing else about the person: not their name, not where else
    they belong."""

    def __init__(self, email: str, tenant_slug: str) -> None:
        super().__init__(
            f"{email} already has an Accord account; the person must be invited to "
            f"{tenant_slug} and accept (an association cannot add an existing account)"
        )


async def tenants_of(person_id: UUID) -> list[UUID]:
    """The tenants a person belongs to, in a fixed order (audit chain heads are locked
    in this order when one change is recorded in several tenants)."""
    rows = await fetch(
        "SELECT DISTINCT tenant FROM membership WHERE person = {}", as_uuid(person_id)
    )
    return sorted(as_uuid(row["tenant"]) for row in rows)


async def insert_person(email: str, name: str = "", password_hash: str = "") -> tuple[Person, bool]:
    """The person with this e-mail, and whether this call created them.

    One statement decides (INSERT ... ON CONFLICT DO NOTHING): of concurrent callers
    with the same new address exactly one creates the person, the others wait for it
    and find them, on SQLite and PostgreSQL alike. Caller holds the transaction."""
    email = check_email(email)
    inserted = (
        await Person.insert(
            Person(email=email, name=check_text(name, "name"), password_hash=password_hash)
        )
        .on_conflict(target=Person.email, action="DO NOTHING")
        .returning(Person.id)
    )
    person = await Person.objects().where(Person.email == email).first()
    assert person is not None, "inserted or already there"
    return person, bool(inserted)


async def change_person(
    person: Person,
    *,
    name: str | None = None,
    email: str | None = None,
    password_hash: str | None = None,
    languages: str | None = None,
    time_zone: str | None = None,
    actor: AuditTrail,
) -> Person:
    """Change a person's account (name, e-mail, password, the profile's languages and
    time zone): `person.updated` in every
    tenant they belong to, since each shows the person. Only the person themselves
    or the platform operator may call this; no tenant route does. Caller holds the
    transaction (and has made any new membership first, so that it is told too)."""
    values: dict[Any, Any] = {}
    changes: dict[str, list[Any]] = {}
    if name is not None and (name := check_text(name, "name")) != person.name:
        values[Person.name] = name
        changes["name"] = [person.name, name]
    if email is not None and (email := check_email(email)) != person.email:
        if await Person.exists().where(Person.email == email):
            raise Conflict(f"another account already uses {email}")
        values[Person.email] = email
        changes["email"] = [person.email, email]
    if languages is not None and (
        languages := check_text(languages, "languages", text_kind=text.LINE)
    ) != (person.languages):
        values[Person.languages] = languages
        changes["languages"] = [person.languages, languages]
    if time_zone is not None:
        time_zone = check_time_zone(time_zone) if time_zone else ""
        if time_zone != person.time_zone:
            values[Person.time_zone] = time_zone
            changes["time_zone"] = [person.time_zone, time_zone]
    if password_hash:
        values[Person.password_hash] = password_hash
        # The ledger redacts the values; "set" vs "changed" still shows.
        changes["password_hash"] = ["set" if person.password_hash else None, "set"]
    if not values:
        return person
    await Person.update(values).where(Person.id == person.id)
    for tenant_id in await tenants_of(person.id):
        await actor.record(tenant_id, "person.updated", "person", str(person.id), changes)
    changed = await Person.objects().where(Person.id == person.id).first()
    assert changed is not None
    return changed


async def insert_membership(
    tenant_id: UUID, person_id: UUID, role: Role, display_name: str = ""
) -> Membership | None:
    """A new membership, or None if the person already holds the role there.

    Insert-or-nothing on the (tenant, person, role) unique index, so that two
    concurrent grants of one role end in one row and a clean refusal, not a 500."""
    membership = Membership(
        tenant=tenant_id, person=person_id, role=role.value, display_name=display_name
    )
    inserted = (
        await Membership.insert(membership)
        .on_conflict(
            target=(Membership.tenant, Membership.person, Membership.role), action="DO NOTHING"
        )
        .returning(Membership.id)
    )
    return membership if inserted else None


async def lock_roles(tenant_id: UUID) -> None:
    """Hold the tenant's roles still until the transaction ends.

    A check such as "is this the last administrator?" and the change after it must
    not interleave with another's: two administrators removing each other at once
    would each see two and leave none. On PostgreSQL the tenant's row is locked
    (NO KEY UPDATE: rows that merely reference the tenant are still written freely);
    SQLite's write transactions already run one at a time."""
    engine = current_engine()
    if engine.current_transaction.get() is None:
        raise RuntimeError("lock_roles must be called inside a write transaction")
    if isinstance(engine, PostgresEngine):
        await fetch("SELECT id FROM tenant WHERE id = {} FOR NO KEY UPDATE", tenant_id)


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
    """The platform operator gives a person (created if new) a role in a tenant;
    granting twice is harmless. A name or password given for an existing person
    changes their account, recorded in each of their tenants (`change_person`)."""
    parsed = parse_role(str(role))
    async with write_transaction():
        person, created = await insert_person(email, name, password_hash)
        membership = await insert_membership(tenant.id, person.id, parsed)
        if membership is not None:
            await actor.record(
                tenant.id,
                "membership.granted",
                "membership",
                str(membership.id),
                membership_changes(
                    person, parsed.value, password_set=created and bool(password_hash)
                ),
            )
        if not created:
            person = await change_person(
                person, name=name or None, password_hash=password_hash or None, actor=actor
            )
        if membership is None:
            held = (
                await Membership.objects()
                .where(
                    (Membership.tenant == tenant.id)
                    & (Membership.person == person.id)
                    & (Membership.role == parsed.value)
                )
                .first()
            )
            assert held is not None
            return Grant(held, person, created=False)
    return Grant(membership, person, created=True)


def membership_changes(
    person: Person, role: str, *, password_set: bool = False, display_name: str = ""
) -> dict[str, list[Any]]:
    """The audit record of a role granted to a person (the password never appears)."""
    changes: dict[str, list[Any]] = {
        "person": [None, str(person.id)],
        "email": [None, person.email],
        "role": [None, role],
    }
    if display_name:
        changes["display_name"] = [None, display_name]
    if password_set:
        changes["password_hash"] = [None, "set"]  # redacted by the ledger
    return changes


async def roles_of(tenant_id: UUID, person_id: UUID) -> frozenset[Role]:
    rows = await Membership.select(Membership.role).where(
        (Membership.tenant == tenant_id) & (Membership.person == person_id)
    )
    return frozenset(Role(row["role"]) for row in rows)
