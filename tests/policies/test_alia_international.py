"""ALIA international relationships preset: regional priority, sanctions, ethics,
governance risk and the approval path."""

from datetime import date

import pytest

from policies import evaluate, load_policy, load_preset
from policies.presets import preset_text
from tests.policies.factories import REMOVE, partner

POLICY = load_preset("alia-international")
AS_OF = date(2025, 3, 1)
GROUNDS_BUT_AGE = ["race", "creed", "colour", "sexual orientation",
                   "gender identity or expression", "disabilities", "national origin"]
FULL_JUSTIFICATION = {"text": "Rebuilding public library services after the conflict.",
                      "strengthens_civil_society": True, "fosters_social_development": True,
                      "advances_sdgs": True}
CONFLICT = {"emerging_from_conflict": True}


def decide(subject, policy=POLICY, as_of=AS_OF):
    return evaluate(policy, subject, as_of=as_of)


def test_a_partner_meeting_every_condition_is_eligible():
    decision = decide(partner())
    assert decision.outcome == "eligible"
    assert decision.priority == 4  # Oceania 2 + Melanesia 1 + SIDS 1


@pytest.mark.parametrize(
    ("country", "score", "words"),
    [
        ("FJ", 4, "Melanesia"),
        ("ID", 3, "South-eastern Asia"),
        ("KH", 5, "Least Developed Country"),
        ("LA", 6, "Land Locked Developing Country"),
        ("NZ", 2, "Australia and New Zealand"),
        ("TV", 6, "Least Developed Country and a Small Island Developing State"),
        ("FR", 0, "not a priority area"),
        ("NP", 3, "Southern Asia"),
        ("TW", 0, "not listed in the UN M49 table"),
    ],
)
def test_regional_priority(country, score, words):
    entry = decide(partner(country=country)).result("regional-priority")
    assert entry.passed and entry.effect == "none"
    assert entry.score == score
    assert words in entry.reason


def test_priority_orders_south_east_asia_and_the_pacific_ahead_of_europe():
    scores = {c: decide(partner(country=c)).priority for c in ("LA", "FJ", "NZ", "FR")}
    assert scores["LA"] > scores["FJ"] > scores["NZ"] > scores["FR"]


def hit(score, status="open", list_id="un", name="Designated Person"):
    return {"list": list_id, "score": score, "status": status, "name": name}


CASES = [
    # sanctions
    ("no hits on either list", partner(), "sanctions", True, "none", "Cleared"),
    ("no screening at all", partner(screening=REMOVE), "sanctions", False, "refer",
     "fails closed"),
    ("DFAT list not loaded", partner(screening={"lists": [{"list": "un"}]}), "sanctions",
     False, "refer", "the DFAT Consolidated List (Australian autonomous sanctions) was not"),
    ("hit scoring exactly the block score", partner(screening__hits=[hit(0.95)]), "sanctions",
     False, "ineligible", "Blocked"),
    ("hit scoring just under the block score", partner(screening__hits=[hit(0.949)]),
     "sanctions", False, "refer", "Needs review"),
    ("hit scoring exactly the review score", partner(screening__hits=[hit(0.8)]),
     "sanctions", False, "refer", "review from 0.8"),
    ("hit below the review score", partner(screening__hits=[hit(0.79)]), "sanctions", True,
     "none", "Cleared"),
    ("confirmed hit whatever its score", partner(screening__hits=[hit(0.5, "confirmed")]),
     "sanctions", False, "ineligible", "a confirmed match"),
    ("dismissed hit", partner(screening__hits=[hit(0.99, "dismissed")]), "sanctions", True,
     "none", "Cleared"),
    ("hit on a list the policy does not use",
     partner(screening__hits=[hit(0.99, list_id="ofac")]), "sanctions", True, "none",
     "Cleared"),
    # non-discrimination
    ("attests every ground", partner(), "non-discrimination", True, "none",
     "gender identity or expression, age, disabilities or national origin"),
    ("attestation leaves out age", partner(non_discrimination__grounds=GROUNDS_BUT_AGE),
     "non-discrimination", False, "refer", "does not cover age"),
    ("no attestation", partner(non_discrimination=REMOVE), "non-discrimination", False,
     "refer", "has not attested"),
    ("found to discriminate", partner(non_discrimination__discriminates_on=["national origin"]),
     "non-discrimination", False, "ineligible", "discriminates on the basis of national origin"),
    # reputation
    ("satisfactory reputation", partner(), "reputation", True, "none", "satisfactory"),
    ("reputation concerns", partner(reputation__result="concerns"), "reputation", False,
     "refer", "raised concerns"),
    ("unsatisfactory reputation", partner(reputation__result="unsatisfactory"), "reputation",
     False, "ineligible", "unsatisfactory"),
    ("not assessed", partner(reputation=REMOVE), "reputation", False, "refer",
     "have not been assessed"),
    ("assessment over a year old", partner(reputation__assessed_on="2024-02-28"),
     "reputation", False, "refer", "older than 365 days"),
    # personnel
    ("personnel available", partner(), "personnel", True, "none", "3 available"),
    ("nobody available", partner(personnel={"staff": 0, "members": 0}), "personnel", False,
     "refer", "0 available"),
    ("personnel not named", partner(personnel=REMOVE), "personnel", False, "refer",
     "nobody has been named"),
    # governance risk
    ("country not flagged", partner(), "governance-risk", True, "none", "not flagged"),
    ("emerging from conflict, justified",
     partner(country_risk=CONFLICT, justification=FULL_JUSTIFICATION), "governance-risk",
     True, "refer", "case by case"),
    ("non-democratic, no justification", partner(country_risk={"non_democratic": True}),
     "governance-risk", False, "ineligible", "a written justification is required"),
    ("justification silent on the SDGs",
     partner(country_risk=CONFLICT, justification={**FULL_JUSTIFICATION, "advances_sdgs": False}),
     "governance-risk", False, "ineligible", "Sustainable Development Goals"),
    ("blank justification", partner(country_risk=CONFLICT,
                                     justification={**FULL_JUSTIFICATION, "text": "  "}),
     "governance-risk", False, "ineligible", "written justification is required"),
    # approval path
    ("board sanctioned it", partner(), "approval", True, "none", "Review due by 20 February 2026"),
    ("no board vote yet", partner(board=REMOVE), "approval", False, "refer",
     "must sanction it before it is agreed"),
    ("request did not go to the CEO first", partner(received_by="board"), "approval", False,
     "refer", "go first to the Chief Executive Officer"),
    ("board voted it down", partner(board={"board_size": 9, "present": 7, "votes_for": 2,
                                           "votes_against": 5}), "approval", False,
     "ineligible", "did not sanction"),
    ("tied vote", partner(board={"board_size": 8, "present": 6, "votes_for": 3,
                                 "votes_against": 3}), "approval", False, "ineligible",
     "3 for, 3 against"),
    ("quorum of exactly half", partner(board={"board_size": 8, "present": 4, "votes_for": 3,
                                              "votes_against": 1}), "approval", True, "none",
     "sanctioned"),
    ("not quorate once conflicted directors recuse",
     partner(board={"board_size": 9, "present": 5, "recused": 1, "votes_for": 4,
                    "votes_against": 0}), "approval", False, "refer", "not quorate"),
]


