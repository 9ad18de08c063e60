"""ILN peer mentoring preset: peers, partners in different countries, two rounds a year,
a members-only nomination period, a 20% country cap, free."""

from datetime import date

import pytest

from policies import evaluate, load_preset
from tests.policies.factories import REMOVE, iln_peer

POLICY = load_preset("iln-peer")
AS_OF = date(2025, 1, 20)
# Round starting 1 March 2025: nominations open 1 January, members only until 14 January,
# close 15 February.


def decide(subject, as_of=AS_OF):
    return evaluate(POLICY, subject, as_of=as_of)


def non_member(**overrides):
    return iln_peer(membership=REMOVE, **overrides)


def test_a_member_peer_is_eligible():
    assert decide(iln_peer()).outcome == "eligible"


def test_the_program_runs_two_rounds_a_year():
    assert decide(iln_peer()).result("round-term").data["rounds_per_year"] == 2


CASES = [
    ("peer", iln_peer(), "peer-role", True, "none", "peer"),
    ("mentor is not an ILN role", iln_peer(role="mentor"), "peer-role", False, "ineligible",
     "as peer only"),
    ("a round of a few months", iln_peer(), "round-term", True, "none",
     "1 March 2025 to 30 June 2025"),
    ("a round of a year", iln_peer(intake__end="2026-02-28"), "round-term", False,
     "ineligible", "not to about 30 June 2025"),
    ("member in the members-only period", iln_peer(applied_on="2025-01-10"),
     "application-window", True, "none", "open on 1 January 2025"),
    ("non-member in the members-only period", non_member(applied_on="2025-01-14"),
     "application-window", False, "ineligible", "Until 14 January 2025 only members may apply"),
    ("non-member once it opens to all", non_member(applied_on="2025-01-15"),
     "application-window", True, "none", "15 January 2025"),
    ("on the day nominations close", non_member(applied_on="2025-02-15"),
     "application-window", True, "none", "close on 15 February 2025"),
    ("the day after nominations close", iln_peer(applied_on="2025-02-16"),
     "application-window", False, "ineligible", "after they close"),
    ("partner in another country", iln_peer(partner_country="PH"),
     "partners-in-different-countries", True, "none", "Australia and Philippines"),
    ("partner in the same country", iln_peer(partner_country="AUS"),
     "partners-in-different-countries", False, "ineligible", "both are in Australia"),
    ("exactly 20 percent of the round", iln_peer(cohort={"by_country": {"AU": 19, "NZ": 30},
                                                          "planned_size": 100}),
     "country-cap", True, "none", "20 of 100 from Australia (20%)"),
    ("21 percent of the round", iln_peer(cohort={"by_country": {"AU": 20}, "planned_size": 100}),
     "country-cap", False, "ineligible", "21 of 100 from Australia (21%)"),
    ("exactly 20 percent of those accepted so far",
     iln_peer(cohort={"by_country": {"AU": 1, "PH": 4, "KE": 4}}), "country-cap", True, "none",
     "2 of 10"),
    ("a third of those accepted so far",
     iln_peer(cohort={"by_country": {"AU": 1, "PH": 2, "KE": 2}}), "country-cap", False,
     "ineligible", "2 of 6"),
    ("free", iln_peer(), "free", True, "none", "free"),
    ("PD points", iln_peer(), "pd-points", True, "none", "ALIA PD Scheme"),
]


@pytest.mark.parametrize(("case", "subject", "rule_id", "passed", "effect", "words"), CASES,
                         ids=[c[0] for c in CASES])
def test_rule(case, subject, rule_id, passed, effect, words):
    entry = decide(subject).result(rule_id)
    assert (entry.passed, entry.effect) == (passed, effect), entry.reason
    assert words in entry.reason


def test_no_membership_is_required_once_the_round_opens_to_all():
    assert decide(non_member(applied_on="2025-02-01")).outcome == "eligible"


def test_nothing_is_charged():
    entry = decide(iln_peer(match={"matched_on": "2025-03-01",
                                   "acceptance_signed_on": "2025-03-02"})).result("free")
    assert entry.data["amount_due"] == 0


def test_the_cap_is_checked_only_when_the_round_is_known():
    applied = {entry.rule_id for entry in decide(iln_peer()).rules}
    assert "country-cap" not in applied
    assert "partners-in-different-countries" not in applied


def test_an_applicant_without_a_country_is_referred_when_the_cap_applies():
    entry = decide(iln_peer(country=REMOVE, cohort={"by_country": {"AU": 1}})).result(
        "country-cap")
    assert entry.effect == "refer"
