"""What the relationships routes accept and answer (msgspec structs).

Inputs forbid unknown fields and bound every string, so a bad body is a 400 naming
the field before the service sees it; what msgspec cannot express (ISO countries and
languages, dates of birth, SDG numbers) the service checks and names the field too.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

from policies.subjects import Ground
from tenants import text
from tenants.text import Input

PartnerKind = Literal[
    "library_association",
    "professional_association",
    "library",
    "university",
    "school",
    "ngo",
    "government_body",
    "international_organisation",
    "company",
    "other",
]
RequestKind = Literal["in_kind_support", "bilateral_mou", "multi_party_mou"]
Assistance = Literal[
    "administrative_resources",
    "volunteer_network",
    "advocacy",
    "lis_education",
    "ip_and_collateral",
]
RaisedAs = Literal["member", "coordinator", "partner"]
RequestState = Literal[
    "draft",
    "submitted",
    "screening",
    "due_diligence",
    "referred",
    "approved",
    "rejected",
    "withdrawn",
    "ended",
]
CaseStatus = Literal["open", "false_positive", "confirmed", "delisted"]
ClearanceStatus = Literal["clear", "held", "blocked", "not_cleared", "not_screened"]

Name = Annotated[str, text.kind(text.NAME, min_length=1, max_length=300)]
Label = Annotated[str, msgspec.Meta(max_length=200)]
ShortText = Annotated[str, msgspec.Meta(max_length=300)]
LongText = Annotated[str, text.kind(text.PARAGRAPH, max_length=20_000)]
Url = Annotated[str, msgspec.Meta(max_length=500)]
Code = Annotated[str, msgspec.Meta(min_length=2, max_length=3)]
Sha256 = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-fA-F]{64}$")]
BirthDate = Annotated[str, msgspec.Meta(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]
Sdg = Annotated[int, msgspec.Meta(ge=1, le=17)]
Hours = Annotated[float, msgspec.Meta(ge=0, le=744)]


class _In(Input, kw_only=True):
    pass


# --- partners ---------------------------------------------------------------------------


class OtherName(_In):
    """A name of the organisation or person in another script or language."""

    name: Name
    script: Annotated[str, msgspec.Meta(pattern=r"^[A-Z][a-z]{3}$")] | None = None
    """ISO 15924 code, e.g. "Cyrl", "Arab", "Hans"."""
    language: Code | None = None
    """ISO 639 code, e.g. "ru", "fj", "tpi"."""


class OfficerIn(_In):
    """A named person who runs the organisation."""

    name: Name
    role: Label = ""
    other_names: list[OtherName] = []
    date_of_birth: BirthDate | None = None
    """Where known: YYYY-MM-DD, YYYY-MM or YYYY."""
    nationality: Code | None = None
    since: date | None = None


class OfficerPatch(_In):
    """Changes to an officer; `left_on` records that they no longer hold the role."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    role: Label | msgspec.UnsetType = msgspec.UNSET
    other_names: list[OtherName] | msgspec.UnsetType = msgspec.UNSET
    date_of_birth: BirthDate | msgspec.UnsetType | None = msgspec.UNSET
    nationality: Code | msgspec.UnsetType | None = msgspec.UNSET
    since: date | msgspec.UnsetType | None = msgspec.UNSET
    left_on: date | msgspec.UnsetType | None = msgspec.UNSET


class PartnerIn(_In):
    """A new partner organisation, with its officers."""

    name: Name
    country: Code
    kind: PartnerKind
    other_names: list[OtherName] = []
    website: Url = ""
    languages: list[Code] = []
    notes: LongText = ""
    officers: list[OfficerIn] = []


class PartnerPatch(_In):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    country: Code | msgspec.UnsetType = msgspec.UNSET
    kind: PartnerKind | msgspec.UnsetType = msgspec.UNSET
    other_names: list[OtherName] | msgspec.UnsetType = msgspec.UNSET
    website: Url | msgspec.UnsetType = msgspec.UNSET
    languages: list[Code] | msgspec.UnsetType = msgspec.UNSET
    notes: LongText | msgspec.UnsetType = msgspec.UNSET


