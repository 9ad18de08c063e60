"""A person's in-app inbox and the e-mail outbox of a tenant.

`notify` writes one `notification` row (what the person sees in the inbox) and one
`notification_email` row (what the background sender delivers) per recipient, in the
caller's transaction: a notification exists exactly when the change it announces
committed. The outbox row copies the address at the time of notifying, so a mail in
flight is not redirected by a later change of address.

Delivery bookkeeping (`attempts`, `next_attempt_at`, `sent_at`, `last_error`) lives on
the outbox row; a sender claims rows by writing its `claim` token and a lease
(`claimed_until`) in one UPDATE, so two senders never deliver the same row.
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


class Notification(Table, tablename="notification"):
    """One entry of a person's inbox in one tenant."""

    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    person = ForeignKey(Person, null=False, index=True, on_delete=OnDelete.cascade)
    kind = Varchar(length=64)
    subject = Varchar(length=200)
    body = Text(default="")
    link = Varchar(length=500, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    read_at = Timestamptz(null=True, default=None)


class NotificationEmail(Table, tablename="notification_email"):
    """One e-mail to send: the outbox. Never deleted, so delivery can be audited."""

    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    person = ForeignKey(Person, null=False, index=True, on_delete=OnDelete.cascade)
    notification = ForeignKey(Notification, null=True, default=None, on_delete=OnDelete.set_null)
    to_address = Varchar(length=254)
    kind = Varchar(length=64)
    subject = Varchar(length=200)
    body = Text(default="")
    link = Varchar(length=500, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)
    failed_at = Timestamptz(null=True, default=None)
    last_error = Text(default="")
    claim = Varchar(length=32, null=True, default=None)
    claimed_until = Timestamptz(null=True, default=None)
