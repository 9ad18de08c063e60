"""Reading an association's membership export: CSV or XLSX in, checked rows out.

Plain functions, no database: `read_table` turns the file into a header and rows,
`map_columns` finds each field's column by its header (with the synonyms membership
systems use), and `parse_row` checks one row, naming each problem with its row and
column as a person would find them in a spreadsheet (row 1 is the header).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tenants import text
from tenants.errors import InvalidInput
from tenants.validation import check_country, check_email

#: Register statuses, as the issue names them.
STATUSES = ("current", "financial", "lapsed", "resigned")
#: Statuses that count as holding membership.
HELD = ("current", "financial")
#: What membership systems call a status, in Accord's words.
STATUS_SYNONYMS = {
    "active": "current",
    "paid": "financial",
    "unfinancial": "lapsed",
    "expired": "lapsed",
    "cancelled": "resigned",
    "canceled": "resigned",
    "withdrawn": "resigned",
}

FIELDS = (
    "number",
    "name",
    "email",
    "membership_class",
    "status",
    "paid_until",
    "joined_on",
    "country",
)
REQUIRED = ("number", "email", "membership_class", "status")
LABELS = {
    "number": "member number",
    "name": "name",
    "email": "e-mail",
    "membership_class": "membership class",
    "status": "status",
    "paid_until": "paid until",
    "joined_on": "joined",
    "country": "country",
}

#: Header synonyms (normalised: lower case, words separated by one space).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "number": (
        "member number",
        "member no",
        "membership number",
        "membership no",
        "member id",
        "membership id",
        "member",
        "number",
        "no",
        "id",
    ),
    "name": ("name", "full name", "member name", "display name"),
    "first_name": ("first name", "given name", "given names", "forename"),
    "last_name": ("last name", "surname", "family name"),
    "email": ("email", "e mail", "email address", "e mail address", "mail"),
    "membership_class": (
        "class",
        "membership class",
        "category",
        "membership category",
        "membership type",
        "member type",
        "grade",
        "membership grade",
        "type",
    ),
    "status": ("status", "membership status", "financial status", "member status"),
    "paid_until": (
        "paid until",
        "paid to",
        "paid up to",
        "financial until",
        "expiry",
        "expiry date",
        "expires",
        "expires on",
        "valid until",
        "renewal date",
        "end date",
        "membership expiry",
    ),
    "joined_on": (
        "joined",
        "joined on",
        "join date",
        "date joined",
        "member since",
        "start date",
        "joining date",
    ),
    "country": ("country", "country code"),
}

MAX_ROWS = 100_000


@dataclass(frozen=True, slots=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column!r}: {self.message}"


@dataclass(frozen=True, slots=True)
class ParsedRecord:
    number: str
    name: str
    email: str
    membership_class: str
    status: str
    paid_until: date | None
    joined_on: date | None
    country: str | None

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FIELDS}


@dataclass(slots=True)
class Mapping:
    """Which column (by index and header) holds each field, and what was left unread."""

    columns: dict[str, int] = field(default_factory=dict)
    headers: list[str] = field(default_factory=list)

    def shown(self) -> dict[str, str]:
        """Header -> field, as the import report shows it."""
        return {self.headers[index]: name for name, index in self.columns.items()}

    def ignored(self) -> list[str]:
        used = set(self.columns.values())
        return [h for i, h in enumerate(self.headers) if i not in used and h.strip()]

    def header_of(self, name: str) -> str:
        if name == "name" and "name" not in self.columns:
            parts = [
                self.headers[self.columns[p]]
                for p in ("first_name", "last_name")
                if p in self.columns
            ]
            return " + ".join(parts) or "name"
        return self.headers[self.columns[name]] if name in self.columns else LABELS[name]


def normalise_header(header: str) -> str:
    words = re.sub(r"[^0-9a-z]+", " ", str(header).strip().lower().replace("#", " no "))
    return " ".join(words.split())


def map_columns(headers: Sequence[Any]) -> Mapping:
    """Each field's column by header; InvalidInput naming the fields no column holds."""
    mapping = Mapping(headers=["" if h is None else str(h).strip() for h in headers])
    normalised = [normalise_header(h) for h in mapping.headers]
    for name, synonyms in SYNONYMS.items():
        for synonym in synonyms:  # the first synonym found wins: most specific first
            if synonym in normalised:
                index = normalised.index(synonym)
                if index not in mapping.columns.values():
                    mapping.columns[name] = index
                    break
    missing = [LABELS[n] for n in REQUIRED if n not in mapping.columns]
    if "name" not in mapping.columns and not {"first_name", "last_name"} & set(mapping.columns):
        missing.append("name")
    if missing:
        raise InvalidInput(
            "file",
            f"no column for {', '.join(missing)}; the header row reads: "
            f"{', '.join(h for h in mapping.headers if h) or '(empty)'}",
        )
    return mapping


def read_table(content: bytes) -> tuple[list[Any], Iterator[list[Any]], int]:
    """(header, rows, row count) of a CSV (UTF-8, with or without BOM) or an XLSX
    (its first sheet), told apart by content, not by name."""
    if not content.strip():
        raise InvalidInput("file", "the file is empty")
    rows = _xlsx_rows(content) if content[:4] == b"PK\x03\x04" else _csv_rows(content)
    if not rows:
        raise InvalidInput("file", "the file is empty")
    if len(rows) - 1 > MAX_ROWS:
        raise InvalidInput("file", f"more than {MAX_ROWS} rows; split the file")
    header, body = rows[0], rows[1:]
    return header, iter(body), len(body)


