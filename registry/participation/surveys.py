"""Midway-review and end-of-intake evaluation surveys: their questions, when they
open and fall due, and what a valid answer is. Pure.

The seeds fix the rhythm: ALIA asks both parties to review progress and satisfaction
midway, and to complete the evaluation survey within two weeks of the end; AASW and
ILN pages name no survey, so their schemes use the same two points of the intake
(`midway_review_on`, `ends_on` .. `evaluation_due_on`). The midway review is given
the same two weeks as the evaluation. Questions are per scheme: a common core, and
what each seed asks its participants to reflect on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from tenants.errors import InvalidInput

SurveyKind = Literal["midway", "evaluation"]
SURVEY_KINDS: tuple[SurveyKind, ...] = ("midway", "evaluation")
QuestionKind = Literal["rating", "choice", "yes_no", "text"]

#: Days a midway review stays open before it is due (as the evaluation's two weeks).
MIDWAY_DAYS = 14
#: A participant who has not answered is reminded this many days before the due date.
REMIND_DAYS_BEFORE = 3
TEXT_MAX = 4000
RATING_MIN, RATING_MAX = 1, 5


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: str
    kind: QuestionKind
    required: bool = True
    options: tuple[str, ...] = ()


def _rating(qid: str, text: str) -> Question:
    return Question(qid, f"{text} (1 = not at all, 5 = very much)", "rating")


_MIDWAY_CORE = (
    _rating("progress", "How much progress have you made towards the goals you set?"),
    _rating("satisfaction", "How satisfied are you with the partnership so far?"),
    Question("meeting_often_enough", "Are you meeting as often as you agreed?", "yes_no"),
    Question(
        "continue",
        "Should the relationship continue, be modified or be terminated?",
        "choice",
        options=("continue", "modify", "terminate"),
    ),
    Question("comments", "Anything the coordinator should know?", "text", required=False),
)

_EVALUATION_CORE = (
    _rating("goals_met", "How far did the partnership help you reach your goals?"),
    _rating("satisfaction", "How satisfied are you with the partnership overall?"),
    Question("recommend", "Would you recommend the scheme to a colleague?", "yes_no"),
    Question("comments", "What should the scheme keep or change?", "text", required=False),
)

#: Extra questions by the name of the policy the scheme runs under (its preset's name,
#: kept when a tenant edits a copy of it).
_EXTRA: dict[tuple[str, SurveyKind], tuple[Question, ...]] = {
    ("alia-mentoring", "evaluation"): (
        Question(
            "resources_used",
            "Which scheme resources did you use?",
            "choice",
            options=("webinars", "workbook", "collaborative space", "none"),
        ),
        Question("pd_scheme", "Will you claim the hours in the ALIA PD Scheme?", "yes_no"),
    ),
    ("aasw-mentoring", "midway"): (
        Question(
            "not_supervision",
            "Has the partnership stayed mentoring (not clinical supervision)?",
            "yes_no",
        ),
    ),
    ("aasw-mentoring", "evaluation"): (
        Question("cpd_claimed", "Will you claim the hours towards your CPD?", "yes_no"),
    ),
    ("iln-peer", "midway"): (
        _rating("perspectives", "How much has your partner widened your perspective?"),
    ),
    ("iln-peer", "evaluation"): (
        _rating("perspectives", "How much did your partner widen your perspective?"),
        Question("sign_up_again", "Will you sign up for a new partnership?", "yes_no"),
    ),
}


def questions_for(policy_name: str, kind: SurveyKind) -> tuple[Question, ...]:
    """The questions of a scheme's survey; `policy_name` is the name in its policy's
    header (alia-mentoring, aasw-mentoring, iln-peer; any other: the core questions)."""
    core = _MIDWAY_CORE if kind == "midway" else _EVALUATION_CORE
    extra = _EXTRA.get((policy_name, kind), ())
    return (*core[:-1], *extra, core[-1])  # free-text comments stay last


@dataclass(frozen=True, slots=True)
class SurveyWindow:
    kind: SurveyKind
    opens_on: date
    due_on: date

    @property
    def remind_on(self) -> date:
        return max(self.opens_on, self.due_on - timedelta(days=REMIND_DAYS_BEFORE))

    def status(self, today: date, answered: bool) -> str:
        """answered, not_open, open or overdue."""
        if answered:
            return "answered"
        if today < self.opens_on:
            return "not_open"
        return "open" if today <= self.due_on else "overdue"


def survey_window(
    kind: SurveyKind, *, midway_review_on: date, ends_on: date, evaluation_due_on: date
) -> SurveyWindow:
    """When the survey of `kind` opens and is due, from the intake's dates."""
    if kind == "midway":
        return SurveyWindow(
            "midway", midway_review_on, min(ends_on, midway_review_on + timedelta(MIDWAY_DAYS))
        )
    return SurveyWindow("evaluation", ends_on, max(ends_on, evaluation_due_on))


def validate_answers(questions: tuple[Question, ...], answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers, checked against the questions; InvalidInput names `answers.<id>`."""
    known = {q.id: q for q in questions}
    for key in answers:
        if key not in known:
            raise InvalidInput(
                f"answers.{key}", f"not a question of this survey; questions: {', '.join(known)}"
            )
    clean: dict[str, Any] = {}
    for question in questions:
        field = f"answers.{question.id}"
        value = answers.get(question.id)
        if value is None or (isinstance(value, str) and not value.strip()):
            if question.required:
                raise InvalidInput(field, "an answer is required")
            continue
        clean[question.id] = _checked(question, field, value)
    return clean


def _checked(question: Question, field: str, value: Any) -> Any:
    if question.kind == "rating":
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(field, f"a whole number from {RATING_MIN} to {RATING_MAX}")
        if not RATING_MIN <= value <= RATING_MAX:
            raise InvalidInput(field, f"{value} is not from {RATING_MIN} to {RATING_MAX}")
        return value
    if question.kind == "yes_no":
        if not isinstance(value, bool):
            raise InvalidInput(field, "true or false")
        return value
    if not isinstance(value, str):
        raise InvalidInput(field, "text")
    text = value.strip()
    if question.kind == "choice" and text not in question.options:
        raise InvalidInput(field, f"{text!r} is not one of {', '.join(question.options)}")
    if len(text) > TEXT_MAX:
        raise InvalidInput(field, f"at most {TEXT_MAX} characters")
    return text
