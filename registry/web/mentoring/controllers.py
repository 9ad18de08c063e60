"""The mentoring pages, mounted by `registry/web/controllers.py`; importing this module
registers the dashboard panels and the navigation link."""

from __future__ import annotations

from typing import Any

from registry.web.mentoring.matching import MatchRunPages
from registry.web.mentoring.panels import register
from registry.web.mentoring.partnerships import PartnershipPages
from registry.web.mentoring.schemes import MentoringPages
from registry.web.mentoring.verify import VerifyPages

register()

ROUTES: list[Any] = [MentoringPages, MatchRunPages, PartnershipPages, VerifyPages]