def _csv_rows(content: bytes) -> list[list[Any]]:
    try:
        decoded = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            "file", f"not UTF-8 text (byte {exc.start}); save the CSV as UTF-8"
        ) from None
    try:
        return [row for row in csv.reader(io.StringIO(decoded, newline="")) if any(row)]
    except csv.Error as exc:
        raise InvalidInput("file", f"not a readable CSV: {exc}") from None


def _xlsx_rows(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook  # only when an XLSX arrives: it is slow to import

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InvalidInput("file", f"not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        sheet = book.worksheets[0]
        return [
            list(row)
            for row in sheet.iter_rows(values_only=True)
            if any(cell not in (None, "") for cell in row)
        ]
    finally:
        book.close()


_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}


def parse_date(value: Any) -> date | None:
    """A date from an export: ISO (2027-06-30), day first (30/06/2027, as Australian
    systems write it), "30 June 2027", or a spreadsheet date. Empty is None; anything
    else is ValueError."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = str(value).strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10]) if len(raw) in (10, 19) else date.fromisoformat(raw)
    except ValueError:
        pass
    match = _DAY_FIRST.match(raw)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    parts = raw.replace(",", " ").split()
    if len(parts) == 3 and parts[1].lower() in _MONTHS and parts[0].isdigit():
        return date(int(parts[2]), _MONTHS[parts[1].lower()], int(parts[0]))
    raise ValueError(raw)


def _cell(row: Sequence[Any], index: int | None) -> Any:
    if index is None or index >= len(row):
        return None
    return row[index]


def _string(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a member number a spreadsheet stored as 10042.0
    return str(value).strip()


def parse_row(
    row: Sequence[Any],
    row_number: int,
    mapping: Mapping,
    classes: Callable[[str], str | None],
) -> tuple[ParsedRecord | None, list[Problem]]:
    """One data row checked; `classes` answers the class as the vocabulary spells it,
    or None for a class not in it. Every problem of the row is reported, not just the first."""
    problems: list[Problem] = []
    columns = mapping.columns

    def problem(name: str, message: str) -> None:
        problems.append(Problem(row_number, mapping.header_of(name), message))

    def line(name: str, value: Any, kind: str = text.LINE, max_length: int = 200) -> str:
        raw = _string(value)
        try:
            cleaned = text.clean(raw, name, kind)
        except InvalidInput as exc:
            problem(name, exc.message)
            return ""
        if len(cleaned) > max_length:
            problem(name, f"longer than {max_length} characters")
            return ""
        return cleaned

    number = line("number", _cell(row, columns.get("number")), max_length=64)
    if not number and not any(p.column == mapping.header_of("number") for p in problems):
        problem("number", "no member number")
    if "name" in columns:
        name = line("name", _cell(row, columns["name"]), text.NAME)
    else:
        given = [_string(_cell(row, columns.get(p))) for p in ("first_name", "last_name")]
        name = line("name", " ".join(p for p in given if p), text.NAME)
    raw_email = _string(_cell(row, columns.get("email")))
    email = ""
    try:
        email = check_email(raw_email)
    except InvalidInput:
        problem("email", f"{raw_email!r} is not an e-mail address" if raw_email else "no e-mail")
    raw_class = line(
        "membership_class", _cell(row, columns.get("membership_class")), max_length=100
    )
    membership_class = ""
    if not raw_class:
        problem("membership_class", "no membership class")
    else:
        found = classes(raw_class)
        if found is None:
            problem("membership_class", f"{raw_class!r} is not one of the association's classes")
        else:
            membership_class = found
    raw_status = _string(_cell(row, columns.get("status"))).lower()
    status = STATUS_SYNONYMS.get(raw_status, raw_status)
    if status not in STATUSES:
        shown = repr(raw_status) if raw_status else "no status"
        problem("status", f"{shown}: a status is one of {', '.join(STATUSES)}")
    dates: dict[str, date | None] = {}
    for date_field in ("paid_until", "joined_on"):
        value = _cell(row, columns.get(date_field))
        try:
            dates[date_field] = parse_date(value)
        except ValueError:
            problem(date_field, f"{_string(value)!r} is not a date (e.g. 2027-06-30 or 30/06/2027)")
            dates[date_field] = None
    country: str | None = None
    raw_country = _string(_cell(row, columns.get("country")))
    if raw_country:
        try:
            country = check_country(raw_country)
        except InvalidInput as exc:
            problem("country", exc.message)
    if problems:
        return None, problems
    return (
        ParsedRecord(
            number=number,
            name=name,
            email=email,
            membership_class=membership_class,
            status=status,
            paid_until=dates["paid_until"],
            joined_on=dates["joined_on"],
            country=country,
        ),
        [],
    )


def class_lookup(vocabulary: Sequence[str]) -> Callable[[str], str | None]:
    """The vocabulary's spelling of a class, matched without regard to case (and an
    association's name before it: "ALIA Associate" is Associate); with no vocabulary,
    any non-empty class as given."""
    if not vocabulary:
        return lambda value: value or None
    by_key = {value.casefold(): value for value in vocabulary}

    def find(value: str) -> str | None:
        key = value.casefold().removesuffix(" member").strip()
        if key in by_key:
            return by_key[key]
        _, _, rest = key.partition(" ")
        return by_key.get(rest) if rest else None

    return find
