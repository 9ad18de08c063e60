"""When: the programme term, the application window, and the programme's milestones."""

from __future__ import annotations

import calendar as stdlib_calendar
from datetime import date, timedelta
from typing import ClassVar

from policies.dates import add_months, human_date, month_name, plural
from policies.decision import Effect, RuleResult
from policies.rules.base import ApplicantRule, Context, one_of, out_of_range
from policies.subjects import Applicant, Subject

END_TOLERANCE_DAYS = 7
"""An intake may end up to a week either side of its nominal end (2020: 23 July to July)."""


class TermRule(ApplicantRule, tag="term"):
    """How long an intake runs, in which months it may start, how many rounds a year."""

    length_months: int
    start_months: list[int] = []
    """Months (1-12) an intake may start in; empty allows any."""
    end_month: int | None = None
    """Month the programme ends in, when the scheme names one (e.g. September)."""
    rounds_per_year: int | None = None

    def problems(self) -> list[tuple[str, str]]:
        found = out_of_range("length_months", self.length_months, 1, 60)
        if any(m < 1 or m > 12 for m in self.start_months):
            found.append(("start_months", "months are numbered 1 to 12"))
        if self.end_month is not None and not 1 <= self.end_month <= 12:
            found.append(("end_month", "months are numbered 1 to 12"))
        if self.rounds_per_year is not None and not 1 <= self.rounds_per_year <= 12:
            found.append(("rounds_per_year", "must be between 1 and 12"))
        return found

    def programme_end(self, start: date) -> date:
        """The last day of an intake that starts on `start`."""
        if self.end_month is not None:
            year = start.year if self.end_month >= start.month else start.year + 1
            return date(year, self.end_month, stdlib_calendar.monthrange(year, self.end_month)[1])
        return add_months(start, self.length_months) - timedelta(days=1)

    def evaluate(self, subject: Subject, context: Context) -> RuleResult | None:
        if not self.applies_to(subject):
            return None
        assert isinstance(subject, Applicant)
        start = subject.intake.start
        end = context.programme_end or self.programme_end(start)
        data = {
            "intake_start": start,
            "intake_end": end,
            "length_months": self.length_months,
            "start_months": self.start_months,
            "end_month": self.end_month,
            "rounds_per_year": self.rounds_per_year,
        }
        runs = f"Each intake runs for {plural(self.length_months, 'month')}"
        if self.start_months:
            months = one_of([month_name(m) for m in self.start_months])
            runs += f", starting in {months}"
            if self.end_month is not None:
                runs += f" and ending in {month_name(self.end_month)}"
            if start.month not in self.start_months:
                return self.result(
                    False, f"{runs}; this intake starts on {human_date(start)}.", data
                )
        if end < start:
            return self.result(False, f"{runs}; this intake ends before it starts.", data)
        if self.end_month is not None and end.month != self.end_month:
            return self.result(False, f"{runs}; this intake ends on {human_date(end)}.", data)
        expected = self.programme_end(start)
        if self.end_month is None and abs((end - expected).days) > END_TOLERANCE_DAYS:
            return self.result(
                False,
                f"{runs}; this intake runs {human_date(start)} to {human_date(end)}, not to "
                f"about {human_date(expected)}.",
                data,
            )
        return self.result(
            True, f"{runs}; this intake runs {human_date(start)} to {human_date(end)}.", data
        )


