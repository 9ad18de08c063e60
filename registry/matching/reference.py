"""Independent yardsticks for the solvers: exact optima by other methods, and greedy.

Used by the benchmark and the tests, never by a match run.

- Mentoring: the transportation problem as a linear programme (HiGHS through
  `scipy.optimize.linprog`), solved over a few candidate mentors per mentee and grown
  until no left-out pair has a positive reduced cost under the LP's duals. At that
  point the restricted optimum is the optimum of the whole pool, and the transportation
  polytope is integral, so it is the best assignment's score.
- Peers: a mixed-integer programme (HiGHS through `scipy.optimize.milp`) with the
  round's cap written exactly (every country's count at most cap times the round as
  placed); exact, and practical for a few hundred people.
- Peers at full size: a Lagrangian upper bound on the capped round (see
  `peer_upper_bound`), which no matching beats, so score / bound is a floor on how
  close to the optimum a large round came.
- Greedy: the best remaining pair first, the baseline a hand matcher approximates.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, linprog, milp
from scipy.sparse import coo_matrix, csr_matrix

from registry.matching.mentoring import MentoringProblem
from registry.matching.peers import PeerProblem, cap_limit, round_size

TOLERANCE = 1e-7


def mentoring_optimum(problem: MentoringProblem, candidates: int = 8) -> float:
    """The best total score over the pool (no priority), by LP with pricing."""
    scores = np.where(problem.eligible, problem.scores, -np.inf)
    n, m = scores.shape
    capacity = np.asarray(problem.capacity, dtype=np.float64)
    if n == 0 or m == 0 or not problem.eligible.any():
        return 0.0
    k = min(candidates, m)
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    chosen = np.zeros((n, m), dtype=bool)
    chosen[np.repeat(np.arange(n), k), top.ravel()] = True
    chosen &= problem.eligible
    while True:
        rows, cols = np.nonzero(chosen)
        e = len(rows)
        a = coo_matrix(
            (
                np.ones(2 * e),
                (np.concatenate([rows, n + cols]), np.concatenate([np.arange(e)] * 2)),
            ),
            shape=(n + m, e),
        ).tocsr()
        res = linprog(
            -scores[rows, cols],
            A_ub=a,
            b_ub=np.concatenate([np.ones(n), capacity]),
            bounds=(0, None),
            method="highs-ds",
        )
        if res.status != 0:
            raise RuntimeError(f"reference LP failed: {res.message}")
        duals = -np.asarray(res.ineqlin.marginals)
        u, v = duals[:n], duals[n:]
        reduced = np.where(problem.eligible & ~chosen, scores - u[:, None] - v[None, :], 0.0)
        violated = reduced > TOLERANCE
        if not violated.any():
            return float(-res.fun)
        # Price in the most attractive left-out pairs of every row that has any.
        for i in np.flatnonzero(violated.any(axis=1)).tolist():
            row = reduced[i]
            best = np.argsort(-row, kind="stable")[:candidates]
            chosen[i, best[row[best] > TOLERANCE]] = True


def mentoring_greedy(problem: MentoringProblem) -> float:
    """Best remaining (mentee, mentor) pair first while the mentor has room."""
    scores = np.where(problem.eligible, problem.scores, -np.inf)
    room = list(problem.capacity)
    taken = np.zeros(scores.shape[0], dtype=bool)
    flat = np.argsort(-scores, axis=None, kind="stable")
    total_score, left = 0.0, min(scores.shape[0], sum(room))
    m = scores.shape[1]
    for f in flat.tolist():
        if left == 0:
            break
        i, j = divmod(f, m)
        if not np.isfinite(scores[i, j]):
            break
        if taken[i] or room[j] == 0:
            continue
        taken[i] = True
        room[j] -= 1
        left -= 1
        total_score += float(scores[i, j])
    return total_score


def peer_optimum(problem: PeerProblem, time_limit: float = 120.0) -> float:
    """The exact best total (objective incl. any priority bonus) by MILP.

    The cap as written (every country at most cap times the round as placed) makes the
    MILP's relaxation weak, so the round size S is fixed instead, largest first: with
    S fixed the cap is a plain quota per country. Smaller rounds are tried while the LP
    bound of "at most S/2 pairs under the quotas of S" (which contains every smaller
    round, quotas only shrinking with S) can still beat the best found.
    """
    n = len(problem.people)
    iu, ju = np.triu_indices(n, k=1)
    keep = problem.eligible[iu, ju]
    iu, ju = iu[keep], ju[keep]
    e = len(iu)
    if e == 0:
        return 0.0
    weight = problem.objective[iu, ju]
    edges = np.arange(e)
    both = np.concatenate([edges, edges])
    degree = LinearConstraint(
        csr_matrix((np.ones(2 * e), (np.concatenate([iu, ju]), both)), shape=(n, e)), -np.inf, 1.0
    )
    if problem.cap is None:
        return _best(weight, [degree], time_limit, integral=True)
    touches = csr_matrix(
        (np.ones(2 * e), (np.concatenate([problem.country[iu], problem.country[ju]]), both)),
        shape=(len(problem.countries), e),
    )
    pinned = problem.fixed
    available = np.bincount(problem.country, minlength=len(problem.countries))
    largest = int(available.sum()) + pinned
    best = (
        0.0
        if int(problem.pinned_per_country.max(initial=0)) <= cap_limit(problem.cap, pinned)
        else -np.inf
    )
    for size in range(largest - largest % 2, pinned, -2):
        quota = cap_limit(problem.cap, size) - problem.pinned_per_country
        if quota.min() < 0:
            break  # the pins alone exceed this round's quota, and any smaller one's
        within = LinearConstraint(touches, -np.inf, quota)
        pairs = (size - pinned) // 2
        at_most = LinearConstraint(np.ones((1, e)), -np.inf, pairs)
        if _best(weight, [degree, within, at_most], time_limit, integral=False) <= best + 1e-9:
            break
        exactly = LinearConstraint(np.ones((1, e)), pairs, pairs)
        best = max(best, _best(weight, [degree, within, exactly], time_limit, integral=True))
    return max(best, 0.0)


def _best(
    weight: npt.NDArray[np.float64],
    constraints: list[LinearConstraint],
    time_limit: float,
    *,
    integral: bool,
) -> float:
    """Optimum of max weight·x over 0 <= x <= 1 (binary if integral); -inf if infeasible."""
    res = milp(
        -weight,
        constraints=constraints,
        integrality=np.ones(len(weight)) if integral else np.zeros(len(weight)),
        bounds=Bounds(0, 1),
        options={"time_limit": time_limit, "mip_rel_gap": 0.0},
    )
    if res.status == 2:
        return -np.inf
    if res.status != 0 or res.x is None:
        raise RuntimeError(f"reference MILP did not finish: {res.message}")
    x = np.round(res.x) if integral else res.x
    return float(weight @ x)


def peer_upper_bound(problem: PeerProblem, evaluations: int = 16) -> float:
    """An upper bound on the best round at any size: a Lagrangian bound on the cap.

    For a price lam >= 0 on every country the cap must bind (more applicants than its
    share of the largest round), the cap's constraints count_c <= cap * placed move into
    the objective: each pair loses lam per endpoint in such a country and gains
    2 * cap * lam per such country. Any matching is worth at most half the best cycle
    cover of those weights (negatives clipped: staying single is worth 0), so each
    price gives a bound; a golden-section search over the price keeps the lowest one
    found. Valid whatever the search finds, since every evaluation is a bound.
    """
    values = np.where(problem.eligible, problem.objective, 0.0)
    if values.size == 0:
        return 0.0
    available = np.bincount(problem.country, minlength=len(problem.countries))
    available = available + problem.pinned_per_country
    bound_countries = available > cap_limit(problem.cap, round_size(available, problem.cap))
    if problem.cap is None or not bound_countries.any():
        return _cover(values) / 2.0
    cap = problem.cap
    priced = bound_countries[problem.country].astype(np.float64)
    k = int(bound_countries.sum())
    pinned_term = cap * problem.fixed * k - int(problem.pinned_per_country[bound_countries].sum())

    def bound(price: float) -> float:
        weights = values - price * priced[:, None] - price * priced[None, :] + 2 * cap * price * k
        weights = np.where(problem.eligible, np.maximum(weights, 0.0), 0.0)
        return _cover(weights) / 2.0 + price * pinned_term

    low, high = 0.0, 2.0 * float(values.max())
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    left, right = high - ratio * (high - low), low + ratio * (high - low)
    at_left, at_right = bound(left), bound(right)
    best = min(bound(0.0), at_left, at_right)
    for _ in range(max(0, evaluations - 3)):
        if at_left <= at_right:
            high, right, at_right = right, left, at_left
            left = high - ratio * (high - low)
            at_left = bound(left)
        else:
            low, left, at_left = left, right, at_right
            right = low + ratio * (high - low)
            at_right = bound(right)
        best = min(best, at_left, at_right)
    # Below 0 only when the pins alone break the cap: no round is feasible, and
    # peer_optimum calls that 0.
    return max(best, 0.0)


def _cover(values: npt.NDArray[np.float64]) -> float:
    rows, cols = linear_sum_assignment(values, maximize=True)
    return float(values[rows, cols].sum())


def peer_greedy(problem: PeerProblem) -> float:
    """Best remaining cross-border pair first, within the round's quotas."""
    n = len(problem.people)
    available = np.bincount(problem.country, minlength=len(problem.countries))
    limit = cap_limit(problem.cap, round_size(available + problem.pinned_per_country, problem.cap))
    quota = np.maximum(limit - problem.pinned_per_country, 0)
    count = np.zeros_like(quota)
    iu, ju = np.triu_indices(n, k=1)
    keep = problem.eligible[iu, ju]
    iu, ju = iu[keep], ju[keep]
    weight = problem.objective[iu, ju]
    free = np.ones(n, dtype=bool)
    total_score = 0.0
    for k in np.argsort(-weight, kind="stable").tolist():
        i, j = int(iu[k]), int(ju[k])
        ci, cj = problem.country[i], problem.country[j]
        if free[i] and free[j] and count[ci] < quota[ci] and count[cj] < quota[cj]:
            free[i] = free[j] = False
            count[ci] += 1
            count[cj] += 1
            total_score += float(weight[k])
    return total_score
