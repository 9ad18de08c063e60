"""What the mentoring routes accept and answer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

from tenants import text
from tenants.text import Input

Mode = Literal["mentor-mentee", "peer"]
ApplicantRole = Literal["mentor", "mentee", "peer"]
Preference = Literal["interest", "career_stage", "open"]
#: The partner an applicant wants: a similar or a different sector and career stage.
PartnerBackground = Literal["similar", "different", "either"]
FeeState = Literal["not_due", "due", "charged", "waived", "refunded"]

Name = Annotated[str, text.kind(text.NAME, min_length=1, max_length=200)]
PolicyRefName = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Interest = Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
Reason = Annotated[str, text.kind(text.PARAGRAPH, min_length=1, max_length=2000)]
Note = Annotated[str, text.kind(text.PARAGRAPH, max_length=2000)]


class SchemeCreate(Input, kw_only=True):
    """A scheme of the tenant under one policy: a stored tenant policy (`policy`) or a
    preset (`preset`). `interests` is the vocabulary applicants choose from."""

    name: Name
    mode: Mode
    policy: PolicyRefName | None = None
    preset: PolicyRefName | None = None
    interests: Annotated[list[Interest], msgspec.Meta(min_length=1, max_length=200)]
    weights_preset: PolicyRefName | None = None


class SchemeEdit(Input, kw_only=True):
    """A correction of a scheme while no application to it is stored: only the fields
    given change. Its mode and policy change only while it has no intake (the intakes'
    dates come from the policy)."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    mode: Mode | msgspec.UnsetType = msgspec.UNSET
    policy: PolicyRefName | msgspec.UnsetType = msgspec.UNSET
    preset: PolicyRefName | msgspec.UnsetType = msgspec.UNSET
    interests: (
        Annotated[list[Interest], msgspec.Meta(min_length=1, max_length=200)] | msgspec.UnsetType
    ) = msgspec.UNSET
    weights_preset: PolicyRefName | msgspec.UnsetType = msgspec.UNSET


class SchemeOut(msgspec.Struct, kw_only=True):
    id: UUID
    name: str
    mode: str
    policy_source: str
    policy_name: str
    weights_preset: str
    interests: list[str]
    created_at: datetime


class IntakeCreate(Input, kw_only=True):
    """An intake (round) starting on `starts_on`; every other date is set up from the
    scheme's policy. Dates the policy leaves open may be given; dates it fixes may not."""

    name: Name
    starts_on: date
    applications_open: date | None = None
    members_only_until: date | None = None
    applications_close: date | None = None
    midway_review_on: date | None = None
    ends_on: date | None = None
    planned_places: Annotated[int, msgspec.Meta(ge=2, le=100_000)] | None = None


class IntakeEdit(Input, kw_only=True):
    """A correction of an intake while no application to it is stored: only the fields
    given change. Its dates (the window among them) move only before applications open;
    they are planned again from the scheme's policy as on creation, so a date the
    policy fixes follows the start, and moving the start re-plans the dates not given."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    starts_on: date | msgspec.UnsetType = msgspec.UNSET
    applications_open: date | msgspec.UnsetType = msgspec.UNSET
    members_only_until: date | msgspec.UnsetType = msgspec.UNSET
    applications_close: date | msgspec.UnsetType = msgspec.UNSET
    midway_review_on: date | msgspec.UnsetType = msgspec.UNSET
    ends_on: date | msgspec.UnsetType = msgspec.UNSET
    planned_places: Annotated[int, msgspec.Meta(ge=2, le=100_000)] | msgspec.UnsetType | None = (
        msgspec.UNSET
    )


class IntakeOut(msgspec.Struct, kw_only=True):
    id: UUID
    scheme_id: UUID
    name: str
    mode: str
    applications_open: date
    members_only_until: date | None
    applications_close: date
    starts_on: date
    midway_review_on: date
    ends_on: date
    evaluation_due_on: date
    planned_places: int | None
    created_at: datetime


class ApplicationIn(Input, kw_only=True):
    """An application to an intake, with what matching needs and what the policy reads.

    `membership`, `experience`, `declarations`, `commitment` and `joining` are as in
    the policy subject (`accord policies schema`). `person_id` lets a coordinator
    enter a paper application for a member; members apply for themselves.
    `pair_with` (AASW) formalises an existing informal relationship: both apply naming
    each other and are pinned together in matching. `languages` are ISO 639 codes or
    names ("English", "en" and "eng" are all stored as `en`). `partner_background`:
    whether the applicant wants a partner from a similar or a different sector and
    career stage, or either (peers: both partners' wishes count)."""

    role: ApplicantRole
    interests: Annotated[list[Interest], msgspec.Meta(max_length=50)] = []
    sector: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    career_stage: Annotated[int, msgspec.Meta(ge=1, le=5)]
    years: Annotated[int, msgspec.Meta(ge=0, le=80)]
    country: Annotated[str, msgspec.Meta(min_length=2, max_length=3)]
    languages: Annotated[
        list[Annotated[str, msgspec.Meta(min_length=2, max_length=35)]],
        msgspec.Meta(min_length=1, max_length=20),
    ]
    utc_offset: Annotated[float, msgspec.Meta(ge=-12, le=14)]
    preference: Preference = "open"
    partner_background: PartnerBackground = "either"
    capacity: Annotated[int, msgspec.Meta(ge=1, le=50)] = 1
    avoid: Annotated[list[UUID], msgspec.Meta(max_length=100)] = []
    pair_with: UUID | None = None
    person_id: UUID | None = None
    membership: dict[str, Any] | None = None
    joining: bool = False
    experience: dict[str, float] = {}
    declarations: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=80)]], msgspec.Meta(max_length=50)
    ] = []
    commitment: dict[str, float] | None = None


