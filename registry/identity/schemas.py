"""What the identity routes accept and answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from tenants import text
from tenants.roles import Role
from tenants.text import Input

Email = Annotated[
    str, msgspec.Meta(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
]
CountryCode = Annotated[str, msgspec.Meta(pattern="^[A-Za-z]{2,3}$")]
PersonName = Annotated[str, text.kind(text.NAME, max_length=200)]


class TenantOut(msgspec.Struct):
    id: UUID
    slug: str
    name: str
    country: str
    time_zone: str
    status: str
    settings: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class TenantUpdate(Input):
    name: Annotated[str, text.kind(text.NAME, min_length=1, max_length=200)] | None = None
    country: CountryCode | None = None
    time_zone: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None
    settings: dict[str, Any] | None = None


class MemberOut(msgspec.Struct):
    id: UUID
    person_id: UUID
    email: str
    name: str
    role: str
    created_at: datetime


class MemberPage(msgspec.Struct):
    items: list[MemberOut]
    limit: int
    offset: int
    next_offset: int | None


class MemberIn(Input):
    email: Email
    role: Role
    name: PersonName = ""


class TokenIn(Input):
    label: Annotated[str, text.kind(text.NAME, max_length=100)] = ""
    expires_days: Annotated[int, msgspec.Meta(ge=1, le=3650)] | None = 90


class TokenIssued(msgspec.Struct):
    id: UUID
    token: str
    expires_at: datetime | None


class TokenOut(msgspec.Struct):
    id: UUID
    person_id: UUID
    label: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class KeyOut(msgspec.Struct):
    key_id: str
    public_key: str
    active: bool
    created_at: datetime
    retired_at: datetime | None


class MembershipSummary(msgspec.Struct):
    tenant: str
    tenant_name: str
    roles: list[str]


class MeOut(msgspec.Struct):
    person_id: UUID
    email: str
    name: str
    memberships: list[MembershipSummary]
    languages: str = ""
    time_zone: str = ""


class ProfileIn(Input):
    """What a person may change of their own profile; a field left out stays."""

    name: Annotated[str, text.kind(text.NAME, min_length=1, max_length=200)] | None = None
    languages: Annotated[str, text.kind(text.LINE, max_length=200)] | None = None
    #: An IANA zone (e.g. Australia/Sydney), or "" for the association's own.
    time_zone: Annotated[str, msgspec.Meta(max_length=64)] | None = None


class OwnTokenIn(Input):
    tenant: Annotated[str, msgspec.Meta(min_length=1, max_length=63)]
    label: Annotated[str, text.kind(text.NAME, max_length=100)] = ""
    expires_days: Annotated[int, msgspec.Meta(ge=1, le=3650)] | None = 90


class OwnTokenOut(msgspec.Struct):
    id: UUID
    tenant: str
    label: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class InvitationIn(Input):
    email: Email
    role: Role = Role.MEMBER
    name: PersonName = ""
    expires_days: Annotated[int, msgspec.Meta(ge=1, le=90)] = 7


class RegisterInvitationIn(Input):
    role: Role = Role.MEMBER
    expires_days: Annotated[int, msgspec.Meta(ge=1, le=90)] = 7


class InvitationOut(msgspec.Struct):
    """An invitation as its association sees it: the link's secret is only in the e-mail."""

    id: UUID
    email: str
    role: str
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None


class SignInIn(Input):
    email: Email
    password: Annotated[str, text.kind(text.VERBATIM, min_length=1, max_length=1024)]


class SignInOut(msgspec.Struct):
    person_id: UUID
    email: str
    csrf_token: str
    expires_at: datetime


class Health(msgspec.Struct):
    status: str
    database: str
