"""The MOU register as a table: CSV (UTF-8 with BOM) or XLSX (openpyxl). Pure."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Literal

from registry.mous.schemas import MouOut, SignatoryOut

Format = Literal["csv", "xlsx"]
MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
HEADER = (
    "reference",
    "title",
    "kind",
    "state",
    "parties",
    "countries",
    "relationship request",
    "working relationships",
    "shared interests",
    "common understanding",
    "assistance",
    "SDGs",
    "non-endorsement clause",
    "effective date",
    "review interval (months)",
    "next review due",
    "expires on",
    "signatories",
    "signed document sha256",
    "approving motion",
)
#: A spreadsheet runs a text cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def register_rows(mous: Sequence[MouOut]) -> list[list[str | int]]:
    rows: list[list[str | int]] = []
    for mou in mous:
        rows.append(
            [
                mou.reference,
                mou.title,
                mou.kind,
                mou.state,
                "; ".join(p.name for p in mou.parties),
                "; ".join(p.country for p in mou.parties),
                str(mou.request_id or ""),
                mou.working_relationships,
                mou.shared_interests,
                mou.common_understanding,
                "; ".join(mou.assistance),
                "; ".join(str(goal) for goal in mou.sdgs),
                mou.non_endorsement,
                str(mou.effective_date or ""),
                mou.review_interval_months,
                str(mou.next_review_due or ""),
                str(mou.expires_on or ""),
                "; ".join(_signatory(s) for s in mou.signatories),
                mou.document_sha256 or "",
                str(mou.approved_motion_id or ""),
            ]
        )
    return rows


def _signatory(s: SignatoryOut) -> str:
    position = f" ({s.position})" if s.position else ""
    return f"{s.name}{position} for {s.party}, {s.signed_on}"


def _safe(cell: str | int) -> str | int:
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def write_csv(rows: Sequence[Sequence[str | int]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([_safe(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(rows: Sequence[Sequence[str | int]], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "MOU register"
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
                cell.data_type = "s"  # text, never a formula, whatever it starts with
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render(mous: Sequence[MouOut], format: Format, title: str) -> bytes:
    rows = register_rows(mous)
    return write_xlsx(rows, title) if format == "xlsx" else write_csv(rows)
