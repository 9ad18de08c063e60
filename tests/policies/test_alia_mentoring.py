"""ALIA Mentoring Scheme preset: every rule the scheme's page states, passing and failing."""

from datetime import date

import pytest

from policies import evaluate, load_preset
from tests.policies.factories import REMOVE, alia_mentee, alia_mentor

POLICY = load_preset("alia-mentoring")
AS_OF = date(2025, 6, 1)


def decide(subject, as_of=AS_OF):
    return evaluate(POLICY, subject, as_of=as_of)


def test_a_qualified_mentor_and_mentee_are_eligible():
    assert decide(alia_mentor()).outcome == "eligible"
    assert decide(alia_mentee()).outcome == "eligible"


# (case, subject, rule id, passed, effect, words the reason must contain)
CASES = [
    ("mentor is a role", alia_mentor(), "roles", True, "none", "mentor"),
    ("peer is not a role", alia_mentor(role="peer"), "roles", False, "ineligible",
     "mentor or mentee only"),
    ("12-month intake", alia_mentor(), "intake-term", True, "none",
     "1 July 2025 to 30 June 2026"),
    ("6-month intake is not this scheme", alia_mentor(intake__end="2025-12-31"), "intake-term",
     False, "ineligible", "12 months"),
    # window for a 1 July 2025 start: opens 1 May, closes 24 June
    ("applies on the day the window opens", alia_mentor(applied_on="2025-05-01"),
     "application-window", True, "none", "open on 1 May 2025"),
    ("applies the day before it opens", alia_mentor(applied_on="2025-04-30"),
     "application-window", False, "ineligible", "before they open"),
    ("applies on the day the window closes", alia_mentor(applied_on="2025-06-24"),
     "application-window", True, "none", "close on 24 June 2025"),
    ("applies the day after it closes", alia_mentor(applied_on="2025-06-25"),
     "application-window", False, "ineligible", "after they close"),
    ("personal member", alia_mentee(), "personal-membership", True, "none", "ALIA"),
    ("institutional membership only", alia_mentee(membership__type="institutional"),
     "personal-membership", False, "ineligible", "personal membership"),
    ("not a member", alia_mentee(membership=REMOVE), "personal-membership", False,
     "ineligible", "no membership"),
    ("taking out membership", alia_mentee(membership=REMOVE, joining=True),
     "personal-membership", False, "refer", "taking out membership"),
    ("membership lapsed", alia_mentee(membership__status="lapsed"), "personal-membership",
     False, "ineligible", "lapsed"),
    ("membership paid only to last month", alia_mentee(membership__until="2025-05-31"),
     "personal-membership", False, "ineligible", "lapsed on 31 May 2025"),
    ("Associate mentor", alia_mentor(), "mentor-membership-class", True, "none", "Associate"),
    ("Library Technician mentor", alia_mentor(membership__class="Library Technician"),
     "mentor-membership-class", True, "none", "Library Technician"),
    ("Student cannot mentor", alia_mentor(membership__class="Student"),
     "mentor-membership-class", False, "ineligible",
     "must be an ALIA Associate or Library Technician member; the application states Student"),
    ("exactly 4 years' LIS experience", alia_mentor(experience={"lis": 4}),
     "mentor-lis-experience", True, "none", "at least 4 years of LIS industry experience"),
    ("3.9 years is not 4", alia_mentor(experience={"lis": 3.9}), "mentor-lis-experience",
     False, "ineligible",
     "Mentor needs at least 4 years of LIS industry experience; the application states 3.9."),
    ("no LIS experience stated", alia_mentor(experience={}), "mentor-lis-experience", False,
     "ineligible", "states none"),
    ("three mentees", alia_mentor(mentees_requested=3,
                                  commitment={"hours_per_month": 3, "meetings_per_month": 1}),
     "mentor-capacity", True, "none", "at most 3 mentees"),
    ("four mentees", alia_mentor(mentees_requested=4), "mentor-capacity", False, "refer",
     "offers 4"),
    ("mentee gives 1 hour and 2 of preparation", alia_mentee(), "mentee-commitment", True,
     "none", "meets that"),
    ("mentee gives half an hour", alia_mentee(commitment__hours_per_month=0.5),
     "mentee-commitment", False, "refer", "0.5 hours of contact"),
    ("mentee states no commitment", alia_mentee(commitment=REMOVE), "mentee-commitment",
     False, "refer", "no commitment"),
    ("mentor of two gives one hour", alia_mentor(mentees_requested=2), "mentor-commitment",
     False, "advise", "2 hours of contact a month (1 per mentee)"),
    ("code of conduct and resume", alia_mentor(), "application-documents", True, "none",
     "a current resume"),
    ("no resume", alia_mentor(declarations=["code-of-conduct"]), "application-documents",
     False, "refer", "missing a current resume"),
    ("PD points", alia_mentee(), "pd-points", True, "none", "ALIA PD Scheme"),
    ("evaluation on time", alia_mentee(evaluation_submitted_on="2026-07-14"), "milestones",
     True, "none", "by 14 July 2026"),
    ("evaluation late", alia_mentee(evaluation_submitted_on="2026-07-15"), "milestones",
     False, "advise", "late"),
]


