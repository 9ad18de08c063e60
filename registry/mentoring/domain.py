"""The rules of mentoring that need no database: an intake's dates from its policy,
the window check for policies without a window rule, the partnership state machine,
and the fee a mentee owes. Plain functions over plain data, tested directly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

import msgspec

from policies import Decision, Policy, RuleResult
from policies.dates import add_months, human_date
from policies.decision import combine
from policies.rules.eligibility import ExperienceRule, RoleRule
from policies.rules.money import FeeRule
from policies.rules.places import CountryCapRule
from policies.rules.timing import MilestonesRule, WindowRule
from tenants.errors import Conflict, InvalidInput

#: The years an intake's dates may fall in (the policy engine's own bounds).
MIN_YEAR, MAX_YEAR = 1900, 2999

#: Days after the intake's end by which the evaluation is due, when the policy says
#: nothing (ALIA's "within 2 weeks").
EVALUATION_DAYS = 14


@dataclass(frozen=True)
class IntakeDates:
    applications_open: date
    members_only_until: date | None
    applications_close: date
    starts_on: date
    midway_review_on: date
    ends_on: date
    evaluation_due_on: date


def _rule(policy: Policy, kind: type[Any]) -> Any:
    found = [rule for rule in policy.rules if isinstance(rule, kind)]
    return found[0] if found else None


def window_rule(policy: Policy) -> WindowRule | None:
    rule: WindowRule | None = _rule(policy, WindowRule)
    return rule


def fee_currency(policy: Policy) -> str:
    rule: FeeRule | None = _rule(policy, FeeRule)
    return "AUD" if rule is None else rule.currency


def experience_fields(policy: Policy) -> list[str]:
    """The fields of experience the policy reads ("lis", "social-work-practice")."""
    return [rule.field for rule in policy.rules if isinstance(rule, ExperienceRule)]


def allowed_roles(policy: Policy) -> list[str]:
    """The roles the policy admits; empty when it has no role rule (any)."""
    rule: RoleRule | None = _rule(policy, RoleRule)
    return [] if rule is None else list(rule.allowed)


def country_cap(policy: Policy) -> float | None:
    """The policy's country cap as a share of a round (ILN: 0.2), or None."""
    rule: CountryCapRule | None = _rule(policy, CountryCapRule)
    return None if rule is None else rule.max_percent / 100


def plan_intake(policy: Policy, starts_on: date, given: dict[str, date | None]) -> IntakeDates:
    """Every date of an intake that starts on `starts_on`, from the policy.

    The policy's term fixes the end (and the months an intake may start in), its window
    rule fixes when applications open and close and the members-only period; a date the
    policy fixes may not be given differently (InvalidInput naming it). Dates the policy
    leaves open default to: applications open two months before the start and close the
    day before it, the midway review halfway, the evaluation 14 days after the end.
    """
    for name, day in (("starts_on", starts_on), *given.items()):
        if day is not None and not MIN_YEAR <= day.year <= MAX_YEAR:
            raise InvalidInput(name, f"a date between {MIN_YEAR} and {MAX_YEAR} is expected")
    term = policy.term()
    if term is not None and term.start_months and starts_on.month not in term.start_months:
        months = ", ".join(str(m) for m in term.start_months)
        raise InvalidInput(
            "starts_on", f"the policy {policy.name!r} starts intakes only in month(s) {months}"
        )
    fixed: dict[str, date | None] = {}
    if term is not None:
        fixed["ends_on"] = term.programme_end(starts_on)
    window = window_rule(policy)
    if window is not None:
        opens, closes, open_to_all = window.dates_for(starts_on)
        fixed["applications_open"] = opens
        fixed["applications_close"] = closes
        fixed["members_only_until"] = (
            open_to_all - timedelta(days=1) if window.members_only_days else None
        )
    for name, value in fixed.items():
        wanted = given.get(name)
        if wanted is not None and wanted != value:
            shown = "none" if value is None else human_date(value)
            raise InvalidInput(name, f"the policy {policy.name!r} fixes it ({shown}); leave it out")
    ends_on = fixed.get("ends_on") or given.get("ends_on")
    if ends_on is None:
        raise InvalidInput("ends_on", "the policy sets no term: give the intake's end")
    opens_on = fixed.get("applications_open") or given.get("applications_open")
    closes_on = fixed.get("applications_close") or given.get("applications_close")
    members_only = (
        fixed["members_only_until"]
        if "members_only_until" in fixed
        else given.get("members_only_until")
    )
    opens = opens_on or add_months(starts_on, -2)
    closes = closes_on or starts_on - timedelta(days=1)
    milestones: MilestonesRule | None = _rule(policy, MilestonesRule)
    days = EVALUATION_DAYS
    if milestones is not None and milestones.evaluation_within_days is not None:
        days = milestones.evaluation_within_days
    midway = given.get("midway_review_on") or starts_on + (ends_on - starts_on) / 2
    dates = IntakeDates(
        applications_open=opens,
        members_only_until=members_only,
        applications_close=closes,
        starts_on=starts_on,
        midway_review_on=midway,
        ends_on=ends_on,
        evaluation_due_on=ends_on + timedelta(days=days),
    )
    check_order(dates)
    return dates


