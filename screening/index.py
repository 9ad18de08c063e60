"""The in-memory screening index: every name of every loaded list, normalised once,
with inverted indexes for candidate generation.

Blocking keys (no full scan per query):
- the normalised token (`putin`);
- its one-deletion neighbourhood (SymSpell style), so that a typo, a missing or an
  extra letter, or a swapped pair still meets the listed token;
- its consonant skeleton (`hsn` for Hussein / Husayn / حسين), for transliteration
  variants and names listed in scripts without short vowels;
- the whole name written as one word (`ramimakhlouf`).

Tokens are weighted by rarity across the loaded names, so "Mohammed" counts for
less than "Zolqadr". An index is immutable once built; reloading builds a new one
and swaps the reference (see `screening.matcher.Screener`).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from screening.model import EntityName, ListedEntity, ListVersion, Schema
from screening.normalize import PARTICLES, NormalizedName, normalize_name, skeleton
from screening.regimes import regime_countries
from screening.scoring import INITIAL_WEIGHT, PARTICLE_WEIGHT, token_similarity

MIN_DELETE_LEN = 4
# a token on more than this share of names is not used alone to find candidates
COMMON_SHARE = 0.01
# rarity weight: 1.0 up to RARE_DF names, falling to MIN_WEIGHT at COMMON_DF
RARE_DF = 5
MIN_WEIGHT = 0.45


@dataclass(slots=True)
class IndexedName:
    entity: int
    name: EntityName
    norm: NormalizedName
    weights: tuple[float, ...] = ()  # per token, set once token rarity is known


@dataclass(frozen=True, slots=True)
class RegimeEntry:
    source: str
    version: str
    program: str


def _deletes(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


class ScreeningIndex:
    """Names of the loaded list versions and the keys to find them by."""

    def __init__(self, versions: Sequence[ListVersion]) -> None:
        self.versions = list(versions)
        self.entities: list[ListedEntity] = []
        self.entity_version: list[str] = []
        self.names: list[IndexedName] = []
        token_postings: dict[str, list[int]] = {}
        skeleton_postings: dict[str, list[int]] = {}
        compact_postings: dict[str, list[int]] = {}
        regimes: dict[str, list[RegimeEntry]] = {}
        for version in self.versions:
            vid = version.version_id
            for entity in version.entities:
                eid = len(self.entities)
                self.entities.append(entity)
                self.entity_version.append(vid)
                seen: set[str] = set()
                # strong names first, so that a weak alias equal to one adds nothing
                for name in sorted(entity.names, key=lambda n: n.strength == "weak"):
                    norm = normalize_name(name.value, entity.schema)
                    if not norm.tokens or norm.compact in seen:
                        continue
                    seen.add(norm.compact)
                    nid = len(self.names)
                    self.names.append(IndexedName(eid, name, norm))
                    compact_postings.setdefault(norm.compact, []).append(nid)
                    for tok in set(norm.tokens):
                        token_postings.setdefault(tok, []).append(nid)
                    for tok in set(norm.tokens):
                        sk = skeleton(tok)
                        if len(sk) >= 3 or (norm.vowel_poor and len(sk) >= 2):
                            skeleton_postings.setdefault(sk, []).append(nid)
                for program in entity.programs:
                    for country in regime_countries(program):
                        entries = regimes.setdefault(country, [])
                        entry = RegimeEntry(entity.source, vid, program)
                        if entry not in entries:
                            entries.append(entry)
        self.token_postings = token_postings
        self.skeleton_postings = skeleton_postings
        self.compact_postings = compact_postings
        self.regimes = regimes
        deletes: dict[str, list[str]] = {}
        for tok in token_postings:
            if len(tok) >= MIN_DELETE_LEN:
                for variant in _deletes(tok):
                    deletes.setdefault(variant, []).append(tok)
        self.deletes = deletes
        n = max(1, len(self.names))
        self.common_df = max(50, int(n * COMMON_SHARE))
        self._log_span = math.log(self.common_df / RARE_DF)
        self.df = {tok: len(p) for tok, p in token_postings.items()}
        for indexed in self.names:
            indexed.weights = tuple(self.weight(t) for t in indexed.norm.tokens)

    @classmethod
    def build(cls, versions: Iterable[ListVersion]) -> ScreeningIndex:
        return cls(list(versions))

    def __len__(self) -> int:
        return len(self.names)

    @property
    def version_ids(self) -> list[str]:
        return [v.version_id for v in self.versions]

    # -- token statistics -------------------------------------------------------

    def weight(self, token: str) -> float:
        """How much a token says about identity: particles and initials little,
        names common on the lists less than rare ones."""
        if token in PARTICLES:
            return PARTICLE_WEIGHT
        if len(token) == 1:
            return INITIAL_WEIGHT
        df = self.df.get(token, 0)
        if df <= RARE_DF:
            return 1.0
        share = min(1.0, math.log(df / RARE_DF) / self._log_span)
        return 1.0 - (1.0 - MIN_WEIGHT) * share

    def is_common(self, token: str) -> bool:
        return token in PARTICLES or len(token) == 1 or self.df.get(token, 0) >= self.common_df

    # -- candidates ---------------------------------------------------------------

    def similar_tokens(self, token: str, vowel_poor: bool = False) -> list[tuple[str, float]]:
        """Listed tokens alike to `token`: itself, one edit away, same skeleton."""
        found: dict[str, float] = {}
        if token in self.token_postings:
            found[token] = 1.0
        if len(token) >= MIN_DELETE_LEN - 1:
            variants = _deletes(token) if len(token) >= MIN_DELETE_LEN else set()
            variants.add(token)
            for variant in variants:
                for other in self.deletes.get(variant, ()):
                    if other not in found:
                        found[other] = token_similarity(token, other, vowel_poor)
            for variant in variants:
                if variant in self.token_postings and variant not in found:
                    found[variant] = token_similarity(token, variant, vowel_poor)
        return [(t, s) for t, s in found.items() if s > 0.5]

    def candidates(self, query: NormalizedName, limit: int = 40) -> list[int]:
        """Ids of the names most likely to match `query`, best first (by blocking
        weight, not by final score)."""
        acc: dict[int, float] = {}
        tokens = list(dict.fromkeys(query.tokens))
        informative = [t for t in tokens if not self.is_common(t)]
        use = informative or [t for t in tokens if t not in PARTICLES] or tokens
        for tok in use:
            w = self.weight(tok)
            hit: set[int] = set()
            for other, _sim in self.similar_tokens(tok, query.vowel_poor):
                postings = self.token_postings[other]
                if len(postings) > self.common_df * 4 and other != tok:
                    continue
                hit.update(postings)
            sk = skeleton(tok)
            if len(sk) >= 3 or (query.vowel_poor and len(sk) >= 2):
                postings = self.skeleton_postings.get(sk, [])
                if len(postings) <= self.common_df * 4:
                    hit.update(postings)
            for nid in hit:
                acc[nid] = acc.get(nid, 0.0) + w
        exact = self.compact_postings.get(query.compact, [])
        for nid in exact:
            acc.pop(nid, None)
        if not informative and len(acc) > limit:
            # only common words: keep names that share all of them
            need = sum(self.weight(t) for t in use) - 1e-9
            acc = {k: v for k, v in acc.items() if v >= need}
        if len(acc) <= limit:
            ranked = sorted(acc, key=acc.__getitem__, reverse=True)
        else:
            ranked = heapq.nlargest(limit, acc, key=acc.__getitem__)
        # names written exactly as the query always come first, however many
        return exact + ranked

    # -- jurisdiction ----------------------------------------------------------------

    def regimes_for(self, country: str) -> list[RegimeEntry]:
        return list(self.regimes.get(country.upper(), []))

    def entity_schema(self, nid: int) -> Schema:
        return self.entities[self.names[nid].entity].schema
