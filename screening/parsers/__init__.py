"""List parsers: each turns one official publication into a `ListVersion`."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from screening.model import ListFormatError, ListVersion
from screening.parsers.dfat import parse_dfat
from screening.parsers.ftm import parse_ftm
from screening.parsers.ofac import parse_ofac
from screening.parsers.un import parse_un

SOURCES = ("un", "dfat", "ofac", "ofac_cons", "ftm")

#: How many repeated references a refusal names before it counts the rest.
DUPLICATES_NAMED = 5

__all__ = [
    "SOURCES",
    "parse_dfat",
    "parse_ftm",
    "parse_list",
    "parse_ofac",
    "parse_un",
    "refuse_duplicates",
]


def _ofac_trio(paths: Sequence[Path]) -> tuple[Path, Path | None, Path | None]:
    """Sort the trio by file name: sdn/prim = main, alt = aliases, add = addresses."""
    main = alt = add = None
    for path in paths:
        stem = path.name.lower()
        if "alt" in stem:
            alt = path
        elif "add" in stem:
            add = path
        else:
            main = path
    if main is None:
        raise ListFormatError(paths[0] if paths else "?", "files", "no main (sdn / prim) file")
    return main, alt, add


def parse_list(
    source: str, paths: Sequence[Path | str] | Path | str, published: dt.date | None = None
) -> ListVersion:
    """Parse the file(s) of one list publication. `source`: un, dfat, ofac (SDN),
    ofac_cons (non-SDN), ftm. OFAC takes its CSV trio; the others one file."""
    if isinstance(paths, str | Path):
        paths = [paths]
    files = [Path(p) for p in paths]
    if not files:
        raise ListFormatError("?", "files", "no file given")
    for path in files:
        if not path.is_file():
            raise ListFormatError(path, "file", "no such file")
    if source in ("ofac", "ofac_cons"):
        main, alt, add = _ofac_trio(files)
        return refuse_duplicates(
            parse_ofac(main, alt, add, source=source, published=published), main
        )
    if len(files) != 1:
        raise ListFormatError(files[1], "files", f"{source} takes one file, got {len(files)}")
    if source == "un":
        version = parse_un(files[0])
        if published:
            version.published = published
    elif source == "dfat":
        version = parse_dfat(files[0], published=published)
    elif source == "ftm":
        version = parse_ftm(files[0], published=published)
    else:
        raise ValueError(f"unknown list source {source!r}; expected one of {SOURCES}")
    return refuse_duplicates(version, files[0])


def refuse_duplicates(version: ListVersion, file: Path) -> ListVersion:
    """A publication names each entity once: the same source reference twice means a
    damaged or concatenated file (seen: one entity 31 times), and storing it would
    multiply that entity's hits. Refused naming the first few references."""
    counts = Counter(entity.ref for entity in version.entities)
    repeated = [(ref, n) for ref, n in counts.items() if n > 1]
    if not repeated:
        return version
    named = ", ".join(f"{ref} ({n} times)" for ref, n in repeated[:DUPLICATES_NAMED])
    more = len(repeated) - DUPLICATES_NAMED
    if more > 0:
        named += f" and {more} more ({len(repeated)} references repeated)"
    raise ListFormatError(
        file, repeated[0][0], f"duplicate entities: {named}; each source reference may appear once"
    )
