"""How well two applicants suit each other: a pair's score and its breakdown.

Each part is a closeness in [0, 1] times the scheme's weight, so every score is a sum of
non-negative parts and the breakdown adds up to it. The same formula exists twice: per
pair (`pair_breakdown`, for what a coordinator reads) and over whole pools at once
(`score_matrix`, for the solvers); tests hold them equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

from registry.matching.model import Background, Pair, Profile, Weights

Mode = Literal["mentoring", "peer"]
FloatMatrix = npt.NDArray[np.float64]
BoolMatrix = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

# Career stages run 1..5, so the largest possible distance from the ideal gap is 4.
STAGE_SPAN = 4.0
# A working day: two people overlap for 8 hours minus the difference of their offsets.
WORKING_HOURS = 8.0

BREAKDOWN_KEYS = (
    "shared_interests",
    "sector",
    "career_stage",
    "languages",
    "timezone",
    "cross_border",
)

# Weights per scheme, from what each programme's own documents say it values.
SCHEME_WEIGHTS: dict[str, Weights] = {
    # ALIA pairs "experienced LIS professionals (mentors) with upcoming LIS professionals
    # (mentees)", meeting "ideally in a café", and mentees may want to move into a
    # different sector: the mentor should be two stages ahead, nearby (time zone) and
    # interests count most; sector only mildly.
    "alia-mentoring": Weights(
        shared_interests=3.0,
        same_sector=0.5,
        career_stage=2.0,
        languages=1.0,
        timezone=1.5,
        cross_border=0.0,
        ideal_stage_gap=2,
        preference_boost=1.5,
    ),
    # AASW: "a relationship based on needs, experience, and choice", mentors with at least
    # five years' practice, for social workers "at all stages of their careers": the
    # mentee's interests lead, the same field of practice helps, one stage ahead is enough.
    "aasw-mentoring": Weights(
        shared_interests=4.0,
        same_sector=1.0,
        career_stage=1.5,
        languages=1.0,
        timezone=1.0,
        cross_border=0.0,
        ideal_stage_gap=1,
        preference_boost=1.5,
    ),
    # ILN: peers "matched with professional colleagues in other countries" on "shared
    # areas of interest", sector and "what point they are at in their career"; it
    # "encourages participants to be open to new and different perspectives": each peer
    # says whether they want a colleague "similar to you, or one in a completely
    # different environment" (or either, met by both); similar stages (gap 0) score.
    "iln-peer": Weights(
        shared_interests=3.0,
        same_sector=1.0,
        career_stage=2.0,
        languages=1.0,
        timezone=1.5,
        cross_border=1.0,
        ideal_stage_gap=0,
        preference_boost=1.5,
        background="either",
    ),
}


def weights_for_scheme(preset_name: str) -> Weights:
    """The weights of a scheme's policy preset; an unknown preset is a ValueError."""
    try:
        return SCHEME_WEIGHTS[preset_name]
    except KeyError:
        known = ", ".join(sorted(SCHEME_WEIGHTS))
        raise ValueError(f"unknown matching preset {preset_name!r} (known: {known})") from None


def _stage_closeness(gap: float, ideal: int) -> float:
    return max(0.0, 1.0 - abs(gap - ideal) / STAGE_SPAN)


def _timezone_overlap(a: float, b: float) -> float:
    d = abs(a - b) % 24.0
    d = min(d, 24.0 - d)
    return max(0.0, WORKING_HOURS - d) / WORKING_HOURS


def _boost(w: Weights, profile: Profile, by: str) -> float:
    return w.preference_boost if profile.preference == by else 1.0


def _wanted(w: Weights, background: Background) -> Background:
    """What an applicant's stated background asks for; "either" reads the scheme's."""
    return w.background if background == "either" else background


def _sector_met(w: Weights, background: Background, same: bool) -> float:
    """1 when the partner's sector is what the applicant asked for (either: always)."""
    wanted = _wanted(w, background)
    return 1.0 if wanted == "either" or (wanted == "similar") == same else 0.0


def _stage_met(w: Weights, background: Background, closeness: float) -> float:
    """A peer who wants a different career stage is met by distance, not closeness."""
    return 1.0 - closeness if _wanted(w, background) == "different" else closeness


