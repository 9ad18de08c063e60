"""Registers as people's spreadsheets: a header and rows as CSV or XLSX (openpyxl).

Every export (relationships, MOUs, mentoring pairs, hours) writes through here, so
they agree on what a coordinator opening one in a spreadsheet gets: CSV in UTF-8
with a byte order mark (so that names read right), XLSX with an optional title row
and a bold, frozen header. Text a spreadsheet would run as a formula (a partner
named "=HYPERLINK(...)") is defused: in CSV with a leading "'", in XLSX by storing
the cell as text, never as a formula. Every value is written through
`tenants.text.printable`: a control character a legacy value still holds (stored
before the text policy refused them; openpyxl raises on most) becomes U+FFFD, so an
export never fails on stored data.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from tenants.text import printable

Format = Literal["csv", "xlsx"]
MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

#: A spreadsheet opening a CSV runs a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defused(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula, without control characters."""
    value = printable(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str | None = None
) -> bytes:
    """Header and rows; with `title`, a first line holding it in one cell (for a report
    whose CSV must say what the XLSX title row says)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    if title is not None:
        writer.writerow([defused(title)])
    writer.writerow([printable(cell) for cell in header])
    for row in rows:
        writer.writerow([defused(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_name: str,
    title: str | None = None,
    widths: Sequence[int] | None = None,
) -> bytes:
    """One sheet: the title row (when given, in bold), the bold header, then the
    rows, with everything above the rows frozen; `widths` (characters) per column
    wrap long text in those columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_name
    if title is not None:
        sheet.append([printable(title)])
        sheet.cell(row=1, column=1).font = Font(bold=True, size=12)
    sheet.append([printable(cell) for cell in header])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = f"A{header_row + 1}"
    for row in rows:
        sheet.append([printable(cell) for cell in row])
    for line in sheet.iter_rows(min_row=header_row + 1):
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
                if widths is not None:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(widths or (), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    format: Format,
    *,
    sheet_name: str,
    title: str | None = None,
) -> bytes:
    if format == "csv":
        return write_csv(header, rows)
    return write_xlsx(header, rows, sheet_name=sheet_name, title=title)