class FeeOut(msgspec.Struct, kw_only=True):
    state: str
    amount: float
    currency: str
    due_from: date | None
    due_by: date | None
    changed_at: datetime | None
    note: str


class ApplicationOut(msgspec.Struct, kw_only=True):
    id: UUID
    intake_id: UUID
    person_id: UUID
    role: str
    status: str
    outcome: str
    reasons: list[str]
    decision: dict[str, Any]
    interests: list[str]
    sector: str
    career_stage: int
    years: int
    country: str
    languages: list[str]
    utc_offset: float
    preference: str
    partner_background: str
    capacity: int
    avoid: list[UUID]
    pair_with: UUID | None
    rematch: bool
    waitlist_reason: str | None
    fee: FeeOut
    created_at: datetime
    #: Partnerships the application holds that have not ended (withdrawn or terminated).
    partnerships: int = 0
    #: Places the next run may still fill: a mentor's capacity less what she holds.
    free_places: int = 0


class PairOut(msgspec.Struct, kw_only=True):
    """A proposed pair: in a mentor-mentee intake `a` is the mentee and `b` the mentor."""

    a: UUID
    b: UUID
    score: float
    breakdown: dict[str, float]
    pinned: bool


class UnmatchedOut(msgspec.Struct, kw_only=True):
    application: UUID
    reason: str


class MatchRunOut(msgspec.Struct, kw_only=True):
    id: UUID
    intake_id: UUID
    status: str
    pairs: list[PairOut]
    unmatched: list[UnmatchedOut]
    pins: list[list[UUID]]
    total_score: float
    created_at: datetime
    published_at: datetime | None


class PinIn(Input, kw_only=True):
    """Fix two applications together (mentee and mentor, or two peers); the run is
    computed again around the pin."""

    a: UUID
    b: UUID


class SwapIn(Input, kw_only=True):
    """Exchange the partners of two applications of the same role (two mentees swap
    mentors); both new pairs are pinned and the run is computed again."""

    first: UUID
    second: UUID


class PartnershipOut(msgspec.Struct, kw_only=True):
    """In a mentor-mentee intake `a` is the mentor and `b` the mentee; peers otherwise."""

    id: UUID
    intake_id: UUID
    run_id: UUID | None
    application_a: UUID
    application_b: UUID
    person_a: UUID
    person_b: UUID
    role_a: str
    role_b: str
    state: str
    score: float
    breakdown: dict[str, float]
    pinned: bool
    accepted_a_at: datetime | None
    accepted_b_at: datetime | None
    accepted_at: datetime | None
    activated_at: datetime | None
    midway_review_at: datetime | None
    completed_at: datetime | None
    evaluated_at: datetime | None
    ended_at: datetime | None
    ended_by: UUID | None
    end_reason: str
    created_at: datetime
    #: The actual period, in the association's calendar: the first day active and the
    #: day it completed; `completed_early` when a coordinator completed it before the
    #: intake's end, for `completion_reason`.
    active_from: date | None = None
    completed_on: date | None = None
    completed_early: bool = False
    completion_reason: str = ""
    #: Who the two parties are, so each can find the other.
    name_a: str = ""
    email_a: str = ""
    name_b: str = ""
    email_b: str = ""


class ReasonIn(Input, kw_only=True):
    reason: Reason


class CompleteIn(Input, kw_only=True):
    """Why a coordinator completes a partnership before the intake's end (required
    then; not needed from the end date on)."""

    reason: Note = ""


class TerminateIn(Input, kw_only=True):
    """A code-of-conduct breach. `in_breach`: the person who breached it, when one did;
    the other party goes on the rematch list."""

    reason: Reason
    in_breach: UUID | None = None


class RefundIn(Input, kw_only=True):
    """Pay back a charged fee; the reason is kept on the fee and in the audit record."""

    reason: Reason


class PinChoice(msgspec.Struct, kw_only=True):
    """An application that can be pinned in a draft, named for the coordinator."""

    application: UUID
    name: str
    role: str
    country: str


class PinChoices(msgspec.Struct, kw_only=True):
    """Who can be pinned in a draft: `first` mentees (or peers), `second` mentors with a
    place left (or peers). A pair of them may still be refused (asked not to be
    matched, parted, same country); the refusal names them."""

    first: list[PinChoice]
    second: list[PinChoice]


class FeeIn(Input, kw_only=True):
    state: Literal["charged", "waived"]
    note: Note = ""


class ChargeResult(msgspec.Struct, kw_only=True):
    charged: list[UUID]
    as_of: date
