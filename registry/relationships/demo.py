"""Demo relationships for ALIA: its partner policy (the preset alia-international),
two Pacific and South East Asian partners with officers, and a request from each,
submitted by the demo member so that the executive's queue has something to order.

Idempotent: a policy or partner already there is left as it is. Without a stored
sanctions list the requests show `not_cleared` (screening fails closed) until
`accord screening import` stores one and screens them again.
"""

from __future__ import annotations

from uuid import UUID

from registry.audit.ledger import OPERATOR, Actor
from registry.policies.service import create_policy
from registry.relationships import diligence
from registry.relationships.partners import create_partner
from registry.relationships.schemas import OfficerIn, OtherName, PartnerIn, RequestIn
from registry.relationships.service import create_request, submit
from registry.relationships.tables import PartnerOrganisation
from tenants.roles import Role
from tenants.scope import TenantScope
from tenants.tables import Tenant

PARTNERS = (
    PartnerIn(
        name="Fiji Library Association",
        other_names=[OtherName(name="iSoqosoqo ni Vale ni Vola e Viti", language="fj")],
        country="FJ",
        kind="library_association",
        website="https://fla.example.org",
        languages=["en", "fj"],
        officers=[
            OfficerIn(name="Mere Naulumatua", role="President", nationality="FJ"),
            OfficerIn(name="Tevita Raikadroka", role="Secretary", date_of_birth="1979"),
        ],
    ),
    PartnerIn(
        name="Lao Library Association",
        other_names=[OtherName(name="ສະມາຄົມຫ້ອງສະໝຸດລາວ", script="Laoo", language="lo")],
        country="LA",
        kind="library_association",
        languages=["lo", "en"],
        officers=[OfficerIn(name="Somphone Keovilay", role="President")],
    ),
)


async def load_relationships_demo(tenant: Tenant, member_id: UUID) -> None:
    scope = TenantScope(tenant.id, str(tenant.slug))
    if await diligence.partner_policy(scope) is None:
        await create_policy(scope, "international", preset="alia-international", actor=OPERATOR)
    member = Actor(person_id=member_id, roles=(Role.MEMBER.value,), client="demo")
    for spec in PARTNERS:
        found = await scope.count(PartnerOrganisation).where(PartnerOrganisation.name == spec.name)
        if found:
            continue
        partner = await create_partner(scope, spec, member)
        request = await create_request(
            scope,
            RequestIn(
                partner_id=partner.id,
                kind="in_kind_support",
                title=f"Professional development with {spec.name}",
                assistance=["lis_education", "administrative_resources"],
                shared_interests="Library education and information literacy in the region.",
                expected_outcomes="Two online workshops a year and shared course materials.",
                mutual_benefits="ALIA members gain regional experience; the partner gains "
                "resources for its members.",
                sdgs=[4, 17],
            ),
            member,
        )
        await submit(scope, request.id, member)
