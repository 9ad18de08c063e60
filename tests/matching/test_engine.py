"""Property tests of the matching engine: the rules a coordinator relies on.

Small pools drawn by hypothesis, checked against brute force where the engine claims to
be exact (mentoring, and the exact references), and against the rules everywhere.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.matching import (
    Constraints,
    MatchResult,
    Profile,
    match_mentoring,
    match_peers,
    reference,
    weights_for_scheme,
)
from registry.matching import mentoring as mentoring_engine
from registry.matching import peers as peer_engine
from registry.matching.scoring import pair_breakdown, score_matrix, total
from tenants.errors import InvalidInput

ALIA = weights_for_scheme("alia-mentoring")
ILN = weights_for_scheme("iln-peer")
REASONS = {"no eligible partner", "capacity exhausted", "country cap"}
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def profiles(draw: st.DrawFn, prefix: str, count: int, role: str) -> list[Profile]:
    out = []
    for i in range(count):
        out.append(
            Profile(
                id=f"{prefix}{i}",
                role=role,  # type: ignore[arg-type]
                interests=frozenset(draw(st.sets(st.sampled_from("abcd"), max_size=3))),
                sector=draw(st.sampled_from(["public", "academic", "special"])),
                career_stage=draw(st.integers(1, 5)),
                years=draw(st.integers(0, 20)),
                country=draw(st.sampled_from(["AU", "NZ", "FJ"])),
                # Sometimes French only: no common language with English speakers.
                languages=draw(
                    st.sampled_from([frozenset({"en"}), frozenset({"en", "fr"}), frozenset({"fr"})])
                ),
                utc_offset=draw(st.sampled_from([-5.0, 0.0, 9.5, 10.0, 12.0])),
                preference=draw(st.sampled_from(["interest", "career_stage", "open"])),
                capacity=draw(st.integers(1, 3)) if role == "mentor" else 1,
                background=draw(st.sampled_from(["similar", "different", "either"])),
            )
        )
    return out


@st.composite
def mentoring_runs(draw: st.DrawFn, max_mentees: int = 5, max_mentors: int = 3) -> tuple:
    mentees = draw(profiles("e", draw(st.integers(0, max_mentees)), "mentee"))
    mentors = draw(profiles("m", draw(st.integers(0, max_mentors)), "mentor"))
    all_pairs = [(e.id, m.id) for e in mentees for m in mentors]
    forbidden = (
        {frozenset(p) for p in draw(st.lists(st.sampled_from(all_pairs), max_size=4))}
        if all_pairs
        else set()
    )
    pinned: list[tuple[str, str]] = []
    if all_pairs:
        room = {m.id: m.capacity for m in mentors}
        seen: set[str] = set()
        for e, m in draw(st.lists(st.sampled_from(all_pairs), max_size=2)):
            if e not in seen and room[m] > 0 and frozenset((e, m)) not in forbidden:
                seen.add(e)
                room[m] -= 1
                pinned.append((e, m))
    ids = [p.id for p in (*mentees, *mentors)]
    priority = frozenset(draw(st.lists(st.sampled_from(ids), max_size=2))) if ids else frozenset()
    return mentees, mentors, Constraints(frozenset(forbidden), tuple(pinned)), priority


def _check_partition(result: MatchResult, ids: set[str]) -> None:
    placed = [x for p in result.pairs for x in (p.a, p.b)]
    left = [u.id for u in result.unmatched]
    assert set(placed) | set(left) == ids
    assert not set(placed) & set(left)
    assert all(u.reason in REASONS for u in result.unmatched)
    assert math.isclose(result.total_score, sum(p.score for p in result.pairs), abs_tol=1e-9)
    for p in result.pairs:
        assert math.isclose(p.score, sum(p.breakdown.values()), abs_tol=1e-9)


def _brute_force_mentoring(mentees, mentors, constraints, priority) -> tuple[int, float]:
    """(priority people placed, score) of the lexicographically best assignment."""
    pinned_mentees = {e for e, _ in constraints.pinned}
    room = Counter({m.id: m.capacity for m in mentors})
    room.subtract(m for _, m in constraints.pinned)
    free = [e for e in mentees if e.id not in pinned_mentees]
    options = []
    for e in free:
        ok: list[tuple[str | None, float]] = [(None, 0.0)]
        for m in mentors:
            b = pair_breakdown(e, m, ALIA, "mentoring")
            if b is not None and frozenset((e.id, m.id)) not in constraints.forbidden:
                ok.append((m.id, total(b)))
        options.append(ok)
    best = (-1, -1.0)
    for choice in itertools.product(*options):
        used = Counter(m for m, _ in choice if m is not None)
        if any(used[m] > room[m] for m in used):
            continue
        placed = {e.id for e, (m, _) in zip(free, choice, strict=True) if m is not None}
        placed |= set(used) | pinned_mentees | {m for _, m in constraints.pinned}
        key = (len(placed & priority), round(sum(s for _, s in choice), 9))
        best = max(best, key)
    return best


@PROPERTY
@given(mentoring_runs())
def test_mentoring_keeps_every_rule_and_is_optimal(run: tuple) -> None:
    mentees, mentors, constraints, priority = run
    result = match_mentoring(mentees, mentors, ALIA, constraints, priority)
    _check_partition(result, {p.id for p in (*mentees, *mentors)})
    capacity = {m.id: m.capacity for m in mentors}
    for mentor, taken in Counter(p.b for p in result.pairs).items():
        assert taken <= capacity[mentor]
    for p in result.pairs:
        assert frozenset((p.a, p.b)) not in constraints.forbidden or p.pinned
        assert p.a.startswith("e") and p.b.startswith("m")
    assert {(p.a, p.b) for p in result.pairs if p.pinned} == set(constraints.pinned)

    best_priority, best_score = _brute_force_mentoring(mentees, mentors, constraints, priority)
    placed = {x for p in result.pairs for x in (p.a, p.b)}
    assert len(placed & priority) == best_priority
    free_score = sum(p.score for p in result.pairs if not p.pinned)
    assert math.isclose(free_score, best_score, abs_tol=1e-6)


@PROPERTY
@given(mentoring_runs(), st.randoms(use_true_random=False))
def test_mentoring_is_deterministic_whatever_the_input_order(
    run: tuple, rng: random.Random
) -> None:
    mentees, mentors, constraints, priority = run
    first = match_mentoring(mentees, mentors, ALIA, constraints, priority)
    shuffled_mentees, shuffled_mentors = list(mentees), list(mentors)
    rng.shuffle(shuffled_mentees)
    rng.shuffle(shuffled_mentors)
    assert match_mentoring(shuffled_mentees, shuffled_mentors, ALIA, constraints, priority) == first


def test_unmatched_mentees_say_why() -> None:
    english = frozenset({"en"})
    mentee = Profile("e1", "mentee", frozenset({"a"}), "public", 1, 0, "AU", english, 10.0)
    second = Profile("e2", "mentee", frozenset({"a"}), "public", 1, 0, "AU", english, 10.0)
    french = Profile("e3", "mentee", frozenset(), "public", 1, 0, "AU", frozenset({"fr"}), 10.0)
    mentor = Profile("m1", "mentor", frozenset({"a"}), "public", 3, 9, "AU", english, 10.0)
    result = match_mentoring([mentee, second, french], [mentor], ALIA, Constraints())
    assert [(p.a, p.b) for p in result.pairs] == [("e1", "m1")]  # ties broken by id
    assert {u.id: u.reason for u in result.unmatched} == {
        "e2": "capacity exhausted",
        "e3": "no eligible partner",
    }
    pair = result.pairs[0]
    assert set(pair.breakdown) == {
        "shared_interests",
        "sector",
        "career_stage",
        "languages",
        "timezone",
        "cross_border",
    }


def test_contradictory_pins_are_refused_naming_the_field() -> None:
    mentees, mentors = [], []
    for i in range(2):
        mentees.append(
            Profile(f"e{i}", "mentee", frozenset(), "public", 1, 0, "AU", frozenset({"en"}), 10.0)
        )
    mentors.append(
        Profile("m0", "mentor", frozenset(), "public", 3, 9, "AU", frozenset({"en"}), 10.0)
    )
    with pytest.raises(InvalidInput) as over:
        match_mentoring(mentees, mentors, ALIA, Constraints(pinned=(("e0", "m0"), ("e1", "m0"))))
    assert over.value.field == "pinned"
    assert isinstance(over.value, ValueError)  # the mentoring room turns it into a 409
    forbidden = Constraints(forbidden=frozenset({frozenset({"e0", "m0"})}), pinned=(("e0", "m0"),))
    with pytest.raises(InvalidInput, match="forbidden"):
        match_mentoring(mentees, mentors, ALIA, forbidden)
    with pytest.raises(InvalidInput) as twice:
        match_mentoring([*mentees, mentees[0]], mentors, ALIA, Constraints())
    assert twice.value.field == "mentees"


@PROPERTY
@given(profiles("p", 8, "peer"), profiles("q", 8, "mentor"))
def test_score_matrix_agrees_with_the_breakdown(rows: list[Profile], cols: list[Profile]) -> None:
    for mode, weights in itertools.product(("mentoring", "peer"), (ILN, ALIA)):
        scores, eligible = score_matrix(rows, cols, weights, mode)  # type: ignore[arg-type]
        for i, a in enumerate(rows):
            for j, b in enumerate(cols):
                breakdown = pair_breakdown(a, b, weights, mode)  # type: ignore[arg-type]
                assert eligible[i, j] == (breakdown is not None)
                if breakdown is not None:
                    assert math.isclose(scores[i, j], total(breakdown), abs_tol=1e-9)


def test_scheme_weights_follow_the_seeds() -> None:
    # "similar to you, or one in a completely different environment": either is met by both.
    assert weights_for_scheme("iln-peer").background == "either"
    assert weights_for_scheme("aasw-mentoring").background == "similar"  # same field helps
    assert weights_for_scheme("alia-mentoring").ideal_stage_gap > 0
    assert weights_for_scheme("iln-peer").ideal_stage_gap == 0
    with pytest.raises(ValueError, match="unknown matching preset"):
        weights_for_scheme("nope")


@st.composite
def peer_rounds(draw: st.DrawFn, max_size: int = 8) -> tuple:
    people = draw(profiles("p", draw(st.integers(0, max_size)), "peer"))
    pairs = [(a.id, b.id) for a, b in itertools.combinations(people, 2)]
    forbidden = (
        {frozenset(p) for p in draw(st.lists(st.sampled_from(pairs), max_size=3))}
        if pairs
        else set()
    )
    pinned: list[tuple[str, str]] = []
    by_id = {p.id: p for p in people}
    if pairs:
        for a, b in draw(st.lists(st.sampled_from(pairs), max_size=2)):
            taken = {x for pin in pinned for x in pin}
            ok = by_id[a].country != by_id[b].country and frozenset((a, b)) not in forbidden
            if ok and a not in taken and b not in taken:
                pinned.append((a, b))
    cap = draw(st.sampled_from([None, 0.2, 0.4, 0.5]))
    ids = [p.id for p in people]
    priority = frozenset(draw(st.lists(st.sampled_from(ids), max_size=2))) if ids else frozenset()
    return people, Constraints(frozenset(forbidden), tuple(pinned), cap), priority


def _check_peer_rules(people: list[Profile], constraints: Constraints, result: MatchResult) -> None:
    _check_partition(result, {p.id for p in people})
    by_id = {p.id: p for p in people}
    for p in result.pairs:
        assert by_id[p.a].country != by_id[p.b].country
        assert frozenset((p.a, p.b)) not in constraints.forbidden
    assert {frozenset(x) for x in constraints.pinned} == {
        frozenset((p.a, p.b)) for p in result.pairs if p.pinned
    }
    if constraints.country_cap is not None and not constraints.pinned:
        placed = Counter(by_id[x].country for p in result.pairs for x in (p.a, p.b))
        limit = math.floor(constraints.country_cap * 2 * len(result.pairs) + 1e-9)
        assert all(count <= limit for count in placed.values())
        for u in result.unmatched:
            if u.reason == "country cap":
                assert placed[by_id[u.id].country] >= limit


@PROPERTY
@given(peer_rounds())
def test_peers_keep_every_rule(run: tuple) -> None:
    people, constraints, priority = run
    result = match_peers(people, ILN, constraints, priority)
    _check_peer_rules(people, constraints, result)


@PROPERTY
@given(peer_rounds(), st.randoms(use_true_random=False))
def test_peers_are_deterministic_whatever_the_input_order(run: tuple, rng: random.Random) -> None:
    people, constraints, priority = run
    first = match_peers(people, ILN, constraints, priority)
    shuffled = list(people)
    rng.shuffle(shuffled)
    assert match_peers(shuffled, ILN, constraints, priority) == first


def _matchings(ids: list[int]) -> Iterator[list[tuple[int, int]]]:
    if len(ids) < 2:
        yield []
        return
    first, rest = ids[0], ids[1:]
    yield from _matchings(rest)  # first stays single
    for k, other in enumerate(rest):
        for tail in _matchings(rest[:k] + rest[k + 1 :]):
            yield [(first, other), *tail]


def _brute_force_peers(problem: peer_engine.PeerProblem) -> float:
    n = len(problem.people)
    best = 0.0
    for matching in _matchings(list(range(n))):
        if not all(problem.eligible[i, j] for i, j in matching):
            continue
        placed = 2 * len(matching) + 2 * len(problem.pinned)
        count = Counter(int(problem.country[x]) for pair in matching for x in pair)
        for c, pinned in enumerate(problem.pinned_per_country.tolist()):
            count[c] += pinned
        if problem.cap is not None and any(v > problem.cap * placed + 1e-9 for v in count.values()):
            continue
        best = max(best, sum(float(problem.objective[i, j]) for i, j in matching))
    return best


@settings(max_examples=40, deadline=None)
@given(peer_rounds(max_size=7))
def test_the_exact_peer_reference_is_exact(run: tuple) -> None:
    people, constraints, priority = run
    problem = peer_engine.prepare(people, ILN, constraints, priority)
    best = _brute_force_peers(problem)
    assert math.isclose(reference.peer_optimum(problem), best, abs_tol=1e-6)
    assert reference.peer_upper_bound(problem, evaluations=6) >= best - 1e-6


@settings(max_examples=40, deadline=None)
@given(mentoring_runs(max_mentees=5, max_mentors=3))
def test_the_mentoring_reference_is_exact(run: tuple) -> None:
    mentees, mentors, constraints, _ = run
    problem = mentoring_engine.prepare(mentees, mentors, ALIA, constraints)
    _, best = _brute_force_mentoring(mentees, mentors, constraints, frozenset())
    assert math.isclose(reference.mentoring_optimum(problem, candidates=1), best, abs_tol=1e-6)
    assert reference.mentoring_greedy(problem) <= best + 1e-9


def test_pinned_peers_in_one_country_are_refused() -> None:
    a = Profile("a", "peer", frozenset(), "public", 1, 0, "AU", frozenset({"en"}), 10.0)
    b = Profile("b", "peer", frozenset(), "public", 1, 0, "AU", frozenset({"en"}), 10.0)
    with pytest.raises(InvalidInput) as refused:
        match_peers([a, b], ILN, Constraints(pinned=(("a", "b"),)))
    assert refused.value.field == "pinned"
    with pytest.raises(InvalidInput) as cap:
        match_peers([a, b], ILN, Constraints(country_cap=1.5))
    assert cap.value.field == "country_cap"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_peer_rounds_come_within_one_percent_of_the_exact_optimum(seed: int) -> None:
    from registry.matching.generate import peer_pool

    people = peer_pool(80, 60, seed=seed)
    constraints = Constraints(country_cap=0.2)
    result = match_peers(people, ILN, constraints)
    _check_peer_rules(people, constraints, result)
    optimum = reference.peer_optimum(peer_engine.prepare(people, ILN, constraints))
    assert result.total_score <= optimum + 1e-6
    assert result.total_score >= 0.99 * optimum
    # Some of the leading country's applicants are turned away by the cap, and say so.
    assert any(u.reason == "country cap" for u in result.unmatched)


def test_rematch_list_is_matched_first() -> None:
    english = frozenset({"en"})
    # m1 suits e1 far better, but e2 is on the rematch list and m1 is the only mentor.
    e1 = Profile("e1", "mentee", frozenset({"a", "b"}), "public", 1, 0, "AU", english, 10.0)
    e2 = Profile("e2", "mentee", frozenset(), "school", 5, 0, "AU", english, -5.0)
    m1 = Profile("m1", "mentor", frozenset({"a", "b"}), "public", 3, 9, "AU", english, 10.0)
    plain = match_mentoring([e1, e2], [m1], ALIA, Constraints())
    assert [(p.a, p.b) for p in plain.pairs] == [("e1", "m1")]
    first = match_mentoring([e1, e2], [m1], ALIA, Constraints(), priority=frozenset({"e2"}))
    assert [(p.a, p.b) for p in first.pairs] == [("e2", "m1")]
    assert {u.id: u.reason for u in first.unmatched} == {"e1": "capacity exhausted"}


@settings(max_examples=60, deadline=None)
@given(peer_rounds(max_size=8))
def test_small_peer_rounds_are_matched_optimally(run: tuple) -> None:
    people, constraints, priority = run
    # Without pins: pins may break the cap, which brute force would then refuse.
    unpinned = Constraints(constraints.forbidden, (), constraints.country_cap)
    problem = peer_engine.prepare(people, ILN, unpinned, priority)
    mate, _ = peer_engine.solve(problem)
    found = sum(float(problem.objective[i, j]) for i, j in mate.items() if i < j)
    assert math.isclose(found, _brute_force_peers(problem), abs_tol=1e-6)


@PROPERTY
@given(
    peer_rounds(),
    st.dictionaries(st.sampled_from(["AU", "NZ", "FJ", "GB"]), st.integers(0, 4), max_size=4),
    st.sampled_from([0.2, 0.4, 0.5]),
)
def test_the_cap_counts_what_earlier_runs_of_the_round_placed(
    run: tuple, placed: dict[str, int], cap: float
) -> None:
    people, constraints, priority = run
    later = Constraints(constraints.forbidden, (), cap, tuple(sorted(placed.items())))
    result = match_peers(people, ILN, later, priority)
    _check_partition(result, {p.id for p in people})
    by_id = {p.id: p for p in people}
    round_ = Counter(placed) + Counter(by_id[x].country for p in result.pairs for x in (p.a, p.b))
    size = sum(round_.values())
    before = sum(placed.values())
    if all(n <= math.floor(cap * before + 1e-9) for n in placed.values()):
        # The round kept the cap so far: this run keeps it for the round as a whole.
        assert all(n <= math.floor(cap * size + 1e-9) for n in round_.values())
    for u in result.unmatched:
        if u.reason == "country cap":
            assert round_[by_id[u.id].country] >= math.floor(cap * size + 1e-9)


def test_a_later_run_is_held_to_the_cap_of_the_whole_round() -> None:
    english = frozenset({"en"})

    def peer(pid: str, country: str) -> Profile:
        return Profile(pid, "peer", frozenset({"a"}), "public", 3, 5, country, english, 10.0)

    late = [peer(f"au{i}", "AU") for i in range(3)] + [
        peer(c.lower(), c) for c in ("KE", "IN", "US", "ZA", "PH", "SG", "JP")
    ]
    # Uncapped (as later runs were), all three Australians are placed.
    uncapped = match_peers(late, ILN, Constraints())
    assert sum(x.startswith("au") for p in uncapped.pairs for x in (p.a, p.b)) == 3
    # After a first run placed two of each of five countries, the round of 18 takes
    # one more Australian (3 of 18); the other two are turned away by the cap.
    earlier = (("AU", 2), ("CA", 2), ("FJ", 2), ("GB", 2), ("NZ", 2))
    later = match_peers(late, ILN, Constraints(country_cap=0.2, placed=earlier))
    au = [x for p in later.pairs for x in (p.a, p.b) if x.startswith("au")]
    assert len(later.pairs) == 4 and len(au) == 1
    assert {u.reason for u in later.unmatched if u.id.startswith("au")} == {"country cap"}
    # Australia already at a fifth of a round of 20 placed: no room for more.
    full = (("AU", 4), ("CA", 4), ("FJ", 4), ("GB", 4), ("NZ", 4))
    none = match_peers(late[:4], ILN, Constraints(country_cap=0.2, placed=full))
    assert [u.reason for u in none.unmatched if u.id.startswith("au")] == ["country cap"] * 3
