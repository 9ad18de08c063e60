"""Board motions and the voter roll of each.

A motion is opened on one subject (a relationship request, an MOU's approval, renewal
or termination). Its voter roll is the tenant's board when it opened: one `board_ballot`
row per director, holding that director's vote or recusal. Unique (motion, person) is a
hand-written index, so nobody can be on a roll, or vote, twice. Once decided, the
motion keeps its signed decision record (canonical JSON), the signature and the key that
made it, and the audit sequence number of the event that references it.
"""

from piccolo.columns import (
    UUID,
    Boolean,
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


class Motion(Table, tablename="board_motion"):
    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    subject_kind = Varchar(length=40)
    subject_id = UUID(index=True)
    title = Varchar(length=300)
    papers = Text(default="")
    status = Varchar(length=16, default="open")
    opened_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    opened_at = Timestamptz(default=TimestamptzNow())
    closes_at = Timestamptz()
    closed_at = Timestamptz(null=True, default=None)
    reminded_at = Timestamptz(null=True, default=None)
    # The rules in force when the motion opened (a later policy change does not move
    # the goalposts of a vote under way).
    quorum_fraction = DoublePrecision(default=0.5)
    majority = Varchar(length=16, default="simple")
    policy_name = Varchar(length=100, null=True, default=None)
    policy_version = Integer(null=True, default=None)
    policy_sha256 = Varchar(length=64, null=True, default=None)
    decision = Text(default="")
    decision_sha256 = Varchar(length=64, default="")
    signature = Varchar(length=128, default="")
    key_id = Varchar(length=32, default="")
    audit_seq = Integer(null=True, default=None)


class Ballot(Table, tablename="board_ballot"):
    """One director on one motion's roll: a vote (for, against, abstain) or a recusal."""

    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    motion = ForeignKey(Motion, null=False, index=True)
    person = ForeignKey(Person, null=False, index=True)
    choice = Varchar(length=8, null=True, default=None)
    voted_at = Timestamptz(null=True, default=None)
    recused = Boolean(default=False)
    conflict = Text(default="")
    recused_at = Timestamptz(null=True, default=None)
