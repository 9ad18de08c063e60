"""What the MOU routes accept and answer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from tenants import text
from tenants.text import Input

MouKind = Literal["bilateral", "multi_party"]
MouState = Literal[
    "draft", "approved", "signed", "active", "under_review", "renewed", "terminated", "expired"
]
Assistance = Literal[
    "administrative_resources",
    "volunteer_network",
    "advocacy",
    "lis_education",
    "ip_and_collateral",
]
Purpose = Literal["approval", "renewal", "termination"]
ReviewDecision = Literal["continue", "modify", "end"]

Title = Annotated[str, text.kind(text.NAME, min_length=1, max_length=300)]
Name = Annotated[str, text.kind(text.NAME, min_length=1, max_length=300)]
Position = Annotated[str, msgspec.Meta(max_length=200)]
LongText = Annotated[str, text.kind(text.PARAGRAPH, max_length=20_000)]
Sdg = Annotated[int, msgspec.Meta(ge=1, le=17)]
Interval = Annotated[int, msgspec.Meta(ge=1, le=120)]
Sha256 = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-fA-F]{64}$")]

#: The protocol's words: "Our relationship with other organisations does not imply
#: ALIA endorsement of their policies, services or products." (with the tenant's name)
NON_ENDORSEMENT = (
    "This relationship does not imply {association}'s endorsement of the policies, "
    "services or products of the other parties."
)


class MouIn(Input, kw_only=True):
    """A new MOU (a draft). `parties` are partner organisations: one for a bilateral
    MOU, two or more for a multi-party one. `request_id`, the relationship request it
    comes from, if any: it must be approved and clear before the MOU is approved or
    activated."""

    title: Title
    kind: MouKind = "bilateral"
    parties: Annotated[list[UUID], msgspec.Meta(min_length=1, max_length=50)]
    request_id: UUID | None = None
    working_relationships: LongText = ""
    shared_interests: LongText = ""
    common_understanding: LongText = ""
    assistance: Annotated[list[Assistance], msgspec.Meta(max_length=5)] = []
    sdgs: Annotated[list[Sdg], msgspec.Meta(max_length=17)] = []
    non_endorsement: LongText | None = None
    """The non-endorsement clause; the protocol's wording when omitted."""
    effective_date: date | None = None
    review_interval_months: Interval | None = None
    """The tenant's policy's review interval (else 12) when omitted."""
    expires_on: date | None = None


class MouPatch(Input, kw_only=True):
    """Changes to a draft MOU; fields left out stay as they are."""

    title: Title | None = None
    kind: MouKind | None = None
    parties: Annotated[list[UUID], msgspec.Meta(min_length=1, max_length=50)] | None = None
    working_relationships: LongText | None = None
    shared_interests: LongText | None = None
    common_understanding: LongText | None = None
    assistance: Annotated[list[Assistance], msgspec.Meta(max_length=5)] | None = None
    sdgs: Annotated[list[Sdg], msgspec.Meta(max_length=17)] | None = None
    non_endorsement: LongText | None = None
    effective_date: date | None = None
    review_interval_months: Interval | None = None
    expires_on: date | None = None


class TermsIn(Input, kw_only=True):
    """Terms a renewal changes (a review decided to modify the MOU); others stay."""

    working_relationships: LongText | None = None
    shared_interests: LongText | None = None
    common_understanding: LongText | None = None
    assistance: Annotated[list[Assistance], msgspec.Meta(max_length=5)] | None = None
    sdgs: Annotated[list[Sdg], msgspec.Meta(max_length=17)] | None = None
    non_endorsement: LongText | None = None
    review_interval_months: Interval | None = None


class MotionIn(Input, kw_only=True):
    """Put the MOU to the board: its approval, renewal (to `expires_on`, with any new
    `terms`) or termination."""

    purpose: Purpose
    closes_at: datetime
    papers: Annotated[str, text.kind(text.PARAGRAPH, max_length=100_000)] = ""
    expires_on: date | None = None
    """Renewal only: the new expiry date."""
    terms: TermsIn | None = None
    """Renewal only: the terms it changes, applied if the motion carries."""


class SignatoryIn(Input, kw_only=True):
    partner_id: UUID | None = None
    """The party signed for: a partner organisation, or the tenant itself when null."""
    name: Name
    position: Position = ""
    signed_on: date


class SigningIn(Input, kw_only=True):
    """The signed MOU: every party's signatories, and the sha256 of the signed document."""

    signatories: Annotated[list[SignatoryIn], msgspec.Meta(min_length=1, max_length=100)]
    document_sha256: Sha256


class ReviewDecisionIn(Input, kw_only=True):
    """The review's findings: does the relationship still benefit members, and the
    decision to continue it, modify it (a renewal with new terms) or end it."""

    benefits_members: bool
    decision: ReviewDecision
    findings: LongText = ""


class PartyClearanceOut(msgspec.Struct, kw_only=True):
    """A party's clearance (`registry.clearance`): `clear`, `held` (an open screening
    case), `blocked` (a confirmed hit or an adverse finding) or `not_cleared` (a
    required list not checked, or due diligence missing), why, and on which day."""

    status: str
    reasons: list[str]
    as_of: date


class PartyOut(msgspec.Struct, kw_only=True):
    partner_id: UUID
    name: str
    country: str
    clearance: PartyClearanceOut | None = None


class SignatoryOut(msgspec.Struct, kw_only=True):
    partner_id: UUID | None
    party: str
    name: str
    position: str
    signed_on: date


class MouOut(msgspec.Struct, kw_only=True):
    id: UUID
    reference: str
    title: str
    kind: str
    state: str
    request_id: UUID | None
    parties: list[PartyOut]
    working_relationships: str
    shared_interests: str
    common_understanding: str
    assistance: list[str]
    sdgs: list[int]
    non_endorsement: str
    effective_date: date | None
    review_interval_months: int
    expires_on: date | None
    next_review_due: date | None
    signatories: list[SignatoryOut]
    document_sha256: str | None
    approved_motion_id: UUID | None
    created_at: datetime
    updated_at: datetime


class MouPage(msgspec.Struct):
    items: list[MouOut]
    limit: int
    offset: int
    next_offset: int | None


class ReviewOut(msgspec.Struct, kw_only=True):
    id: UUID
    mou_id: UUID
    due_on: date
    opened_at: datetime
    benefits_members: bool | None
    findings: str
    decision: str | None
    decided_by: UUID | None
    decided_at: datetime | None
