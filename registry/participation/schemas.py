"""What the participation routes accept and answer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

from registry.participation.hours import MEETING_MAX_MINUTES
from tenants import text
from tenants.text import Input

MeetingMode = Literal["in_person", "video", "phone", "chat", "email", "other"]
MEETING_MODES: tuple[str, ...] = ("in_person", "video", "phone", "chat", "email", "other")
#: The longest meeting a form offers (the service refuses a longer one, saying why).
MINUTES_MAX = MEETING_MAX_MINUTES
NOTES_MAX = 20_000
REASON_MAX = 2_000

#: The longest meeting is checked by the service, which says why (hours.py).
Minutes = Annotated[int, msgspec.Meta(ge=1)]
Notes = Annotated[str, text.kind(text.PARAGRAPH, max_length=NOTES_MAX)]
Reason = Annotated[str, text.kind(text.PARAGRAPH, min_length=1, max_length=REASON_MAX)]


class MeetingIn(Input, kw_only=True):
    """A meeting held: the day, its length in minutes, how, and optional private notes
    (readable only by whoever logs them)."""

    held_on: date
    minutes: Minutes
    mode: MeetingMode
    notes: Notes | None = None


class NotesIn(Input):
    """The caller's private notes on a meeting; an empty text removes them."""

    notes: Notes


class MeetingOut(msgspec.Struct, kw_only=True):
    id: UUID
    partnership_id: UUID
    held_on: date
    minutes: int
    mode: str
    logged_by: UUID
    created_at: datetime
    #: The caller's own private notes (never anyone else's); null when none.
    my_notes: str | None = None


class HoursOut(msgspec.Struct, kw_only=True):
    """One participant's hours in one partnership, in their PD category."""

    person_id: UUID
    name: str
    role: str
    partnership_id: UUID
    scheme: str
    intake: str
    meetings: int
    minutes: int
    hours: float
    pd_scheme: str
    category: str | None
    recommended_min_hours: float | None
    minimum_met: bool | None
    hours_to_minimum: float | None


class QuestionOut(msgspec.Struct, kw_only=True):
    id: str
    text: str
    kind: str
    required: bool
    options: list[str]


class ResponseOut(msgspec.Struct, kw_only=True):
    person_id: UUID
    role: str
    answers: dict[str, Any]
    submitted_at: datetime
    late: bool


class SurveyOut(msgspec.Struct, kw_only=True):
    """A survey of a partnership. `id` is null until it opens (the daily job opens it
    on `opens_on`); `status` is the caller's own: answered, not_open, open, overdue.
    `responses`: the caller's own answers, or every party's for staff."""

    id: UUID | None
    partnership_id: UUID
    kind: str
    opens_on: date
    due_on: date
    status: str
    answered_by: list[UUID]
    questions: list[QuestionOut]
    responses: list[ResponseOut]


class ResponseIn(Input):
    """Answers keyed by question id (see the survey's `questions`)."""

    answers: dict[str, Any]


class FlagOut(msgspec.Struct, kw_only=True):
    id: UUID
    partnership_id: UUID
    kind: str
    quiet_since: date
    raised_on: date
    resolved_at: datetime | None
    resolution: str


class RunOut(msgspec.Struct, kw_only=True):
    """What one run of the daily job did (a second run the same day does nothing)."""

    tenant: str
    today: date
    flags_raised: int
    flags_resolved: int
    surveys_opened: int
    reminders_sent: int


class CertificateOut(msgspec.Struct, kw_only=True):
    id: UUID
    code: str
    partnership_id: UUID
    person_id: UUID
    person_name: str
    role: str
    scheme: str
    intake: str
    hours: str
    meetings: int
    cpd: str
    issued_at: datetime
    revoked_at: datetime | None
    revoked_reason: str
    verify_path: str
    #: The partnership's actual period and whether it completed early, as signed
    #: (null on a certificate signed before early completion was stated).
    starts_on: str = ""
    ends_on: str = ""
    completed_early: bool | None = None


class RevokeIn(Input):
    reason: Reason


class VerificationOut(msgspec.Struct, kw_only=True):
    """The public answer about a code: who, what, hours, when, and whether valid."""

    code: str
    valid: bool
    status: str  # valid | revoked | tampered
    detail: str
    association: str
    person_name: str
    role: str
    scheme: str
    intake: str
    starts_on: str
    ends_on: str
    hours: str
    meetings: int
    cpd: str
    issued_at: str
    revoked_at: datetime | None
    key_id: str
    public_key: str
    signature: str
    #: Whether it completed before the intake's end (null on an older certificate).
    completed_early: bool | None = None