def check_order(dates: IntakeDates) -> None:
    """Open <= members-only end < close < start < midway < end."""
    if dates.applications_close < dates.applications_open:
        raise InvalidInput("applications_close", "applications close before they open")
    if dates.members_only_until is not None and not (
        dates.applications_open <= dates.members_only_until < dates.applications_close
    ):
        raise InvalidInput(
            "members_only_until", "the members-only period ends between opening and closing"
        )
    if dates.starts_on <= dates.applications_close:
        raise InvalidInput("applications_close", "applications close before the intake starts")
    if dates.ends_on <= dates.starts_on:
        raise InvalidInput("ends_on", "the intake ends after it starts")
    if not dates.starts_on < dates.midway_review_on < dates.ends_on:
        raise InvalidInput("midway_review_on", "the midway review falls between start and end")


def intake_window_result(dates: IntakeDates, applied_on: date, is_member: bool) -> RuleResult:
    """The intake's own window, for a policy that has no window rule (AASW): the
    intake's dates decide, as the coordinator set them."""
    window = (
        f"Applications to this intake open on {human_date(dates.applications_open)} and "
        f"close on {human_date(dates.applications_close)}"
    )
    when = f"the application is dated {human_date(applied_on)}"
    data = {
        "applied_on": applied_on.isoformat(),
        "opens": dates.applications_open.isoformat(),
        "closes": dates.applications_close.isoformat(),
    }
    passed, reason = True, f"{window}; {when}."
    if applied_on < dates.applications_open:
        passed, reason = False, f"{window}; {when}, before they open."
    elif applied_on > dates.applications_close:
        passed, reason = False, f"{window}; {when}, after they close."
    elif (
        dates.members_only_until is not None
        and applied_on <= dates.members_only_until
        and not is_member
    ):
        passed, reason = (
            False,
            (
                f"Until {human_date(dates.members_only_until)} only members may apply; {when} "
                "and the applicant is not a member."
            ),
        )
    return RuleResult(
        rule_id="intake-window",
        kind="window",
        passed=passed,
        effect="none" if passed else "ineligible",
        reason=reason,
        data=data,
    )


def with_result(decision: Decision, result: RuleResult) -> Decision:
    """The decision with one more rule's result, and its outcome combined again."""
    rules = [*decision.rules, result]
    return msgspec.structs.replace(decision, rules=rules, outcome=combine(rules))


# --- partnerships -----------------------------------------------------------------------

State = Literal[
    "proposed",
    "accepted",
    "active",
    "midway_review_done",
    "completed",
    "evaluated",
    "withdrawn",
    "terminated",
]
Actor = Literal["party", "coordinator"]
LIVE: tuple[State, ...] = ("proposed", "accepted", "active", "midway_review_done")


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[State, ...]
    target: State
    by: frozenset[Actor]
    #: Whether the intake must not have ended (nothing continues past its end).
    before_end: bool
    #: The audit action, `mentoring.partnership.<event>`.
    event: str


_BOTH: frozenset[Actor] = frozenset({"party", "coordinator"})

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("accept", ("proposed",), "accepted", frozenset({"party"}), True, "accepted"),
        Transition("activate", ("accepted",), "active", _BOTH, True, "activated"),
        Transition(
            "midway_review", ("active",), "midway_review_done", _BOTH, True, "midway_reviewed"
        ),
        Transition(
            "complete", ("active", "midway_review_done"), "completed", _BOTH, False, "completed"
        ),
        Transition("evaluate", ("completed",), "evaluated", _BOTH, False, "evaluated"),
        Transition("withdraw", LIVE, "withdrawn", frozenset({"party"}), False, "withdrawn"),
        Transition(
            "terminate", LIVE, "terminated", frozenset({"coordinator"}), False, "terminated"
        ),
    )
}

_WHO = {"party": "a party to the partnership", "coordinator": "a coordinator of the scheme"}


@dataclass(frozen=True)
class Schedule:
    """The days a partnership's steps follow: its intake's (the policy's) dates, and
    the day it completed when a coordinator completed it before the intake's end."""

    starts_on: date
    midway_review_on: date
    ends_on: date
    completed_early_on: date | None = None

    @property
    def evaluation_opens_on(self) -> date:
        """The evaluation opens at the partnership's end: the intake's, or the earlier
        day it was completed."""
        return self.completed_early_on or self.ends_on


