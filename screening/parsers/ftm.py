"""FollowTheMoney entities, one JSON object per line (OpenSanctions / yente export).

Person, Organization, Company, LegalEntity, PublicBody, Vessel and Airplane become
listed entities; `Sanction` objects add their programme and listing date to the
entity they name. Other schemata (Address, Ownership, Family, ...) are skipped.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import msgspec

from screening.countries import country_code
from screening.dates import parse_birth_dates
from screening.model import (
    EntityName,
    Identifier,
    ListedEntity,
    ListFormatError,
    ListVersion,
    Schema,
    sha256_of,
)

_SCHEMAS: dict[str, Schema] = {
    "Person": "person",
    "Organization": "organization",
    "Company": "organization",
    "LegalEntity": "organization",
    "PublicBody": "organization",
    "Vessel": "vessel",
    "Airplane": "vessel",
}
_ID_PROPS = (
    "registrationNumber",
    "taxNumber",
    "innCode",
    "ogrnCode",
    "idNumber",
    "passportNumber",
    "imoNumber",
    "leiCode",
    "swiftBic",
)


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def parse_ftm(
    path: Path | str, source: str = "ftm", published: dt.date | None = None
) -> ListVersion:
    path = Path(path)
    entities: dict[str, ListedEntity] = {}
    # A repeated id stays in `in_order` so that `parse_list` refuses the file by name,
    # rather than the later line silently replacing the earlier one.
    in_order: list[ListedEntity] = []
    sanctions: list[tuple[str, dict[str, list[str]]]] = []
    latest: dt.date | None = None
    decoder = msgspec.json.Decoder(dict[str, Any])
    with path.open("rb") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = decoder.decode(line)
            except msgspec.DecodeError as exc:
                raise ListFormatError(path, f"line {line_no}", f"invalid JSON: {exc}") from exc
            ident = obj.get("id")
            schema_name = obj.get("schema")
            props = obj.get("properties")
            if (
                not isinstance(ident, str)
                or not isinstance(schema_name, str)
                or not isinstance(props, dict)
            ):
                raise ListFormatError(
                    path, f"line {line_no}", "entity lacks id, schema or properties"
                )
            changed = obj.get("last_change")
            if isinstance(changed, str):
                d = _date(changed)
                if d and (latest is None or d > latest):
                    latest = d
            if schema_name == "Sanction":
                sanctions.append((ident, props))
                continue
            schema = _SCHEMAS.get(schema_name)
            if schema is None:
                continue
            record = f"line {line_no} ({ident})"
            primary = obj.get("caption") or (props.get("name") or [None])[0]
            if not primary:
                raise ListFormatError(path, record, "no name")
            names = [EntityName(primary, "primary", "strong")]
            for prop, kind, strength in (
                ("name", "alias", "strong"),
                ("alias", "alias", "strong"),
                ("previousName", "fka", "strong"),
                ("weakAlias", "weak_alias", "weak"),
            ):
                for value in props.get(prop, []):
                    if value and all(value != n.value for n in names):
                        names.append(EntityName(value, kind, strength, prop))  # type: ignore[arg-type]
            birth_dates = [b for v in props.get("birthDate", []) for b in parse_birth_dates(v)]
            nationalities = [
                c
                for c in (
                    country_code(v)
                    for v in props.get("nationality", []) + props.get("citizenship", [])
                )
                if c
            ]
            countries = [
                c
                for c in (
                    country_code(v)
                    for v in props.get("country", []) + props.get("jurisdiction", [])
                )
                if c
            ]
            identifiers = [Identifier(p, v) for p in _ID_PROPS for v in props.get(p, [])]
            parsed = ListedEntity(
                source=source,
                ref=ident,
                schema=schema,
                names=names,
                birth_dates=birth_dates,
                nationalities=list(dict.fromkeys(nationalities)),
                countries=list(dict.fromkeys(countries)),
                identifiers=identifiers,
                programs=list(props.get("programId", [])),
                listed_on=_date((props.get("createdAt") or [""])[0]),
                source_id=ident,
                remarks="; ".join(props.get("notes", [])) or None,
            )
            entities.setdefault(ident, parsed)
            in_order.append(parsed)
    for _ident, props in sanctions:
        for target in props.get("entity", []):
            entity = entities.get(target)
            if entity is None:
                continue
            for program in props.get("programId", []) + props.get("program", []):
                if program not in entity.programs:
                    entity.programs.append(program)
            for listed in props.get("listingDate", []) + props.get("startDate", []):
                d = _date(listed)
                if d and (entity.listed_on is None or d < entity.listed_on):
                    entity.listed_on = d
    return ListVersion(
        source=source,
        published=published or latest,
        sha256=sha256_of([path]),
        files=[str(path)],
        entities=in_order,
    )
