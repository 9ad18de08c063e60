"""UN M49 regions and developing-country groups of each ISO country, and country codes.

The table `data/m49.csv` is a faithful copy of the UN Statistics Division's
"Standard country or area codes for statistical use (M49)" overview
(https://unstats.un.org/unsd/methodology/m49/overview/), as downloaded from that page
in its semicolon-separated CSV form ("UNSD — Methodology.csv"), with its columns:
region, sub-region, intermediate region, M49 code, ISO-alpha2, ISO-alpha3 and the
Least Developed Countries (LDC), Land Locked Developing Countries (LLDC) and Small
Island Developing States (SIDS) marks. See `data/README.md` for provenance.

Country codes are validated with pycountry (ISO 3166-1). A country that pycountry knows
but M49 does not list (Taiwan) has no region: it earns no regional weight.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pycountry

DEVELOPING_GROUPS: tuple[str, ...] = ("LDC", "LLDC", "SIDS")

_GROUP_COLUMNS = {
    "LDC": "Least Developed Countries (LDC)",
    "LLDC": "Land Locked Developing Countries (LLDC)",
    "SIDS": "Small Island Developing States (SIDS)",
}


@dataclass(frozen=True, slots=True)
class M49Area:
    """One row of the M49 overview: where a country sits and the groups it belongs to."""

    alpha2: str
    alpha3: str
    m49: str
    name: str
    region: str
    sub_region: str
    intermediate_region: str
    groups: frozenset[str]


@cache
def m49_table() -> dict[str, M49Area]:
    """The M49 overview keyed by ISO alpha-2 code, read once from the package."""
    text = resources.files("policies").joinpath("data/m49.csv").read_text(encoding="utf-8")
    table: dict[str, M49Area] = {}
    for row in csv.DictReader(io.StringIO(text), delimiter=";"):
        alpha2 = row["ISO-alpha2 Code"].strip()
        if not alpha2:
            continue
        table[alpha2] = M49Area(
            alpha2=alpha2,
            alpha3=row["ISO-alpha3 Code"].strip(),
            m49=row["M49 Code"].strip(),
            name=row["Country or Area"].strip(),
            region=row["Region Name"].strip(),
            sub_region=row["Sub-region Name"].strip(),
            intermediate_region=row["Intermediate Region Name"].strip(),
            groups=frozenset(g for g, col in _GROUP_COLUMNS.items() if row[col].strip() == "x"),
        )
    return table


@cache
def region_names() -> frozenset[str]:
    """Every M49 region, sub-region and intermediate-region name in the table."""
    names: set[str] = set()
    for area in m49_table().values():
        names.update(n for n in (area.region, area.sub_region, area.intermediate_region) if n)
    return frozenset(names)


def normalise_country(code: str) -> str:
    """An ISO 3166-1 alpha-2 code for `code` (alpha-2, alpha-3 or numeric).

    Raises ValueError naming the code when ISO 3166-1 has no such country.
    """
    cleaned = code.strip().upper()
    country = None
    if len(cleaned) == 2 and cleaned.isalpha():
        country = pycountry.countries.get(alpha_2=cleaned)
    elif len(cleaned) == 3 and cleaned.isalpha():
        country = pycountry.countries.get(alpha_3=cleaned)
    elif cleaned.isdigit():
        country = pycountry.countries.get(numeric=cleaned.zfill(3))
    if country is None:
        raise ValueError(f"'{code}' is not an ISO 3166-1 country code")
    return str(country.alpha_2)


def country_name(alpha2: str) -> str:
    """The country's common English name (pycountry), falling back to its code."""
    country = pycountry.countries.get(alpha_2=alpha2)
    if country is None:
        return alpha2
    return str(getattr(country, "common_name", None) or country.name)


def warm() -> None:
    """Read the M49 table and pycountry's ISO data now, so that evaluating does no I/O."""
    m49_table()
    region_names()
    pycountry.countries.get(alpha_2="AU")


def area_of(alpha2: str) -> M49Area | None:
    """Where M49 puts the country, or None for a country M49 does not list."""
    return m49_table().get(alpha2)
