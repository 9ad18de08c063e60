"""Hours of mentoring, rolled up into each scheme's professional-development categories.

Pure: meetings and the scheme's policy in, per-person totals out. A meeting logged by
either party counts for both (both were there). Which category the hours count to,
and the recommended minimum, come from the policy's `cpd` rules: AASW gives mentees'
hours to Category 1 (10 hours recommended) and mentors' to Category 3 (5 hours);
ALIA and ILN say only that hours count to the ALIA PD Scheme, so they are plain
hours under that scheme, with no category and no minimum. A policy with no `cpd`
rule for the role gives plain hours ("Mentoring hours").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from policies import Policy
from policies.rules.money import CpdRule
from tenants.errors import InvalidInput

#: What plain hours are called when the policy names no professional-development scheme.
PLAIN_HOURS = "Mentoring hours"


@dataclass(frozen=True, slots=True)
class CpdCategory:
    """Where a role's hours count: the PD scheme, its category, the recommended minimum."""

    scheme: str
    category: str | None = None
    recommended_min_hours: float | None = None

    @property
    def label(self) -> str:
        return f"{self.scheme}, {self.category}" if self.category else self.scheme


def cpd_category(policy: Policy | None, role: str) -> CpdCategory:
    """The category a participant of `role` (mentor, mentee, peer) claims hours to.

    A rule naming the role wins over one for every role, so a policy may give a
    general rule and refine it for one role."""
    general: CpdRule | None = None
    for rule in policy.rules if policy is not None else ():
        if not isinstance(rule, CpdRule):
            continue
        if role in rule.roles:
            return CpdCategory(rule.scheme, rule.category, rule.recommended_min_hours)
        if not rule.roles and general is None:
            general = rule
    if general is not None:
        return CpdCategory(general.scheme, general.category, general.recommended_min_hours)
    return CpdCategory(PLAIN_HOURS)


@dataclass(frozen=True, slots=True)
class Attendance:
    """One participant's share of one meeting: who, in which role, for how long."""

    person_id: UUID
    name: str
    role: str
    partnership_id: UUID
    minutes: int


@dataclass(frozen=True, slots=True)
class PersonHours:
    """A participant's total in one partnership, in their category."""

    person_id: UUID
    name: str
    role: str
    partnership_id: UUID
    meetings: int
    minutes: int
    cpd: CpdCategory

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)

    @property
    def minimum_met(self) -> bool | None:
        """None when the category recommends no minimum."""
        if self.cpd.recommended_min_hours is None:
            return None
        return self.minutes >= self.cpd.recommended_min_hours * 60

    @property
    def hours_to_minimum(self) -> float | None:
        if self.cpd.recommended_min_hours is None:
            return None
        return round(max(0.0, self.cpd.recommended_min_hours - self.minutes / 60), 2)


def roll_up(attendances: Iterable[Attendance], policy: Policy | None) -> list[PersonHours]:
    """Totals per (person, partnership), in the category of the person's role; people
    with no meeting yet appear when an attendance of 0 minutes is given for them."""
    totals: dict[tuple[UUID, UUID], tuple[Attendance, int, int]] = {}
    for item in attendances:
        key = (item.person_id, item.partnership_id)
        first, meetings, minutes = totals.get(key, (item, 0, 0))
        counted = 1 if item.minutes > 0 else 0
        totals[key] = (first, meetings + counted, minutes + item.minutes)
    rows = [
        PersonHours(
            person_id=first.person_id,
            name=first.name,
            role=first.role,
            partnership_id=first.partnership_id,
            meetings=meetings,
            minutes=minutes,
            cpd=cpd_category(policy, first.role),
        )
        for first, meetings, minutes in totals.values()
    ]
    rows.sort(key=lambda r: (r.name.casefold(), str(r.person_id), str(r.partnership_id)))
    return rows


#: No meeting is longer than this: a longer one is a typing error, not a meeting.
MEETING_MAX_MINUTES = 8 * 60
#: A day has 24 hours: nobody attends more meetings than that in one day.
DAY_MAX_MINUTES = 24 * 60


def check_meeting_length(minutes: int) -> None:
    """InvalidInput naming `minutes` for a meeting longer than 8 hours."""
    if minutes > MEETING_MAX_MINUTES:
        raise InvalidInput(
            "minutes",
            f"{minutes} minutes is {hours_phrase(minutes)}; a meeting is logged for at most "
            f"{MEETING_MAX_MINUTES // 60} hours ({MEETING_MAX_MINUTES} minutes)",
        )


def check_day_total(name: str, day: date, logged_minutes: int, minutes: int) -> None:
    """InvalidInput naming `minutes` when `name`, who already has `logged_minutes` of
    meetings on `day`, would have more than 24 hours with this one."""
    total = logged_minutes + minutes
    if total > DAY_MAX_MINUTES:
        raise InvalidInput(
            "minutes",
            f"{name} already has {hours_phrase(logged_minutes)} of meetings logged on "
            f"{day.isoformat()}; with this one it would be {hours_phrase(total)}, and a day "
            f"has {DAY_MAX_MINUTES // 60}",
        )


def hours_phrase(minutes: int) -> str:
    """ "12.5 hours", "1 hour"."""
    text = f"{minutes / 60:.2f}".rstrip("0").rstrip(".") or "0"
    return f"{text} hour" + ("" if text == "1" else "s")
