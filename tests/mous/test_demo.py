"""The demo loads an MOU in force and a motion before ALIA's board, once, when the
lists its policy binds are stored; without them both MOUs wait as drafts (nobody is
cleared when screening fails closed)."""

from __future__ import annotations

from registry.board.tables import Motion
from registry.mous.tables import Mou
from tenants.tables import Tenant
from tests.board.support import accord
from tests.relationships import stories
from tests.shared_data import SANCTIONS


async def _alia_mous() -> tuple[list[tuple[str, str]], list[str]]:
    alia = await Tenant.select(Tenant.id).where(Tenant.slug == "alia").first()
    mous = await Mou.select(Mou.title, Mou.state).where(Mou.tenant == alia["id"])
    motions = await Motion.select(Motion.status).where(Motion.tenant == alia["id"])
    return sorted((m["title"], m["state"]) for m in mous), sorted(m["status"] for m in motions)


async def test_the_demo_has_an_mou_in_force_and_a_motion_to_vote_on(database):
    await stories.clear_lists()
    try:
        accord("demo")  # without lists: nobody is cleared, the MOUs wait as drafts
        mous, motions = await _alia_mous()
        assert mous == [("ALIA and FLA MOU", "draft"), ("ALIA and LLA MOU", "draft")]
        # The lists the policy binds, imported as an operator does (the partners under
        # way are screened again); the next run takes the drafts on, and once only.
        accord("screening", "import", "--source", "un", str(stories.UN_2026))
        dfat = SANCTIONS / "dfat" / "consolidated_2026-02.xlsx"
        accord("screening", "import", "--source", "dfat", str(dfat))
        accord("demo")
        accord("demo")
        mous, motions = await _alia_mous()
        assert mous == [("ALIA and FLA MOU", "active"), ("ALIA and LLA MOU", "draft")]
        assert motions == ["carried", "open"]
    finally:
        await stories.clear_lists()
