"""A partner with an officer, a draft request and an open screening case in every test
tenant, so that routes with `{partner_id}`, `{officer_id}`, `{request_id}` and
`{case_id}` have an object to find (tests/api/routes.py).

Made through the service: the case comes from a real screening run, against a
one-entry list made here (not a stored list version, so no other test sees it).
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from registry.audit.ledger import OPERATOR
from registry.relationships import cases
from registry.relationships.partners import create_partner
from registry.relationships.schemas import OfficerIn, PartnerIn, RequestIn
from registry.relationships.service import create_request
from screening.index import ScreeningIndex
from screening.matcher import Thresholds
from screening.model import EntityName, ListedEntity, ListVersion
from tenants.database import write_transaction
from tenants.scope import TenantScope

WORLD_PARTNER = "Seeded Library Association"


async def seed_relationships(scope: TenantScope) -> dict[str, UUID]:
    """Ids by path-parameter name: partner_id, officer_id, request_id, case_id."""
    partner = await create_partner(
        scope,
        PartnerIn(
            name=WORLD_PARTNER,
            country="FJ",
            kind="library_association",
            officers=[OfficerIn(name="Seeded Officer", role="President")],
        ),
        OPERATOR,
    )
    request = await create_request(
        scope,
        RequestIn(partner_id=partner.id, kind="in_kind_support", title="Seeded request"),
        OPERATOR,
    )
    listed = ListVersion(
        source="un",
        published=dt.date(2026, 1, 1),
        sha256="0" * 64,
        files=[],
        entities=[
            ListedEntity(
                source="un",
                ref="SEED.001",
                schema="organization",
                names=[EntityName(WORLD_PARTNER)],
            )
        ],
    )
    context = cases.ScreeningContext(ScreeningIndex.build([listed]), Thresholds(), ())
    async with write_transaction():
        subjects = [s for s in await cases.subjects_of(scope, partner.id) if s.officer_id is None]
        outcome = await cases.run_screening(
            scope, context, subjects, trigger="manual", request_id=None, actor=OPERATOR
        )
    return {
        "partner_id": partner.id,
        "officer_id": partner.officers[0].id,
        "request_id": request.id,
        "case_id": outcome.opened[0],
    }
