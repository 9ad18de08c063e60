"""What partnerships do: meetings, private notes, surveys and answers, flags and
certificates. Every table carries the tenant (so `TenantScope` filters on it) and
points at `mentoring_partnership`.

Composite and partial unique indexes are hand-written (Piccolo has none): one note
per (meeting, author), one survey per (partnership, kind), one answer per (survey,
person), one open flag per (partnership, kind), one unrevoked certificate per
(partnership, person), and a certificate code unique across all tenants (the public
verification page finds it without a tenant).
"""

from piccolo.columns import (
    JSON,
    UUID,
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

from registry.mentoring.tables import MentoringPartnership
from tenants.tables import Person, Tenant


class Meeting(Table, tablename="participation_meeting"):
    """A meeting of a partnership, logged by one of its parties; it counts for both."""

    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    partnership = ForeignKey(MentoringPartnership, null=False, index=True)
    logged_by = ForeignKey(Person, null=False)
    held_on = Date()
    minutes = Integer()
    mode = Varchar(length=16)
    created_at = Timestamptz(default=TimestamptzNow())


class MeetingNote(Table, tablename="participation_meeting_note"):
    """A party's private notes on a meeting, AES-GCM under the tenant's data key with
    the note's id bound in (`tenants.keys.encrypt`): only the author reads them."""

    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    meeting = ForeignKey(Meeting, null=False, index=True, on_delete=OnDelete.cascade)
    author = ForeignKey(Person, null=False)
    ciphertext = Text()
    updated_at = Timestamptz(default=TimestamptzNow())


class Survey(Table, tablename="participation_survey"):
    """The midway review or the evaluation of one partnership, opened when due."""

    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    partnership = ForeignKey(MentoringPartnership, null=False, index=True)
    kind = Varchar(length=16)  # midway | evaluation
    opens_on = Date()
    due_on = Date()
    opened_at = Timestamptz(default=TimestamptzNow())
    #: When the parties who had not answered were reminded (once, near the due date).
    reminded_at = Timestamptz(null=True, default=None)


class SurveyResponse(Table, tablename="participation_survey_response"):
    """One party's answers to a survey; the questions are the scheme's."""

    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    survey = ForeignKey(Survey, null=False, index=True, on_delete=OnDelete.cascade)
    person = ForeignKey(Person, null=False)
    role = Varchar(length=8)
    answers = JSON(default="{}")
    submitted_at = Timestamptz(default=TimestamptzNow())


class Flag(Table, tablename="participation_flag"):
    """A partnership brought to the coordinator's attention (60 days without a
    meeting); resolved when a meeting is logged or the partnership ends."""

    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    partnership = ForeignKey(MentoringPartnership, null=False, index=True)
    kind = Varchar(length=32)
    quiet_since = Date()
    raised_on = Date()
    raised_at = Timestamptz(default=TimestamptzNow())
    resolved_at = Timestamptz(null=True, default=None)
    resolution = Text(default="")


class Certificate(Table, tablename="participation_certificate"):
    """A signed certificate of participation. `facts` is the canonical JSON that was
    signed (exactly those bytes), `signature` the Ed25519 signature in hex by the
    tenant key `key_id`."""

    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    partnership = ForeignKey(MentoringPartnership, null=False, index=True)
    person = ForeignKey(Person, null=False, index=True)
    code = Varchar(length=24)
    facts = Text()
    signature = Varchar(length=128)
    key_id = Varchar(length=64)
    issued_at = Timestamptz(default=TimestamptzNow())
    issued_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    revoked_at = Timestamptz(null=True, default=None)
    revoked_reason = Text(default="")
