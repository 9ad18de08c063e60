"""The engine's value types: what it is given (profiles, weights, constraints) and returns.

Plain frozen dataclasses with string ids, so the mentoring room can build them from its
tables and tests can build them by hand; nothing here touches a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from tenants.errors import InvalidInput

Preference = Literal["interest", "career_stage", "open"]
#: The partner someone wants: from a similar or a different sector and career stage.
Background = Literal["similar", "different", "either"]
Role = Literal["mentor", "mentee", "peer"]
UnmatchedReason = Literal["no eligible partner", "capacity exhausted", "country cap"]

NO_ELIGIBLE_PARTNER: UnmatchedReason = "no eligible partner"
CAPACITY_EXHAUSTED: UnmatchedReason = "capacity exhausted"
COUNTRY_CAP: UnmatchedReason = "country cap"


class MatchingInputError(InvalidInput, ValueError):
    """Input the engine cannot honour (ids twice, impossible pins), naming the field.

    An InvalidInput (a 400 naming the field if it reaches the API) and a ValueError, so
    a caller that treats impossible pins as its own conflict can catch that.
    """


@dataclass(frozen=True)
class Profile:
    """One applicant as matching sees them.

    `career_stage` is an ordinal (1 student/new graduate ... 5 senior leader);
    `utc_offset` is in hours; `capacity` is how many mentees a mentor takes (1 otherwise).
    """

    id: str
    role: Role
    interests: frozenset[str]
    sector: str
    career_stage: int
    years: int
    country: str
    languages: frozenset[str]
    utc_offset: float
    preference: Preference = "open"
    capacity: int = 1
    background: Background = "either"


@dataclass(frozen=True)
class Weights:
    """How much each part of a pair's score counts in one scheme.

    Every part of the breakdown is a closeness in [0, 1] times its weight, so scores are
    never negative. `same_sector` weighs how well the partners' sectors meet what each
    applicant asked for (`Profile.background`: a similar or a different sector, or
    either); `background` is what the scheme reads into "either" (ILN: "similar to you,
    or one in a completely different environment", so either is met by both; ALIA and
    AASW lean to the same field of practice). `ideal_stage_gap` is how many career stages
    the mentor should be ahead of the mentee (0 for peers: "colleagues at similar
    levels"). `preference_boost` multiplies the interest or career-stage part for an
    applicant who asked to be matched by it. Partners without a common language are never paired.
    """

    shared_interests: float = 3.0
    same_sector: float = 1.0
    career_stage: float = 2.0
    languages: float = 1.0
    timezone: float = 1.0
    cross_border: float = 0.0
    ideal_stage_gap: int = 1
    preference_boost: float = 1.5
    background: Background = "similar"


@dataclass(frozen=True)
class Constraints:
    """Hard rules of a run.

    `forbidden`: pairs that must never be proposed (each a frozenset of two ids).
    `pinned`: pairs a coordinator fixed; they are always in the result and use capacity.
    `country_cap`: for peer rounds, the largest share of the round's matched
    participants that may come from one country (ILN: 0.2); None means no cap.
    `placed`: participants the round placed in earlier runs (published partnerships),
    as (country, count): the cap is a property of the round, so they count towards
    every country's share and the round's size exactly as pins do.
    """

    forbidden: frozenset[frozenset[str]] = frozenset()
    pinned: tuple[tuple[str, str], ...] = ()
    country_cap: float | None = None
    placed: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Pair:
    """A proposed partnership: mentee `a` with mentor `b` (peers: `a` < `b`)."""

    a: str
    b: str
    score: float
    breakdown: dict[str, float] = field(hash=False, compare=True)
    pinned: bool = False


@dataclass(frozen=True)
class Unmatched:
    """Someone the run could not place, and why (they go on the waitlist)."""

    id: str
    reason: UnmatchedReason


@dataclass(frozen=True)
class MatchResult:
    """A run's proposal, pairs and unmatched both ordered by id for stable output."""

    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    total_score: float

    @classmethod
    def of(cls, pairs: list[Pair], unmatched: list[Unmatched]) -> MatchResult:
        """Ordered by id, with the total summed from the pairs' own scores."""
        ordered = sorted(pairs, key=lambda p: (p.a, p.b))
        return cls(
            pairs=tuple(ordered),
            unmatched=tuple(sorted(unmatched, key=lambda u: u.id)),
            total_score=float(sum(p.score for p in ordered)),
        )
