"""The mentoring forms as typed: each field checked on its own, so that every mistake
is shown next to its field at once, then turned into the service's own input struct
(whose checks stay the service's: what it refuses comes back next to the field it
names)."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Request

from registry.mentoring.schemas import ApplicationIn, IntakeCreate, SchemeCreate
from registry.participation.schemas import QuestionOut
from registry.web.forms import read_form
from registry.web.mentoring.common import FormNeeds
from tenants.errors import InvalidInput

Values = dict[str, Any]
Errors = dict[str, str]


async def read(request: Request[Any, Any, Any]) -> tuple[Values, dict[str, list[str]]]:
    """The form's single values (trimmed) and every value of each field (checkboxes)."""
    fields = await read_form(request)
    single = {k: v.strip() for k, v in fields}
    multi: dict[str, list[str]] = {}
    for k, v in fields:
        multi.setdefault(k, []).append(v)
    return single, multi


def whole(values: Values, name: str, errors: Errors, low: int, high: int, what: str) -> int | None:
    text = str(values.get(name, ""))
    if not text:
        errors[name] = f"Enter {what}"
        return None
    try:
        number = int(text)
    except ValueError:
        errors[name] = f"Enter {what} as a whole number, for example {low + 1}"
        return None
    if not low <= number <= high:
        errors[name] = f"Enter a number from {low} to {high}"
        return None
    return number


def _float(
    values: Values, name: str, errors: Errors, low: float, high: float, what: str
) -> float | None:
    text = str(values.get(name, ""))
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        errors[name] = f"Enter {what} as a number, for example 2"
        return None
    if not low <= number <= high:
        errors[name] = f"Enter a number from {low:g} to {high:g}"
        return None
    return number


def day(values: Values, name: str, errors: Errors, required: bool = False) -> date | None:
    text = str(values.get(name, ""))
    if not text:
        if required:
            errors[name] = "Enter a date, for example 2027-03-01"
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = "Enter a date as YYYY-MM-DD, for example 2027-03-01"
        return None


def scheme_form(
    values: Values, multi: dict[str, list[str]], modes: dict[str, str]
) -> tuple[SchemeCreate | None, Errors]:
    """A scheme under a preset (its name) or a stored policy of the association
    (`policy:<name>`), whose mode follows from it; interests one per line or
    separated by commas."""
    errors: Errors = {}
    name = str(values.get("name", ""))
    preset = str(values.get("preset", ""))
    interests = [
        i.strip()
        for line in str(values.get("interests", "")).splitlines()
        for i in line.split(",")
        if i.strip()
    ]
    if not name:
        errors["name"] = "Enter the scheme's name"
    elif len(name) > 200:
        errors["name"] = "Use at most 200 characters"
    if preset not in modes:
        errors["preset"] = "Choose a preset or one of the association's policies"
    if not interests:
        errors["interests"] = "Enter at least one interest applicants may choose"
    elif len(interests) > 200 or any(len(i) > 80 for i in interests):
        errors["interests"] = "Enter at most 200 interests of at most 80 characters each"
    if errors:
        return None, errors
    stored = preset.removeprefix("policy:") if preset.startswith("policy:") else None
    try:
        data = SchemeCreate(
            name=name,
            mode=modes[preset],  # type: ignore[arg-type]
            preset=None if stored else preset,
            policy=stored,
            interests=interests,
        )
    except InvalidInput as exc:  # the text policy, applied as the struct is built
        return None, {exc.field.split("[")[0]: exc.message}
    return data, errors


INTAKE_DATES = ("applications_open", "applications_close", "midway_review_on", "ends_on")


def intake_form(values: Values) -> tuple[IntakeCreate | None, Errors]:
    errors: Errors = {}
    name = str(values.get("name", ""))
    if not name:
        errors["name"] = "Enter the intake's name, for example 2027 intake"
    elif len(name) > 200:
        errors["name"] = "Use at most 200 characters"
    starts_on = day(values, "starts_on", errors, required=True)
    optional = {field: day(values, field, errors) for field in INTAKE_DATES}
    places: int | None = None
    if values.get("planned_places"):
        places = whole(values, "planned_places", errors, 2, 100_000, "the planned places")
    if errors:
        return None, errors
    assert starts_on is not None
    try:
        intake = IntakeCreate(name=name, starts_on=starts_on, planned_places=places, **optional)
    except InvalidInput as exc:  # the text policy, applied as the struct is built
        return None, {exc.field: exc.message}
    return intake, errors


