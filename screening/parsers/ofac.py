"""US OFAC legacy CSV trio: the main file (SDN `sdn.csv`, or non-SDN
`cons_prim.csv`), its alternate names (`alt`/`cons_alt`) and addresses
(`add`/`cons_add`). No header row; `-0- ` means empty; a trailing Ctrl-Z ends
each file.

Main columns: ent_num, name, type, programs, title, call sign, vessel type, tonnage,
GRT, vessel flag, vessel owner, remarks. Alt: ent_num, alt_num, alt_type (aka, fka,
nka), alt_name, remarks. Address: ent_num, add_num, address, city/state/postal code,
country, remarks. Names written `LAST, First` are turned round for people.

OFAC's weak aliases are only in the remarks (`a.k.a. 'DEDO'`); they are kept as
weak aliases.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from screening.countries import countries_in, country_code
from screening.dates import parse_birth_dates
from screening.model import (
    BirthDate,
    EntityName,
    Identifier,
    ListedEntity,
    ListFormatError,
    ListVersion,
    NameKind,
    Schema,
    sha256_of,
)

_EMPTY = "-0-"
_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}(?:-\d{2})?)")
_REMARK_ALIAS = re.compile(r"\b([afn])\.k\.a\.,?\s*'([^']+)'", re.IGNORECASE)
_REMARK_DOB = re.compile(r"\bDOB\s+([^;]+)")
_REMARK_NATIONALITY = re.compile(r"\b(?:nationality|citizen)\s+([^;]+)", re.IGNORECASE)
_REMARK_ID = re.compile(
    r"\b(Passport|National ID No\.|Cedula No\.|Tax ID No\.|Registration ID|IMO|SSN|"
    r"Identification Number|C\.U\.R\.P\.|R\.F\.C\.|NIT #|RUC #|D\.N\.I\.)\s+([A-Z0-9][\w\-/]*)",
)
_SCHEMAS: dict[str, Schema] = {
    "individual": "person",
    "vessel": "vessel",
    "aircraft": "vessel",
    "": "organization",
}
_ALT_KINDS: dict[str, NameKind] = {"aka": "alias", "fka": "fka", "nka": "nka"}
_REMARK_KINDS: dict[str, NameKind] = {"a": "weak_alias", "f": "fka", "n": "nka"}


def _value(text: str) -> str:
    text = " ".join(text.split())
    return "" if text == _EMPTY else text


def _rows(path: Path, width: int) -> Iterator[tuple[int, list[str]]]:
    try:
        fh = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise ListFormatError(path, "file", f"cannot open: {exc}") from exc
    with fh:
        reader = csv.reader(fh)
        try:
            for row in reader:
                if not row or (len(row) == 1 and row[0].strip() in ("", "\x1a")):
                    continue
                if len(row) != width:
                    raise ListFormatError(
                        path,
                        f"line {reader.line_num}",
                        f"expected {width} fields, found {len(row)}",
                    )
                yield reader.line_num, [_value(v) for v in row]
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ListFormatError(
                path, f"line {reader.line_num}", f"unreadable CSV: {exc}"
            ) from exc


def _person_order(name: str) -> str:
    """`BIN LADIN, Usama bin Muhammad` -> `Usama bin Muhammad BIN LADIN`."""
    if name.count(",") == 1:
        last, first = (p.strip() for p in name.split(","))
        if last and first:
            return f"{first} {last}"
    return name


def parse_ofac(
    main: Path | str,
    alt: Path | str | None = None,
    add: Path | str | None = None,
    source: str = "ofac",
    published: dt.date | None = None,
) -> ListVersion:
    """Parse an OFAC CSV trio (SDN or non-SDN consolidated)."""
    main = Path(main)
    alt_path = Path(alt) if alt else None
    add_path = Path(add) if add else None
    entities: dict[str, ListedEntity] = {}
    # Every row stays in `in_order`, a repeated ent_num too: `parse_list` refuses the
    # publication by name rather than one row silently replacing another.
    in_order: list[ListedEntity] = []
    for line, row in _rows(main, 12):
        ent_num, name, sdn_type, programs = row[:4]
        if not ent_num.isdigit():
            raise ListFormatError(main, f"line {line}", f"ent_num {ent_num!r} is not a number")
        if not name:
            raise ListFormatError(main, f"line {line} (ent_num {ent_num})", "empty name")
        schema = _SCHEMAS.get(sdn_type.lower())
        if schema is None:
            raise ListFormatError(
                main, f"line {line} (ent_num {ent_num})", f"unknown type {sdn_type!r}"
            )
        remarks = row[11]
        person = schema == "person"
        names = [EntityName(_person_order(name) if person else name, "primary", "strong")]
        for letter, alias in _REMARK_ALIAS.findall(remarks):
            kind = _REMARK_KINDS[letter.lower()]
            value = _person_order(alias) if person else alias
            names.append(EntityName(value, kind, "weak", f"{letter.lower()}.k.a. (remarks)"))
        birth_dates: list[BirthDate] = []
        for dob in _REMARK_DOB.findall(remarks):
            birth_dates.extend(d for d in parse_birth_dates(dob) if d not in birth_dates)
        nationalities: list[str] = []
        for nat in _REMARK_NATIONALITY.findall(remarks):
            nationalities.extend(c for c in countries_in(nat) if c not in nationalities)
        identifiers = [Identifier(kind, value) for kind, value in _REMARK_ID.findall(remarks)]
        if schema == "vessel" and row[9]:
            flag = country_code(row[9])
            countries = [flag] if flag else []
        else:
            countries = []
        parsed = ListedEntity(
            source=source,
            ref=ent_num,
            schema=schema,
            names=names,
            birth_dates=birth_dates if person else [],
            nationalities=nationalities,
            countries=countries,
            identifiers=identifiers,
            programs=[p.strip() for p in programs.strip("[] ").split("] [") if p.strip()],
            source_id=ent_num,
            remarks=remarks or None,
        )
        entities.setdefault(ent_num, parsed)
        in_order.append(parsed)
    if alt_path:
        for line, row in _rows(alt_path, 5):
            ent_num, _alt_num, alt_type, alt_name = row[:4]
            entity = entities.get(ent_num)
            if entity is None:
                raise ListFormatError(
                    alt_path, f"line {line}", f"alias of unknown ent_num {ent_num!r}"
                )
            alt_kind = _ALT_KINDS.get(alt_type.lower())
            if alt_kind is None:
                raise ListFormatError(alt_path, f"line {line}", f"unknown alias type {alt_type!r}")
            if not alt_name:
                raise ListFormatError(alt_path, f"line {line}", "empty alias name")
            value = _person_order(alt_name) if entity.schema == "person" else alt_name
            # a strong alias supersedes the same name found as a weak remark alias
            entity.names = [n for n in entity.names if n.value != value or n.kind == "primary"]
            entity.names.append(EntityName(value, alt_kind, "strong", alt_type))
    if add_path:
        for line, row in _rows(add_path, 6):
            ent_num = row[0]
            entity = entities.get(ent_num)
            if entity is None:
                raise ListFormatError(
                    add_path, f"line {line}", f"address of unknown ent_num {ent_num!r}"
                )
            code = country_code(row[4])
            if code and code not in entity.countries:
                entity.countries.append(code)
    if not entities:
        raise ListFormatError(main, "file", "no records")
    if published is None:
        m = _DATE_IN_NAME.search(main.name)
        if m:
            text = m.group(1)
            published = dt.date.fromisoformat(text if len(text) == 10 else text + "-01")
    files = [p for p in (main, alt_path, add_path) if p]
    return ListVersion(
        source=source,
        published=published,
        sha256=sha256_of(files),
        files=[str(p) for p in files],
        entities=in_order,
    )