def pair_breakdown(a: Profile, b: Profile, w: Weights, mode: Mode) -> dict[str, float] | None:
    """The parts of the score of `a` with `b`, or None when they cannot be paired.

    Mentoring: `a` is the mentee, `b` the mentor, and the mentee's preference boosts.
    Peers: both preferences count, averaged. Without a common language there is no pair.
    """
    if not (a.languages & b.languages):
        return None
    if mode == "peer" and a.country == b.country:
        return None
    same = a.sector == b.sector
    if mode == "mentoring":
        # The mentee's wish counts; the mentor being ahead is the scheme's, not a wish.
        interest_boost = _boost(w, a, "interest")
        stage_boost = _boost(w, a, "career_stage")
        gap = float(b.career_stage - a.career_stage)
        stage = _stage_closeness(gap, w.ideal_stage_gap)
        sector_met = _sector_met(w, a.background, same)
    else:
        interest_boost = (_boost(w, a, "interest") + _boost(w, b, "interest")) / 2.0
        stage_boost = (_boost(w, a, "career_stage") + _boost(w, b, "career_stage")) / 2.0
        gap = float(abs(a.career_stage - b.career_stage))
        closeness = _stage_closeness(gap, w.ideal_stage_gap)
        stage = (
            _stage_met(w, a.background, closeness) + _stage_met(w, b.background, closeness)
        ) / 2.0
        sector_met = (_sector_met(w, a.background, same) + _sector_met(w, b.background, same)) / 2.0
    smaller = max(1, min(len(a.interests), len(b.interests)))
    return {
        "shared_interests": w.shared_interests
        * interest_boost
        * (len(a.interests & b.interests) / smaller),
        "sector": abs(w.same_sector) * sector_met,
        "career_stage": w.career_stage * stage_boost * stage,
        "languages": w.languages,
        "timezone": w.timezone * _timezone_overlap(a.utc_offset, b.utc_offset),
        "cross_border": w.cross_border if a.country != b.country else 0.0,
    }


def scored_pair(a: Profile, b: Profile, w: Weights, mode: Mode, *, pinned: bool) -> Pair:
    """A proposed pair with its breakdown (see `pair_breakdown` for who is `a`)."""
    breakdown = pair_breakdown(a, b, w, mode)
    if breakdown is None:
        # A coordinator may pin two people without a common language; the breakdown
        # then says so with zeros rather than invent a score.
        breakdown = dict.fromkeys(BREAKDOWN_KEYS, 0.0)
    return Pair(a.id, b.id, total(breakdown), breakdown, pinned)


def total(breakdown: dict[str, float]) -> float:
    """A pair's score: its parts summed in a fixed order (same order as the matrix)."""
    return float(sum(breakdown[k] for k in BREAKDOWN_KEYS))


def _indicator(sets: Sequence[frozenset[str]], vocabulary: dict[str, int]) -> FloatMatrix:
    out = np.zeros((len(sets), len(vocabulary)), dtype=np.float64)
    for i, s in enumerate(sets):
        for item in s:
            out[i, vocabulary[item]] = 1.0
    return out


def _vocabulary(sets: Sequence[frozenset[str]]) -> dict[str, int]:
    return {v: i for i, v in enumerate(sorted({x for s in sets for x in s}))}


def _keyed(keys: Sequence[tuple[object, ...]]) -> tuple[list[tuple[object, ...]], IntArray]:
    """The distinct keys (in first-seen order) and each item's index into them."""
    index: dict[tuple[object, ...], int] = {}
    positions = np.fromiter(
        (index.setdefault(k, len(index)) for k in keys), dtype=np.int64, count=len(keys)
    )
    return list(index), positions


def _rest_key(p: Profile, wishes: bool) -> tuple[object, ...]:
    """The attributes the rest of the score reads; `wishes`: whether this side's own
    preferences (match by, background) count, as a mentor's do not in mentoring."""
    return (
        p.sector,
        p.career_stage,
        p.preference if wishes else "",
        p.utc_offset,
        p.country,
        p.background if wishes else "either",
    )


def _met(w: Weights, keys: list[tuple[object, ...]], wanted: str) -> npt.NDArray[np.bool_]:
    return np.array([_wanted(w, k[5]) == wanted for k in keys], dtype=bool)  # type: ignore[arg-type]


