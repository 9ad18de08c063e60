"""Name normalisation: one function from any written name to comparable tokens.

Steps: Unicode compatibility forms; transliteration of every script to Latin with
`anyascii` (Chinese / Japanese / Korean syllables are split into tokens); case;
punctuation (apostrophes vanish, other marks separate words, `&` is `and`);
honorifics and titles dropped; organisation legal forms (Ltd, LLC, OOO, GmbH,
"joint stock company", ...) taken out of the name and kept as a legal-form class.

A consonant skeleton of each token is kept beside it, for names written in a
script without short vowels (Arabic, Hebrew, Thai, ...) and for phonetic blocking.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from screening.model import Schema

HONORIFICS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "doctor",
        "prof",
        "professor",
        "sir",
        "dame",
        "lord",
        "lady",
        "rev",
        "reverend",
        "hon",
        "haji",
        "hajji",
        "hadji",
        "alhaj",
        "alhajj",
        "mullah",
        "mulla",
        "molla",
        "maulavi",
        "mawlawi",
        "maulvi",
        "moulvi",
        "maulana",
        "mawlana",
        "mufti",
        "sheikh",
        "shaikh",
        "shaykh",
        "sheik",
        "imam",
        "qari",
        "hafiz",
        "hafez",
        "ayatollah",
        "hojatoleslam",
        "sardar",
        "general",
        "gen",
        "colonel",
        "col",
        "captain",
        "capt",
        "lieutenant",
        "lt",
        "major",
        "maj",
        "brigadier",
        "brig",
        "admiral",
        "commander",
        "cmdr",
        "sergeant",
        "sgt",
        "president",
        "minister",
        "excellency",
        "his",
        "her",
        "majesty",
        "highness",
        "king",
        "queen",
        "prince",
        "princess",
        "emir",
    ]
)
# Low-information tokens: they count, but little.
PARTICLES = frozenset(
    [
        "al",
        "el",
        "ul",
        "bin",
        "ben",
        "ibn",
        "bint",
        "binti",
        "abu",
        "abou",
        "ould",
        "oulad",
        "de",
        "da",
        "di",
        "del",
        "della",
        "dello",
        "der",
        "den",
        "dos",
        "das",
        "du",
        "la",
        "le",
        "les",
        "van",
        "von",
        "zu",
        "ten",
        "ter",
        "y",
        "e",
        "of",
        "the",
        "and",
        "for",
        "und",
        "et",
    ]
)

# One spelling for particles written several ways.
_PARTICLE_SPELLINGS = {"ibn": "bin", "abou": "abu", "el": "al"}

# Particles as Arabic script writes them, transliterated without vowels.
_ABJAD_PARTICLES = {"bn": "bin", "bnt": "bint", "bw": "abu", "bu": "abu", "bd": "abd", "l": "al"}

# Legal forms, longest first within each class. Classes are legal concepts:
# llc = private limited liability, jsc = joint-stock / public company, ...
_LEGAL_FORMS: dict[str, list[str]] = {
    "llc": [
        "obshchestvo s ogranichennoi otvetstvennostyu",
        "obshchestvo s ogranichennoy otvetstvennostyu",
        "obshchestvo s ogranichennoj otvetstvennostju",
        "tovarystvo z obmezhenoiu vidpovidalnistiu",
        "tovarystvo z obmezhenoyu vidpovidalnistyu",
        "societatea cu raspundere limitata",
        "sociedad de responsabilidad limitada",
        "gesellschaft mit beschrankter haftung",
        "societe a responsabilite limitee",
        "limited liability company",
        "limited liability partnership",
        "spolka z ograniczona odpowiedzialnoscia",
        "sp z o o",
        "s de r l",
        "l l c",
        "llc",
        "ooo",
        "tov",
        "gmbh",
        "sarl",
        "srl",
        "s r l",
        "bv",
        "b v",
        "mchj",
        "too",
        "llp",
    ],
    "jsc": [
        "publichnoe aktsionernoe obshchestvo",
        "publichnoye aktsionernoye obshchestvo",
        "otkrytoe aktsionernoe obshchestvo",
        "zakrytoe aktsionernoe obshchestvo",
        "aktsionernoe obshchestvo",
        "aktsionernoye obshchestvo",
        "open joint stock company",
        "closed joint stock company",
        "public joint stock company",
        "joint stock company",
        "aktiengesellschaft",
        "societe anonyme",
        "sociedad anonima",
        "societa per azioni",
        "jsc",
        "ojsc",
        "cjsc",
        "pjsc",
        "jsco",
        "oao",
        "zao",
        "pao",
        "ao",
        "ag",
        "sa",
        "s a",
        "spa",
        "s p a",
        "nv",
        "n v",
        "as",
        "asa",
        "ab",
        "oyj",
    ],
    "ltd": [
        "private limited company",
        "company limited",
        "co ltd",
        "pty ltd",
        "pvt ltd",
        "private limited",
        "limited",
        "ltd",
        "pty",
        "pvt",
        "pte",
    ],
    "plc": ["public limited company", "p l c", "plc"],
    "inc": ["incorporated", "corporation", "inc", "corp", "company", "co"],
    "lp": ["limited partnership", "l p", "lp", "kg", "gmbh co kg"],
    "npo": [
        "avtonomnaya nekommercheskaya organizatsiya",
        "autonomous non profit organization",
        "autonomous nonprofit organization",
        "non profit organization",
        "nonprofit organization",
        "ano",
        "nko",
        "npo",
    ],
}
_FORM_CLASS: dict[tuple[str, ...], str] = {}
for _cls, _forms in _LEGAL_FORMS.items():
    for _form in _forms:
        _FORM_CLASS.setdefault(tuple(_form.split()), _cls)
_FORM_LENGTHS = sorted({len(k) for k in _FORM_CLASS}, reverse=True)

_VOWEL_POOR = re.compile(
    "[\u0590-\u05ff\u0600-\u06ff\u0700-\u074f\u0750-\u077f\u0780-\u07bf\u08a0-\u08ff"
    "\ufb1d-\ufb4f\ufb50-\ufdff\ufe70-\ufeff\u0e00-\u0e7f\u0e80-\u0eff\u1780-\u17ff]"
)
_HANGUL = re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_APOSTROPHES = re.compile("['`\u2018\u2019\u02bc\u02bb\u00b4\u2032]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_DOTTED = re.compile(r"\b[a-z](?:\.\s?[a-z]\b)+\.?")
_DIGRAPHS = (
    ("sch", "s"),
    ("kh", "k"),
    ("gh", "g"),
    ("sh", "s"),
    ("ch", "s"),
    ("th", "t"),
    ("dh", "d"),
    ("ph", "f"),
    ("ck", "k"),
    ("ts", "s"),
    ("tz", "s"),
    ("zh", "j"),
    ("x", "ks"),
)
_LETTER_MAP = str.maketrans({"c": "k", "q": "k", "z": "s", "v": "f", "x": "k", "w": "", "y": ""})
_VOWELS = re.compile("[aeiou]")
_REPEATS = re.compile(r"(.)\1+")


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """A coarse phonetic key: consonants only, common digraphs and letter pairs
    merged (`Husayn`/`Hussein`/`حسين` -> `hsn`)."""
    s = token
    for a, b in _DIGRAPHS:
        s = s.replace(a, b)
    s = s.translate(_LETTER_MAP)
    s = _VOWELS.sub("", s)
    s = _REPEATS.sub(r"\1", s)
    if len(s) > 2 and s.endswith("h"):
        s = s[:-1]
    return s


@dataclass(frozen=True, slots=True)
class NormalizedName:
    """A name ready for indexing and scoring."""

    original: str
    tokens: tuple[str, ...]
    legal_forms: frozenset[str]
    vowel_poor: bool  # written in a script that omits short vowels
    compact: str
    skeletons: tuple[str, ...]
    significant: tuple[str, ...]  # the tokens that are not particles


def _transliterate(text: str) -> str:
    if _CJK.search(text):
        # one token per syllable: 习近平 -> "Xi Jin Ping"
        text = "".join(f" {anyascii(ch)} " if _CJK.match(ch) else ch for ch in text)
    return anyascii(text)


def _strip_legal_forms(tokens: list[str]) -> tuple[list[str], set[str]]:
    """Take legal forms out of a name: any form at either end (repeatedly), and
    unambiguous ones (several words, or one word of 4+ letters) anywhere."""
    found: set[str] = set()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for n in _FORM_LENGTHS:
            if i + n > len(tokens):
                continue
            key = tuple(tokens[i : i + n])
            cls = _FORM_CLASS.get(key)
            if cls is None:
                continue
            at_edge = i == 0 or _all_forms(tokens[i + n :])
            if at_edge or n > 1 or len(key[0]) >= 4:
                found.add(cls)
                i += n
                break
        else:
            out.append(tokens[i])
            i += 1
    while found and out and out[-1] in ("and", "und", "et"):
        out.pop()
    return out, found


def _all_forms(tokens: list[str]) -> bool:
    """True if `tokens` is made only of legal forms ("and co l l c")."""
    i = 0
    if tokens and tokens[0] in ("and", "und", "et"):
        i = 1
    while i < len(tokens):
        for n in _FORM_LENGTHS:
            if i + n <= len(tokens) and tuple(tokens[i : i + n]) in _FORM_CLASS:
                i += n
                break
        else:
            return False
    return True


@lru_cache(maxsize=200_000)
def normalize_name(text: str, schema: Schema | None = None) -> NormalizedName:
    """Normalise one name. `schema` decides what is dropped: honorifics for people,
    legal forms for organisations and vessels (both when unknown)."""
    raw = unicodedata.normalize("NFKC", text)
    # scripts whose Latin spellings differ mostly in vowels: compare by consonants
    vowel_poor = bool(_VOWEL_POOR.search(raw) or _HANGUL.search(raw))
    latin = _transliterate(raw).lower()
    latin = latin.replace("&", " and ")
    if schema != "person":
        # dotted abbreviations are one word: G.m.b.H. -> gmbh, U.S. -> us
        latin = _DOTTED.sub(lambda m: re.sub(r"[.\s]", "", m.group(0)) + " ", latin)
    latin = _APOSTROPHES.sub("", latin)
    tokens = [t for t in _NON_WORD.split(latin) if t]
    if vowel_poor:
        # the Arabic article written onto its noun ("lswdny" = al-Sudani)
        split: list[str] = []
        for t in tokens:
            if t in _ABJAD_PARTICLES:
                split.append(_ABJAD_PARTICLES[t])
            elif t.startswith("l") and len(t) > 4 and t not in ("llh",):
                split.extend(("al", t[1:]))
            else:
                split.append(t)
        tokens = split
    tokens = [_PARTICLE_SPELLINGS.get(t, t) for t in tokens]
    forms: set[str] = set()
    if schema != "person" and len(tokens) > 1:
        kept, forms = _strip_legal_forms(tokens)
        if kept:
            tokens = kept
        else:
            forms = set()
    if schema in ("person", None) and len(tokens) > 1:
        kept = [t for t in tokens if t not in HONORIFICS]
        if kept:
            tokens = kept
    return NormalizedName(
        original=text,
        tokens=tuple(tokens),
        legal_forms=frozenset(forms),
        vowel_poor=vowel_poor,
        compact="".join(tokens),
        skeletons=tuple(skeleton(t) for t in tokens),
        significant=tuple(t for t in tokens if t not in PARTICLES),
    )
