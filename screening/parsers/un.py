"""UN Security Council Consolidated List (XML), streamed with iterparse."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from screening.countries import country_code
from screening.dates import parse_birth_dates
from screening.model import (
    BirthDate,
    EntityName,
    Identifier,
    ListedEntity,
    ListFormatError,
    ListVersion,
    NameKind,
    Strength,
    sha256_of,
)

_PART_TAGS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")


def _text(el: ET.Element | None) -> str:
    if el is None or el.text is None:
        return ""
    return " ".join(el.text.split())


def _child(el: ET.Element, tag: str) -> str:
    return _text(el.find(tag))


def _alias(quality: str) -> tuple[NameKind, Strength]:
    q = quality.lower().strip()
    if q == "low":
        return "alias", "weak"
    if q == "f.k.a.":
        return "fka", "strong"
    return "alias", "strong"


def _birth_dates(el: ET.Element, path: Path, ref: str) -> list[BirthDate]:
    out: list[BirthDate] = []
    for dob in el.iter("INDIVIDUAL_DATE_OF_BIRTH"):
        kind = _child(dob, "TYPE_OF_DATE").upper()
        approx = kind == "APPROXIMATELY"
        found: list[BirthDate] = []
        if _child(dob, "DATE"):
            found = parse_birth_dates(_child(dob, "DATE"))
        elif _child(dob, "FROM_YEAR") or _child(dob, "TO_YEAR"):
            try:
                lo = int(_child(dob, "FROM_YEAR") or _child(dob, "TO_YEAR"))
                hi = int(_child(dob, "TO_YEAR") or lo)
            except ValueError as exc:
                raise ListFormatError(path, ref, f"date of birth range not a year: {exc}") from exc
            found = [BirthDate("range", min(lo, hi), max(lo, hi), approximate=approx)]
        elif _child(dob, "YEAR"):
            found = parse_birth_dates(_child(dob, "YEAR"))
        elif _child(dob, "NOTE"):
            found = parse_birth_dates(_child(dob, "NOTE"))
        for bd in found:
            if approx and bd.precision == "year":
                bd = BirthDate("year", bd.year_from, bd.year_to, approximate=True)
            if bd not in out:
                out.append(bd)
    return out


def _entity(el: ET.Element, path: Path, source: str) -> ListedEntity:
    is_person = el.tag == "INDIVIDUAL"
    dataid = _child(el, "DATAID")
    ref = _child(el, "REFERENCE_NUMBER")
    record = ref or f"DATAID {dataid or '?'}"
    if not ref:
        raise ListFormatError(path, record, "missing REFERENCE_NUMBER")
    primary = " ".join(p for p in (_child(el, t) for t in _PART_TAGS) if p)
    if not primary:
        raise ListFormatError(path, record, "no name (FIRST_NAME..FOURTH_NAME all empty)")
    names = [EntityName(primary, "primary", "strong")]
    alias_tag = "INDIVIDUAL_ALIAS" if is_person else "ENTITY_ALIAS"
    for alias in el.iter(alias_tag):
        value = _child(alias, "ALIAS_NAME")
        if not value:
            continue  # the list's empty placeholders
        quality = _child(alias, "QUALITY")
        kind, strength = _alias(quality)
        name = EntityName(value, kind, strength, quality or None)
        if name not in names:
            names.append(name)
    original = _child(el, "NAME_ORIGINAL_SCRIPT")
    if original:
        names.append(EntityName(original, "original_script", "strong"))

    nationalities = [
        c for c in (country_code(_text(v)) for v in el.iterfind("NATIONALITY/VALUE")) if c
    ]
    countries: list[str] = []
    for addr_tag in ("INDIVIDUAL_ADDRESS", "ENTITY_ADDRESS", "INDIVIDUAL_PLACE_OF_BIRTH"):
        for addr in el.iter(addr_tag):
            code = country_code(_child(addr, "COUNTRY"))
            if code and code not in countries:
                countries.append(code)
    identifiers = []
    for doc in el.iter("INDIVIDUAL_DOCUMENT"):
        number = _child(doc, "NUMBER")
        if number:
            identifiers.append(
                Identifier(
                    _child(doc, "TYPE_OF_DOCUMENT") or "document",
                    number,
                    country_code(_child(doc, "ISSUING_COUNTRY") or _child(doc, "COUNTRY_OF_ISSUE")),
                )
            )
    listed_on: dt.date | None = None
    listed_text = _child(el, "LISTED_ON")
    if listed_text:
        try:
            listed_on = dt.date.fromisoformat(listed_text[:10])
        except ValueError as exc:
            raise ListFormatError(
                path, record, f"LISTED_ON is not a date: {listed_text!r}"
            ) from exc
    program = _child(el, "UN_LIST_TYPE")
    return ListedEntity(
        source=source,
        ref=ref,
        schema="person" if is_person else "organization",
        names=names,
        birth_dates=_birth_dates(el, path, record) if is_person else [],
        nationalities=list(dict.fromkeys(nationalities)),
        countries=countries,
        identifiers=identifiers,
        programs=[program] if program else [],
        listed_on=listed_on,
        source_id=dataid or None,
        remarks=_child(el, "COMMENTS1") or None,
    )


def parse_un(path: Path | str, source: str = "un") -> ListVersion:
    """Parse one UN consolidated list XML file."""
    path = Path(path)
    entities: list[ListedEntity] = []
    published: dt.date | None = None
    saw_root = False
    try:
        for event, el in SafeET.iterparse(path, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                if not saw_root:
                    saw_root = True
                    if el.tag != "CONSOLIDATED_LIST":
                        raise ListFormatError(
                            path, "root", f"expected CONSOLIDATED_LIST, found {el.tag}"
                        )
                    generated = el.get("dateGenerated", "")
                    if generated:
                        try:
                            published = dt.date.fromisoformat(generated[:10])
                        except ValueError as exc:
                            raise ListFormatError(
                                path, "root", f"dateGenerated is not a date: {generated!r}"
                            ) from exc
                continue
            if el.tag in ("INDIVIDUAL", "ENTITY"):
                entities.append(_entity(el, path, source))
                el.clear()
    except ET.ParseError as exc:
        raise ListFormatError(
            path, f"line {exc.position[0]}", f"not well-formed XML: {exc}"
        ) from exc
    except DefusedXmlException as exc:
        raise ListFormatError(path, "document", f"refused unsafe XML: {exc!r}") from exc
    if not saw_root:
        raise ListFormatError(path, "root", "empty document")
    return ListVersion(
        source=source,
        published=published,
        sha256=sha256_of([path]),
        files=[str(path)],
        entities=entities,
    )
