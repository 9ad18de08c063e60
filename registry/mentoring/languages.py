"""Languages of applicants as ISO 639 codes, whatever form they were typed in.

Matching compares codes, so "English", "english", "en" and "eng" must all become `en`;
free text stored "english" and silently found nobody. Input accepts a code (639-1 or
639-3) or a name and stores the shortest code pycountry knows (639-1 where one exists);
an unknown value is refused naming it. Rows stored before codes were enforced are
normalised as they are read (`stored_codes`), so a legacy "English" still matches.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import pycountry

from tenants.errors import InvalidInput


@lru_cache(maxsize=4096)
def _code(value: str) -> str | None:
    cleaned = value.strip()
    if not cleaned:
        return None
    # Codes first and by their length: pycountry's own `lookup` tries names too and
    # finds "En" (a language of Viet Nam, `enc`) for "en".
    lowered = cleaned.lower()
    keys = {2: ("alpha_2",), 3: ("alpha_3", "bibliographic")}.get(len(lowered), ())
    for key in (*keys, "name"):
        found = pycountry.languages.get(**{key: lowered if key in keys else cleaned})
        if found is not None:
            return str(getattr(found, "alpha_2", None) or found.alpha_3)
    return None


def code(value: str, field: str = "languages") -> str:
    """The ISO 639 code of a code or name; InvalidInput naming the value otherwise."""
    found = _code(value)
    if found is None:
        raise InvalidInput(
            field, f"{value.strip()!r} is not a language (give an ISO 639 code or its name)"
        )
    return found


def codes(values: Iterable[str], field: str = "languages") -> list[str]:
    """Each value's code, once each, in the order given."""
    return list(dict.fromkeys(code(value, field) for value in values))


def stored_codes(values: Iterable[str]) -> list[str]:
    """Stored languages as codes; a legacy value no code fits is kept as it was
    (lower case), so it still matches its exact twin and nothing is lost."""
    return list(dict.fromkeys(_code(v) or v.strip().lower() for v in values))


@lru_cache(maxsize=1)
def choices() -> tuple[tuple[str, str], ...]:
    """(code, name) of every language with a two-letter code, by name: the pick list."""
    found = [
        (str(lang.alpha_2), str(lang.name))
        for lang in pycountry.languages
        if getattr(lang, "alpha_2", None)
    ]
    return tuple(sorted(found, key=lambda item: item[1]))


def name(language: str) -> str:
    """A code's English name, for pages; the code itself when pycountry has none."""
    found = _code(language)
    if found is None:
        return language
    lang = pycountry.languages.get(alpha_2=found) or pycountry.languages.get(alpha_3=found)
    return str(lang.name) if lang is not None else language
