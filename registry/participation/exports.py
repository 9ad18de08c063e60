"""Hours per person as CSV or XLSX (openpyxl): one row per participant and partnership.

Text cells a spreadsheet would run as a formula (a name "=cmd|...") are defused: in
CSV with a leading "'", in XLSX by storing them as text cells.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from registry.participation.hours import PersonHours

ExportFormat = Literal["csv", "xlsx"]
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
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


def _defused(value: str | int | float) -> str | int | float:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def hours_csv(lines: Sequence[HoursLine]) -> bytes:
    """UTF-8 with a byte order mark, so that spreadsheets read names right."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for line in lines:
        writer.writerow([_defused(cell) for cell in line.cells()])
    return buffer.getvalue().encode("utf-8-sig")


def hours_xlsx(lines: Sequence[HoursLine]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Hours"
    sheet.append(list(HEADER))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for line in lines:
        sheet.append(list(line.cells()))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_hours(lines: Sequence[HoursLine], format: ExportFormat) -> bytes:
    return hours_csv(lines) if format == "csv" else hours_xlsx(lines)
