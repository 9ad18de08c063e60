"""Mentoring schemes, their intakes, the applications to them, match runs and the
partnerships they publish.

Every table carries the tenant, so `TenantScope` filters every query on it. Dates of
an intake are calendar days (the association's own calendar); moments (acceptances,
withdrawals) are UTC timestamps.

A partnership joins two applications of one intake: in a mentor-mentee intake
`application_a`/`person_a` is the mentor and `application_b`/`person_b` the mentee;
in a peer round both are peers. The `participation` room references
`mentoring_partnership` by foreign key.
"""

from piccolo.columns import (
    JSON,
    UUID,
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table

from tenants.tables import Person, Tenant


class MentoringScheme(Table, tablename="mentoring_scheme"):
    """A programme of the association: mentor-mentee or peer, under one policy.

    `policy_name` is a stored tenant policy (`policy_source = "tenant"`, read at its
    current version when a Decision is made) or a preset (`"preset"`)."""

    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    name = Varchar(length=200)
    mode = Varchar(length=16)  # mentor-mentee | peer
    policy_source = Varchar(length=8)  # tenant | preset
    policy_name = Varchar(length=100)
    #: The preset whose matching weights the scheme uses (`weights_for_scheme`).
    weights_preset = Varchar(length=100)
    #: Interests an applicant may name (the scheme's vocabulary), a JSON list of text.
    interests = JSON(default="[]")
    created_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


class MentoringIntake(Table, tablename="mentoring_intake"):
    """One intake (or round) of a scheme, with its dates; several may overlap."""

    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    scheme = ForeignKey(MentoringScheme, null=False, index=True)
    name = Varchar(length=200)
    applications_open = Date()
    #: Last day of the members-only period, when the scheme has one.
    members_only_until = Date(null=True, default=None)
    #: The closing day is still open.
    applications_close = Date()
    starts_on = Date()
    midway_review_on = Date()
    ends_on = Date()
    evaluation_due_on = Date()
    #: Planned places of the round (for a country cap); null when not planned.
    planned_places = Integer(null=True, default=None)
    created_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


class MentoringApplication(Table, tablename="mentoring_application"):
    """A person's application to an intake as mentor, mentee or peer, with what
    matching needs, and the policy's Decision on it.

    `status`: accepted (eligible), referred (the policy refers it to the coordinator,
    who may accept it), matched (in a published partnership), waitlisted (a published
    run left it unmatched), withdrawn. `rematch` puts it first in the next run.
    The fee fields hold the mentee fee: not_due, due, charged, waived, refunded (a
    charged fee paid back; `fee_note` says why, and it is never charged again)."""

    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    intake = ForeignKey(MentoringIntake, null=False, index=True)
    person = ForeignKey(Person, null=False, index=True)
    role = Varchar(length=8)  # mentor | mentee | peer
    status = Varchar(length=16)
    interests = JSON(default="[]")
    sector = Varchar(length=64)
    career_stage = Integer()
    years = Integer()
    country = Varchar(length=2)
    languages = JSON(default="[]")
    utc_offset = DoublePrecision()
    preference = Varchar(length=16)  # interest | career_stage | open
    #: The partner wanted: from a similar or a different sector and career stage, or either.
    partner_background = Varchar(length=16, default="either")
    capacity = Integer(default=1)
    #: Person ids this applicant must not be matched with, a JSON list.
    avoid = JSON(default="[]")
    #: An existing informal partner to formalise the relationship with (AASW).
    pair_with = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    #: The policy subject as evaluated, and the Decision (outcome, reasons, policy hash).
    subject = JSON(default="{}")
    decision = JSON(default="{}")
    outcome = Varchar(length=16)
    rematch = Boolean(default=False)
    waitlist_reason = Varchar(length=32, null=True, default=None)
    fee_state = Varchar(length=16, default="not_due")
    fee_amount = DoublePrecision(default=0.0)
    fee_currency = Varchar(length=3, default="AUD")
    fee_due_from = Date(null=True, default=None)
    fee_due_by = Date(null=True, default=None)
    fee_changed_at = Timestamptz(null=True, default=None)
    fee_note = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())


class MentoringMatchRun(Table, tablename="mentoring_match_run"):
    """A run of the matching engine over an intake's applications: a draft the
    coordinator reviews (swap, pin, rerun) until it is published.

    `pairs`: [{a, b, score, breakdown, pinned}] with application ids (a is the mentor in
    a mentor-mentee intake); `unmatched`: [{application, reason}]; `pins` and
    `forbidden`: the coordinator's constraints, lists of [application, application]."""

    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    intake = ForeignKey(MentoringIntake, null=False, index=True)
    status = Varchar(length=16)  # draft | published | discarded
    pairs = JSON(default="[]")
    unmatched = JSON(default="[]")
    pins = JSON(default="[]")
    forbidden = JSON(default="[]")
    total_score = DoublePrecision(default=0.0)
    created_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    published_at = Timestamptz(null=True, default=None)


class MentoringPartnership(Table, tablename="mentoring_partnership"):
    """Two people matched in an intake, from proposed to evaluated (or withdrawn or
    terminated). In a mentor-mentee intake `a` is the mentor and `b` the mentee."""

    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    intake = ForeignKey(MentoringIntake, null=False, index=True)
    run = ForeignKey(MentoringMatchRun, null=True, default=None, on_delete=OnDelete.set_null)
    application_a = ForeignKey(MentoringApplication, null=False, index=True)
    application_b = ForeignKey(MentoringApplication, null=False, index=True)
    person_a = ForeignKey(Person, null=False, index=True)
    person_b = ForeignKey(Person, null=False, index=True)
    state = Varchar(length=24)
    score = DoublePrecision(default=0.0)
    breakdown = JSON(default="{}")
    pinned = Boolean(default=False)
    accepted_a_at = Timestamptz(null=True, default=None)
    accepted_b_at = Timestamptz(null=True, default=None)
    accepted_at = Timestamptz(null=True, default=None)
    activated_at = Timestamptz(null=True, default=None)
    midway_review_at = Timestamptz(null=True, default=None)
    completed_at = Timestamptz(null=True, default=None)
    #: The partnership's actual period, in the association's calendar: the first day
    #: it was active (its first meeting, or the day it was made active) and the day it
    #: completed (the intake's end, or the earlier day a coordinator completed it).
    active_from = Date(null=True, default=None)
    completed_on = Date(null=True, default=None)
    #: Completed before the intake's end, by a coordinator, for `completion_reason`.
    completed_early = Boolean(default=False)
    completion_reason = Text(default="")
    evaluated_at = Timestamptz(null=True, default=None)
    ended_at = Timestamptz(null=True, default=None)
    #: Who withdrew or terminated it, and why.
    ended_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    end_reason = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
