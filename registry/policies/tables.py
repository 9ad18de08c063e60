"""Stored policy documents of a tenant, one row per version.

Every change to a tenant's policy adds a row with the next `version` of its `name`;
rows are never updated or deleted, so any Decision can be explained again with the
exact document that made it (`sha256` is `policies.Policy.sha256`). Unique
(tenant, name, version) is a hand-written index (Piccolo has no composite unique).
"""

from piccolo.columns import (
    UUID,
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


class TenantPolicyVersion(Table, tablename="tenant_policy_version"):
    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    name = Varchar(length=100)
    version = Integer()
    document = Text()
    format = Varchar(length=8, default="toml")
    sha256 = Varchar(length=64)
    created_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
