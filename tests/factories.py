"""Test data made through the real code paths: tenants, people with roles, tokens,
and a stored policy."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from uuid import UUID

from registry.audit.ledger import OPERATOR
from registry.policies.service import create_policy
from tenants.roles import Role
from tenants.scope import TenantScope
from tenants.service import create_tenant, grant_role
from tenants.tables import Tenant
from tenants.tokens import issue_token
from tests.board.world import seed_motion
from tests.mentoring.world import seed_mentoring
from tests.mous.world import seed_mou
from tests.notifications.world import seed_notification
from tests.participation.world import seed_participation
from tests.relationships.world import seed_relationships

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
    #: A stored policy of this tenant only (from the alia-mentoring preset, version 1).
    policy_name: str = ""
    #: An open board motion with the board member on its roll (tests/board/world.py).
    motion_id: UUID | None = None
    #: An MOU under review, and its review (tests/mous/world.py).
    mou_id: UUID | None = None
    review_id: UUID | None = None
    #: A notification in the member's inbox (tests/notifications/world.py).
    notification_id: UUID | None = None
    #: A mentoring scheme, intake, application, draft run and proposed partnership
    #: (coordinator mentor, member mentee), ids by path parameter (tests/mentoring/world.py).
    mentoring: dict[str, UUID] = field(default_factory=dict)
    #: A completed partnership with a meeting, an open survey and a certificate, by
    #: the id's name (tests/participation/world.py).
    participation: dict[str, UUID] = field(default_factory=dict)
    #: A partner with an officer, a draft request and an open screening case, by the
    #: id's name (tests/relationships/world.py).
    relationships: dict[str, UUID] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return str(self.tenant.slug)

    def __getitem__(self, role: Role) -> Party:
        return self.parties[role]


class TenantFactory:
    async def tenant(
        self, prefix: str = "t", country: str = "AU", *, rooms: bool = True
    ) -> TenantWorld:
        """A new tenant with one person (and token) for every role, and one stored
        policy named after the tenant (so that no other tenant has that name). Its
        preset has no sanctions rule: screening thresholds stay the tenant's settings.

        With `rooms` (the default) every capability also seeds an object of its own
        (a motion, an MOU, a partnership, ...) for the generated route tests; tests
        that count what a fresh tenant holds ask for `rooms=False`."""
        n = next(_counter)
        tenant = await create_tenant(
            f"{prefix}{n}-assoc", f"Association {n}", country, actor=OPERATOR
        )
        world = TenantWorld(tenant)
        for role in Role:
            world.parties[role] = await self.party(tenant, role, f"{role.value}.{n}@example.org")
        world.policy_name = f"mentoring-{tenant.slug}"
        await self.seed_policy(tenant, world.policy_name, "alia-mentoring")
        if not rooms:
            return world
        world.motion_id = await seed_motion(
            TenantScope(tenant.id, str(tenant.slug)), world[Role.BOARD].person_id
        )
        world.mou_id, world.review_id = await seed_mou(TenantScope(tenant.id, str(tenant.slug)))
        world.notification_id = await seed_notification(
            TenantScope(tenant.id, str(tenant.slug)), world[Role.MEMBER].person_id
        )
        world.mentoring = await seed_mentoring(
            TenantScope(tenant.id, str(tenant.slug)),
            world[Role.COORDINATOR].person_id,
            world[Role.MEMBER].person_id,
        )
        world.participation = await seed_participation(
            tenant, world[Role.BOARD].person_id, world[Role.MEMBER].person_id
        )
        world.relationships = await seed_relationships(TenantScope(tenant.id, str(tenant.slug)))
        return world

    async def seed_policy(self, tenant: Tenant, name: str, preset: str) -> None:
        """Version 1 of a policy from a preset, through the service (so it is audited)."""
        scope = TenantScope(tenant.id, str(tenant.slug))
        await create_policy(scope, name, preset=preset, actor=OPERATOR)

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
