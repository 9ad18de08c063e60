"""Mentor-mentee matching: an optimal weighted assignment over the whole pool.

Each mentor stands for as many identical columns as their remaining capacity and
`scipy.optimize.linear_sum_assignment` finds the assignment of mentees to those columns
with the largest total score. Ineligible cells hold 0 and an assignment there means
"unmatched", so a full assignment always exists and eligible pairs (scores > 0 whenever
the languages weight is positive) are always preferred to none.

Why not classes and a transportation problem: measured on the benchmark's generated
pool, 5,000 mentees fall into 4,702 distinct score rows and 2,000 mentors into 1,851
distinct columns (interests from a vocabulary multiply out), so merging identical people
saves little; the quantised attributes are used where they do pay, in the score table
(scoring.py). The transportation LP is kept as the independent check (reference.py).

Priority (the rematch list) is lexicographic: each eligible cell of a priority mentee,
and the first column of a priority mentor, carries a bonus larger than any achievable
total, so the most priority people possible are matched before score counts at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from registry.matching.model import (
    CAPACITY_EXHAUSTED,
    NO_ELIGIBLE_PARTNER,
    Constraints,
    MatchingInputError,
    MatchResult,
    Profile,
    Unmatched,
    Weights,
)
from registry.matching.scoring import (
    BoolMatrix,
    FloatMatrix,
    score_matrix,
    scored_pair,
)


def _check_unique(people: Sequence[Profile], field: str) -> dict[str, Profile]:
    by_id: dict[str, Profile] = {}
    for p in people:
        if p.id in by_id:
            raise MatchingInputError(field, f"{p.id} appears twice")
        by_id[p.id] = p
    return by_id


@dataclass(frozen=True)
class MentoringProblem:
    """The pool after pins: what the solver (and any independent check) optimises."""

    mentees: list[Profile]
    mentors: list[Profile]
    capacity: list[int]
    scores: FloatMatrix
    eligible: BoolMatrix
    mentee_bonus: FloatMatrix
    mentor_bonus: FloatMatrix
    pinned: list[tuple[Profile, Profile]]


def prepare(
    mentees: Sequence[Profile],
    mentors: Sequence[Profile],
    weights: Weights,
    constraints: Constraints,
    priority: frozenset[str] = frozenset(),
) -> MentoringProblem:
    """Validate the input, apply pins and build the score and objective matrices."""
    mentee_by_id = _check_unique(mentees, "mentees")
    mentor_by_id = _check_unique(mentors, "mentors")
    if set(mentee_by_id) & set(mentor_by_id):
        raise MatchingInputError("mentors", "a person cannot be both mentee and mentor in one run")
    for m in mentors:
        if m.capacity < 1:
            raise MatchingInputError("mentors", f"{m.id} has capacity {m.capacity}; at least 1")

    capacity_left = {m.id: m.capacity for m in mentors}
    pinned: list[tuple[Profile, Profile]] = []
    pinned_mentees: set[str] = set()
    for a, b in constraints.pinned:
        # A pin may name its two ids in either order.
        mentee_id, mentor_id = (a, b) if a in mentee_by_id else (b, a)
        if mentee_id not in mentee_by_id or mentor_id not in mentor_by_id:
            raise MatchingInputError(
                "pinned", f"({a}, {b}) is not a mentee and a mentor of this run"
            )
        if frozenset((a, b)) in constraints.forbidden:
            raise MatchingInputError("pinned", f"({a}, {b}) is also a forbidden pair")
        if mentee_id in pinned_mentees:
            raise MatchingInputError("pinned", f"{mentee_id} is pinned more than once")
        if capacity_left[mentor_id] == 0:
            raise MatchingInputError("pinned", f"{mentor_id} has more pins than capacity")
        capacity_left[mentor_id] -= 1
        pinned_mentees.add(mentee_id)
        pinned.append((mentee_by_id[mentee_id], mentor_by_id[mentor_id]))

    free_mentees = sorted((p for p in mentees if p.id not in pinned_mentees), key=lambda p: p.id)
    free_mentors = sorted(mentors, key=lambda p: p.id)
    scores, eligible = score_matrix(free_mentees, free_mentors, weights, "mentoring")
    if constraints.forbidden:
        row = {p.id: i for i, p in enumerate(free_mentees)}
        col = {p.id: j for j, p in enumerate(free_mentors)}
        for pair in constraints.forbidden:
            ids = sorted(pair)
            if len(ids) != 2:
                continue
            for x, y in (ids, ids[::-1]):
                if x in row and y in col:
                    eligible[row[x], col[y]] = False
                    scores[row[x], col[y]] = 0.0

    bonus = float(scores.max(axis=1).sum()) + 1.0 if scores.size else 1.0
    return MentoringProblem(
        mentees=free_mentees,
        mentors=free_mentors,
        capacity=[min(capacity_left[m.id], len(free_mentees)) for m in free_mentors],
        scores=scores,
        eligible=eligible,
        mentee_bonus=np.array([bonus if p.id in priority else 0.0 for p in free_mentees]),
        # A pinned mentor already has a mentee: the rematch list asks nothing more.
        mentor_bonus=np.array(
            [
                bonus if p.id in priority and p.capacity == capacity_left[p.id] else 0.0
                for p in free_mentors
            ]
        ),
        pinned=pinned,
    )


def slot_owners(problem: MentoringProblem) -> npt.NDArray[np.int64]:
    """The mentor index of each capacity slot (a mentor with capacity 3 owns 3 slots)."""
    return np.repeat(np.arange(len(problem.mentors)), problem.capacity)


def slot_costs(problem: MentoringProblem) -> FloatMatrix:
    """Cost per mentee and slot: minus (score plus priority bonuses on eligible cells).

    Built negated, in one array, so `linear_sum_assignment` minimises it without the
    copy `maximize=True` makes: at 5,000 x 6,000 slots each copy is 240 MB to fault in.
    A priority mentor's bonus sits on their first slot only: it rewards their having a
    mentee at all, not every mentee they take.
    """
    costs = np.repeat(problem.scores, problem.capacity, axis=1)
    if problem.mentee_bonus.any() or problem.mentor_bonus.any():
        owners = slot_owners(problem)
        first = np.zeros(len(owners))
        starts = np.concatenate([[0], np.cumsum(problem.capacity)[:-1]])
        has_slot = np.asarray(problem.capacity) > 0
        first[starts[has_slot]] = problem.mentor_bonus[has_slot]
        bonus = problem.mentee_bonus[:, None] + first[None, :]
        costs += np.where(problem.eligible[:, owners], bonus, 0.0)
    np.negative(costs, out=costs)
    return costs


def match_mentoring(
    mentees: Sequence[Profile],
    mentors: Sequence[Profile],
    weights: Weights,
    constraints: Constraints,
    priority: frozenset[str] = frozenset(),
) -> MatchResult:
    """The best assignment of mentees to mentors within capacities (see module doc).

    Pinned pairs are always in the result and use capacity; forbidden pairs never
    appear; people on `priority` are matched first; the result depends only on the
    input's content (people are ordered by id before solving).
    """
    problem = prepare(mentees, mentors, weights, constraints, priority)
    owners = slot_owners(problem)
    assigned: dict[int, int] = {}
    if problem.mentees and len(owners):
        rows, slots = linear_sum_assignment(slot_costs(problem))
        for r, s in zip(rows.tolist(), slots.tolist(), strict=True):
            if problem.eligible[r, owners[s]]:
                assigned[r] = int(owners[s])
    return _result(problem, assigned, weights)


def _result(problem: MentoringProblem, assigned: dict[int, int], weights: Weights) -> MatchResult:
    """Pairs with breakdowns, and a reason for everyone left without a partner."""
    pairs = [
        scored_pair(mentee, mentor, weights, "mentoring", pinned=True)
        for mentee, mentor in problem.pinned
    ]
    pairs += [
        scored_pair(problem.mentees[r], problem.mentors[c], weights, "mentoring", pinned=False)
        for r, c in assigned.items()
    ]
    with_mentee = {p.b for p in pairs}
    unmatched = []
    any_eligible_mentor = np.asarray(problem.eligible.any(axis=1), dtype=bool).tolist()
    for r, mentee in enumerate(problem.mentees):
        if r not in assigned:
            # Someone could have taken them had there been room: capacity ran out.
            reason = CAPACITY_EXHAUSTED if any_eligible_mentor[r] else NO_ELIGIBLE_PARTNER
            unmatched.append(Unmatched(mentee.id, reason))
    for mentor in problem.mentors:
        if mentor.id not in with_mentee:
            # Every mentee they could take went to someone who suited them better.
            unmatched.append(Unmatched(mentor.id, NO_ELIGIBLE_PARTNER))
    return MatchResult.of(pairs, unmatched)
