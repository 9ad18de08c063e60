"""Malformed subjects give a clear error naming the field, never a crash; the schema."""

from datetime import date

import msgspec
import pytest

from policies import SubjectError, evaluate, load_preset, parse_subject, subject_schema
from tests.policies.factories import REMOVE, aasw_mentor, partner

AASW = load_preset("aasw-mentoring")
INTERNATIONAL = load_preset("alia-international")
AS_OF = date(2025, 2, 1)


@pytest.mark.parametrize(
    ("subject", "field", "words"),
    [
        (aasw_mentor(role="boss"), "role", "'boss'"),
        (aasw_mentor(intake=REMOVE), "intake", "required field is missing"),
        (aasw_mentor(intake__start="2025-13-01"), "intake.start", "date"),
        (aasw_mentor(intake__start=20250301), "intake.start", "Expected `date`"),
        (aasw_mentor(experience={"social-work-practice": "five"}),
         "experience.social-work-practice", "expected a number, got 'five'"),
        (aasw_mentor(experience={"social-work-practice": -1}),
         "experience.social-work-practice", "cannot be negative"),
        (aasw_mentor(membership__status="paid-up"), "membership.status", "'paid-up'"),
        (aasw_mentor(membership__class=REMOVE), "membership.class", "missing"),
        (aasw_mentor(membership__since="2026-01-01", membership__until="2025-01-01"),
         "membership.until", "ends before it starts"),
        (aasw_mentor(intake__end="2025-01-01"), "intake.end", "ends before it starts"),
        (aasw_mentor(country="Atlantis"), "country", "'Atlantis' is not an ISO 3166-1"),
        (aasw_mentor(cohort={"by_country": {"XX": 3}}), "cohort.by_country.XX", "XX"),
        (aasw_mentor(cohort={"by_country": {"AU": "many"}}), "cohort.by_country.AU",
         "expected a number"),
        (aasw_mentor(favourite_colour="blue"), "favourite_colour", "unknown field"),
        (aasw_mentor(mentees_requested=-2), "mentees_requested", "cannot be negative"),
        (aasw_mentor(kind="member"), "kind", "unknown subject kind"),
        (aasw_mentor(intake__start="9999-12-01"), "intake.start", "between 1900 and 2999"),
        (aasw_mentor(applied_on="0001-01-01"), "applied_on", "between 1900 and 2999"),
        (partner(), "kind", "this policy evaluates applicants, not partners"),
    ],
)
def test_a_bad_applicant_names_the_field(subject, field, words):
    with pytest.raises(SubjectError) as caught:
        evaluate(AASW, subject, as_of=AS_OF)
    error = caught.value
    assert error.field == field, str(error)
    assert words in error.message
    assert isinstance(error, ValueError)


def test_kind_may_be_implied_by_the_policy():
    subject = aasw_mentor(kind=REMOVE)
    # the policy says which kind it evaluates
    assert evaluate(AASW, subject, as_of=AS_OF).outcome == "eligible"
    with pytest.raises(SubjectError) as caught:
        parse_subject(subject)
    assert caught.value.field == "kind"


@pytest.mark.parametrize(
    ("subject", "field"),
    [
        (partner(country="ZZ"), "country"),
        (partner(name=REMOVE), "name"),
        (partner(request="loan"), "request"),
        (partner(board__present=12), "board.present"),
        (partner(board__recused=8), "board.recused"),
        (partner(board__votes_for=9), "board"),
        (partner(screening__hits=[{"list": "un", "score": 1.5}]), "screening.hits[0].score"),
        (partner(screening__hits=[{"list": "un"}]), "screening.hits[0].score"),
        (partner(non_discrimination__grounds=["religion"]), "non_discrimination.grounds[0]"),
        (partner(reputation__result="fine"), "reputation.result"),
    ],
)
def test_a_bad_partner_names_the_field(subject, field):
    with pytest.raises(SubjectError) as caught:
        evaluate(INTERNATIONAL, subject, as_of=AS_OF)
    assert caught.value.field == field, str(caught.value)


@pytest.mark.parametrize("junk", [None, 3, "applicant", [], [{"kind": "applicant"}], {}])
def test_junk_is_a_subject_error_not_a_crash(junk):
    with pytest.raises(SubjectError):
        evaluate(AASW, junk, as_of=AS_OF)


def test_country_codes_are_normalised_to_alpha_2():
    assert parse_subject(partner(country="fji")).country == "FJ"
    assert parse_subject(partner(country="242")).country == "FJ"


def test_the_schema_describes_each_kind():
    applicant = subject_schema("applicant")
    definition = applicant["$defs"]["Applicant"]
    assert set(definition["properties"]["role"]["enum"]) == {"mentor", "mentee", "peer"}
    assert {"role", "intake"} <= set(definition["required"])
    partner_schema = subject_schema("partner")["$defs"]["Partner"]
    assert "screening" in partner_schema["properties"]
    both = subject_schema()
    assert {"Applicant", "Partner"} <= set(both["$defs"])
    with pytest.raises(SubjectError):
        subject_schema("member")


def test_a_subject_written_from_the_schema_round_trips():
    parsed = parse_subject(partner())
    again = parse_subject(msgspec.to_builtins(parsed))
    assert again == parsed