class WindowRule(ApplicantRule, tag="window"):
    """When applications open and close, and the members-only period at the start."""

    opens: date | None = None
    closes: date | None = None
    opens_months_before_start: int | None = None
    """Derive the opening from the intake's start (used when `opens` is not set)."""
    closes_days_before_start: int | None = None
    """Derive the closing from the intake's start (used when `closes` is not set)."""
    members_only_days: int = 0
    """Days after opening during which only members may apply."""

    def problems(self) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        if self.opens is None and self.opens_months_before_start is None:
            found.append(("opens", "set `opens` or `opens_months_before_start`"))
        if self.closes is None and self.closes_days_before_start is None:
            found.append(("closes", "set `closes` or `closes_days_before_start`"))
        if self.opens and self.closes and self.closes < self.opens:
            found.append(("closes", "the window closes before it opens"))
        found += out_of_range("members_only_days", self.members_only_days, 0, 366)
        found += out_of_range("opens_months_before_start", self.opens_months_before_start, 0, 24)
        found += out_of_range("closes_days_before_start", self.closes_days_before_start, 0, 366)
        for name in ("opens", "closes"):
            day = getattr(self, name)
            if day is not None and not 1900 <= day.year <= 2999:
                found.append((name, "must be a date between 1900 and 2999"))
        return found

    def dates_for(self, intake_start: date) -> tuple[date, date, date]:
        """(opens, closes, first day non-members may apply) for an intake."""
        opens = self.opens or add_months(intake_start, -(self.opens_months_before_start or 0))
        closes = self.closes or intake_start - timedelta(days=self.closes_days_before_start or 0)
        return opens, closes, opens + timedelta(days=self.members_only_days)

    def evaluate(self, subject: Subject, context: Context) -> RuleResult | None:
        if not self.applies_to(subject):
            return None
        assert isinstance(subject, Applicant)
        applied = subject.applied_on or context.as_of
        opens, closes, open_to_all = self.dates_for(subject.intake.start)
        is_member = subject.membership is not None and subject.membership.status in (
            "current",
            "financial",
        )
        data = {
            "applied_on": applied,
            "opens": opens,
            "closes": closes,
            "members_only_until": open_to_all - timedelta(days=1)
            if self.members_only_days
            else None,
            "member": is_member,
        }
        window = f"Applications open on {human_date(opens)} and close on {human_date(closes)}"
        when = f"the application is dated {human_date(applied)}"
        if applied < opens:
            return self.result(False, f"{window}; {when}, before they open.", data)
        if applied > closes:
            return self.result(False, f"{window}; {when}, after they close.", data)
        if self.members_only_days and applied < open_to_all and not is_member:
            return self.result(
                False,
                f"Until {human_date(open_to_all - timedelta(days=1))} only members may apply; "
                f"{when} and the applicant is not a member.",
                data,
            )
        return self.result(True, f"{window}; {when}.", data)


class MilestonesRule(ApplicantRule, tag="milestones"):
    """Review points in a programme: the midway review and the closing evaluation."""

    midway_review: bool = False
    evaluation_within_days: int | None = None
    """Days after the programme ends by which the evaluation survey is due."""

    default_on_fail: ClassVar[Effect] = "advise"

    def problems(self) -> list[tuple[str, str]]:
        return out_of_range("evaluation_within_days", self.evaluation_within_days, 0, 366)

    def evaluate(self, subject: Subject, context: Context) -> RuleResult | None:
        if not self.applies_to(subject) or context.programme_end is None:
            return None
        assert isinstance(subject, Applicant)
        start, end = subject.intake.start, context.programme_end
        midway = start + (end - start) / 2 if self.midway_review else None
        due = end + timedelta(days=self.evaluation_within_days) if (
            self.evaluation_within_days is not None
        ) else None
        data = {"programme_end": end, "midway_review": midway, "evaluation_due": due,
                "evaluation_submitted_on": subject.evaluation_submitted_on}
        parts: list[str] = []
        if midway is not None:
            parts.append(f"a midway review around {human_date(midway)}")
        if due is not None:
            parts.append(f"the evaluation survey by {human_date(due)}, within "
                         f"{plural(self.evaluation_within_days or 0, 'day')} of the programme "
                         f"ending on {human_date(end)}")
        plan = f"Milestones: {one_of(parts, 'and')}" if parts else "No milestones set"
        submitted = subject.evaluation_submitted_on
        if due is not None and submitted is not None and submitted > due:
            return self.result(False, f"{plan}; the survey came in on {human_date(submitted)}, "
                               "late.", data)
        if due is not None and submitted is None and context.as_of > due:
            return self.result(False, f"{plan}; the survey is overdue.", data)
        return self.result(True, f"{plan}.", data)