@dataclass(frozen=True)
class Step:
    """A transition allowed now; `early` when it completes before the intake's end."""

    transition: Transition
    early: bool = False


def _opens_on(name: str, schedule: Schedule) -> tuple[date, str] | None:
    """The first day the step may be taken, and what that day is, or None (any day)."""
    return {
        "activate": (schedule.starts_on, "the intake starts"),
        "midway_review": (schedule.midway_review_on, "the midway review opens"),
        "evaluate": (schedule.evaluation_opens_on, "the evaluation opens"),
    }.get(name)


def check_transition(
    name: str,
    state: str,
    acting_as: set[Actor],
    today: date,
    schedule: Schedule,
    *,
    reason: str = "",
) -> Step:
    """The transition `name` from `state` by someone acting as `acting_as` on `today`
    (the association's day), or Conflict saying why it cannot happen (Forbidden is for
    roles the route refuses: here the caller may see the partnership, so the refusal is
    about its state, its dates or their part in it).

    The steps follow the intake's calendar: active from its start, the midway review
    from the midway date, completion from its end and the evaluation from the
    partnership's end. A coordinator may complete a partnership before the intake's
    end, giving a reason (InvalidInput naming `reason` without one): it is recorded
    as early."""
    transition = TRANSITIONS[name]
    if state not in transition.sources:
        allowed = ", ".join(transition.sources)
        raise Conflict(
            f"cannot {name.replace('_', ' ')} a partnership that is {state.replace('_', ' ')}"
            f" (only from: {allowed})"
        )
    if not acting_as & transition.by:
        who = " or ".join(_WHO[actor] for actor in sorted(transition.by))
        raise Conflict(f"only {who} may {name.replace('_', ' ')} it")
    if transition.before_end and today > schedule.ends_on:
        raise Conflict(
            f"the intake ended on {human_date(schedule.ends_on)}; nothing continues past its end"
        )
    opens = _opens_on(name, schedule)
    if opens is not None and today < opens[0]:
        raise Conflict(
            f"cannot {name.replace('_', ' ')} it yet: {opens[1]} on {human_date(opens[0])}"
            f" (today is {human_date(today)})"
        )
    if name == "complete" and today < schedule.ends_on:
        if "coordinator" not in acting_as:
            raise Conflict(
                f"the intake ends on {human_date(schedule.ends_on)}; before then only a "
                "coordinator may complete a partnership, early and with a reason"
            )
        if not reason.strip():
            raise InvalidInput(
                "reason",
                f"say why the partnership completes before the intake ends on "
                f"{human_date(schedule.ends_on)}",
            )
        return Step(transition, early=True)
    return Step(transition)


def fee_owed(decision: Decision) -> tuple[float, str, date, date] | None:
    """(amount, currency, due from, due by) from the fee rule's entry of a Decision made
    with the match and the signed acceptance in the subject; None when nothing is owed
    (no fee rule, a free scheme, a role that does not pay, no signed acceptance)."""
    for entry in decision.rules:
        if entry.kind != "fee":
            continue
        data = entry.data
        if not data.get("amount_due") or data.get("due_from") is None:
            return None
        return (
            float(data["amount_due"]),
            str(data["currency"]),
            _as_date(data["due_from"]),
            _as_date(data["due_by"]),
        )
    return None


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


# --- applications -------------------------------------------------------------------------

#: Applications that are over: whoever holds one may apply to the intake again while
#: its window is open (the earlier one stays, as history).
CLOSED_APPLICATION: tuple[str, ...] = ("withdrawn", "refused")
#: Partnership states that have ended early: the pair parted.
PARTED: tuple[State, ...] = ("withdrawn", "terminated")


def application_status(held: int, *, left: str | None = None) -> str:
    """An application's status once one of its partnerships has ended, from what it
    still holds: matched while it holds any partnership (one withdrawal from a mentor's
    three leaves her matched to the other two); once it holds none, the person who
    left is out (`left`: withdrawn, removed) and a partner left behind is back in the
    pool (accepted, on the rematch list)."""
    if held > 0:
        return "matched"
    return left or "accepted"


def places_left(role: str, status: str, capacity: int, held: int) -> int:
    """Places the next run may fill for this application: none once it is over or
    referred; a mentor's capacity less the partnerships she holds; one for a free
    mentee or peer."""
    if status not in ("accepted", "waitlisted", "matched"):
        return 0
    if role == "mentor":
        return max(capacity - held, 0)
    return 0 if held else 1
