"""Pairwise name scoring: how alike are a query name and one listed name.

Tokens are aligned one to one (best pairs first), each pair scores by edit
distance (Damerau OSA), by consonant skeleton for names from scripts without
short vowels, or as an initial. The aligned weight covers the shorter name and,
less strictly, the longer one: missing middle names cost a little, a wrong surname
a lot. Token order, joined or split words, and legal forms are handled here too.
Everything the score is made of is returned, so that a hit can explain itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import OSA, Levenshtein

from screening.model import Schema
from screening.normalize import PARTICLES, NormalizedName, skeleton

INITIAL_SIMILARITY = 0.8
SKELETON_SIMILARITY = 0.8
PREFIX_SIMILARITY = 0.78
CONFLICT_PENALTY = 0.15
PARTICLE_WEIGHT = 0.3
INITIAL_WEIGHT = 0.5
# How much the unmatched part of the longer name costs (missing middle names are
# common for people, an extra word usually names another organisation).
EXTRA_TOKEN_COST: dict[str | None, float] = {
    "person": 0.3,
    "organization": 0.55,
    "vessel": 0.55,
    None: 0.45,
}
ORDER_PENALTY = 0.05
LEGAL_FORM_PENALTY = 0.08
SINGLE_TOKEN_FACTOR = 0.8

TokenWeight = Callable[[str], float]


def default_weight(token: str) -> float:
    if token in PARTICLES:
        return PARTICLE_WEIGHT
    if len(token) == 1:
        return INITIAL_WEIGHT
    return 1.0


@lru_cache(maxsize=500_000)
def token_similarity(a: str, b: str, vowel_poor: bool = False) -> float:
    """0..1 likeness of two normalised tokens."""
    if a == b:
        return 1.0
    la, lb = len(a), len(b)
    if la == 1 or lb == 1:
        return INITIAL_SIMILARITY if a[0] == b[0] else 0.0
    sim = 1.0 - OSA.distance(a, b) / max(la, lb)
    ska, skb = skeleton(a), skeleton(b)
    if vowel_poor:
        if ska and skb:
            sim = max(sim, 0.95 * Levenshtein.normalized_similarity(ska, skb))
    elif ska == skb and len(ska) >= 3:
        sim = max(sim, SKELETON_SIMILARITY)
    short, long_ = (a, b) if la < lb else (b, a)
    if len(short) >= 3 and long_.startswith(short):
        sim = max(sim, PREFIX_SIMILARITY)  # Ben / Benjamin, Abd / Abdullah
    return sim


def _credit(sim: float) -> float:
    """How much of a token pair's weight its similarity earns: near-identical
    tokens earn almost all of it, tokens two edits apart little, others nothing."""
    if sim >= 0.8:
        return sim
    if sim <= 0.5:
        return 0.0
    return 0.8 * ((sim - 0.5) / 0.3) ** 2


@dataclass(slots=True)
class NameComparison:
    score: float
    pairs: list[tuple[str, str, float]] = field(default_factory=list)
    unmatched_query: list[str] = field(default_factory=list)
    unmatched_candidate: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _is_rotation(order: list[int]) -> bool:
    n = len(order)
    if n < 2:
        return True
    start = order.index(min(order))
    rotated = order[start:] + order[:start]
    return all(rotated[i] < rotated[i + 1] for i in range(n - 1))


def compare_names(
    query: NormalizedName,
    candidate: NormalizedName,
    schema: Schema | None = None,
    weight: TokenWeight = default_weight,
    *,
    query_weights: Sequence[float] | None = None,
    candidate_weights: Sequence[float] | None = None,
    explain: bool = True,
) -> NameComparison:
    """Score `query` against `candidate` (0..1). With `explain`, the aligned pairs,
    the unmatched parts and notes on each adjustment come with it. Token weights
    may be given precomputed (the index keeps them per listed name)."""
    qt, ct = query.tokens, candidate.tokens
    if not qt or not ct:
        return NameComparison(0.0, notes=["empty name"])
    notes: list[str] = []
    if query.compact == candidate.compact:
        score = 1.0 - _legal_form_penalty(query, candidate, notes)
        return NameComparison(score, pairs=[(query.compact, candidate.compact, 1.0)], notes=notes)
    vowel_poor = query.vowel_poor or candidate.vowel_poor
    scored = []
    for i, a in enumerate(qt):
        for j, b in enumerate(ct):
            sim = (
                token_similarity(a, b, vowel_poor) if a <= b else token_similarity(b, a, vowel_poor)
            )
            if sim > 0.5:
                scored.append((sim, i, j))
    scored.sort(reverse=True)
    used_q: set[int] = set()
    used_c: set[int] = set()
    pairs: list[tuple[int, int, float]] = []
    for sim, i, j in scored:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        pairs.append((i, j, sim))
    wq = query_weights if query_weights is not None else [weight(t) for t in qt]
    wc = candidate_weights if candidate_weights is not None else [weight(t) for t in ct]
    credit_q = credit_c = 0.0
    for i, j, sim in pairs:
        earned = _credit(sim)
        if len(qt[i]) == 1 or len(ct[j]) == 1:
            # an initial vouches for one letter of the full name, not all of it
            w = min(wq[i], wc[j])
            credit_q += w * earned
            credit_c += w * earned
        else:
            credit_q += wq[i] * earned
            credit_c += wc[j] * earned
    total_q, total_c = sum(wq), sum(wc)
    cover_q, cover_c = credit_q / total_q, credit_c / total_c
    # the shorter name (by weight) must be covered; the longer one less strictly
    if total_q <= total_c:
        cover_short, cover_long = cover_q, cover_c
    else:
        cover_short, cover_long = cover_c, cover_q
    cost = EXTRA_TOKEN_COST.get(schema, EXTRA_TOKEN_COST[None])
    score = cover_short * (1.0 - cost * (1.0 - cover_long))
    # a token on each side left unpaired: the names disagree, not merely omit
    conflicts = min(
        sum(1 for i, t in enumerate(qt) if i not in used_q and len(t) > 1 and t not in PARTICLES),
        sum(1 for j, t in enumerate(ct) if j not in used_c and len(t) > 1 and t not in PARTICLES),
    )
    if conflicts:
        score -= CONFLICT_PENALTY * min(conflicts, 2)
        notes.append(f"{conflicts} name part(s) disagree")
    n_sig_q = len(query.significant)
    n_sig_c = len(candidate.significant)
    if min(n_sig_q, n_sig_c) == 1 and max(n_sig_q, n_sig_c) > 1:
        score *= SINGLE_TOKEN_FACTOR
        notes.append("one-word name against a longer name")
    if len(pairs) > 1:
        order = [j for _i, j, _s in sorted(pairs)]
        if not _is_rotation(order):
            score -= ORDER_PENALTY
            notes.append("token order differs")
    # joined or split words: "Ramimakhlouf" / "Rami Makhlouf", "vanderbilt"
    if len(qt) != len(ct):
        joined = Levenshtein.normalized_similarity(query.compact, candidate.compact)
        if vowel_poor:
            joined = max(
                joined,
                0.95
                * Levenshtein.normalized_similarity(
                    skeleton(query.compact), skeleton(candidate.compact)
                ),
            )
        if joined >= 0.85 and joined * 0.97 > score:
            score = joined * 0.97
            notes.append("compared as one word")
    score -= _legal_form_penalty(query, candidate, notes)
    score = max(0.0, min(1.0, score))
    if not explain:
        return NameComparison(score)
    return NameComparison(
        score,
        pairs=[(qt[i], ct[j], round(sim, 3)) for i, j, sim in pairs],
        unmatched_query=[t for i, t in enumerate(qt) if i not in used_q],
        unmatched_candidate=[t for j, t in enumerate(ct) if j not in used_c],
        notes=notes,
    )


def _legal_form_penalty(
    query: NormalizedName, candidate: NormalizedName, notes: list[str]
) -> float:
    if (
        query.legal_forms
        and candidate.legal_forms
        and not (query.legal_forms & candidate.legal_forms)
    ):
        notes.append(
            f"legal form differs ({'/'.join(sorted(query.legal_forms))} vs "
            f"{'/'.join(sorted(candidate.legal_forms))})"
        )
        return LEGAL_FORM_PENALTY
    return 0.0
