"""Demo MOUs for ALIA: one with the Fiji Library Association in force (put to the
board, carried, signed, activated), and one with the Lao Library Association before
the board, so that the demo board member has a motion to vote on.

Idempotent: nothing is added when the tenant already has an MOU. Needs the
relationships demo first (its partners).
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from uuid import UUID

from registry.audit.ledger import Actor
from registry.board.service import board_members, cast_vote
from registry.mous.schemas import MotionIn, MouIn, SignatoryIn, SigningIn
from registry.mous.service import activate, create_mou, propose, sign
from registry.mous.tables import Mou
from registry.relationships.tables import PartnerOrganisation
from tenants import clock
from tenants.database import as_uuid
from tenants.roles import Role
from tenants.scope import TenantScope
from tenants.tables import Tenant


async def _partner(scope: TenantScope, name: str) -> UUID | None:
    row = (
        await scope.select(PartnerOrganisation, PartnerOrganisation.id)
        .where(PartnerOrganisation.name == name)
        .first()
    )
    return None if row is None else as_uuid(row["id"])


def _terms(title: str, partner: UUID, effective: date) -> MouIn:
    return MouIn(
        title=title,
        parties=[partner],
        working_relationships="Online sharing of ALIA's administrative resources; joint webinars.",
        shared_interests="Library education, information literacy and advocacy in the region.",
        common_understanding="Each association bears its own costs; either may end the MOU "
        "on three months' notice.",
        assistance=["administrative_resources", "lis_education", "advocacy"],
        sdgs=[4, 16, 17],
        effective_date=effective,
        expires_on=effective + timedelta(days=3 * 365),
    )


async def load_mous_demo(tenant: Tenant, executive_id: UUID) -> None:
    scope = TenantScope(tenant.id, str(tenant.slug))
    if await scope.count(Mou):
        return
    fiji = await _partner(scope, "Fiji Library Association")
    lao = await _partner(scope, "Lao Library Association")
    directors = await board_members(scope)
    if fiji is None or lao is None or not directors:
        return
    executive = Actor(person_id=executive_id, roles=(Role.EXECUTIVE.value,), client="demo")
    today = await clock.today(scope)
    closes = clock.utc_now() + timedelta(days=14)

    mou = await create_mou(scope, _terms("ALIA and FLA MOU", fiji, today), actor=executive)
    motion = await propose(
        scope, mou.id, MotionIn(purpose="approval", closes_at=closes), actor=executive
    )
    for director in directors:
        voter = Actor(person_id=director, roles=(Role.BOARD.value,), client="demo")
        await cast_vote(scope, motion, "for", actor=voter)
    document = hashlib.sha256(b"ALIA and FLA MOU, signed copy (demo)").hexdigest()
    await sign(
        scope,
        mou.id,
        SigningIn(
            signatories=[
                SignatoryIn(name="Chief Executive, ALIA", position="CEO", signed_on=today),
                SignatoryIn(
                    partner_id=fiji, name="Mere Naulumatua", position="President", signed_on=today
                ),
            ],
            document_sha256=document,
        ),
        actor=executive,
    )
    await activate(scope, mou.id, actor=executive)

    draft = await create_mou(scope, _terms("ALIA and LLA MOU", lao, today), actor=executive)
    await propose(scope, draft.id, MotionIn(purpose="approval", closes_at=closes), actor=executive)