@pytest.mark.parametrize(("case", "subject", "rule_id", "passed", "effect", "words"), CASES,
                         ids=[c[0] for c in CASES])
def test_rule(case, subject, rule_id, passed, effect, words):
    entry = decide(subject).result(rule_id)
    assert (entry.passed, entry.effect) == (passed, effect), entry.reason
    assert words in entry.reason


def test_a_mentor_below_four_years_is_ineligible_and_told_why():
    decision = decide(alia_mentor(experience={"lis": 3}))
    assert decision.outcome == "ineligible"
    assert decision.reasons == [
        "Mentor needs at least 4 years of LIS industry experience; the application states 3."
    ]


def test_mentor_rules_do_not_apply_to_mentees():
    applied = {entry.rule_id for entry in decide(alia_mentee()).rules}
    assert "mentor-lis-experience" not in applied
    assert "mentor-membership-class" not in applied
    assert "mentee-commitment" in applied


def test_advice_does_not_change_the_outcome():
    decision = decide(alia_mentor(mentees_requested=2))
    assert decision.result("mentor-commitment").effect == "advise"
    assert decision.outcome == "eligible"


def test_a_referral_outweighs_eligibility_and_a_refusal_outweighs_both():
    assert decide(alia_mentor(mentees_requested=4)).outcome == "refer"
    assert decide(alia_mentor(mentees_requested=4, experience={"lis": 1})).outcome == "ineligible"


class TestMenteeFee:
    def test_nothing_is_taken_when_no_match_is_made(self):
        entry = decide(alia_mentee()).result("mentee-fee")
        assert entry.data["amount_due"] == 0
        assert "no payment is taken" in entry.reason

    def test_nothing_is_due_until_the_signed_acceptance_arrives(self):
        entry = decide(alia_mentee(match={"matched_on": "2025-07-10"})).result("mentee-fee")
        assert entry.data["amount_due"] == 0
        assert "signed acceptance" in entry.reason

    def test_150_is_deducted_two_to_three_months_after_match_and_acceptance(self):
        subject = alia_mentee(match={"matched_on": "2025-07-10",
                                     "acceptance_signed_on": "2025-07-31"})
        entry = decide(subject).result("mentee-fee")
        assert entry.data["amount_due"] == 150
        assert entry.data["currency"] == "AUD"
        assert (entry.data["due_from"], entry.data["due_by"]) == ("2025-09-30", "2025-10-31")
        assert "AUD 150" in entry.reason

    def test_mentors_are_not_charged(self):
        subject = alia_mentor(match={"matched_on": "2025-07-10",
                                     "acceptance_signed_on": "2025-07-31"})
        entry = decide(subject).result("mentee-fee")
        assert entry.data["amount_due"] == 0
        assert "no charge for mentors" in entry.reason


def test_explicit_window_dates_override_the_derived_ones():
    from policies import load_policy
    from policies.presets import preset_text

    text = preset_text("alia-mentoring").replace(
        "opens_months_before_start = 2\n",
        "opens_months_before_start = 2\nopens = 2025-05-01\ncloses = 2025-06-26\n",
    )
    policy = load_policy(text)
    late_for_derived = alia_mentor(applied_on="2025-06-26")
    assert evaluate(policy, late_for_derived, as_of=AS_OF).result("application-window").passed
    assert not decide(late_for_derived).result("application-window").passed
