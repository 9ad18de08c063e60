"""Demo MOUs for ALIA: one with the Fiji Library Association in force (put to the
board, carried, signed, activated), and one with the Lao Library Association before
the board, so that the demo board member has a motion to vote on.

Idempotent: each MOU is drafted once, and put to the board once. Needs the
relationships demo first (its partners, screened, with their due diligence). An MOU
goes to the board only with every party clear (`registry.clearance`): without the
sanctions lists the policy requires (`accord screening import`), both MOUs stay
drafts whose pages say why, and the next `accord demo` takes them on.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from uuid import UUID

from registry import clearance
from registry.audit.ledger import Actor
from registry.board.service import board_members, cast_vote, latest_motion
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


async def _draft(scope: TenantScope, terms: MouIn, executive: Actor) -> tuple[UUID, bool]:
    """(the MOU of that title, whether it is a draft not yet put to the board)."""
    row = await scope.select(Mou, Mou.id, Mou.state).where(Mou.title == terms.title).first()
    if row is None:
        return (await create_mou(scope, terms, actor=executive)).id, True
    mou_id = as_uuid(row["id"])
    waiting = row["state"] == "draft" and await latest_motion(scope, "mou_approval", mou_id) is None
    return mou_id, waiting


async def load_mous_demo(tenant: Tenant, executive_id: UUID) -> None:
    scope = TenantScope(tenant.id, str(tenant.slug))
    fiji = await _partner(scope, "Fiji Library Association")
    lao = await _partner(scope, "Lao Library Association")
    directors = await board_members(scope)
    if fiji is None or lao is None or not directors:
        return
    executive = Actor(person_id=executive_id, roles=(Role.EXECUTIVE.value,), client="demo")
    # Signed and in force since yesterday in the association's calendar.
    since = await clock.today(scope) - timedelta(days=1)
    closes = clock.utc_now() + timedelta(days=14)

    # A draft left waiting by an earlier run (its parties were not cleared then) goes
    # on now if they are.
    mou, fla_waits = await _draft(scope, _terms("ALIA and FLA MOU", fiji, since), executive)
    draft, lla_waits = await _draft(scope, _terms("ALIA and LLA MOU", lao, since), executive)
    if not (fla_waits or lla_waits):
        return
    if clearance.refusal(await clearance.of_parties(scope, [fiji, lao])) is not None:
        return  # not cleared: the drafts wait, and their pages say why
    if fla_waits:
        await _bring_into_force(scope, mou, fiji, since, closes, directors, executive)
    if lla_waits:
        await propose(scope, draft, MotionIn(purpose="approval", closes_at=closes), actor=executive)


async def _bring_into_force(
    scope: TenantScope,
    mou: UUID,
    fiji: UUID,
    since: date,
    closes: datetime,
    directors: list[UUID],
    executive: Actor,
) -> None:
    motion = await propose(
        scope, mou, MotionIn(purpose="approval", closes_at=closes), actor=executive
    )
    for director in directors:
        voter = Actor(person_id=director, roles=(Role.BOARD.value,), client="demo")
        await cast_vote(scope, motion, "for", actor=voter)
    document = hashlib.sha256(b"ALIA and FLA MOU, signed copy (demo)").hexdigest()
    await sign(
        scope,
        mou,
        SigningIn(
            signatories=[
                SignatoryIn(name="Chief Executive, ALIA", position="CEO", signed_on=since),
                SignatoryIn(
                    partner_id=fiji, name="Mere Naulumatua", position="President", signed_on=since
                ),
            ],
            document_sha256=document,
        ),
        actor=executive,
    )
    await activate(scope, mou, actor=executive)
