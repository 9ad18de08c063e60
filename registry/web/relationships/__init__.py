"""Pages of international relationships, screening cases, board motions and the MOU
register (issue 8 over the services of issue 6).

`ROUTES` is mounted by `registry/web/controllers.py`; importing this package fills the
dashboard's panels and adds the navigation links (`registry.web.rendering.NAV`).
"""

from __future__ import annotations

from typing import Any

from registry.board.controllers import MOTION_READERS
from registry.mous.controllers import MOU_READERS
from registry.relationships.controllers import CASE_READERS, READERS
from registry.web.relationships import panels
from registry.web.relationships.motions import MotionPages
from registry.web.relationships.mous import MouPages
from registry.web.relationships.requests import PartnerPages, RequestPages
from registry.web.relationships.screening import CasePages
from registry.web.rendering import NAV, NavItem

ROUTES: list[Any] = [PartnerPages, RequestPages, CasePages, MotionPages, MouPages]

panels.register()
# After the dashboard and the inbox: these are the pages these roles work in.
_at = next((i + 1 for i, item in enumerate(NAV) if item.path == "/inbox"), len(NAV))
for _item in (
    NavItem("Requests", "/requests", frozenset(READERS)),
    NavItem("Partners", "/partners", frozenset(READERS)),
    NavItem("Screening cases", "/screening-cases", frozenset(CASE_READERS)),
    NavItem("Motions", "/motions", frozenset(MOTION_READERS)),
    NavItem("MOUs", "/mous", frozenset(MOU_READERS)),
):
    if all(existing.path != _item.path for existing in NAV):
        NAV.insert(_at, _item)
        _at += 1

__all__ = ["ROUTES"]
