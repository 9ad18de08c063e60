"""Decisions serialise to JSON and read back; outcomes combine as documented."""

import json
from datetime import date

from policies import decision_from_dict, evaluate, load_preset
from tests.policies.factories import aasw_mentor, partner


def test_a_decision_serialises_to_json_with_everything_needed_to_explain_it():
    decision = evaluate(load_preset("aasw-mentoring"),
                        aasw_mentor(experience={"social-work-practice": 4}),
                        as_of=date(2025, 2, 1))
    data = json.loads(decision.to_json())
    assert data["outcome"] == "ineligible"
    assert data["as_of"] == "2025-02-01"
    assert data["policy"]["sha256"] == load_preset("aasw-mentoring").sha256
    entry = next(r for r in data["rules"] if r["rule_id"] == "mentor-practice-experience")
    assert entry == {
        "rule_id": "mentor-practice-experience",
        "kind": "experience",
        "passed": False,
        "effect": "ineligible",
        "reason": "Mentor needs at least 5 years practising social work; the application "
                  "states 4.",
        "data": {"role": "mentor", "field": "social-work-practice", "min_years": 5.0,
                 "years": 4.0},
        "score": None,
    }
    assert decision.to_dict() == data
    assert decision_from_dict(data) == decision


def test_priority_is_only_given_by_policies_that_score():
    assert evaluate(load_preset("aasw-mentoring"), aasw_mentor(),
                    as_of=date(2025, 2, 1)).priority is None
    assert evaluate(load_preset("alia-international"), partner(),
                    as_of=date(2025, 3, 1)).priority == 4


def test_one_entry_per_rule_applied_in_policy_order():
    policy = load_preset("alia-international")
    decision = evaluate(policy, partner(), as_of=date(2025, 3, 1))
    assert [r.rule_id for r in decision.rules] == [r.id for r in policy.rules]