def _rest_table(
    rows: list[tuple[object, ...]], cols: list[tuple[object, ...]], w: Weights, mode: Mode
) -> FloatMatrix:
    """Every part but interests and languages' eligibility, over distinct attribute keys.

    Profiles quantise (sectors, five stages, a few time zones), so a pool of thousands
    has far fewer keys; the full matrix is then a gather from this small table.
    """
    same_sector = np.array([[r[0] == c[0] for c in cols] for r in rows], dtype=bool)
    r_cs = np.array([float(r[1]) for r in rows])  # type: ignore[arg-type]
    c_cs = np.array([float(c[1]) for c in cols])  # type: ignore[arg-type]
    r_stage = np.array([w.preference_boost if r[2] == "career_stage" else 1.0 for r in rows])
    c_stage = np.array([w.preference_boost if c[2] == "career_stage" else 1.0 for c in cols])
    if mode == "mentoring":
        stage_boost = np.broadcast_to(r_stage[:, None], same_sector.shape)
        gap = c_cs[None, :] - r_cs[:, None]
    else:
        stage_boost = (r_stage[:, None] + c_stage[None, :]) / 2.0
        gap = np.abs(r_cs[:, None] - c_cs[None, :])
    closeness = np.maximum(0.0, 1.0 - np.abs(gap - w.ideal_stage_gap) / STAGE_SPAN)

    def sector_met(keys: list[tuple[object, ...]], axis: int) -> FloatMatrix:
        similar = np.expand_dims(_met(w, keys, "similar"), axis)
        different = np.expand_dims(_met(w, keys, "different"), axis)
        met = np.where(similar, same_sector, np.where(different, ~same_sector, True))
        return met.astype(np.float64)

    def stage_met(keys: list[tuple[object, ...]], axis: int) -> FloatMatrix:
        different = np.expand_dims(_met(w, keys, "different"), axis)
        return np.where(different, 1.0 - closeness, closeness)

    stage_close = closeness
    if mode == "mentoring":
        sector = sector_met(rows, 1)
    else:
        sector = (sector_met(rows, 1) + sector_met(cols, 0)) / 2.0
        stage_close = (stage_met(rows, 1) + stage_met(cols, 0)) / 2.0
    r_tz = np.array([r[3] for r in rows], dtype=np.float64)
    c_tz = np.array([c[3] for c in cols], dtype=np.float64)
    d = np.abs(r_tz[:, None] - c_tz[None, :]) % 24.0
    d = np.minimum(d, 24.0 - d)
    tz_overlap = np.maximum(0.0, WORKING_HOURS - d) / WORKING_HOURS
    cross = np.array([[r[4] != c[4] for c in cols] for r in rows], dtype=bool)
    rest = abs(w.same_sector) * sector
    rest = rest + w.career_stage * stage_boost * stage_close
    rest = rest + w.languages
    rest = rest + w.timezone * tz_overlap
    rest = rest + np.where(cross, w.cross_border, 0.0)
    if mode == "peer":
        rest = np.where(cross, rest, np.nan)  # same country: never a pair
    return rest


def score_matrix(
    rows: Sequence[Profile], cols: Sequence[Profile], w: Weights, mode: Mode
) -> tuple[FloatMatrix, BoolMatrix]:
    """Scores of every row with every column, and which pairs are eligible.

    Mentoring: rows are mentees, columns mentors. Peers: both the pool. Ineligible
    entries (no common language; for peers also the same country, including oneself)
    hold 0 and False. Equal to `total(pair_breakdown(...))` up to float rounding.
    """
    if not rows or not cols:
        return np.zeros((len(rows), len(cols))), np.zeros((len(rows), len(cols)), dtype=bool)
    interests = _vocabulary([p.interests for p in (*rows, *cols)])
    ri = _indicator([p.interests for p in rows], interests)
    ci = _indicator([p.interests for p in cols], interests)
    smaller = np.minimum(
        np.maximum(ri.sum(axis=1), 1.0)[:, None], np.maximum(ci.sum(axis=1), 1.0)[None, :]
    )
    boost = w.preference_boost
    r_int = np.array([boost if p.preference == "interest" else 1.0 for p in rows])
    c_int = np.array([boost if p.preference == "interest" else 1.0 for p in cols])
    if mode == "mentoring":
        interest_weight = (w.shared_interests * r_int)[:, None]
    else:
        interest_weight = w.shared_interests * ((r_int[:, None] + c_int[None, :]) / 2.0)
    # In place where possible: at 5,000 x 2,000 every full pass over the matrix counts.
    score = ri @ ci.T
    np.divide(score, smaller, out=score)
    np.multiply(score, interest_weight, out=score)

    # A mentor's own preference does not weigh in mentoring, so it stays out of the key.
    row_keys, row_at = _keyed([_rest_key(p, True) for p in rows])
    col_keys, col_at = _keyed([_rest_key(p, mode == "peer") for p in cols])
    rest = _rest_table(row_keys, col_keys, w, mode)
    score += rest[row_at[:, None], col_at[None, :]]

    languages = _vocabulary([p.languages for p in (*rows, *cols)])
    eligible = (
        _indicator([p.languages for p in rows], languages)
        @ _indicator([p.languages for p in cols], languages).T
    ) > 0
    if mode == "peer":
        eligible &= ~np.isnan(score)  # NaN marks the same country (see _rest_table)
    score[~eligible] = 0.0
    return score, eligible
