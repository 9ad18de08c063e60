"""Country names, demonyms and codes as the lists write them -> ISO 3166 alpha-2.

pycountry resolves the official forms; the lists also use short forms ("Russia",
"Korea, North"), UN long forms ("Iran (Islamic Republic of)") and demonyms
("Iraqi", "Filipino"), which the tables below add. Unresolvable values are dropped
by `countries_in`, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pycountry

_ALIASES = {
    "iran islamic republic of": "IR",
    "democratic republic of the congo": "CD",
    "democratic republic of congo": "CD",
    "congo democratic republic of the": "CD",
    "dr congo": "CD",
    "drc": "CD",
    "congo": "CG",
    "republic of the congo": "CG",
    "korea north": "KP",
    "north korea": "KP",
    "dprk": "KP",
    "democratic peoples republic of korea": "KP",
    "korea south": "KR",
    "south korea": "KR",
    "republic of korea": "KR",
    "turkey": "TR",
    "turkiye": "TR",
    "burma": "MM",
    "state of palestine": "PS",
    "palestine": "PS",
    "palestinian territories": "PS",
    "gaza": "PS",
    "west bank": "PS",
    "united kingdom of great britain": "GB",
    "united kingdom of great britain and northern ireland": "GB",
    "great britain": "GB",
    "uk": "GB",
    "britain": "GB",
    "usa": "US",
    "united states of america": "US",
    "ivory coast": "CI",
    "cote divoire": "CI",
    "macedonia": "MK",
    "kosovo": "XK",
    "swaziland": "SZ",
    "bosnia": "BA",
    "bosnia herzegovina": "BA",
    "guinea bisau": "GW",
    "vatican": "VA",
    "crimea": "UA",
    "syrian arab republic": "SY",
    "lao peoples democratic republic": "LA",
    "micronesia": "FM",
    "russia": "RU",
    "ussr": "SU",
    "soviet union": "SU",
    "former soviet union": "SU",
    "cape verde": "CV",
    "east timor": "TL",
    "the gambia": "GM",
    "the bahamas": "BS",
    "holland": "NL",
    "uae": "AE",
}

_DEMONYMS = {
    "afghan": "AF",
    "afghani": "AF",
    "albanian": "AL",
    "algerian": "DZ",
    "american": "US",
    "angolan": "AO",
    "argentine": "AR",
    "argentinian": "AR",
    "armenian": "AM",
    "australian": "AU",
    "austrian": "AT",
    "azerbaijani": "AZ",
    "bahraini": "BH",
    "bangladeshi": "BD",
    "belarusian": "BY",
    "belarussian": "BY",
    "belgian": "BE",
    "bolivian": "BO",
    "bosnian": "BA",
    "brazilian": "BR",
    "british": "GB",
    "bulgarian": "BG",
    "burmese": "MM",
    "burundian": "BI",
    "cambodian": "KH",
    "cameroonian": "CM",
    "canadian": "CA",
    "central african": "CF",
    "chadian": "TD",
    "chilean": "CL",
    "chinese": "CN",
    "colombian": "CO",
    "congolese": "CD",
    "croatian": "HR",
    "cuban": "CU",
    "cypriot": "CY",
    "czech": "CZ",
    "danish": "DK",
    "djiboutian": "DJ",
    "dutch": "NL",
    "ecuadorian": "EC",
    "egyptian": "EG",
    "emirati": "AE",
    "eritrean": "ER",
    "estonian": "EE",
    "ethiopian": "ET",
    "filipino": "PH",
    "finnish": "FI",
    "french": "FR",
    "georgian": "GE",
    "german": "DE",
    "ghanaian": "GH",
    "greek": "GR",
    "guatemalan": "GT",
    "guinean": "GN",
    "haitian": "HT",
    "honduran": "HN",
    "hungarian": "HU",
    "indian": "IN",
    "indonesian": "ID",
    "iranian": "IR",
    "iraqi": "IQ",
    "irish": "IE",
    "israeli": "IL",
    "italian": "IT",
    "ivorian": "CI",
    "jamaican": "JM",
    "japanese": "JP",
    "jordanian": "JO",
    "kazakh": "KZ",
    "kazakhstani": "KZ",
    "kenyan": "KE",
    "korean": "KP",
    "north korean": "KP",
    "south korean": "KR",
    "kosovar": "XK",
    "kuwaiti": "KW",
    "kyrgyz": "KG",
    "lao": "LA",
    "latvian": "LV",
    "lebanese": "LB",
    "liberian": "LR",
    "libyan": "LY",
    "lithuanian": "LT",
    "macedonian": "MK",
    "malaysian": "MY",
    "malian": "ML",
    "maldivian": "MV",
    "mauritanian": "MR",
    "mauritian": "MU",
    "mexican": "MX",
    "moldovan": "MD",
    "mongolian": "MN",
    "montenegrin": "ME",
    "moroccan": "MA",
    "mozambican": "MZ",
    "myanmar": "MM",
    "namibian": "NA",
    "nepalese": "NP",
    "nicaraguan": "NI",
    "nigerian": "NG",
    "nigerien": "NE",
    "norwegian": "NO",
    "omani": "OM",
    "pakistani": "PK",
    "palestinian": "PS",
    "panamanian": "PA",
    "paraguayan": "PY",
    "peruvian": "PE",
    "polish": "PL",
    "portuguese": "PT",
    "qatari": "QA",
    "romanian": "RO",
    "russian": "RU",
    "rwandan": "RW",
    "saudi": "SA",
    "saudi arabian": "SA",
    "senegalese": "SN",
    "serbian": "RS",
    "sierra leonean": "SL",
    "singaporean": "SG",
    "slovak": "SK",
    "slovenian": "SI",
    "somali": "SO",
    "south african": "ZA",
    "south sudanese": "SS",
    "spanish": "ES",
    "sri lankan": "LK",
    "sudanese": "SD",
    "swedish": "SE",
    "swiss": "CH",
    "syrian": "SY",
    "taiwanese": "TW",
    "tajik": "TJ",
    "tanzanian": "TZ",
    "thai": "TH",
    "tunisian": "TN",
    "turkish": "TR",
    "turkiyish": "TR",
    "turkmen": "TM",
    "ugandan": "UG",
    "ukrainian": "UA",
    "ukranian": "UA",
    "uruguayan": "UY",
    "uzbek": "UZ",
    "uzbekistani": "UZ",
    "venezuelan": "VE",
    "vietnamese": "VN",
    "yemeni": "YE",
    "zambian": "ZM",
    "zimbabwean": "ZW",
}

_SPLIT = re.compile(r"\s*(?:[,;/\n]|\band\b|\bor\b|\b[a-h]\)\s*)\s*", re.IGNORECASE)
_NOISE = re.compile(
    r"\b(?:possibly|citizen(?:ship)?|nationality|alt\.?|as at [^,;]*|until \d{4})\b|\([^)]*\)",
    re.IGNORECASE,
)


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w\s]", " ", text.lower().replace("'", "").replace("\u2019", ""))
    return " ".join(text.split())


@lru_cache(maxsize=4096)
def country_code(text: str | None) -> str | None:
    """One country name, demonym or code -> ISO alpha-2, or None if unknown."""
    if not text:
        return None
    raw = text.strip().strip(".;:")
    if not raw or raw.lower() in {"na", "n/a", "unknown", "-0-"}:
        return None
    if len(raw) == 2 and raw.isalpha():
        found = pycountry.countries.get(alpha_2=raw.upper())
        return found.alpha_2 if found else None
    key = _key(raw)
    if key in _ALIASES:
        return _ALIASES[key]
    if key in _DEMONYMS:
        return _DEMONYMS[key]
    try:
        return str(pycountry.countries.lookup(raw).alpha_2)
    except LookupError:
        pass
    if key.startswith("the "):
        return country_code(key[4:])
    return None


def countries_in(text: str | None) -> list[str]:
    """Every country a free-text field names ("a) Russian b) Georgia", "Iran and
    United States", "Somalia; Kenya"), in order, without duplicates."""
    if not text:
        return []
    whole = country_code(text)
    if whole:
        return [whole]
    out: list[str] = []
    cleaned = _NOISE.sub(" ", text)
    for part in _SPLIT.split(cleaned):
        code = country_code(part)
        if code is None and part:
            words = _key(part).split()
            # "Saudi Arabian (this aka only ...)" style trailing text: try prefixes
            for n in range(min(len(words), 4), 0, -1):
                code = country_code(" ".join(words[:n]))
                if code:
                    break
        if code and code not in out:
            out.append(code)
    return out


def country_name(code: str) -> str:
    found = pycountry.countries.get(alpha_2=code)
    return str(found.name) if found else code
