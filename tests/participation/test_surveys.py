"""Survey questions per scheme, their due dates and answer checking."""

from __future__ import annotations

from datetime import date

import pytest

from registry.participation.surveys import questions_for, survey_window, validate_answers
from tenants.errors import InvalidInput

DATES = {
    "midway_review_on": date(2025, 6, 15),
    "ends_on": date(2025, 9, 30),
    "evaluation_due_on": date(2025, 10, 14),
}


def test_evaluation_opens_at_the_end_and_is_due_two_weeks_later():
    window = survey_window("evaluation", **DATES)
    assert (window.opens_on, window.due_on) == (date(2025, 9, 30), date(2025, 10, 14))
    assert window.remind_on == date(2025, 10, 11)
    assert window.status(date(2025, 9, 29), answered=False) == "not_open"
    assert window.status(date(2025, 10, 14), answered=False) == "open"
    assert window.status(date(2025, 10, 15), answered=False) == "overdue"
    assert window.status(date(2025, 10, 15), answered=True) == "answered"


def test_midway_review_is_due_two_weeks_after_the_midway_date():
    window = survey_window("midway", **DATES)
    assert (window.opens_on, window.due_on) == (date(2025, 6, 15), date(2025, 6, 29))


def test_questions_differ_per_scheme_and_share_a_core():
    alia = {q.id for q in questions_for("alia-mentoring", "evaluation")}
    aasw = {q.id for q in questions_for("aasw-mentoring", "evaluation")}
    iln = {q.id for q in questions_for("iln-peer", "evaluation")}
    other = {q.id for q in questions_for("something-else", "evaluation")}
    assert other < alia and other < aasw and other < iln
    assert "pd_scheme" in alia and "cpd_claimed" in aasw and "sign_up_again" in iln
    assert questions_for("iln-peer", "midway")[-1].id == "comments"


def test_answers_are_checked_and_name_the_field():
    questions = questions_for("aasw-mentoring", "midway")
    good = {
        "progress": 4,
        "satisfaction": 5,
        "meeting_often_enough": True,
        "continue": "continue",
        "not_supervision": True,
    }
    assert validate_answers(questions, good) == good
    cases = [
        ({**good, "progress": 6}, "answers.progress"),
        ({**good, "progress": True}, "answers.progress"),
        ({**good, "continue": "maybe"}, "answers.continue"),
        ({**good, "meeting_often_enough": "yes"}, "answers.meeting_often_enough"),
        ({k: v for k, v in good.items() if k != "satisfaction"}, "answers.satisfaction"),
        ({**good, "bogus": 1}, "answers.bogus"),
        ({**good, "comments": "x" * 5000}, "answers.comments"),
    ]
    for answers, field in cases:
        with pytest.raises(InvalidInput) as caught:
            validate_answers(questions, answers)
        assert caught.value.field == field
