"""Checks on tenant-level input: slugs, ISO countries, time zones, e-mail addresses,
and text (through the one text policy, tenants/text.py)."""

from __future__ import annotations

import re
import zoneinfo

from tenants import text
from tenants.errors import InvalidInput

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$")
RESERVED_SLUGS = frozenset({"api", "admin", "static", "schema", "health", "auth", "new"})


def check_slug(slug: str) -> str:
    if not SLUG.match(slug) or "--" in slug:
        raise InvalidInput(
            "slug",
            f"{slug!r} is not a valid slug: use 1-63 lower-case letters, digits and single "
            "hyphens, starting and ending with a letter or digit",
        )
    if slug in RESERVED_SLUGS:
        raise InvalidInput("slug", f"{slug!r} is reserved")
    return slug


def check_country(code: str, field: str = "country") -> str:
    """An ISO 3166-1 alpha-2 code, upper-cased; alpha-3 is accepted and converted."""
    import pycountry  # here, not above: importing it costs every CLI command ~40 ms

    value = (code or "").strip().upper()
    country = None
    if len(value) == 2:
        country = pycountry.countries.get(alpha_2=value)
    elif len(value) == 3:
        country = pycountry.countries.get(alpha_3=value)
    if country is None:
        raise InvalidInput(field, f"{code!r} is not an ISO 3166-1 country code")
    return str(country.alpha_2)


def check_time_zone(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InvalidInput("time_zone", f"{name!r} is not an IANA time zone") from None
    return name


def check_email(email: str) -> str:
    value = (email or "").strip().lower()
    if len(value) > 254 or not EMAIL.match(value):
        raise InvalidInput("email", f"{email!r} is not an e-mail address")
    return value


def check_text(
    value: str, field: str, max_length: int = 200, text_kind: str = text.PARAGRAPH
) -> str:
    """Free text under the text policy (tenants/text.py; by default tabs and newlines
    are kept), trimmed, bounded in length."""
    value = text.clean((value or "").strip(), field, text_kind)
    if len(value) > max_length:
        raise InvalidInput(field, f"must be at most {max_length} characters")
    return value


def check_name(name: str, field: str = "name", max_length: int = 200) -> str:
    """A name: one line, no bidirectional controls, not empty."""
    value = check_text(name, field, max_length, text.NAME)
    if not value:
        raise InvalidInput(field, "must not be empty")
    return value
