"""What the motion routes accept and answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from tenants import text
from tenants.text import Input

MotionStatus = Literal["open", "carried", "lost"]
ChoiceIn = Literal["for", "against", "abstain"]
STATUSES: tuple[str, ...] = ("open", "carried", "lost")


class VoteIn(Input):
    """The caller's vote; casting again before the motion closes changes it."""

    choice: ChoiceIn


class RecusalIn(Input):
    """A declared conflict of interest: the director is recused (not abstaining)."""

    conflict: Annotated[str, text.kind(text.PARAGRAPH, min_length=1, max_length=2000)]


class TallyOut(msgspec.Struct, kw_only=True):
    board_size: int
    votes_for: int
    votes_against: int
    abstained: int
    recused: int
    not_voted: int
    present: int
    """Directors who voted or recused (as the policy's BoardVote counts them)."""
    quorum_present: int
    """Those of them who count towards the quorum: the votes, not the recused."""
    quorum_needed: int
    quorate: bool


class MotionSummary(msgspec.Struct, kw_only=True):
    """A motion without its roll: what other rooms and lists need."""

    id: UUID
    subject_kind: str
    subject_id: UUID
    title: str
    status: MotionStatus
    carried: bool | None
    """None while open."""
    opened_by: UUID | None
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    quorum_fraction: float
    majority: str
    policy_name: str | None
    policy_version: int | None
    tally: TallyOut
    decision_sha256: str | None
    audit_seq: int | None


class BallotOut(msgspec.Struct, kw_only=True):
    person_id: UUID
    name: str
    choice: str | None
    voted_at: datetime | None
    recused: bool
    conflict: str
    recused_at: datetime | None


class MotionOut(MotionSummary, kw_only=True):
    papers: str
    ballots: list[BallotOut]
    outcome_reason: str | None


class MotionPage(msgspec.Struct):
    items: list[MotionSummary]
    limit: int
    offset: int
    next_offset: int | None


class DecisionOut(msgspec.Struct, kw_only=True):
    """The signed decision record exactly as signed (canonical JSON text), its sha256
    (the audit event names it), the Ed25519 signature (hex) and the key that made it."""

    motion_id: UUID
    record: str
    sha256: str
    signature: str
    key_id: str
    public_key: str
    audit_seq: int
    verified: bool
