"""The pure rules of mentoring: intake dates from each preset, the partnership state
machine, the intake's own window, pins and forbidden pairs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from policies import load_preset
from registry.mentoring import domain
from registry.mentoring.pool import Applicant, check_pin, forbidden_pairs, informal_pairs
from tenants.errors import Conflict, InvalidInput


def test_alia_intake_runs_twelve_months_with_its_window():
    dates = domain.plan_intake(load_preset("alia-mentoring"), date(2026, 7, 23), {})
    assert dates.applications_open == date(2026, 5, 23)
    assert dates.applications_close == date(2026, 7, 16)  # one week before the start
    assert dates.ends_on == date(2027, 7, 22)
    assert dates.evaluation_due_on == date(2027, 8, 5)  # end + 14 days
    assert dates.starts_on < dates.midway_review_on < dates.ends_on
    assert dates.members_only_until is None


def test_aasw_intake_is_march_to_september_and_needs_march():
    policy = load_preset("aasw-mentoring")
    dates = domain.plan_intake(policy, date(2027, 3, 1), {"applications_open": date(2026, 12, 1)})
    assert (dates.starts_on, dates.ends_on) == (date(2027, 3, 1), date(2027, 9, 30))
    assert dates.evaluation_due_on == date(2027, 10, 14)
    assert dates.applications_close == date(2027, 2, 28)
    with pytest.raises(InvalidInput) as refused:
        domain.plan_intake(policy, date(2027, 4, 1), {})
    assert refused.value.field == "starts_on"


def test_iln_round_has_a_members_only_fortnight():
    dates = domain.plan_intake(load_preset("iln-peer"), date(2026, 9, 1), {})
    assert dates.applications_open == date(2026, 7, 1)
    assert dates.members_only_until == date(2026, 7, 14)
    assert dates.applications_close == date(2026, 8, 18)
    assert dates.ends_on == date(2026, 12, 31)


def test_a_date_the_policy_fixes_cannot_be_given_differently():
    with pytest.raises(InvalidInput) as refused:
        domain.plan_intake(
            load_preset("alia-mentoring"), date(2026, 7, 23), {"ends_on": date(2026, 12, 1)}
        )
    assert refused.value.field == "ends_on"
    assert "fixes it" in refused.value.message


def test_dates_out_of_order_name_the_field():
    with pytest.raises(InvalidInput) as refused:
        domain.plan_intake(
            load_preset("aasw-mentoring"),
            date(2027, 3, 1),
            {"applications_open": date(2027, 3, 5)},
        )
    assert refused.value.field == "applications_close"


def test_intake_window_for_a_policy_without_one():
    dates = domain.plan_intake(
        load_preset("aasw-mentoring"), date(2027, 3, 1), {"applications_open": date(2027, 1, 1)}
    )
    assert domain.intake_window_result(dates, date(2027, 2, 1), True).passed
    late = domain.intake_window_result(dates, date(2027, 3, 1), True)
    assert not late.passed and late.effect == "ineligible" and "after they close" in late.reason
    early = domain.intake_window_result(dates, date(2026, 12, 31), True)
    assert "before they open" in early.reason


def _year(ends_on: date = date(2026, 12, 31)) -> domain.Schedule:
    return domain.Schedule(
        starts_on=date(2026, 1, 1), midway_review_on=date(2026, 7, 1), ends_on=ends_on
    )


@pytest.mark.parametrize(
    ("name", "state", "who", "message"),
    [
        ("activate", "proposed", {"party"}, "cannot activate a partnership that is proposed"),
        ("accept", "withdrawn", {"party"}, "cannot accept a partnership that is withdrawn"),
        ("terminate", "active", {"party"}, "only a coordinator of the scheme may terminate"),
        ("withdraw", "active", {"coordinator"}, "only a party to the partnership may withdraw"),
        ("evaluate", "active", {"party"}, "cannot evaluate a partnership that is active"),
    ],
)
def test_illegal_transitions_say_why(name, state, who, message):
    with pytest.raises(Conflict) as refused:
        domain.check_transition(name, state, who, date(2026, 1, 1), _year())
    assert message in refused.value.detail


def test_nothing_continues_past_the_intakes_end():
    with pytest.raises(Conflict) as refused:
        domain.check_transition("activate", "accepted", {"party"}, date(2027, 1, 2), _year())
    assert "nothing continues past its end" in refused.value.detail
    # Completing and evaluating are what happens after the end.
    done = domain.check_transition("complete", "active", {"party"}, date(2027, 1, 2), _year())
    assert done.transition.target == "completed" and not done.early


@pytest.mark.parametrize(
    ("name", "state", "today", "words"),
    [
        ("activate", "accepted", date(2025, 12, 31), "the intake starts on 1 January 2026"),
        ("midway_review", "active", date(2026, 6, 30), "the midway review opens on 1 July 2026"),
        ("evaluate", "completed", date(2026, 12, 30), "the evaluation opens on 31 December 2026"),
    ],
)
def test_steps_wait_for_their_dates(name, state, today, words):
    with pytest.raises(Conflict) as refused:
        domain.check_transition(name, state, {"party", "coordinator"}, today, _year())
    assert words in refused.value.detail
    on_the_day = today + timedelta(days=1)
    assert domain.check_transition(name, state, {"party"}, on_the_day, _year())


def test_early_completion_is_a_coordinators_with_a_reason():
    day = date(2026, 10, 1)
    with pytest.raises(Conflict) as refused:
        domain.check_transition("complete", "active", {"party"}, day, _year())
    assert "only a coordinator may complete" in refused.value.detail
    with pytest.raises(InvalidInput) as no_reason:
        domain.check_transition("complete", "active", {"coordinator"}, day, _year())
    assert no_reason.value.field == "reason"
    early = domain.check_transition(
        "complete", "active", {"coordinator"}, day, _year(), reason="the mentee moved abroad"
    )
    assert early.early
    # Its evaluation opens on the day it completed, not at the intake's end.
    schedule = domain.Schedule(
        date(2026, 1, 1), date(2026, 7, 1), date(2026, 12, 31), completed_early_on=day
    )
    assert domain.check_transition("evaluate", "completed", {"party"}, day, schedule)


def _applicant(id_: str, role: str, person: str, country: str = "AU", **kw) -> Applicant:
    return Applicant(
        id=id_,
        person=person,
        role=role,
        interests=frozenset({"leadership"}),
        sector="public",
        career_stage=3,
        years=5,
        country=country,
        languages=frozenset({"en"}),
        utc_offset=10.0,
        preference="open",
        capacity=kw.get("capacity", 1),
        avoid=frozenset(kw.get("avoid", ())),
        pair_with=kw.get("pair_with"),
        rematch=False,
    )


def test_informal_pairs_need_both_to_name_each_other():
    pool = [
        _applicant("m1", "mentor", "P1", pair_with="P2"),
        _applicant("e1", "mentee", "P2", pair_with="P1"),
        _applicant("e2", "mentee", "P3", pair_with="P4"),
        _applicant("m2", "mentor", "P4"),
    ]
    assert informal_pairs(pool) == [("e1", "m1")]


def test_avoid_lists_and_parted_pairs_are_forbidden():
    pool = [
        _applicant("a", "mentee", "P1", avoid={"P2"}),
        _applicant("b", "mentor", "P2"),
        _applicant("c", "mentor", "P3"),
    ]
    forbidden = forbidden_pairs(pool, [("c", "a")])
    assert forbidden == {frozenset({"a", "b"}), frozenset({"a", "c"})}


def test_pins_are_checked():
    pool = {
        "a": _applicant("a", "mentee", "P1"),
        "b": _applicant("b", "mentor", "P2"),
        "c": _applicant("c", "mentee", "P3"),
    }
    assert check_pin(pool, "mentor-mentee", "b", "a", frozenset()) == ("a", "b")
    with pytest.raises(Conflict, match="one mentee and one mentor"):
        check_pin(pool, "mentor-mentee", "a", "c", frozenset())
    with pytest.raises(Conflict, match="must not be matched"):
        check_pin(pool, "mentor-mentee", "a", "b", frozenset({frozenset({"a", "b"})}))
    peers = {"x": _applicant("x", "peer", "P1"), "y": _applicant("y", "peer", "P2")}
    with pytest.raises(Conflict, match="other countries"):
        check_pin(peers, "peer", "x", "y", frozenset())


def test_informal_peers_at_home_are_not_pinned():
    pool = [
        _applicant("x", "peer", "P1", pair_with="P2"),
        _applicant("y", "peer", "P2", pair_with="P1"),
        _applicant("z", "peer", "P3", country="NZ", pair_with="P4"),
        _applicant("w", "peer", "P4", country="FJ", pair_with="P3"),
    ]
    assert informal_pairs(pool) == [("w", "z")]


def test_dates_far_out_are_refused_by_name():
    with pytest.raises(InvalidInput) as refused:
        domain.plan_intake(load_preset("alia-mentoring"), date(9999, 12, 31), {})
    assert refused.value.field == "starts_on"


def test_a_coordinators_pin_wins_over_an_informal_pair():
    from registry.mentoring.pool import propose

    pool = [
        _applicant("e1", "mentee", "P1", pair_with="P2"),
        _applicant("m1", "mentor", "P2", pair_with="P1"),
        _applicant("m2", "mentor", "P3"),
    ]
    informal = propose("mentor-mentee", "alia-mentoring", pool, [])
    assert [(p.a, p.b, p.pinned) for p in informal.pairs] == [("e1", "m1", True)]
    chosen = propose("mentor-mentee", "alia-mentoring", pool, [("e1", "m2")])
    assert [(p.a, p.b, p.pinned) for p in chosen.pairs] == [("e1", "m2", True)]
    avoided = [*pool[:1], _applicant("m1", "mentor", "P2", pair_with="P1", avoid={"P1"}), pool[2]]
    result = propose("mentor-mentee", "alia-mentoring", avoided, [])
    assert [(p.a, p.b) for p in result.pairs] == [("e1", "m2")]
