"""What a policy evaluates: an applicant to a mentoring intake, or a partner organisation
proposed for an international relationship.

Subjects arrive as dicts (JSON from the web or a file). `parse_subject` turns one into a
typed struct or raises SubjectError naming the bad field; `subject_schema` gives the
JSON Schema, so anyone can write a subject by hand.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, TypeAlias

import msgspec

from policies.errors import SubjectError
from policies.regions import normalise_country

Role = Literal["mentor", "mentee", "peer"]
SubjectKind = Literal["applicant", "partner"]
SUBJECT_KINDS: tuple[SubjectKind, ...] = ("applicant", "partner")


class _Model(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    pass


# --- applicant -------------------------------------------------------------------------


class Membership(_Model):
    """The applicant's membership of the association, as its records show it."""

    membership_class: str = msgspec.field(name="class")
    """E.g. "Associate", "Library Technician", "Student", "Full"."""
    status: Literal[
        "current", "financial", "unfinancial", "lapsed", "pending", "cancelled", "resigned"
    ]
    type: Literal["personal", "institutional"] = "personal"
    number: str | None = None
    """The member number in the association's records."""
    since: date | None = None
    until: date | None = None
    """Paid up to (inclusive); absent for a membership that continues until cancelled."""


class Intake(_Model):
    """The intake (or round) applied for."""

    start: date
    end: date | None = None
    """When absent, derived from the policy's programme term."""
    name: str | None = None


class Commitment(_Model):
    """The time the applicant states they will give each month."""

    hours_per_month: float | None = None
    preparation_hours_per_month: float | None = None
    meetings_per_month: float | None = None


class Cohort(_Model):
    """Who is already accepted into the intake or round, by ISO country."""

    by_country: dict[str, int] = {}
    planned_size: int | None = None
    """Places planned for the round; when absent, the share is taken of those accepted."""


class Match(_Model):
    """The match made for the applicant, once made."""

    matched_on: date
    acceptance_signed_on: date | None = None
    """When the association received the signed Partnership Acceptance form."""


class Applicant(_Model, tag="applicant", tag_field="kind"):
    """A person applying to a mentoring intake or a peer-mentoring round."""

    role: Role
    intake: Intake
    applied_on: date | None = None
    """Defaults to the evaluation's as-of date."""
    membership: Membership | None = None
    """Absent for a non-member."""
    joining: bool = False
    """A non-member who is taking out membership with the application."""
    membership_source: Literal["declared", "register"] | None = None
    """Where `membership` comes from: "register" when the association's member register
    supplied it (no membership then means the register has no record of the applicant),
    "declared" when it is what the applicant stated. Decisions say which."""
    experience: dict[str, float] = {}
    """Years of experience by field, e.g. {"lis": 4, "social-work-practice": 6}."""
    country: str | None = None
    """ISO 3166-1 code of the country the applicant works in."""
    partner_country: str | None = None
    """For a proposed match: the partner's ISO country."""
    mentees_requested: int | None = None
    """For a mentor: how many mentees they offer to take this intake."""
    commitment: Commitment | None = None
    declarations: list[str] = []
    """What the applicant has agreed or attached, e.g. "code-of-conduct", "resume"."""
    cohort: Cohort | None = None
    match: Match | None = None
    cpd_hours: float | None = None
    """Hours logged in the programme so far."""
    evaluation_submitted_on: date | None = None


# --- partner organisation ---------------------------------------------------------------


Ground = Literal[
    "race",
    "creed",
    "colour",
    "sexual orientation",
    "gender identity or expression",
    "age",
    "disabilities",
    "national origin",
]
NON_DISCRIMINATION_GROUNDS: tuple[Ground, ...] = (
    "race",
    "creed",
    "colour",
    "sexual orientation",
    "gender identity or expression",
    "age",
    "disabilities",
    "national origin",
)


class NonDiscrimination(_Model):
    """The organisation's attestation that it does not discriminate."""

    grounds: list[Ground] = []
    """The grounds the attestation covers."""
    discriminates_on: list[Ground] = []
    """Grounds on which due diligence found the organisation does discriminate."""
    attested_on: date | None = None


class Assessment(_Model):
    """The association's assessment of the organisation's reputation and ethical integrity."""

    result: Literal["satisfactory", "concerns", "unsatisfactory"]
    assessed_on: date
    assessed_by: str | None = None
    notes: str | None = None


class Personnel(_Model):
    """Staff and members committed to work with the organisation."""

    staff: int = 0
    members: int = 0