@pytest.mark.parametrize(("case", "subject", "rule_id", "passed", "effect", "words"), CASES,
                         ids=[c[0] for c in CASES])
def test_rule(case, subject, rule_id, passed, effect, words):
    entry = decide(subject).result(rule_id)
    assert (entry.passed, entry.effect) == (passed, effect), entry.reason
    assert words in entry.reason


def test_a_confirmed_sanctions_hit_blocks_whatever_the_vote():
    decision = decide(partner(screening__hits=[hit(0.99, "confirmed")]))
    assert decision.result("approval").passed
    assert decision.outcome == "ineligible"


def test_without_a_sanctions_list_nobody_is_cleared():
    assert decide(partner(screening={"lists": [], "hits": []})).outcome == "refer"


def test_fail_closed_can_be_made_to_refuse():
    text = preset_text("alia-international").replace('when_no_list = "refer"',
                                                     'when_no_list = "ineligible"')
    assert decide(partner(screening=REMOVE), policy=load_policy(text)).outcome == "ineligible"


def test_a_relationship_in_a_country_at_risk_is_always_referred():
    decision = decide(partner(country_risk=CONFLICT, justification=FULL_JUSTIFICATION))
    assert decision.outcome == "refer"


def test_a_country_listed_by_the_association_is_treated_as_at_risk():
    text = preset_text("alia-international").replace("countries = []", 'countries = ["FJ"]')
    entry = decide(partner(), policy=load_policy(text)).result("governance-risk")
    assert entry.passed is False
    assert "case-by-case" in entry.reason


def test_min_aims_accepts_a_justification_addressing_one_aim():
    text = preset_text("alia-international").replace(
        'required_aims = ["civil-society", "social-development", "sdgs"]',
        'required_aims = ["civil-society", "social-development", "sdgs"]\nmin_aims = 1',
    )
    only_sdgs = {"text": "Literacy programmes for the SDGs.", "advances_sdgs": True}
    entry = decide(partner(country_risk=CONFLICT, justification=only_sdgs),
                   policy=load_policy(text)).result("governance-risk")
    assert (entry.passed, entry.effect) == (True, "refer")


def test_every_kind_of_request_needs_the_board():
    for request in ("support", "mou", "bilateral", "multi-party", "exchange"):
        assert decide(partner(request=request, board=REMOVE)).outcome == "refer"
