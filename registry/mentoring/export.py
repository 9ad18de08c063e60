"""Exports of an intake's pairs, as CSV or XLSX, for coordinators' spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any, Literal

Format = Literal["csv", "xlsx"]
MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
HEADER = (
    "partnership",
    "state",
    "role_a",
    "name_a",
    "email_a",
    "country_a",
    "role_b",
    "name_b",
    "email_b",
    "country_b",
    "score",
    "pinned",
    "proposed_at",
    "accepted_at",
    "ended_reason",
)

#: A spreadsheet opening a CSV runs a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_pairs(rows: Sequence[Sequence[Any]], format: Format, title: str) -> bytes:
    """The header and one row per pair: CSV (UTF-8 with BOM) or one XLSX sheet whose
    text cells are never formulas."""
    if format == "csv":
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow([_safe(cell) for cell in row])
        return buffer.getvalue().encode("utf-8-sig")
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Pairs"
    sheet.append([title])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=12)
    sheet.append(list(HEADER))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A3"
    for row in rows:
        sheet.append(list(row))
    for line in sheet.iter_rows(min_row=3):
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
