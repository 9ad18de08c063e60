"""The dashboard panels of relationships, the board and the MOU register: they fill
the web room's slots (`request_queue`, `screening_cases`, `motions`) and add one for
the MOU reviews coming due. Each loads through the capability's service functions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from registry.board import service as board
from registry.relationships import cases, service
from registry.web.panels import Panel, register_panel
from registry.web.relationships.mous import reviews_coming_due
from tenants.roles import Role
from tenants.scope import TenantScope

if TYPE_CHECKING:
    from registry.http.tenancy import Caller

SHOWN = 10


async def request_queue(scope: TenantScope, caller: Caller) -> dict[str, Any]:
    return {"queue": await service.executive_queue(scope, limit=SHOWN, offset=0)}


async def open_cases(scope: TenantScope, caller: Caller) -> dict[str, Any]:
    return {"cases": await cases.list_cases(scope, limit=SHOWN, offset=0, status="open")}


async def open_motions(scope: TenantScope, caller: Caller) -> dict[str, Any]:
    """Open motions, soonest deadline first, with what the caller has done on each."""
    items, _ = await board.list_motions(scope, limit=50, offset=0, status="open")
    shown = []
    for summary in sorted(items, key=lambda m: m.closes_at)[:SHOWN]:
        motion = await board.get_motion(scope, summary.id)
        mine = next((b for b in motion.ballots if b.person_id == caller.person_id), None)
        shown.append((motion, mine))
    return {"motions": shown}


async def mou_reviews(scope: TenantScope, caller: Caller) -> dict[str, Any]:
    return {"mous": (await reviews_coming_due(scope))[:SHOWN]}


def register() -> None:
    for panel in (
        Panel(
            "request_queue",
            "Relationship requests waiting for you",
            frozenset({Role.EXECUTIVE}),
            "relationships/panel_queue.html",
            request_queue,
        ),
        Panel(
            "screening_cases",
            "Open screening cases",
            frozenset({Role.COORDINATOR}),
            "relationships/panel_cases.html",
            open_cases,
        ),
        Panel(
            "motions",
            "Open motions and their deadlines",
            frozenset({Role.BOARD}),
            "relationships/panel_motions.html",
            open_motions,
        ),
        Panel(
            "mou_reviews",
            "MOU reviews coming due",
            frozenset({Role.EXECUTIVE, Role.COORDINATOR}),
            "relationships/panel_mou_reviews.html",
            mou_reviews,
        ),
    ):
        register_panel(panel)
