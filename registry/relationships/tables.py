"""Partner organisations, relationship requests and their due diligence.

Every table carries `tenant`. Lists and small records (other names, languages,
assistance, SDGs, personnel, hits, a Decision) are JSON text that the service encodes
and decodes itself, so that both engines store and return exactly the same thing.

- `partner_organisation`, `partner_officer`, `partner_attachment`: the register of
  organisations and the people who run them; attachments are references (sha256),
  never the file. An officer who leaves keeps the row (`left_on`): their screening
  history and cases stay, and they are no longer screened.
- `relationship_request`: one request for a relationship with a partner, its state,
  regional priority and the policy Decision last made about it.
- `relationship_review`: each periodic review of an approved relationship.
- `relationship_attestation`: each due-diligence finding, with who, when and evidence
  (rows are added, never changed: the newest of a kind counts).
- `relationship_screening_run` / `relationship_screening_result`: every screening of
  a partner and its officers (on submission, on an officer's change, after a list
  import), each subject's hits, and the hits that disappeared since the last run.
- `screening_case`: one hit on one subject, open until a coordinator adjudicates it,
  or resolved `delisted` when the listed entry leaves the list.

A subject is the organisation (`officer` and `signatory` null), one of its officers,
or a person named to sign an MOU for it (`signatory`: the `mou_signatory` row that
named them; no foreign key, since the MOU register builds on these tables and a
signatory named again replaces the row while the case stays).
"""

from piccolo.columns import (
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


class PartnerOrganisation(Table, tablename="partner_organisation"):
    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    name = Varchar(length=300)
    other_names = Text(default="[]")
    country = Varchar(length=2)
    kind = Varchar(length=32)
    website = Varchar(length=500, default="")
    languages = Text(default="[]")
    notes = Text(default="")
    created_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class PartnerOfficer(Table, tablename="partner_officer"):
    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    partner = ForeignKey(PartnerOrganisation, null=False, index=True)
    name = Varchar(length=300)
    other_names = Text(default="[]")
    role = Varchar(length=200, default="")
    date_of_birth = Varchar(length=10, null=True, default=None)
    nationality = Varchar(length=2, null=True, default=None)
    since = Date(null=True, default=None)
    left_on = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class PartnerAttachment(Table, tablename="partner_attachment"):
    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    partner = ForeignKey(PartnerOrganisation, null=False, index=True)
    title = Varchar(length=300)
    sha256 = Varchar(length=64)
    media_type = Varchar(length=100, default="")
    added_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    added_at = Timestamptz(default=TimestamptzNow())


class RelationshipRequest(Table, tablename="relationship_request"):
    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    partner = ForeignKey(PartnerOrganisation, null=False, index=True)
    state = Varchar(length=16, default="draft")
    kind = Varchar(length=24)
    title = Varchar(length=300)
    raised_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    raised_as = Varchar(length=16)
    on_behalf_of = Varchar(length=300, default="")
    assistance = Text(default="[]")
    shared_interests = Text(default="")
    expected_outcomes = Text(default="")
    mutual_benefits = Text(default="")
    sdgs = Text(default="[]")
    personnel = Text(default="[]")
    priority_score = DoublePrecision(null=True, default=None)
    priority_reasons = Text(default="[]")
    decision = Text(null=True, default=None)
    policy_name = Varchar(length=100, default="")
    policy_version = Integer(null=True, default=None)
    motion_id = UUID(null=True, default=None)
    outcome_reason = Text(default="")
    submitted_at = Timestamptz(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    next_review_due = Date(null=True, default=None)
    """An approved relationship's next periodic review (the policy's interval)."""
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class RelationshipReview(Table, tablename="relationship_review"):
    """A periodic review of an approved relationship: whether it still benefits
    members, and the decision to continue it, modify it (what changes), end it, or
    put it to the board (`motion_id`)."""

    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    request = ForeignKey(RelationshipRequest, null=False, index=True)
    due_on = Date()
    opened_at = Timestamptz(default=TimestamptzNow())
    benefits_members = Boolean(null=True, default=None)
    findings = Text(default="")
    decision = Varchar(length=16, null=True, default=None)
    changes = Text(default="")
    motion_id = UUID(null=True, default=None)
    outcome = Text(default="")
    decided_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    decided_at = Timestamptz(null=True, default=None)


class RelationshipAttestation(Table, tablename="relationship_attestation"):
    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    request = ForeignKey(RelationshipRequest, null=False, index=True)
    kind = Varchar(length=32)
    details = Text(default="{}")
    evidence = Text(default="")
    evidence_sha256 = Varchar(length=64, default="")
    attested_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    attested_at = Timestamptz(default=TimestamptzNow())


class RelationshipScreeningRun(Table, tablename="relationship_screening_run"):
    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    request = ForeignKey(RelationshipRequest, null=True, default=None, index=True)
    trigger = Varchar(length=16)
    list_versions = Text(default="[]")
    thresholds = Text(default="{}")
    status = Varchar(length=16)
    run_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


class RelationshipScreeningResult(Table, tablename="relationship_screening_result"):
    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    run = ForeignKey(RelationshipScreeningRun, null=False, index=True)
    partner = ForeignKey(PartnerOrganisation, null=False, index=True)
    officer = ForeignKey(PartnerOfficer, null=True, default=None, on_delete=OnDelete.set_null)
    signatory = UUID(null=True, default=None)
    subject_name = Varchar(length=300)
    status = Varchar(length=16)
    hits = Text(default="[]")
    disappeared = Text(default="[]")
    created_at = Timestamptz(default=TimestamptzNow())


class ScreeningCase(Table, tablename="screening_case"):
    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    partner = ForeignKey(PartnerOrganisation, null=False, index=True)
    officer = ForeignKey(PartnerOfficer, null=True, default=None, on_delete=OnDelete.set_null)
    signatory = UUID(null=True, default=None)
    request = ForeignKey(RelationshipRequest, null=True, default=None)
    run = ForeignKey(RelationshipScreeningRun, null=True, default=None)
    subject_name = Varchar(length=300)
    list_source = Varchar(length=16)
    list_version = Varchar(length=128)
    entity_ref = Varchar(length=128)
    entity_name = Text(default="")
    matched_name = Text(default="")
    score = DoublePrecision()
    decision = Varchar(length=8)
    hit = Text(default="{}")
    entity_sha256 = Varchar(length=64, default="")
    """What identified the listed entry when the case was opened (its data changing
    reopens an adjudicated case)."""
    status = Varchar(length=16, default="open")
    reason = Text(default="")
    adjudicated_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    adjudicated_at = Timestamptz(null=True, default=None)
    disappeared_in = Varchar(length=128, null=True, default=None)
    disappeared_at = Timestamptz(null=True, default=None)
    opened_at = Timestamptz(default=TimestamptzNow())
