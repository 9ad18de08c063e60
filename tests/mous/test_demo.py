"""The demo loads an MOU in force and a motion before ALIA's board, once."""

from __future__ import annotations

from registry.board.tables import Motion
from registry.mous.tables import Mou
from tenants.tables import Tenant
from tests.board.support import accord


async def test_the_demo_has_an_mou_in_force_and_a_motion_to_vote_on(database):
    accord("demo")
    accord("demo")
    alia = await Tenant.select(Tenant.id).where(Tenant.slug == "alia").first()
    mous = await Mou.select(Mou.title, Mou.state).where(Mou.tenant == alia["id"])
    assert sorted((m["title"], m["state"]) for m in mous) == [
        ("ALIA and FLA MOU", "active"),
        ("ALIA and LLA MOU", "draft"),
    ]
    motions = await Motion.select(Motion.status).where(Motion.tenant == alia["id"])
    assert sorted(m["status"] for m in motions) == ["carried", "open"]
