"""The relationship request's states and the named transitions between them.

Pure: no database. The service calls `check(transition, state, roles)` before it
changes anything, so an illegal transition is refused with a sentence that says why
(409), and a caller without the role with another (403).

    draft --submit--> submitted --receive--> screening <--hold/resolve--> due_diligence
    due_diligence --refer--> referred --approve|reject (board)--> approved | rejected
    referred --refer--> referred   (a new motion, after one lapsed for lack of quorum)
    submitted | screening | due_diligence --decline--> rejected
    draft | submitted | screening | due_diligence --withdraw--> withdrawn
    approved --end (a periodic review, or the board on one)--> ended

`screening` means a sanctions question is open (a case awaiting adjudication, or a
required list not checked); `due_diligence` means screening is settled and the
attestations are being gathered. The executive is the first stop: a submitted
request waits in the executive's queue until received.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tenants.errors import Conflict, Forbidden
from tenants.roles import Role

DRAFT = "draft"
SUBMITTED = "submitted"
SCREENING = "screening"
DUE_DILIGENCE = "due_diligence"
REFERRED = "referred"
APPROVED = "approved"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
ENDED = "ended"

STATES = (
    DRAFT,
    SUBMITTED,
    SCREENING,
    DUE_DILIGENCE,
    REFERRED,
    APPROVED,
    REJECTED,
    WITHDRAWN,
    ENDED,
)
#: Requests under way: screened again when a new list version is imported.
OPEN = frozenset({SUBMITTED, SCREENING, DUE_DILIGENCE, REFERRED})
#: Requests awaiting the executive, in priority order.
QUEUE = (SUBMITTED, SCREENING, DUE_DILIGENCE)
FINAL = frozenset({APPROVED, REJECTED, WITHDRAWN, ENDED})

#: Not a role: the system moving a request because something else happened (a case
#: opened or closed, a board motion decided).
SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    roles: frozenset[str]
    """Roles that may ask for it; `SYSTEM` for moves made as a consequence."""
    refusal: str
    """Why it cannot happen from any other state, completed with the current state."""


def _t(name: str, sources: Iterable[str], roles: Iterable[str], refusal: str) -> Transition:
    return Transition(name, frozenset(sources), frozenset(roles), refusal)


RAISERS = (Role.MEMBER, Role.COORDINATOR, Role.EXECUTIVE, Role.ADMIN)

SUBMIT = _t("submit", {DRAFT}, RAISERS, "only a draft can be submitted")
RECEIVE = _t("receive", {SUBMITTED}, {Role.EXECUTIVE}, "only a submitted request can be received")
HOLD = _t("hold", {DUE_DILIGENCE}, {SYSTEM}, "only a request in due diligence can be held")
RESOLVE = _t(
    "resolve_screening", {SCREENING}, {SYSTEM}, "only a request in screening can be resolved"
)
REFER = _t(
    "refer",
    {DUE_DILIGENCE},
    {Role.EXECUTIVE},
    "only a request whose screening is settled and in due diligence can be referred",
)
#: A new motion on a referred request whose motion lapsed for lack of quorum (the
#: service checks the lapse). Not offered in `allowed`: the page offers it only then.
REFER_AGAIN = _t(
    "refer",
    {REFERRED},
    {Role.EXECUTIVE},
    "only a referred request whose motion lapsed is referred again",
)
APPROVE = _t("approve", {REFERRED}, {SYSTEM}, "only a referred request can be approved")
REJECT = _t("reject", {REFERRED}, {SYSTEM}, "only a referred request is decided by the board")
DECLINE = _t(
    "decline",
    {SUBMITTED, SCREENING, DUE_DILIGENCE},
    {Role.EXECUTIVE},
    "only a request not yet referred can be declined by the executive",
)
WITHDRAW = _t(
    "withdraw",
    {DRAFT, SUBMITTED, SCREENING, DUE_DILIGENCE},
    RAISERS,
    "a request that was referred to the board or decided cannot be withdrawn",
)

END = _t("end", {APPROVED}, {SYSTEM}, "only an approved relationship is ended (by its review)")

TRANSITIONS = {
    t.name: t for t in (SUBMIT, RECEIVE, HOLD, RESOLVE, REFER, APPROVE, REJECT, DECLINE, WITHDRAW)
}


def check(transition: Transition, state: str, roles: Iterable[str]) -> None:
    """Refuse the transition: Forbidden without a role for it, Conflict from the
    wrong state (the message names the state and the rule)."""
    held = {str(role) for role in roles}
    if not (held & transition.roles):
        needed = ", ".join(sorted(str(r) for r in transition.roles))
        raise Forbidden(f"{transition.name} needs one of the roles: {needed}")
    if state not in transition.sources:
        raise Conflict(
            f"cannot {transition.name.replace('_', ' ')} a request that is "
            f"{state.replace('_', ' ')}: {transition.refusal}"
        )


def allowed(state: str, roles: Iterable[str]) -> list[str]:
    """The transitions these roles may ask for from `state` (for the request's page)."""
    held = {str(role) for role in roles}
    return [
        name
        for name, t in TRANSITIONS.items()
        if state in t.sources and held & t.roles and SYSTEM not in t.roles
    ]
