"""The mentoring pages, mounted by `registry/web/controllers.py`; importing this module
registers the dashboard panels and the navigation link."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router

from registry.web.auth import PUBLIC
from registry.web.mentoring.corrections import CorrectionPages
from registry.web.mentoring.matching import MatchRunPages
from registry.web.mentoring.panels import register
from registry.web.mentoring.partnerships import PartnershipPages
from registry.web.mentoring.schemes import MentoringPages
from registry.web.mentoring.verify import VerifyPages

register()

#: This room's stylesheet, beside the web foundation's /static (same caching).
STATIC_FILES = create_static_files_router(
    path="/static-mentoring",
    directories=[Path(__file__).parent / "static"],
    opt=PUBLIC,
    include_in_schema=False,
    cache_control=CacheControlHeader(max_age=3_600, public=True),
)

ROUTES: list[Any] = [
    MentoringPages,
    CorrectionPages,
    MatchRunPages,
    PartnershipPages,
    VerifyPages,
    STATIC_FILES,
]
