"""The MOU's states and the named transitions between them. Pure: no database.

    draft --approve (a carried board motion only)--> approved --sign--> signed
    signed --activate--> active --start_review / review due--> under_review
    under_review --continue--> active (or renewed, if it was)
    active | renewed | under_review --renew (a carried renewal motion)--> renewed
    approved | signed | active | renewed | under_review
        --terminate (a carried termination motion)--> terminated
    active | renewed | under_review --expire (the daily job, past expires_on)--> expired

`approve`, `renew` and `terminate` are moved by the board's decision handlers, never
by a route: there is no way to approve an MOU but a carried motion.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from policies.dates import add_months
from tenants.errors import Conflict

DRAFT = "draft"
APPROVED = "approved"
SIGNED = "signed"
ACTIVE = "active"
UNDER_REVIEW = "under_review"
RENEWED = "renewed"
TERMINATED = "terminated"
EXPIRED = "expired"

STATES = (DRAFT, APPROVED, SIGNED, ACTIVE, UNDER_REVIEW, RENEWED, TERMINATED, EXPIRED)
#: In force: its partners are screened again when a new list version is imported.
IN_FORCE = frozenset({ACTIVE, UNDER_REVIEW, RENEWED})
FINAL = frozenset({TERMINATED, EXPIRED})


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    refusal: str


def _t(name: str, sources: set[str], refusal: str) -> Transition:
    return Transition(name, frozenset(sources), refusal)


EDIT = _t("edit", {DRAFT}, "only a draft MOU can be changed; amend it through a renewal")
PROPOSE_APPROVAL = _t(
    "propose_approval", {DRAFT}, "only a draft MOU goes to the board for approval"
)
APPROVE = _t("approve", {DRAFT}, "only a draft MOU can be approved")
SIGN = _t("sign", {APPROVED}, "an MOU is signed once the board has approved it")
ACTIVATE = _t("activate", {SIGNED}, "an MOU is activated once it is approved and signed")
START_REVIEW = _t("start_review", {ACTIVE, RENEWED}, "only an MOU in force can be reviewed")
DECIDE_REVIEW = _t("decide_review", {UNDER_REVIEW}, "the MOU is not under review")
PROPOSE_RENEWAL = _t(
    "propose_renewal", {ACTIVE, RENEWED, UNDER_REVIEW}, "only an MOU in force can be renewed"
)
RENEW = PROPOSE_RENEWAL
PROPOSE_TERMINATION = _t(
    "propose_termination",
    {APPROVED, SIGNED, ACTIVE, RENEWED, UNDER_REVIEW},
    "the MOU is already ended, or still a draft (a draft is simply not approved)",
)
TERMINATE = PROPOSE_TERMINATION
EXPIRE = _t("expire", {ACTIVE, RENEWED, UNDER_REVIEW}, "only an MOU in force expires")


def check(transition: Transition, state: str) -> None:
    """Conflict, saying why, unless `transition` may leave `state`."""
    if state not in transition.sources:
        raise Conflict(
            f"cannot {transition.name.replace('_', ' ')}: the MOU is {state}; {transition.refusal}"
        )


def first_review(effective: date, interval_months: int) -> date:
    return add_months(effective, interval_months)


def review_after(day: date, interval_months: int) -> date:
    """The next review, one interval after `day` (a review decided, a renewal)."""
    return add_months(day, interval_months)


def is_expired(expires_on: date | None, today: date) -> bool:
    """An MOU runs to the end of its expiry day."""
    return expires_on is not None and today > expires_on
