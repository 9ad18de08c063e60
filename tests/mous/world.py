"""An MOU under review (with its review) in every test tenant, so that routes with
`{mou_id}` and `{review_id}` have objects to find (tests/api/routes.py). Written
straight into the tables: these routes' tests are about tenant and role, and the way
there through the board is tested in tests/mous."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from registry.mous.tables import Mou, MouParty, MouReview
from registry.relationships.tables import PartnerOrganisation
from tenants.scope import TenantScope


async def seed_partner(
    scope: TenantScope, name: str = "Pacific Library Association", country: str = "FJ"
) -> UUID:
    partner = await scope.create(
        PartnerOrganisation, name=name, country=country, kind="library_association"
    )
    return UUID(str(partner.id))


async def seed_mou(scope: TenantScope) -> tuple[UUID, UUID]:
    """(mou id, review id): an MOU under review with one partner."""
    partner = await seed_partner(scope)
    today = date.today()
    mou = await scope.create(
        Mou,
        reference="MOU-SEED-0001",
        title="Seeded MOU",
        kind="bilateral",
        state="under_review",
        effective_date=today - timedelta(days=400),
        expires_on=today + timedelta(days=365 * 50),  # past every test's --as-of
        next_review_due=today,
        non_endorsement="No endorsement.",
    )
    await scope.create(MouParty, mou=mou.id, partner=partner)
    review = await scope.create(MouReview, mou=mou.id, due_on=today)
    return UUID(str(mou.id)), UUID(str(review.id))
