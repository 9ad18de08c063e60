"""AASW Mentoring Program preset: financial membership held throughout, 5 years' practice,
March to September, CPD categories."""

from datetime import date

import pytest

from policies import evaluate, load_preset
from tests.policies.factories import REMOVE, aasw_mentee, aasw_mentor

POLICY = load_preset("aasw-mentoring")
AS_OF = date(2025, 2, 1)


def decide(subject, as_of=AS_OF):
    return evaluate(POLICY, subject, as_of=as_of)


def test_a_qualified_mentor_and_mentee_are_eligible():
    assert decide(aasw_mentor()).outcome == "eligible"
    assert decide(aasw_mentee()).outcome == "eligible"


CASES = [
    ("mentee is a role", aasw_mentee(), "roles", True, "none", "mentee"),
    ("peer is not a role", aasw_mentee(role="peer"), "roles", False, "ineligible", "peer"),
    ("program starts in March", aasw_mentor(), "program-term", True, "none",
     "1 March 2025 to 30 September 2025"),
    ("program starting in April", aasw_mentor(intake__start="2025-04-01"), "program-term",
     False, "ineligible", "starting in March and ending in September"),
    ("program ending in August", aasw_mentor(intake__end="2025-08-31"), "program-term", False,
     "ineligible", "ends on 31 August 2025"),
    ("membership held to the last day of the program",
     aasw_mentor(membership__until="2025-09-30"), "financial-membership", True, "none",
     "held throughout"),
    ("membership lapses mid-program", aasw_mentor(membership__until="2025-06-30"),
     "financial-membership", False, "ineligible",
     "throughout the programme, which ends on 30 September 2025; the membership ends on "
     "30 June 2025"),
    ("membership lapses the day before the program ends",
     aasw_mentee(membership__until="2025-09-29"), "financial-membership", False, "ineligible",
     "ends on 29 September 2025"),
    ("continuing membership with no end date", aasw_mentee(membership__until=REMOVE),
     "financial-membership", True, "none", "financial"),
    ("membership starting after the program starts",
     aasw_mentee(membership__since="2025-04-01"), "financial-membership", False, "ineligible",
     "starts on 1 April 2025"),
    ("unfinancial member", aasw_mentee(membership__status="unfinancial"),
     "financial-membership", False, "ineligible", "must be a financial member of AASW"),
    ("not a member", aasw_mentee(membership=REMOVE), "financial-membership", False,
     "ineligible", "no membership"),
    ("exactly 5 years' practice", aasw_mentor(experience={"social-work-practice": 5}),
     "mentor-practice-experience", True, "none", "at least 5 years practising social work"),
    ("4 years' practice", aasw_mentor(experience={"social-work-practice": 4}),
     "mentor-practice-experience", False, "ineligible",
     "Mentor needs at least 5 years practising social work; the application states 4."),
    ("one mentee", aasw_mentor(), "one-mentee-per-mentor", True, "none", "at most 1 mentee"),
    ("two mentees", aasw_mentor(mentees_requested=2), "one-mentee-per-mentor", False, "refer",
     "offers 2"),
    ("meets monthly", aasw_mentee(), "meet-monthly", True, "none", "1 meeting a month"),
    ("meets every other month", aasw_mentee(commitment__meetings_per_month=0.5),
     "meet-monthly", False, "refer", "0.5 meetings"),
    ("mentee's 10 CPD hours", aasw_mentee(cpd_hours=10), "mentee-cpd", True, "none",
     "Category 1"),
    ("mentee's 8 CPD hours", aasw_mentee(cpd_hours=8), "mentee-cpd", False, "advise",
     "at least 10 hours recommended"),
    ("mentor's 5 CPD hours", aasw_mentor(cpd_hours=5), "mentor-cpd", True, "none",
     "Category 3"),
    ("mentor's 4 CPD hours", aasw_mentor(cpd_hours=4), "mentor-cpd", False, "advise",
     "4 logged"),
]


@pytest.mark.parametrize(("case", "subject", "rule_id", "passed", "effect", "words"), CASES,
                         ids=[c[0] for c in CASES])
def test_rule(case, subject, rule_id, passed, effect, words):
    entry = decide(subject).result(rule_id)
    assert (entry.passed, entry.effect) == (passed, effect), entry.reason
    assert words in entry.reason


def test_a_membership_lapsing_mid_program_makes_the_applicant_ineligible():
    decision = decide(aasw_mentee(membership__until="2025-06-30"))
    assert decision.outcome == "ineligible"
    assert decision.result("financial-membership").data["programme_end"] == "2025-09-30"


def test_a_membership_that_has_already_lapsed_is_refused_on_the_day():
    decision = decide(aasw_mentee(membership__until="2025-01-31"), as_of=date(2025, 2, 1))
    assert "lapsed on 31 January 2025" in decision.result("financial-membership").reason


def test_each_role_claims_its_own_cpd_category():
    mentee_rules = {e.rule_id for e in decide(aasw_mentee()).rules}
    mentor_rules = {e.rule_id for e in decide(aasw_mentor()).rules}
    assert "mentee-cpd" in mentee_rules and "mentor-cpd" not in mentee_rules
    assert "mentor-cpd" in mentor_rules and "mentee-cpd" not in mentor_rules


def test_cpd_advice_does_not_refuse_anyone():
    assert decide(aasw_mentee(cpd_hours=1)).outcome == "eligible"