class AttachmentIn(_In):
    """A document about the partner, by reference: its sha256, never the file."""

    title: Name
    sha256: Sha256
    media_type: Annotated[str, msgspec.Meta(max_length=100)] = ""


class OtherNameOut(msgspec.Struct, kw_only=True, omit_defaults=True):
    name: str
    script: str | None = None
    language: str | None = None


class OfficerOut(msgspec.Struct, kw_only=True):
    id: UUID
    partner_id: UUID
    name: str
    role: str
    other_names: list[OtherNameOut]
    date_of_birth: str | None
    nationality: str | None
    since: date | None
    left_on: date | None


class AttachmentOut(msgspec.Struct, kw_only=True):
    id: UUID
    title: str
    sha256: str
    media_type: str
    added_by: UUID | None
    added_at: datetime


class PartnerOut(msgspec.Struct, kw_only=True):
    id: UUID
    name: str
    other_names: list[OtherNameOut]
    country: str
    country_name: str
    kind: str
    website: str
    languages: list[str]
    notes: str
    officers: list[OfficerOut]
    attachments: list[AttachmentOut]
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime


class PartnerSummary(msgspec.Struct, kw_only=True):
    id: UUID
    name: str
    country: str
    country_name: str
    kind: str


class PartnerPage(msgspec.Struct, kw_only=True):
    items: list[PartnerSummary]
    limit: int
    offset: int
    next_offset: int | None


# --- requests ---------------------------------------------------------------------------


class PersonnelIn(_In):
    """A staff member or member who would work on the relationship."""

    name: Name
    kind: Literal["staff", "member"]
    person_id: UUID | None = None
    availability: Label = ""
    """In words, e.g. "two days a month until June"."""
    hours_per_month: Hours | None = None


class RequestIn(_In):
    """A request for a relationship with a partner; it starts as a draft."""

    partner_id: UUID
    kind: RequestKind
    title: Name
    raised_as: RaisedAs = "member"
    on_behalf_of: ShortText = ""
    """When raised on the partner's behalf: who at the partner asked."""
    assistance: list[Assistance] = []
    shared_interests: LongText = ""
    expected_outcomes: LongText = ""
    mutual_benefits: LongText = ""
    sdgs: list[Sdg] = []
    personnel: list[PersonnelIn] = []


class RequestPatch(_In):
    """Changes to a draft request."""

    kind: RequestKind | msgspec.UnsetType = msgspec.UNSET
    title: Name | msgspec.UnsetType = msgspec.UNSET
    on_behalf_of: ShortText | msgspec.UnsetType = msgspec.UNSET
    assistance: list[Assistance] | msgspec.UnsetType = msgspec.UNSET
    shared_interests: LongText | msgspec.UnsetType = msgspec.UNSET
    expected_outcomes: LongText | msgspec.UnsetType = msgspec.UNSET
    mutual_benefits: LongText | msgspec.UnsetType = msgspec.UNSET
    sdgs: list[Sdg] | msgspec.UnsetType = msgspec.UNSET
    personnel: list[PersonnelIn] | msgspec.UnsetType = msgspec.UNSET


class ReasonIn(_In):
    reason: Annotated[str, text.kind(text.PARAGRAPH, min_length=1, max_length=5000)]


class ReferIn(_In):
    """Refer to the board: the motion closes at `closes_at` (default: in 14 days)."""

    closes_at: datetime | None = None
    papers: LongText = ""
    """Anything the executive adds to the board papers."""


class Personnel(msgspec.Struct, kw_only=True, omit_defaults=True):
    name: str
    kind: str
    person_id: UUID | None = None
    availability: str = ""
    hours_per_month: float | None = None


class Priority(msgspec.Struct, kw_only=True):
    score: float | None
    reasons: list[str]


