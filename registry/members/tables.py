"""The member register: one row per member number per tenant.

A record is the association's own membership system's word on a member (class,
status, paid-until date); it is not an account. Eligibility reads it, found by member
number or e-mail. Unique (tenant, number) and the (tenant, email) index are
hand-written (Piccolo has no composite index).
"""

from piccolo.columns import UUID, Date, ForeignKey, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table

from tenants.tables import Tenant


class MemberRecord(Table, tablename="member_record"):
    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    number = Varchar(length=64)
    name = Varchar(length=200)
    email = Varchar(length=254)
    membership_class = Varchar(length=100)
    status = Varchar(length=16)  # current | financial | lapsed | resigned
    paid_until = Date(null=True, default=None)
    joined_on = Date(null=True, default=None)
    country = Varchar(length=2, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
