"""Every web page and the static files, mounted by `registry/app.py`."""

from __future__ import annotations

from typing import Any

from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router

from registry.web.account import AccountPages, PasswordPages, SelfServicePages
from registry.web.admin import MemberPages, SettingsPages, TokenPages
from registry.web.audit_pages import AuditPages
from registry.web.auth import PUBLIC
from registry.web.member_register import MemberRegisterPages
from registry.web.mentoring.controllers import ROUTES as MENTORING_PAGES
from registry.web.pages import DashboardPages
from registry.web.policy_pages import PolicyPages
from registry.web.relationships import ROUTES as RELATIONSHIP_PAGES
from registry.web.rendering import STATIC, template_config

STATIC_FILES = create_static_files_router(
    path="/static",
    directories=[STATIC],
    opt=PUBLIC,
    include_in_schema=False,
    # Small files: kept an hour, then revalidated (ETag) so an upgrade shows soon.
    cache_control=CacheControlHeader(max_age=3_600, public=True),
)

ROUTES: list[Any] = [
    AccountPages,
    PasswordPages,
    SelfServicePages,
    DashboardPages,
    MemberPages,
    MemberRegisterPages,
    SettingsPages,
    TokenPages,
    PolicyPages,
    AuditPages,
    *RELATIONSHIP_PAGES,
    *MENTORING_PAGES,
    STATIC_FILES,
]

__all__ = ["ROUTES", "template_config"]
