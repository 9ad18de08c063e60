"""Demo relationships for ALIA: its partner policy (the preset alia-international),
two Pacific and South East Asian partners with officers, and a request from each,
submitted by the demo member so that the executive's queue has something to order.

The coordinator records each request's due-diligence findings (non-discrimination,
reputation, personnel), so that the partners may be parties to the MOU demo's MOUs
once screened. Idempotent: a policy or partner already there is left as it is.
Without a stored sanctions list the requests show `not_cleared` (screening fails
closed) until `accord screening import` stores one and screens them again.
"""

from __future__ import annotations

from uuid import UUID

from policies.subjects import NON_DISCRIMINATION_GROUNDS
from registry.audit.ledger import OPERATOR, Actor
from registry.notifications.service import people_with_role
from registry.policies.service import create_policy
from registry.relationships import diligence
from registry.relationships.partners import create_partner
from registry.relationships.schemas import (
    NonDiscriminationIn,
    OfficerIn,
    OtherName,
    PartnerIn,
    PersonnelAvailabilityIn,
    ReputationIn,
    RequestIn,
)
from registry.relationships.service import add_attestation, create_request, submit
from registry.relationships.tables import PartnerOrganisation
from tenants import clock
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
        await _due_diligence(scope, request.id, spec.name)


async def _due_diligence(scope: TenantScope, request_id: UUID, name: str) -> None:
    """The coordinator's findings on the request, as the protocol asks for them."""
    coordinators = await people_with_role(scope, Role.COORDINATOR)
    if not coordinators:
        return
    coordinator = Actor(person_id=coordinators[0], roles=(Role.COORDINATOR.value,), client="demo")
    today = await clock.today(scope)
    for finding in (
        NonDiscriminationIn(
            grounds=list(NON_DISCRIMINATION_GROUNDS),
            attested_on=today,
            evidence=f"Signed statement from the president of {name}",
        ),
        ReputationIn(
            result="satisfactory",
            assessed_on=today,
            evidence="References from two regional library associations",
        ),
        PersonnelAvailabilityIn(
            staff=1, members=2, evidence="Confirmed with the international coordinator"
        ),
    ):
        await add_attestation(scope, request_id, finding, coordinator)
