"""Demo data modelled on the seeds: three associations and a person for every role.

Loading is idempotent: tenants and memberships already present are left as they are.
Each run issues a fresh token for the demo administrator and revokes the previous
demo token, since a token can only be shown once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from registry.audit.ledger import OPERATOR
from registry.mentoring.demo import load_mentoring_demo
from tenants import service
from tenants.errors import NotFound
from tenants.roles import Role
from tenants.sessions import hash_password
from tenants.tables import ApiToken, Tenant
from tenants.tokens import issue_token

DEMO_PASSWORD = "accord-demo-password"  # noqa: S105 - printed for the demo, never for real
DEMO_TOKEN_LABEL = "demo administrator"  # noqa: S105 - a label, not a secret


@dataclass(frozen=True, slots=True)
class DemoTenant:
    slug: str
    name: str
    country: str
    time_zone: str
    domain: str


TENANTS = (
    DemoTenant(
        "alia",
        "Australian Library and Information Association",
        "AU",
        "Australia/Canberra",
        "alia.example",
    ),
    DemoTenant(
        "aasw",
        "Australian Association of Social Workers",
        "AU",
        "Australia/Melbourne",
        "aasw.example",
    ),
    DemoTenant("iln", "International Librarians Network", "AU", "Australia/Sydney", "iln.example"),
)

PEOPLE = {
    Role.ADMIN: "Administrator",
    Role.EXECUTIVE: "Chief Executive",
    Role.COORDINATOR: "Coordinator",
    Role.BOARD: "Board Member",
    Role.AUDITOR: "Auditor",
    Role.MEMBER: "Member",
}


@dataclass(frozen=True, slots=True)
class DemoResult:
    admin_email: str
    admin_token: str
    tenants_created: list[str]
    people: list[tuple[str, str, str]]  # (tenant, role, email)
    invitations: list[tuple[str, str, str]]  # (tenant, email, link path), not yet accepted


async def load_demo() -> DemoResult:
    password_hash = hash_password(DEMO_PASSWORD)
    created: list[str] = []
    people: list[tuple[str, str, str]] = []
    tenants: dict[str, Tenant] = {}
    for spec in TENANTS:
        try:
            tenant = await service.get_tenant(spec.slug)
        except NotFound:
            tenant = await service.create_tenant(
                spec.slug, spec.name, spec.country, spec.time_zone, actor=OPERATOR
            )
            created.append(spec.slug)
        tenants[spec.slug] = tenant
        for role, title in PEOPLE.items():
            email = f"{role.value}@{spec.domain}"
            grant = await service.grant_role(
                tenant,
                email,
                role,
                f"{title}, {spec.slug.upper()}",
                password_hash if await _needs_password(email) else "",
                actor=OPERATOR,
            )
            people.append((spec.slug, role.value, grant.person.email))
    # One person in two associations: ALIA's coordinator also takes part in ILN rounds.
    await service.grant_role(
        tenants["iln"], "coordinator@alia.example", Role.MEMBER, actor=OPERATOR
    )
    people.append(("iln", Role.MEMBER.value, "coordinator@alia.example"))
    await load_mentoring_demo(tenants)

    from registry.members.demo import load_register_demo

    await load_register_demo(tenants)

    from registry.relationships.demo import load_relationships_demo

    member = await service.find_person("member@alia.example")
    assert member is not None
    await load_relationships_demo(tenants["alia"], member.id)

    from registry.mous.demo import load_mous_demo

    executive = await service.find_person("executive@alia.example")
    assert executive is not None
    await load_mous_demo(tenants["alia"], executive.id)

    from registry.participation.demo import load_participation_demo

    await load_participation_demo(tenants)

    from registry.invitations.demo import load_invitations_demo

    invitations = await load_invitations_demo(tenants)

    admin_email = "admin@alia.example"
    admin = await service.find_person(admin_email)
    assert admin is not None
    alia = tenants["alia"]
    await ApiToken.update({ApiToken.revoked_at: datetime.now(UTC)}).where(
        (ApiToken.tenant == alia.id)
        & (ApiToken.person == admin.id)
        & (ApiToken.label == DEMO_TOKEN_LABEL)
        & ApiToken.revoked_at.is_null()
    )
    issued = await issue_token(
        alia.id, admin.id, label=DEMO_TOKEN_LABEL, expires_days=30, actor=OPERATOR
    )
    return DemoResult(admin_email, issued.secret, created, people, invitations)


async def _needs_password(email: str) -> bool:
    person = await service.find_person(email)
    return person is None or not person.password_hash
