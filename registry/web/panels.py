"""The dashboard's panels: what each role sees first in a tenant.

A panel is a titled box drawn by its own template with what its `load` function
returns. This room fills the inbox, policies, audit exports and administration
panels; the request queue, screening cases, motions and partnerships are slots,
labelled as such, until their rooms register a panel under the same key:

    from registry.web.panels import Panel, register_panel
    register_panel(Panel("motions", "Open motions", frozenset({Role.BOARD}),
                         "panels/motions.html", load_open_motions))

`load(scope, caller)` returns the template's context; it must use the capability's
service functions, like the API does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from registry.notifications.service import inbox
from registry.policies.controllers import POLICY_READERS as POLICY_READER_ROLES
from registry.policies.service import list_policies
from tenants.roles import Role
from tenants.scope import TenantScope

if TYPE_CHECKING:
    from registry.http.tenancy import Caller

Loader = Callable[[TenantScope, "Caller"], Awaitable[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class Panel:
    key: str
    title: str
    roles: frozenset[Role]
    template: str
    load: Loader | None = None
    #: For a slot: which room fills it, shown in place of content.
    slot_of: str = ""


PANELS: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    """Add a panel, or fill the slot with the same key (its place is kept)."""
    PANELS[panel.key] = panel


async def _inbox(scope: TenantScope, caller: Caller) -> dict[str, Any]:
    return {"inbox": await inbox(scope, caller.person_id, limit=5)}


async def _policies(scope: TenantScope, caller: Caller) -> dict[str, Any]:
    return {"policies": await list_policies(scope)}


def _slot(key: str, title: str, role: Role, room: str) -> Panel:
    return Panel(key, title, frozenset({role}), "panels/slot.html", None, slot_of=room)


POLICY_READERS = frozenset(POLICY_READER_ROLES)

for _panel in (
    _slot(
        "request_queue", "Relationship requests waiting for you", Role.EXECUTIVE, "relationships"
    ),
    _slot("screening_cases", "Open screening cases and intakes", Role.COORDINATOR, "relationships"),
    _slot("motions", "Open motions and their deadlines", Role.BOARD, "board"),
    _slot("partnerships", "Your partnership", Role.MEMBER, "mentoring and participation"),
    Panel("inbox", "Inbox", frozenset(Role), "panels/inbox.html", _inbox),
    Panel("policies", "Policies", POLICY_READERS, "panels/policies.html", _policies),
    Panel("audit", "Audit exports", frozenset({Role.AUDITOR, Role.ADMIN}), "panels/audit.html"),
    Panel("administration", "Administration", frozenset({Role.ADMIN}), "panels/admin.html"),
):
    register_panel(_panel)


async def panels_for(scope: TenantScope, caller: Caller) -> list[tuple[Panel, dict[str, Any]]]:
    """The panels the caller's roles see, in order, each with its loaded context."""
    shown = []
    for panel in PANELS.values():
        if panel.roles & caller.roles:
            context = await panel.load(scope, caller) if panel.load else {}
            shown.append((panel, context))
    return shown