def application_form(
    values: Values, multi: dict[str, list[str]], mode: str, needs: FormNeeds
) -> tuple[ApplicationIn | None, Errors]:
    """An application as the member typed it; errors by field."""
    errors: Errors = {}
    role = str(values.get("role", ""))
    allowed = ("peer",) if mode == "peer" else ("mentor", "mentee")
    if role not in allowed:
        errors["role"] = "Choose how you take part"
    sector = str(values.get("sector", ""))
    if not sector:
        errors["sector"] = "Choose your sector"
    stage = whole(values, "career_stage", errors, 1, 5, "your career stage")
    years = whole(values, "years", errors, 0, 80, "your years of experience")
    country = str(values.get("country", "")).upper()
    if not country:
        errors["country"] = "Enter your country as a two-letter code, for example AU"
    # The pick list sends one value per language; a typed list is split on commas.
    picked = multi.get("languages") or [str(values.get("languages", ""))]
    languages = [x.strip() for item in picked for x in item.split(",") if x.strip()]
    if not languages:
        errors["languages"] = "Choose at least one language"
    elif any(not 2 <= len(x) <= 35 for x in languages) or len(languages) > 20:
        errors["languages"] = "Choose up to 20 languages"
    offset = _float(values, "utc_offset", errors, -12, 14, "your time zone's offset from UTC")
    if offset is None and "utc_offset" not in errors:
        errors["utc_offset"] = "Enter your time zone's offset from UTC, for example 10"
    preference = str(values.get("preference", "open")) or "open"
    background = str(values.get("partner_background", "either")) or "either"
    if background not in ("similar", "different", "either"):
        errors["partner_background"] = "Choose the partner you would like"
    capacity = 1
    if role == "mentor":
        capacity = whole(values, "capacity", errors, 1, 50, "how many mentees you take") or 1
    body: dict[str, Any] = {
        "role": role,
        "interests": multi.get("interests", []),
        "sector": sector,
        "career_stage": stage,
        "years": years,
        "country": country,
        "languages": languages,
        "utc_offset": offset,
        "preference": preference,
        "partner_background": background,
        "capacity": capacity,
    }
    if needs.membership:
        joining = values.get("joining") == "yes"
        body["joining"] = joining
        klass = str(values.get("membership_class", ""))
        status = str(values.get("membership_status", ""))
        if klass and status:
            body["membership"] = {"class": klass, "status": status}
        elif not joining:
            errors["membership_class"] = (
                "Enter your membership class, or say that you are taking out membership"
            )
    if needs.declarations:
        body["declarations"] = multi.get("declarations", [])
    commitment: dict[str, float] = {}
    for name, wanted in (
        ("hours_per_month", needs.hours),
        ("preparation_hours_per_month", needs.preparation),
        ("meetings_per_month", needs.meetings),
    ):
        if wanted:
            amount = _float(values, name, errors, 0, 200, "the number")
            if amount is not None:
                commitment[name] = amount
    if commitment:
        body["commitment"] = commitment
    if errors:
        return None, errors
    try:
        return msgspec.convert(body, ApplicationIn), errors
    except msgspec.ValidationError as exc:
        errors[_field_of(str(exc))] = str(exc).split(" - at ")[0]
        return None, errors
    except InvalidInput as exc:  # the text policy, applied as the struct is built
        errors[exc.field.split("[")[0].split(".")[0]] = exc.message
        return None, errors


def _field_of(message: str) -> str:
    """`Expected ... - at `$.interests[0]`` names the field `interests`."""
    if "$." not in message:
        return "role"
    return message.split("$.", 1)[1].split("`")[0].split("[")[0].split(".")[0]


def survey_answers(questions: list[QuestionOut], values: Values) -> tuple[dict[str, Any], Errors]:
    """Answers keyed by question id, typed as the survey wants them (a rating a whole
    number, yes or no a boolean); every required question left out is named at once.
    Field names are the service's (`answers.<question>`)."""
    answers: dict[str, Any] = {}
    errors: Errors = {}
    for question in questions:
        field = f"answers.{question.id}"
        text = str(values.get(field, ""))
        if not text:
            if question.required:
                errors[field] = "Answer this question"
            continue
        if question.kind == "rating":
            try:
                answers[question.id] = int(text)
            except ValueError:
                errors[field] = "Choose a number from 1 to 5"
        elif question.kind == "yes_no":
            if text not in ("yes", "no"):
                errors[field] = "Choose yes or no"
            answers[question.id] = text == "yes"
        else:
            answers[question.id] = text
    return answers, errors
