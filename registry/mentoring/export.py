"""Exports of an intake's pairs, as CSV or XLSX, for coordinators' spreadsheets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from registry.spreadsheet import MEDIA_TYPES, Format, write_table

__all__ = ["HEADER", "MEDIA_TYPES", "Format", "write_pairs"]

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


def write_pairs(rows: Sequence[Sequence[Any]], format: Format, title: str) -> bytes:
    """The header and one row per pair, as `registry.spreadsheet` writes registers."""
    return write_table(HEADER, rows, format, sheet_name="Pairs", title=title)
