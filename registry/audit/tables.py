"""The ledger's tables. Every one carries the tenant id (distributable by tenant).

- `audit_event`: one row per event, append-only (triggers reject UPDATE and DELETE on
  both engines). `body` is the sealed event exactly as hashed (canonical JSON); the
  other columns repeat its fields so that the events page can filter and index them.
- `audit_chain`: the tenant's chain head: size, last hash and the Merkle compact range
  (`peaks`) of the whole log. Appends lock this row, so they are serialised per tenant.
- `audit_node`: every complete RFC 9162 subtree hash of the tenant's tree (level 0 is
  the leaf hashes), written as the log grows, so that an inclusion or consistency
  proof at any size reads O(log^2 n) rows instead of the whole log.
- `audit_tree_head`: signed tree heads (on each export, and `accord audit sign-heads`).
"""

from piccolo.columns import (
    JSON,
    UUID,
    BigInt,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table

from tenants.tables import Tenant


class AuditEvent(Table, tablename="audit_event"):
    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False)
    seq = BigInt()
    time = Timestamptz(default=TimestamptzNow())
    actor_person = Varchar(length=64, null=True, default=None)
    actor_role = Varchar(length=200, null=True, default=None)
    token_id = Varchar(length=64, null=True, default=None)
    session_id = Varchar(length=64, null=True, default=None)
    action = Varchar(length=100)
    object_type = Varchar(length=100)
    object_id = Varchar(length=200, null=True, default=None)
    changes = JSON(default="{}")
    reason = Text(null=True, default=None)
    request_id = Varchar(length=100, null=True, default=None)
    client = Varchar(length=100, null=True, default=None)
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)
    body = Text()


class AuditChain(Table, tablename="audit_chain"):
    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, unique=True)
    slug = Varchar(length=63)
    size = BigInt(default=0)
    last_hash = Varchar(length=64)
    peaks = JSON(default="[]")


class AuditNode(Table, tablename="audit_node"):
    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False)
    level = Integer()
    idx = BigInt()
    hash = Varchar(length=64)


class AuditTreeHead(Table, tablename="audit_tree_head"):
    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    tree_size = BigInt()
    root_hash = Varchar(length=64)
    timestamp = Varchar(length=32)
    key_id = Varchar(length=16)
    signature = Varchar(length=128)
    public_key = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())
