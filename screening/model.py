"""The normalised entity model every list parser produces.

One `ListedEntity` per listed person, organisation or vessel, whatever the source
format; one `ListVersion` per parsed publication. Plain msgspec structs: cheap to
build in bulk, serialisable as they are (JSON / msgpack) for persistence later.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import msgspec

Schema = Literal["person", "organization", "vessel"]
NameKind = Literal["primary", "alias", "original_script", "fka", "nka", "weak_alias"]
Strength = Literal["strong", "weak"]
DatePrecision = Literal["day", "month", "year", "range"]
SourceName = Literal["un", "dfat", "ofac", "ofac_cons", "ftm"]


class ListFormatError(ValueError):
    """A list file that cannot be read as its format says: names the file, the record
    (reference, row or line) and the problem."""

    def __init__(self, file: str | Path, record: str, problem: str) -> None:
        self.file = str(file)
        self.record = record
        self.problem = problem
        super().__init__(f"{self.file}: record {record}: {problem}")


class EntityName(msgspec.Struct, frozen=True):
    """One name of a listed entity. `quality` keeps the source's own label
    (UN `Good`/`Low`, `a.k.a.`, DFAT `Strong`/`Weak`, OFAC `aka`/`fka`)."""

    value: str
    kind: NameKind = "primary"
    strength: Strength = "strong"
    quality: str | None = None


class BirthDate(msgspec.Struct, frozen=True):
    """A date of birth with its precision. `year_from`..`year_to` always bound it;
    `month`/`day` are set only when the source gives them."""

    precision: DatePrecision
    year_from: int
    year_to: int
    month: int | None = None
    day: int | None = None
    approximate: bool = False

    def covers_year(self, year: int, slack: int = 0) -> bool:
        return self.year_from - slack <= year <= self.year_to + slack

    def __str__(self) -> str:
        if self.precision == "day":
            return f"{self.year_from:04d}-{self.month:02d}-{self.day:02d}"
        if self.precision == "month":
            return f"{self.year_from:04d}-{self.month:02d}"
        if self.precision == "year":
            return ("circa " if self.approximate else "") + str(self.year_from)
        return f"{self.year_from}..{self.year_to}"


class Identifier(msgspec.Struct, frozen=True):
    type: str
    value: str
    country: str | None = None


class ListedEntity(msgspec.Struct, kw_only=True):
    """A listed person, organisation or vessel, normalised from any source."""

    source: str
    ref: str
    schema: Schema
    names: list[EntityName]
    birth_dates: list[BirthDate] = msgspec.field(default_factory=list)
    nationalities: list[str] = msgspec.field(default_factory=list)
    countries: list[str] = msgspec.field(default_factory=list)
    identifiers: list[Identifier] = msgspec.field(default_factory=list)
    programs: list[str] = msgspec.field(default_factory=list)
    listed_on: dt.date | None = None
    source_id: str | None = None
    remarks: str | None = None

    @property
    def primary_name(self) -> str:
        for name in self.names:
            if name.kind == "primary":
                return name.value
        return self.names[0].value if self.names else ""

    def fingerprint(self) -> bytes:
        """Canonical content, used by `diff` to tell whether an entity changed."""
        return msgspec.json.encode(self)


class ListVersion(msgspec.Struct, kw_only=True):
    """One parsed publication of a list: what it is, when it was published, the
    checksum of the file(s) it came from, and its entities."""

    source: str
    published: dt.date | None
    sha256: str
    files: list[str]
    entities: list[ListedEntity]

    @property
    def version_id(self) -> str:
        day = self.published.isoformat() if self.published else "undated"
        return f"{self.source}@{day}#{self.sha256[:12]}"

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for entity in self.entities:
            out[entity.schema] = out.get(entity.schema, 0) + 1
        return out


def sha256_of(paths: Iterable[Path]) -> str:
    """Checksum of one file, or of several files in the order given."""
    paths = list(paths)
    digests = []
    for path in paths:
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        digests.append(h.hexdigest())
    if len(digests) == 1:
        return digests[0]
    return hashlib.sha256("".join(digests).encode()).hexdigest()
