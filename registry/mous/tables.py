"""The MOU register: each MOU, its parties, signatories and reviews.

An MOU names one or more partner organisations (`relationships`' partner table) as
parties besides the tenant itself. Its state moves only through `mous.states`; the
approval records which carried board motion sanctioned it. Unique (mou, partner)
parties is a hand-written index.
"""

from piccolo.columns import (
    JSON,
    UUID,
    Boolean,
    Date,
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

from registry.relationships.tables import PartnerOrganisation, RelationshipRequest
from tenants.tables import Person, Tenant


class Mou(Table, tablename="mou"):
    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    reference = Varchar(length=40)
    title = Varchar(length=300)
    kind = Varchar(length=16)
    state = Varchar(length=16, default="draft")
    request = ForeignKey(
        RelationshipRequest, null=True, default=None, on_delete=OnDelete.restrict, index=True
    )
    working_relationships = Text(default="")
    shared_interests = Text(default="")
    common_understanding = Text(default="")
    assistance = JSON(default="[]")
    sdgs = JSON(default="[]")
    non_endorsement = Text(default="")
    effective_date = Date(null=True, default=None)
    review_interval_months = Integer(default=12)
    expires_on = Date(null=True, default=None)
    next_review_due = Date(null=True, default=None)
    document_sha256 = Varchar(length=64, default="")
    approved_motion = UUID(null=True, default=None)
    pending_expires_on = Date(null=True, default=None)
    """The expiry a renewal motion proposes, applied if it carries."""
    renewals = Integer(default=0)
    pending_terms = Text(default="")
    """New terms a renewal motion proposes (JSON), applied if it carries."""
    created_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class MouParty(Table, tablename="mou_party"):
    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    mou = ForeignKey(Mou, null=False, index=True)
    partner = ForeignKey(PartnerOrganisation, null=False, index=True)


class MouSignatory(Table, tablename="mou_signatory"):
    """Who signed for one party (a partner, or the tenant when `partner` is null), and when."""

    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    mou = ForeignKey(Mou, null=False, index=True)
    partner = ForeignKey(PartnerOrganisation, null=True, default=None, index=True)
    name = Varchar(length=300)
    position = Varchar(length=200, default="")
    signed_on = Date()


class MouReview(Table, tablename="mou_review"):
    """A periodic review: due on a date, then whether the relationship still benefits
    members and the decision to continue, modify or end it."""

    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    mou = ForeignKey(Mou, null=False, index=True)
    due_on = Date()
    opened_at = Timestamptz(default=TimestamptzNow())
    benefits_members = Boolean(null=True, default=None)
    findings = Text(default="")
    decision = Varchar(length=16, null=True, default=None)
    decided_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    decided_at = Timestamptz(null=True, default=None)
