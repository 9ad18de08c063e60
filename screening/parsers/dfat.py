"""Australia DFAT Consolidated List (XLSX), current 19-column and older 12-column
layouts, read row by row (openpyxl read-only mode).

One row per name; rows of one listing share the numeric part of `Reference`
(`2`, `2a`, `2b`, or in the older file also `34c1`). Values are cleaned of the
older file's stray spaces and inconsistent case (`"Entity "`, `aka`/`Aka`).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from screening.countries import countries_in
from screening.dates import parse_birth_dates
from screening.model import (
    EntityName,
    Identifier,
    ListedEntity,
    ListFormatError,
    ListVersion,
    NameKind,
    Schema,
    Strength,
    sha256_of,
)

_REQUIRED = ("reference", "name of individual or entity", "type", "name type", "committees")
_REF = re.compile(r"^\s*(\d+)\s*([A-Za-z]*\d*)\s*$")
_SCHEMAS: dict[str, Schema] = {
    "individual": "person",
    "entity": "organization",
    "vessel": "vessel",
}
_NAME_TYPES: dict[str, NameKind] = {
    "primary name": "primary",
    "alias": "alias",
    "aka": "alias",
    "original script": "original_script",
    "formerly known as": "fka",
    "previously listed as": "fka",
}
_LISTED = re.compile(r"\bon (\d{1,2} \w+\.? \d{4})", re.IGNORECASE)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = " ".join(value.replace("\xa0", " ").split())
        return value or None
    return value


def _listing_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        m = _LISTED.search(value)
        if m:
            found = parse_birth_dates(m.group(1))
            if found and found[0].precision == "day":
                d = found[0]
                assert d.month is not None and d.day is not None
                return dt.date(d.year_from, d.month, d.day)
    return None


class _Builder:
    def __init__(self, base_ref: str, source: str) -> None:
        self.ref = base_ref
        self.source = source
        self.schema: Schema | None = None
        self.names: list[EntityName] = []
        self.row: dict[str, Any] | None = None  # the primary row, else the first
        self.programs: list[str] = []

    def add(
        self, row: dict[str, Any], kind: NameKind, strength: Strength, quality: str | None
    ) -> None:
        name = EntityName(row["name of individual or entity"], kind, strength, quality)
        if name not in self.names:
            self.names.append(name)
        if self.row is None or kind == "primary":
            self.row = row
        committee = row.get("committees")
        if committee and committee not in self.programs:
            self.programs.append(committee)

    def build(self, path: Path) -> ListedEntity:
        row = self.row
        assert row is not None
        names = sorted(self.names, key=lambda n: n.kind != "primary")
        if names[0].kind != "primary":
            # The published list has orphan alias rows whose primary row was removed
            # (e.g. 8495b in 2026-02); the first alias then stands as the name.
            first = next((n for n in names if n.kind != "original_script"), names[0])
            names.remove(first)
            names.insert(0, EntityName(first.value, "primary", "strong", first.quality))
        schema = self.schema or "organization"
        identifiers = []
        imo = row.get("imo number")
        if imo:
            identifiers.append(Identifier("IMO", str(imo)))
        countries: list[str] = []
        for key in ("address", "place of birth"):
            for code in countries_in(row.get(key)):
                if code not in countries:
                    countries.append(code)
        return ListedEntity(
            source=self.source,
            ref=self.ref,
            schema=schema,
            names=names,
            birth_dates=parse_birth_dates(row.get("date of birth")) if schema == "person" else [],
            nationalities=countries_in(row.get("citizenship")) if schema == "person" else [],
            countries=countries,
            identifiers=identifiers,
            programs=self.programs,
            listed_on=_listing_date(row.get("listing information")),
            remarks=row.get("additional information"),
        )


def parse_dfat(
    path: Path | str, source: str = "dfat", published: dt.date | None = None
) -> ListVersion:
    """Parse a DFAT consolidated list workbook (either layout)."""
    # Here, not above: every `accord screening` command imports the parsers, and only
    # this one needs openpyxl (with numpy, a tenth of a second to import).
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    if not zipfile.is_zipfile(path):
        # openpyxl judges by the file name first (an .xml file is refused with its own
        # exception), so tell what the file is not before asking it.
        raise ListFormatError(
            path, "workbook", "not a readable XLSX file: an XLSX workbook is a ZIP archive"
        )
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise ListFormatError(path, "workbook", f"not a readable XLSX file: {exc}") from exc
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            raise ListFormatError(path, "row 1", "empty worksheet")
        header = [str(h).strip().lower() if h is not None else "" for h in header_row]
        missing = [h for h in _REQUIRED if h not in header]
        if missing:
            raise ListFormatError(path, "row 1", f"header lacks column(s) {missing}")
        columns = [(i, h) for i, h in enumerate(header) if h]
        has_strength = "alias strength" in header
        # Rows of one listing share the base of their Reference (2, 2a, 2b); a row
        # Reference met again starts another copy of the listing, so that a repeated
        # listing reaches `parse_list` as a duplicate entity and is refused there.
        builders: dict[tuple[str, int], _Builder] = {}
        row_refs: Counter[str] = Counter()
        latest: dt.date | None = None
        for rownum, values in enumerate(rows, start=2):
            row = {h: _clean(values[i]) if i < len(values) else None for i, h in columns}
            if all(v is None for v in row.values()):
                continue
            record = f"row {rownum}"
            ref_raw = row.get("reference")
            m = _REF.match(str(ref_raw)) if ref_raw is not None else None
            if m is None:
                raise ListFormatError(
                    path, record, f"Reference {ref_raw!r} is not a list reference"
                )
            record = f"row {rownum} (Reference {ref_raw})"
            if not row.get("name of individual or entity"):
                raise ListFormatError(path, record, "empty name")
            name_type = str(row.get("name type") or "").strip().lower()
            kind = _NAME_TYPES.get(name_type)
            if kind is None:
                raise ListFormatError(path, record, f"unknown Name Type {row.get('name type')!r}")
            type_text = str(row.get("type") or "").strip().lower()
            schema = _SCHEMAS.get(type_text)
            if type_text and schema is None:
                raise ListFormatError(path, record, f"unknown Type {row.get('type')!r}")
            strength_text = (
                str(row.get("alias strength") or "").strip().lower() if has_strength else ""
            )
            strength: Strength = "weak" if strength_text == "weak" else "strong"
            base = m.group(1)
            row_ref = base + m.group(2).lower()
            key = (base, row_refs[row_ref])
            row_refs[row_ref] += 1
            builder = builders.get(key)
            if builder is None:
                builder = builders[key] = _Builder(base, source)
            if schema and (builder.schema is None or kind == "primary"):
                builder.schema = schema
            builder.add(row, kind, strength, row.get("alias strength") or row.get("name type"))
            control = row.get("control date")
            if isinstance(control, dt.datetime) and (latest is None or control.date() > latest):
                latest = control.date()
    finally:
        wb.close()
    if not builders:
        raise ListFormatError(path, "worksheet", "no listings")
    return ListVersion(
        source=source,
        published=published or latest,
        sha256=sha256_of([path]),
        files=[str(path)],
        entities=[b.build(path) for b in builders.values()],
    )
