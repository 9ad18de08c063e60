"""Tenancy and identity tables.

`Tenant`, `Person`, `WebSession` and `SignInAttempt` are platform-wide. Everything else
carries a `tenant` column, so that every query can be scoped by `TenantScope` and the
schema can later be distributed by tenant.
"""

from piccolo.columns import (
    JSON,
    UUID,
    Boolean,
    Bytea,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class Tenant(Table, tablename="tenant"):
    id = UUID(primary_key=True, default=UUID4())
    slug = Varchar(length=63, unique=True)
    name = Varchar(length=200)
    country = Varchar(length=2)
    time_zone = Varchar(length=64, default="UTC")
    settings = JSON(default="{}")
    status = Varchar(length=16, default="active")
    suspended_reason = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Person(Table, tablename="person"):
    id = UUID(primary_key=True, default=UUID4())
    email = Varchar(length=254, unique=True)
    name = Varchar(length=200, default="")
    password_hash = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    #: The person's own profile, edited by them alone (`registry/web/account.py`):
    #: the languages they work in (comma-separated, as typed) and their time zone.
    languages = Varchar(length=200, default="")
    time_zone = Varchar(length=64, default="")


class Membership(Table, tablename="membership"):
    """One role of one person in one tenant; a person may hold several."""

    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    person = ForeignKey(Person, null=False, index=True)
    role = Varchar(length=32)
    #: The tenant's own name for the member, shown on its member list; the person's
    #: account name (`Person.name`) is theirs, and no tenant changes it.
    display_name = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class ApiToken(Table, tablename="api_token"):
    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    person = ForeignKey(Person, null=False, index=True)
    token_hash = Varchar(length=64, unique=True, index_method=IndexMethod.btree)
    label = Varchar(length=100, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class TenantKey(Table, tablename="tenant_key"):
    """A tenant's Ed25519 signing key and AES-GCM data key, wrapped by the master key.

    Rotation adds a row and retires the old one; retired keys stay so that old
    signatures and old ciphertexts remain verifiable and readable.
    """

    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    key_id = Varchar(length=32, unique=True)
    public_key = Varchar(length=64)
    wrapped_signing_key = Text()
    wrapped_data_key = Text()
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    retired_at = Timestamptz(null=True, default=None)


class WebSession(Table, tablename="web_session"):
    id = UUID(primary_key=True, default=UUID4())
    person = ForeignKey(Person, null=False, index=True)
    session_hash = Varchar(length=64, unique=True)
    #: SHA-256 of the session's CSRF token (see `tenants.sessions`), never the token.
    csrf_hash = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)


class SignInAttempt(Table, tablename="sign_in_attempt"):
    email = Varchar(length=254, index=True)
    client = Varchar(length=64, default="")
    succeeded = Boolean(default=False)
    at = Timestamptz(default=TimestamptzNow(), index=True)


class IdempotencyKey(Table, tablename="idempotency_key"):
    """A POST made with an `Idempotency-Key` header, and its answer once it has one.

    The key is kept only as a hash together with the person who sent it, so that two
    people's keys never meet; (tenant, key_hash) is unique, so a concurrent retry
    cannot claim the key a second time. `status` is null while the first request is
    being answered. Rows live 24 hours (registry/http/idempotency.py)."""

    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False)
    key_hash = Varchar(length=64)
    request_hash = Varchar(length=64)
    status = Integer(null=True, default=None)
    response_headers = JSON(default="[]")
    response_body = Bytea(default=b"")
    created_at = Timestamptz(default=TimestamptzNow())


class Invitation(Table, tablename="invitation"):
    """An association's invitation of one address to take a role.

    The link's secret is stored as its SHA-256 only; it works once (`accepted_at`)
    and until `expires_at`. `person` is the account the address has (made, with no
    password, for an address new to Accord, so that the outbox can name its
    recipient); accepting adds the membership and changes nothing else of an
    account that already has a password."""

    id = UUID(primary_key=True, default=UUID4())
    tenant = ForeignKey(Tenant, null=False, index=True)
    person = ForeignKey(Person, null=False, index=True)
    email = Varchar(length=254)
    role = Varchar(length=32)
    display_name = Varchar(length=200, default="")
    token_hash = Varchar(length=64, unique=True)
    invited_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)


class PasswordReset(Table, tablename="password_reset"):
    """One "forgot password" request: platform-wide, like the account it resets.

    Every request is kept, for an unknown address too (`person` null, no link), so
    that the rate limit counts both alike and the answer cannot tell them apart."""

    id = UUID(primary_key=True, default=UUID4())
    person = ForeignKey(Person, null=True, default=None, index=True)
    email = Varchar(length=254, index=True)
    client = Varchar(length=64, default="")
    token_hash = Varchar(length=64, null=True, default=None, unique=True)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