class CountryRisk(_Model):
    """Due-diligence findings about the partner's country."""

    emerging_from_conflict: bool = False
    non_democratic: bool = False
    """No robust form of democratic government."""


class Justification(_Model):
    """Written case for a relationship in a country at governance risk."""

    text: str
    strengthens_civil_society: bool = False
    fosters_social_development: bool = False
    advances_sdgs: bool = False


class ListChecked(_Model):
    list: str
    version: str | None = None


class Hit(_Model):
    list: str
    score: float
    name: str | None = None
    status: Literal["open", "confirmed", "dismissed"] = "open"


class Screening(_Model):
    """Summary of the sanctions screening of the organisation and its officers."""

    lists: list[ListChecked] = []
    hits: list[Hit] = []


class BoardVote(_Model):
    """The board's vote on the relationship."""

    board_size: int
    present: int
    votes_for: int
    votes_against: int
    abstained: int = 0
    recused: int = 0
    """Directors present who declared a conflict and did not vote."""
    decided_on: date | None = None


RequestType = Literal["support", "mou", "bilateral", "multi-party", "exchange"]


class Partner(_Model, tag="partner", tag_field="kind"):
    """An overseas library association or organisation proposed as a partner."""

    name: str
    country: str
    request: RequestType = "support"
    received_by: str | None = None
    """Who received the initial request, e.g. "executive"."""
    non_discrimination: NonDiscrimination | None = None
    reputation: Assessment | None = None
    personnel: Personnel | None = None
    country_risk: CountryRisk | None = None
    justification: Justification | None = None
    screening: Screening | None = None
    board: BoardVote | None = None


Subject: TypeAlias = Applicant | Partner
_TYPES: dict[str, type[Applicant] | type[Partner]] = {"applicant": Applicant, "partner": Partner}


def subject_schema(kind: str | None = None) -> dict[str, Any]:
    """JSON Schema of one subject kind, or of either when `kind` is None."""
    if kind is None:
        return msgspec.json.schema(Applicant | Partner)
    if kind not in _TYPES:
        raise SubjectError("kind", f"unknown subject kind '{kind}'; one of {list(_TYPES)}")
    return msgspec.json.schema(_TYPES[kind])


def parse_subject(data: Any, kind: str | None = None) -> Subject:
    """A typed subject from a dict; the `kind` key, or the `kind` argument, says which.

    Raises SubjectError naming the offending field.
    """
    if isinstance(data, Applicant | Partner):
        subject: Subject = data
    else:
        if not isinstance(data, dict):
            raise SubjectError("", f"a subject is a JSON object, not {type(data).__name__}")
        data = dict(data)
        given = data.get("kind")
        if given is None and kind is not None:
            data["kind"] = kind
        elif given is None:
            raise SubjectError("kind", f"missing; say which subject this is: {list(_TYPES)}")
        elif not isinstance(given, str) or given not in _TYPES:
            raise SubjectError("kind", f"unknown subject kind {given!r}; one of {list(_TYPES)}")
        _check_number_maps(data)
        try:
            subject = msgspec.convert(data, Applicant | Partner, strict=False)
        except msgspec.ValidationError as exc:
            field, message = _split_validation_error(str(exc))
            raise SubjectError(field, message) from None
    if kind is not None and _kind_of(subject) != kind:
        raise SubjectError("kind", f"this policy evaluates {kind}s, not {_kind_of(subject)}s")
    _check_consistency(subject)
    return _normalise_countries(subject)


def _check_number_maps(data: dict[str, Any]) -> None:
    """Name the key of a bad value in a map of numbers (msgspec only says `[...]`)."""
    maps: list[tuple[str, Any]] = [("experience", data.get("experience"))]
    cohort = data.get("cohort")
    if isinstance(cohort, dict):
        maps.append(("cohort.by_country", cohort.get("by_country")))
    for name, values in maps:
        if not isinstance(values, dict):
            continue
        for key, value in values.items():
            number = value
            if isinstance(value, str):
                try:
                    number = float(value)
                except ValueError:
                    number = None
            if isinstance(number, bool) or not isinstance(number, int | float):
                raise SubjectError(f"{name}.{key}", f"expected a number, got {value!r}")


