"""An MOU under review (with its review) in every test tenant, so that routes with
`{mou_id}` and `{review_id}` have objects to find (tests/api/routes.py). Written
straight into the tables: these routes' tests are about tenant and role, and the way
there through the board is tested in tests/mous."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from policies.subjects import NON_DISCRIMINATION_GROUNDS
from registry.mous.tables import Mou, MouParty, MouReview
from registry.relationships import cases, diligence
from registry.relationships.tables import (
    PartnerOrganisation,
    RelationshipRequest,
    RelationshipScreeningResult,
    RelationshipScreeningRun,
)
from tenants.scope import TenantScope


async def seed_partner(
    scope: TenantScope, name: str = "Pacific Library Association", country: str = "FJ"
) -> UUID:
    partner = await scope.create(
        PartnerOrganisation, name=name, country=country, kind="library_association"
    )
    return UUID(str(partner.id))


async def seed_cleared_partner(
    scope: TenantScope, name: str = "Pacific Library Association", country: str = "FJ"
) -> UUID:
    """A partner whose due diligence is done, so that an MOU with it may go to the
    board: screened clean against every list the tenant's partner policy requires,
    and an approved relationship request whose findings (decided by the policy engine)
    are all satisfactory. Written straight into the tables: the board's and the
    register's tests are about votes and states; the way there through the API is
    tested in tests/relationships and tests/mous/test_clearance.py."""
    partner_id = await seed_partner(scope, name, country)
    policy = await diligence.partner_policy(scope)
    assert policy is not None, "seed the partner policy first"
    versions = [f"{source}@seeded" for source in policy.required_lists]
    run = await scope.create(
        RelationshipScreeningRun,
        trigger="manual",
        list_versions=json.dumps(versions),
        status="clear",
    )
    await scope.create(
        RelationshipScreeningResult,
        run=run.id,
        partner=partner_id,
        subject_name=name,
        status="clear",
    )
    today = date.today()
    findings = {
        "non_discrimination": {
            "details": {"grounds": list(NON_DISCRIMINATION_GROUNDS), "attested_on": str(today)}
        },
        "reputation": {
            "details": {"result": "satisfactory", "assessed_on": str(today)},
            "attested_by": None,
        },
        "personnel": {"details": {"staff": 1, "members": 1}},
    }
    request = {"kind": "in_kind_support", "state": "approved"}
    screening = await cases.screening_state(scope, partner_id, policy.required_lists)
    subject = diligence.subject_for(
        request, {"name": name, "country": country}, findings, screening
    )
    decision = diligence.decide(policy, subject, today)
    assert not diligence.waiting_for(decision) and not diligence.refusals(decision)
    await scope.create(
        RelationshipRequest,
        partner=partner_id,
        state="approved",
        kind="in_kind_support",
        title=f"Support for {name}",
        raised_as="coordinator",
        decision=decision.to_json(),
        submitted_at=datetime.now(UTC),
        decided_at=datetime.now(UTC),
    )
    return partner_id


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
