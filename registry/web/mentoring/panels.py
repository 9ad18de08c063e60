"""The mentoring panels of the dashboard, and the navigation link.

A coordinator (or administrator) sees the intakes of their schemes with what waits
for them; a participant sees their partnership (filling the slot the web foundation
left under the key "partnerships") and their applications.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from registry.audit.ledger import Actor
from registry.mentoring.applications import my_applications
from registry.mentoring.partnerships import list_partnerships
from registry.participation import service as participation
from registry.web.mentoring.common import (
    STATE_LABELS,
    all_intakes,
    as_party,
    names,
    window_open,
)
from registry.web.panels import Panel, register_panel
from registry.web.rendering import NAV, NavItem
from tenants import clock
from tenants.roles import ALL_ROLES, Role
from tenants.scope import TenantScope

if TYPE_CHECKING:
    from registry.http.tenancy import Caller

#: Partnerships shown on the panel; the rest are one click away.
SHOWN = 5


async def coordinator_intakes(scope: TenantScope, caller: Caller) -> dict[str, Any]:
    """Intakes not yet ended, soonest first, with their applications by status."""
    today = await clock.today(scope)
    rows = []
    for scheme, intake in await all_intakes(scope):
        if intake.ends_on < today:
            continue
        counts = await scope.rows(
            "SELECT status, COUNT(*) AS n FROM mentoring_application"
            " WHERE tenant = {tenant} AND intake = {} GROUP BY status",
            intake.id,
        )
        rows.append((scheme, intake, {r["status"]: int(r["n"]) for r in counts}))
    rows.sort(key=lambda r: r[1].starts_on)
    # Partnerships with no meeting for 60 days (participation's daily job raises them).
    flags = await participation.list_flags(scope)
    return {"intakes": rows, "today": today, "quiet": flags[:SHOWN], "quiet_count": len(flags)}


async def my_partnership(scope: TenantScope, caller: Caller) -> dict[str, Any]:
    actor = as_party(Actor(person_id=caller.person_id))
    partnerships = await list_partnerships(scope, actor=actor)
    partnerships.sort(key=lambda p: p.created_at, reverse=True)
    others = [p.person_b if p.person_a == caller.person_id else p.person_a for p in partnerships]
    applications = await my_applications(scope, actor=actor)
    applied = {a.intake_id for a in applications}
    today = await clock.today(scope)
    open_now = [
        (scheme, intake)
        for scheme, intake in await all_intakes(scope)
        if window_open(intake, today) and intake.id not in applied
    ]
    return {
        "open": open_now[:SHOWN],
        "partnerships": partnerships[:SHOWN],
        "partners": await names(scope, others),
        "labels": STATE_LABELS,
        "waiting": [a for a in applications if a.status in ("accepted", "referred", "waitlisted")],
    }


def register() -> None:
    register_panel(
        Panel(
            "mentoring_intakes",
            "Mentoring intakes",
            frozenset({Role.COORDINATOR, Role.ADMIN}),
            "mentoring/panel_intakes.html",
            coordinator_intakes,
        )
    )
    register_panel(
        Panel(
            "partnerships",
            "Your partnership",
            frozenset({Role.MEMBER, Role.COORDINATOR}),
            "mentoring/panel_partnership.html",
            my_partnership,
        )
    )
    if not any(item.path == "/mentoring" for item in NAV):
        NAV.insert(2, NavItem("Mentoring", "/mentoring", ALL_ROLES))