class Clearance(msgspec.Struct, kw_only=True):
    """Whether sanctions screening lets the request go on: `clear`, `held` by an open
    case, `blocked` by a confirmed hit, `not_cleared` (a required list was not
    checked: fail closed) or `not_screened` (a draft)."""

    status: ClearanceStatus
    reason: str | None
    as_of: date | None = None
    """The day it was given, in the association's calendar (`registry.clearance`)."""


class DueDiligence(msgspec.Struct, kw_only=True):
    """`complete` once nothing the policy asks for is missing and no case is open;
    `missing` says what is, in the policy's words."""

    complete: bool
    missing: list[str]


class PolicyUsed(msgspec.Struct, kw_only=True):
    name: str
    version: int
    label: str
    sha256: str


# --- attestations -----------------------------------------------------------------------


class _Evidence(_In):
    evidence: LongText = ""
    """What the finding rests on, in words."""
    evidence_sha256: Sha256 | None = None
    """The hash of a document that supports it."""


class NonDiscriminationIn(_Evidence, tag="non_discrimination", tag_field="kind", kw_only=True):
    grounds: list[Ground]
    discriminates_on: list[Ground] = []
    attested_on: date | None = None


class ReputationIn(_Evidence, tag="reputation", tag_field="kind", kw_only=True):
    result: Literal["satisfactory", "concerns", "unsatisfactory"]
    assessed_on: date
    notes: LongText = ""


class PersonnelAvailabilityIn(_Evidence, tag="personnel", tag_field="kind", kw_only=True):
    """Confirms how many staff and members are available to work on it."""

    staff: Annotated[int, msgspec.Meta(ge=0, le=10_000)]
    members: Annotated[int, msgspec.Meta(ge=0, le=10_000)]


class CountryRiskIn(_Evidence, tag="country_risk", tag_field="kind", kw_only=True):
    """Due diligence's finding about the partner's country."""

    emerging_from_conflict: bool = False
    non_democratic: bool = False


class GovernanceJustificationIn(
    _Evidence, tag="governance_justification", tag_field="kind", kw_only=True
):
    """The written case for a relationship in a country at governance risk."""

    text: Annotated[str, text.kind(text.PARAGRAPH, min_length=1, max_length=20_000)]
    strengthens_civil_society: bool = False
    fosters_social_development: bool = False
    advances_sdgs: bool = False
    rejected: bool = False
    """The coordinator rejects the justification: an adverse finding, standing until
    reversed."""


AttestationIn = (
    NonDiscriminationIn
    | ReputationIn
    | PersonnelAvailabilityIn
    | CountryRiskIn
    | GovernanceJustificationIn
)
ATTESTATION_KINDS = (
    "non_discrimination",
    "reputation",
    "personnel",
    "country_risk",
    "governance_justification",
)


class ReversalIn(_In):
    """A coordinator reverses an adverse finding, naming it: why, and on what evidence."""

    reverses: UUID
    """The id of the finding (attestation) reversed."""
    reason: Annotated[str, text.kind(text.PARAGRAPH, min_length=1, max_length=5000)]
    evidence: Annotated[str, text.kind(text.PARAGRAPH, min_length=1, max_length=20_000)]
    evidence_sha256: Sha256 | None = None


FindingStatus = Literal["in_force", "superseded", "outweighed", "reversed", "reversal"]


class AttestationOut(msgspec.Struct, kw_only=True):
    id: UUID
    kind: str
    """A finding's kind, or `reversal` (a reversal of the finding named in `reverses`)."""
    details: dict[str, Any]
    evidence: str
    evidence_sha256: str | None
    attested_by: UUID | None
    attested_at: datetime
    status: FindingStatus
    """`in_force`; `superseded` by a newer finding of its kind; `outweighed`: a clean
    finding that does not lift an adverse one still standing; `reversed`; `reversal`."""
    adverse: str | None
    """Why the finding is adverse (it stands until reversed), or None."""
    reverses: UUID | None = None
    reversed_by: UUID | None = None


# --- screening cases --------------------------------------------------------------------


