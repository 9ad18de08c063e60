"""Test data made through the real code paths: tenants, people with roles, tokens."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from uuid import UUID

from registry.audit.ledger import OPERATOR
from tenants.roles import Role
from tenants.service import create_tenant, grant_role
from tenants.tables import Tenant
from tenants.tokens import issue_token

_counter = itertools.count(1)


@dataclass
class Party:
    """A person with one role in a tenant, and a bearer token to act with."""

    email: str
    person_id: UUID
    membership_id: UUID
    role: Role
    token: str
    token_id: UUID

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class TenantWorld:
    tenant: Tenant
    parties: dict[Role, Party] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return str(self.tenant.slug)

    def __getitem__(self, role: Role) -> Party:
        return self.parties[role]


class TenantFactory:
    async def tenant(self, prefix: str = "t", country: str = "AU") -> TenantWorld:
        """A new tenant with one person (and token) for every role."""
        n = next(_counter)
        tenant = await create_tenant(
            f"{prefix}{n}-assoc", f"Association {n}", country, actor=OPERATOR
        )
        world = TenantWorld(tenant)
        for role in Role:
            world.parties[role] = await self.party(tenant, role, f"{role.value}.{n}@example.org")
        return world

    async def party(self, tenant: Tenant, role: Role, email: str) -> Party:
        grant = await grant_role(
            tenant, email, role, name=f"{role.value.title()} person", actor=OPERATOR
        )
        issued = await issue_token(tenant.id, grant.person.id, label="test", actor=OPERATOR)
        return Party(
            email=grant.person.email,
            person_id=grant.person.id,
            membership_id=grant.membership.id,
            role=role,
            token=issued.secret,
            token_id=issued.id,
        )
