"""An intake's matching pool: from stored applications to the engine's inputs, and the
engine run. No database here: the service hands in plain rows.

Pins are (mentee, mentor) in a mentor-mentee intake, as `registry.matching` wants
them; for peers the order does not matter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# The solvers are reached through the module so that numpy and scipy load on the
# first run, not whenever the mentoring service (and with it the CLI) is imported.
from registry import matching
from registry.matching import Constraints, MatchResult, Profile
from tenants.errors import Conflict


@dataclass(frozen=True)
class Applicant:
    """One application in the pool, with what matching needs."""

    id: str
    person: str
    role: str
    interests: frozenset[str]
    sector: str
    career_stage: int
    years: int
    country: str
    languages: frozenset[str]
    utc_offset: float
    preference: str
    #: Places left: a mentor's capacity less the partnerships they already hold.
    capacity: int
    avoid: frozenset[str]
    pair_with: str | None
    rematch: bool
    #: The partner wanted: similar, different or either (sector and career stage).
    background: str = "either"

    def profile(self) -> Profile:
        return Profile(
            id=self.id,
            role=self.role,  # type: ignore[arg-type]
            interests=self.interests,
            sector=self.sector,
            career_stage=self.career_stage,
            years=self.years,
            country=self.country,
            languages=self.languages,
            utc_offset=self.utc_offset,
            preference=self.preference,  # type: ignore[arg-type]
            capacity=self.capacity,
            background=self.background,  # type: ignore[arg-type]
        )


def informal_pairs(pool: Sequence[Applicant]) -> list[tuple[str, str]]:
    """Pins for existing informal relationships: both applied naming each other
    (AASW). (mentee, mentor) in a mentor-mentee intake, sorted ids for peers."""
    by_person = {applicant.person: applicant for applicant in pool}
    pins: list[tuple[str, str]] = []
    for applicant in pool:
        other = by_person.get(applicant.pair_with or "")
        if other is None or other.pair_with != applicant.person:
            continue
        if _formalisable(applicant, other):
            pins.append((applicant.id, other.id))
    return pins


def _formalisable(first: Applicant, second: Applicant) -> bool:
    """Whether `first` pinned with `second`, in that order, is an informal pair to keep:
    mentee with mentor; or two peers once (lower id first), across a border only."""
    if first.role == "mentee":
        return second.role == "mentor"
    return (
        first.role == second.role == "peer"
        and first.id < second.id
        and first.country != second.country
    )


def forbidden_pairs(
    pool: Sequence[Applicant], ended: Iterable[tuple[str, str]] = ()
) -> frozenset[frozenset[str]]:
    """Pairs never to propose: whoever an applicant asked not to be matched with, and
    partners whose partnership in this intake was withdrawn or terminated."""
    by_person = {applicant.person: applicant.id for applicant in pool}
    ids = {applicant.id for applicant in pool}
    found: set[frozenset[str]] = set()
    for applicant in pool:
        for person in applicant.avoid:
            other = by_person.get(person)
            if other is not None and other != applicant.id:
                found.add(frozenset((applicant.id, other)))
    for a, b in ended:
        if a in ids and b in ids:
            found.add(frozenset((a, b)))
    return frozenset(found)


def check_pin(
    pool: Mapping[str, Applicant],
    mode: str,
    a: str,
    b: str,
    forbidden: frozenset[frozenset[str]],
    labels: Mapping[str, str] | None = None,
) -> tuple[str, str]:
    """The pin (a, b) in the engine's order, or Conflict saying why it cannot be made,
    naming the applicants by `labels` (application id to a name the coordinator knows;
    the service says there why someone is not in the pool)."""
    labels = labels or {}

    def who(app: str) -> str:
        return labels.get(app) or f"application {app}"

    first, second = pool.get(a), pool.get(b)
    if first is None or second is None:
        missing = a if first is None else b
        raise Conflict(f"{who(missing)} is not in this intake's matching pool")
    if a == b:
        raise Conflict(f"{who(a)} cannot be pinned to themselves")
    if frozenset((a, b)) in forbidden:
        raise Conflict(
            f"{who(a)} and {who(b)} must not be matched (one asked not to be, or they parted)"
        )
    if mode == "peer":
        if first.country == second.country:
            raise Conflict(
                f"{who(a)} and {who(b)} are both in {first.country}; peers are matched with "
                "colleagues in other countries"
            )
        return (a, b) if a < b else (b, a)
    roles = {first.role: first.id, second.role: second.id}
    if set(roles) != {"mentee", "mentor"}:
        raise Conflict(
            f"{who(a)} ({first.role}) and {who(b)} ({second.role}): a pin joins one mentee "
            "and one mentor"
        )
    return roles["mentee"], roles["mentor"]


def propose(
    mode: str,
    weights_preset: str,
    pool: Sequence[Applicant],
    pins: Sequence[tuple[str, str]],
    ended: Iterable[tuple[str, str]] = (),
    country_cap: float | None = None,
    placed: Mapping[str, int] | None = None,
) -> MatchResult:
    """The engine's proposal for the pool: informal pairs and the coordinator's pins
    fixed, forbidden pairs never proposed, the rematch list matched first, and the
    country cap counted over the round with those earlier runs `placed` (by country)."""
    weights = matching.weights_for_scheme(weights_preset)
    forbidden = forbidden_pairs(pool, ended)
    # The coordinator's pins win over an informal pair that shares a mentee (or a peer);
    # an informal pair someone asked not to be in is not pinned.
    taken = {pin[0] for pin in pins} | ({b for _, b in pins} if mode == "peer" else set())
    informal = [
        pin
        for pin in informal_pairs(pool)
        if frozenset(pin) not in forbidden
        and not taken.intersection(pin if mode == "peer" else pin[:1])
    ]
    fixed = list(dict.fromkeys([*informal, *pins]))
    constraints = Constraints(
        forbidden=forbidden,
        pinned=tuple(fixed),
        country_cap=country_cap,
        placed=tuple(sorted((placed or {}).items())),
    )
    priority = frozenset(applicant.id for applicant in pool if applicant.rematch)
    try:
        if mode == "peer":
            peers = [a.profile() for a in pool if a.role == "peer"]
            return matching.match_peers(peers, weights, constraints, priority=priority)
        mentees = [a.profile() for a in pool if a.role == "mentee"]
        mentors = [a.profile() for a in pool if a.role == "mentor" and a.capacity > 0]
        return matching.match_mentoring(mentees, mentors, weights, constraints, priority=priority)
    except ValueError as exc:
        # The engine refuses pins it cannot honour (a mentor pinned past capacity, a
        # person pinned twice): the coordinator's review, not the input, is at fault.
        raise Conflict(f"the pins cannot all be honoured: {exc}") from None


def run_rows(result: MatchResult) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The result as stored on the run: pairs and unmatched, JSON-ready."""
    pairs = [
        {
            "a": pair.a,
            "b": pair.b,
            "score": pair.score,
            "breakdown": dict(pair.breakdown),
            "pinned": pair.pinned,
        }
        for pair in result.pairs
    ]
    unmatched = [{"application": u.id, "reason": u.reason} for u in result.unmatched]
    return pairs, unmatched
