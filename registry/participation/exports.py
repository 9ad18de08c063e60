"""Hours per person as CSV or XLSX (openpyxl): one row per participant and partnership.

Written by `registry.spreadsheet`, which defuses text a spreadsheet would run as a
formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from registry.participation.hours import PersonHours
from registry.spreadsheet import Format, write_csv, write_xlsx

ExportFormat = Format
HEADER = (
    "person",
    "email",
    "role",
    "scheme",
    "intake",
    "partnership",
    "meetings",
    "hours",
    "pd scheme",
    "category",
    "recommended minimum hours",
    "minimum met",
)


@dataclass(frozen=True, slots=True)
class HoursLine:
    hours: PersonHours
    email: str
    scheme: str
    intake: str

    def cells(self) -> tuple[str | int | float, ...]:
        h = self.hours
        minimum = h.cpd.recommended_min_hours
        met = h.minimum_met
        return (
            h.name,
            self.email,
            h.role,
            self.scheme,
            self.intake,
            str(h.partnership_id),
            h.meetings,
            h.hours,
            h.cpd.scheme,
            h.cpd.category or "",
            "" if minimum is None else minimum,
            "" if met is None else ("yes" if met else "no"),
        )


def hours_csv(lines: Sequence[HoursLine]) -> bytes:
    return write_csv(HEADER, (line.cells() for line in lines))


def hours_xlsx(lines: Sequence[HoursLine]) -> bytes:
    return write_xlsx(HEADER, (line.cells() for line in lines), sheet_name="Hours")


def export_hours(lines: Sequence[HoursLine], format: ExportFormat) -> bytes:
    return hours_csv(lines) if format == "csv" else hours_xlsx(lines)