def _check_consistency(subject: Subject) -> None:
    """Contradictions within a subject that its types alone allow."""
    for field, day in _dates(subject):
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise SubjectError(field, f"a date between {MIN_YEAR} and {MAX_YEAR} is expected")
    if isinstance(subject, Applicant):
        if subject.intake.end is not None and subject.intake.end < subject.intake.start:
            raise SubjectError("intake.end", "the intake ends before it starts")
        membership = subject.membership
        if (membership and membership.since and membership.until
                and membership.until < membership.since):
            raise SubjectError("membership.until", "the membership ends before it starts")
        for name, years in subject.experience.items():
            if years < 0:
                raise SubjectError(f"experience.{name}", "years of experience cannot be negative")
        if subject.mentees_requested is not None and subject.mentees_requested < 0:
            raise SubjectError("mentees_requested", "cannot be negative")
        return
    vote = subject.board
    if vote is not None:
        if min(vote.board_size, vote.present, vote.votes_for, vote.votes_against,
               vote.abstained, vote.recused) < 0:
            raise SubjectError("board", "vote counts cannot be negative")
        if vote.present > vote.board_size:
            raise SubjectError("board.present", "more directors present than the board has")
        if vote.recused > vote.present:
            raise SubjectError("board.recused", "more directors recused than were present")
        if vote.votes_for + vote.votes_against + vote.abstained > vote.present - vote.recused:
            raise SubjectError("board", "more votes than directors present and not recused")
    if subject.screening is not None:
        for index, hit in enumerate(subject.screening.hits):
            if not 0 <= hit.score <= 1:
                raise SubjectError(f"screening.hits[{index}].score", "a score is between 0 and 1")


MIN_YEAR, MAX_YEAR = 1900, 2999


def _dates(subject: Subject) -> list[tuple[str, date]]:
    """(field, date) for every date in the subject that rules do arithmetic with."""
    found: list[tuple[str, date | None]] = []
    if isinstance(subject, Applicant):
        found += [("intake.start", subject.intake.start), ("intake.end", subject.intake.end),
                  ("applied_on", subject.applied_on),
                  ("evaluation_submitted_on", subject.evaluation_submitted_on)]
        if subject.membership is not None:
            found += [("membership.since", subject.membership.since),
                      ("membership.until", subject.membership.until)]
        if subject.match is not None:
            found += [("match.matched_on", subject.match.matched_on),
                      ("match.acceptance_signed_on", subject.match.acceptance_signed_on)]
    else:
        if subject.board is not None:
            found.append(("board.decided_on", subject.board.decided_on))
        if subject.reputation is not None:
            found.append(("reputation.assessed_on", subject.reputation.assessed_on))
    return [(field, day) for field, day in found if day is not None]


def _kind_of(subject: Subject) -> str:
    return "applicant" if isinstance(subject, Applicant) else "partner"


def _normalise_countries(subject: Subject) -> Subject:
    try:
        if isinstance(subject, Partner):
            return msgspec.structs.replace(subject, country=_country("country", subject.country))
        changes: dict[str, Any] = {}
        for name in ("country", "partner_country"):
            value = getattr(subject, name)
            if value is not None:
                changes[name] = _country(name, value)
        if subject.cohort is not None:
            counts: dict[str, int] = {}
            for code, count in subject.cohort.by_country.items():
                alpha2 = _country(f"cohort.by_country.{code}", code)
                if count < 0:
                    raise SubjectError(f"cohort.by_country.{code}", "a count cannot be negative")
                counts[alpha2] = counts.get(alpha2, 0) + count
            changes["cohort"] = msgspec.structs.replace(subject.cohort, by_country=counts)
        return msgspec.structs.replace(subject, **changes) if changes else subject
    except ValueError as exc:
        if isinstance(exc, SubjectError):
            raise
        raise SubjectError("country", str(exc)) from None


def _country(field: str, code: str) -> str:
    try:
        return normalise_country(code)
    except ValueError as exc:
        raise SubjectError(field, str(exc)) from None


def _split_validation_error(text: str) -> tuple[str, str]:
    """msgspec's "Expected `int`, got `str` - at `$.a.b[0]`" as ("a.b[0]", "Expected ...")."""
    message, _, where = text.rpartition(" - at `")
    if not message:
        message, where = text, "$"
    if where.startswith("key` in `"):
        where = where.removeprefix("key` in `")
        message = f"key not allowed: {message}"
    path = where.rstrip("`").removeprefix("$").lstrip(".").replace("[...]", ".<value>")
    for prefix in ("Object missing required field `", "Object contains unknown field `"):
        if message.startswith(prefix):
            name = message[len(prefix) :].split("`", 1)[0]
            path = f"{path}.{name}" if path else name
            message = "required field is missing" if "missing" in prefix else "unknown field"
    return path, message
