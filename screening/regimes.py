"""Which country a sanctions programme is about, for the jurisdiction check.

UN list types (`DPRK`, `Libya`), DFAT committees (`1718 (DPRK)`, `Autonomous
(Russia)`) and OFAC programme codes (`IRAN`, `VENEZUELA-EO13850`, `DPRK3`) name
country regimes; thematic ones (`Al-Qaida`, `SDGT`, `Autonomous (Thematic - Cyber)`)
name none and are left out.
"""

from __future__ import annotations

import re
from functools import lru_cache

from screening.countries import countries_in, country_code

_NAMED = {
    "dprk": ["KP"],
    "ffry": ["RS", "ME"],
    "al shabaab": ["SO"],
    "al-shabaab": ["SO"],
    "taliban": ["AF"],
    "car": ["CF"],
    "gb": ["GW"],  # UN list type for Guinea-Bissau
    "southsudan": ["SS"],
    "south sudan": ["SS"],
    "drc": ["CD"],
    "drcongo": ["CD"],
    "somalia and eritrea": ["SO", "ER"],
    "burma": ["MM"],
    "balkans": ["RS", "BA", "ME", "MK", "XK", "AL"],
    "western balkans": ["RS", "BA", "ME", "MK", "XK", "AL"],
    "hk": ["HK"],
    "hong kong": ["HK"],
    "cuba": ["CU"],
    "russia": ["RU"],
    "ukraine": ["UA"],
    "belarus": ["BY"],
    "nicaragua": ["NI"],
    "venezuela": ["VE"],
    "lebanon": ["LB"],
    "mali": ["ML"],
}
_THEMATIC = re.compile(
    r"thematic|qaida|qaeda|isil|sdgt|sdnt|sdntk|npwmd|ifsr|cyber|glomag|magnit|tco|fto|"
    r"irgc|caatsa|1373|2093|counter|terror|narcotic|kingpin|human rights|corruption",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def regime_countries(program: str) -> tuple[str, ...]:
    """ISO alpha-2 countries a programme targets; () for thematic programmes."""
    text = program.strip()
    if not text or _THEMATIC.search(text):
        return ()
    inner = re.findall(r"\(([^()]*)\)", text)
    candidates = inner or [text]
    out: list[str] = []
    for part in candidates:
        key = part.strip().lower()
        # OFAC codes: VENEZUELA-EO13850, DPRK3, IRAN-HR, RUSSIA-EO14024, SOUTH SUDAN
        code_key = re.sub(r"[-\s]*(eo\d+|hr|tra|con)?\d*$", "", key).strip()
        found = _NAMED.get(key) or _NAMED.get(code_key)
        if not found:
            single = country_code(code_key) or country_code(key)
            found = [single] if single else countries_in(part)
        for c in found:
            if c not in out:
                out.append(c)
    return tuple(out)
