"""Date arithmetic and wording shared by the rules: month steps and human dates."""

from __future__ import annotations

import calendar as _calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = _calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def human_date(day: date) -> str:
    """'1 March 2025': the way a person writes a date in these associations' letters."""
    return f"{day.day} {_calendar.month_name[day.month]} {day.year}"


def month_name(month: int) -> str:
    return _calendar.month_name[month]


def number(value: float) -> str:
    """4 rather than 4.0; 4.5 stays 4.5."""
    return f"{value:g}"


def plural(count: float, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{number(count)} {word}"
