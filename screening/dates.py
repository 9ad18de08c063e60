"""Dates of birth as the lists write them -> `BirthDate` values with a precision.

Handles ISO dates, `dd/mm/yyyy`, `12 Mar. 1966`, `Mar 1960`, bare years, year lists
(`1945, 1946`), ranges (`1955- 1958`, `Between 1975 and 1979`, `1955 to 1958`) and
approximate years (`Approximately`, `circa`). Hijri-calendar values are skipped.
"""

from __future__ import annotations

import datetime as dt
import re

from screening.model import BirthDate

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_MONTH_RE = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(1[89]\d\d|20[0-4]\d)"

_DAY_MONTH = rf"(?:\d{{1,2}}\s*{_MONTH_RE}\s*)?"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "range",
        re.compile(
            rf"\b{_DAY_MONTH}{_YEAR}\s*(?:-|\u2013|to|and)\s*{_DAY_MONTH}{_YEAR}\b", re.IGNORECASE
        ),
    ),
    ("iso", re.compile(rf"\b{_YEAR}-(\d{{1,2}})-(\d{{1,2}})\b")),
    ("dmy_num", re.compile(rf"\b(\d{{1,2}})[/.](\d{{1,2}})[/.]{_YEAR}\b")),
    ("dmy_txt", re.compile(rf"\b(\d{{1,2}})\s*{_MONTH_RE}\s*,?\s*{_YEAR}\b", re.IGNORECASE)),
    ("my_txt", re.compile(rf"\b{_MONTH_RE}\s*,?\s*{_YEAR}\b", re.IGNORECASE)),
    ("year", re.compile(rf"\b{_YEAR}\b")),
]
_APPROX = re.compile(r"approx|circa|\bca\.|about", re.IGNORECASE)
_HIJRI = re.compile(r"\([^)]*hijri[^)]*\)", re.IGNORECASE)


def _safe_day(year: int, month: int, day: int) -> BirthDate | None:
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    return BirthDate("day", year, year, month, day)


def parse_birth_dates(value: object) -> list[BirthDate]:
    """Every date of birth a cell or remark holds. Unknown text yields []."""
    if value is None:
        return []
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return [BirthDate("day", value.year, value.year, value.month, value.day)]
    if isinstance(value, int):
        return [BirthDate("year", value, value)] if 1800 <= value <= 2100 else []
    text = _HIJRI.sub(" ", str(value))
    out: list[BirthDate] = []
    # Split on list separators so that "Approximately" applies to its own item.
    for part in re.split(r"[;,\n]|\b[a-h]\)|>>", text):
        approx = bool(_APPROX.search(part))
        rest = part
        for kind, pattern in _PATTERNS:
            for m in pattern.finditer(rest):
                found: BirthDate | None
                if kind == "iso":
                    found = _safe_day(int(m[1]), int(m[2]), int(m[3]))
                elif kind == "dmy_num":
                    found = _safe_day(int(m[3]), int(m[2]), int(m[1]))
                elif kind == "dmy_txt":
                    found = _safe_day(int(m[3]), _MONTHS[m[2].lower()[:3]], int(m[1]))
                elif kind == "my_txt":
                    month = _MONTHS[m[1].lower()[:3]]
                    found = BirthDate("month", int(m[2]), int(m[2]), month)
                elif kind == "range":
                    years = [int(g) for g in m.groups() if g and g.isdigit() and len(g) == 4]
                    lo, hi = min(years), max(years)
                    found = BirthDate("range", lo, hi, approximate=approx)
                else:
                    y = int(m[1])
                    found = BirthDate("year", y, y, approximate=approx)
                if found is not None and found not in out:
                    out.append(found)
            rest = pattern.sub(" ", rest)
    return out