class AdjudicationIn(_In):
    """A coordinator's finding on a case: a false positive (say why) or confirmed."""

    outcome: Literal["false_positive", "confirmed"]
    reason: Annotated[str, text.kind(text.PARAGRAPH, max_length=5000)] = ""


class CaseOut(msgspec.Struct, kw_only=True):
    id: UUID
    status: CaseStatus
    partner_id: UUID
    officer_id: UUID | None
    request_id: UUID | None
    subject_name: str
    subject_kind: Literal["organisation", "officer", "signatory"]
    list: str
    list_version: str
    entity_ref: str
    entity_name: str
    matched_name: str
    score: float
    decision: str
    hit: dict[str, Any]
    """The screening hit in full: each feature's contribution and why."""
    reason: str
    adjudicated_by: UUID | None
    adjudicated_at: datetime | None
    disappeared_in: str | None
    """The list version from which the listed entry no longer matched, if it went."""
    disappeared_at: datetime | None
    opened_at: datetime


class CasePage(msgspec.Struct, kw_only=True):
    items: list[CaseOut]
    limit: int
    offset: int
    next_offset: int | None


class ScreeningResultOut(msgspec.Struct, kw_only=True):
    run_id: UUID
    trigger: str
    partner_id: UUID
    officer_id: UUID | None
    subject_name: str
    status: str
    hits: list[dict[str, Any]]
    disappeared: list[dict[str, Any]]
    list_versions: list[str]
    created_at: datetime


class RelationshipReviewIn(_In):
    """The review's findings: does the relationship still benefit members, and the
    decision. A relationship that no longer benefits members cannot simply continue:
    `modify` (say what changes), `end`, or `board` (a motion decides)."""

    benefits_members: bool
    decision: Literal["continue", "modify", "end", "board"]
    findings: LongText = ""
    changes: LongText = ""
    """For `modify`: what changes in the relationship."""
    closes_at: datetime | None = None
    """For `board`: when the motion closes (default: in 14 days)."""


class RelationshipReviewOut(msgspec.Struct, kw_only=True):
    id: UUID
    request_id: UUID
    due_on: date
    opened_at: datetime
    benefits_members: bool | None
    findings: str
    decision: str | None
    changes: str
    motion_id: UUID | None
    outcome: str
    """What came of it (for `board`, once the motion is decided)."""
    decided_by: UUID | None
    decided_at: datetime | None


class RequestOut(msgspec.Struct, kw_only=True):
    id: UUID
    state: RequestState
    partner: PartnerSummary
    kind: str
    title: str
    raised_by: UUID | None
    raised_as: str
    on_behalf_of: str
    assistance: list[str]
    shared_interests: str
    expected_outcomes: str
    mutual_benefits: str
    sdgs: list[int]
    personnel: list[Personnel]
    priority: Priority
    clearance: Clearance
    due_diligence: DueDiligence
    decision: dict[str, Any] | None
    """The policy Decision last made about the request (reasons, policy sha256)."""
    policy: PolicyUsed | None
    attestations: list[AttestationOut]
    """Every finding and reversal, in the order recorded, each with its status."""
    cases: list[CaseOut]
    motion_id: UUID | None
    outcome_reason: str
    submitted_at: datetime | None
    decided_at: datetime | None
    next_review_due: date | None
    """For an approved relationship: when its next periodic review falls due."""
    reviews: list[RelationshipReviewOut]
    created_at: datetime
    updated_at: datetime


class RequestSummary(msgspec.Struct, kw_only=True):
    id: UUID
    state: RequestState
    title: str
    kind: str
    partner: PartnerSummary
    priority: Priority
    clearance_status: ClearanceStatus
    submitted_at: datetime | None
    updated_at: datetime


class RequestPage(msgspec.Struct, kw_only=True):
    items: list[RequestSummary]
    limit: int
    offset: int
    next_offset: int | None


class RescreenOut(msgspec.Struct, kw_only=True):
    """What a re-screening did: subjects screened, cases opened, hits gone."""

    partners: int
    subjects: int
    cases_opened: int
    hits_disappeared: int
    list_versions: list[str]
