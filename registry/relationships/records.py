"""Small shared pieces of the room: JSON text columns, input checks that name the
field, and who may do what beyond the route's roles."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import msgspec
import pycountry
from piccolo.table import Table

from registry.audit.ledger import Actor, lock_head
from registry.relationships.tables import RelationshipRequest
from tenants import clock
from tenants.database import as_uuid
from tenants.errors import InvalidInput, NotFound
from tenants.roles import Role
from tenants.scope import TenantScope
from tenants.validation import check_country, check_text

#: Roles that run due diligence and may change any partner or request record.
STAFF = frozenset({Role.COORDINATOR.value, Role.EXECUTIVE.value, Role.ADMIN.value})
#: Roles that read every partner, request and case of the tenant.
READ_ALL = frozenset(
    {
        Role.COORDINATOR.value,
        Role.EXECUTIVE.value,
        Role.ADMIN.value,
        Role.AUDITOR.value,
        Role.BOARD.value,
    }
)


async def row_by_id(
    scope: TenantScope, table: type[Table], object_id: UUID | str, noun: str
) -> dict[str, Any]:
    """The tenant's row of `table` with this id; NotFound naming the `noun` for an id
    that is malformed, unknown or another tenant's."""
    try:
        oid = as_uuid(object_id)
    except ValueError:
        raise NotFound(f"no {noun} {object_id}") from None
    row: dict[str, Any] | None = (
        await scope.select(table).where(table._meta.primary_key == oid).first()
    )
    if row is None:
        raise NotFound(f"no {noun} {oid}")
    return row


async def request_row(scope: TenantScope, request_id: UUID | str) -> dict[str, Any]:
    return await row_by_id(scope, RelationshipRequest, request_id, "relationship request")


def dumps(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def loads(text: Any, default: Any) -> Any:
    if text is None or text == "":
        return default
    if not isinstance(text, str | bytes):
        return text  # a driver that already decoded JSON
    return msgspec.json.decode(text)


def now() -> datetime:
    return clock.utc_now()


def is_staff(actor: Actor) -> bool:
    return bool(STAFF.intersection(actor.roles))


def reads_all(actor: Actor) -> bool:
    return bool(READ_ALL.intersection(actor.roles)) or "operator" in actor.roles


def text(value: str, field: str, max_length: int) -> str:
    """Free text without control characters (newlines and tabs are kept)."""
    return check_text(value, field, max_length)


def required_text(value: str, field: str, max_length: int) -> str:
    cleaned = check_text(value, field, max_length)
    if not cleaned:
        raise InvalidInput(field, "must not be empty")
    return cleaned


def country(code: str, field: str) -> str:
    return check_country(code, field)


def optional_country(code: str | None, field: str) -> str | None:
    return None if code is None or not code.strip() else check_country(code, field)


def language(code: str, field: str) -> str:
    """An ISO 639 code (639-1 two letters, or 639-3 three), as given (lower case)."""
    value = code.strip().lower()
    found = None
    if len(value) == 2:
        found = pycountry.languages.get(alpha_2=value)
    elif len(value) == 3:
        found = pycountry.languages.get(alpha_3=value)
    if found is None:
        raise InvalidInput(field, f"{code!r} is not an ISO 639 language code")
    return value


def languages(codes: Iterable[str], field: str) -> list[str]:
    out: list[str] = []
    for index, code in enumerate(codes):
        value = language(code, f"{field}[{index}]")
        if value not in out:
            out.append(value)
    return out


def script(code: str | None, field: str) -> str | None:
    if code is None:
        return None
    if pycountry.scripts.get(alpha_4=code) is None:
        raise InvalidInput(field, f"{code!r} is not an ISO 15924 script code")
    return code


def website(url: str, field: str = "website") -> str:
    value = check_text(url, field, 500)
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise InvalidInput(field, f"{url!r} is not an http(s) address")
    return value


def birth_date(value: str | None, field: str) -> str | None:
    """YYYY-MM-DD, YYYY-MM or YYYY, a real date no earlier than 1900 and not in the future."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    parts = value.split("-")
    try:
        if len(parts) > 3 or len(parts[0]) != 4 or any(len(p) != 2 for p in parts[1:]):
            raise ValueError
        numbers = [int(p) for p in parts]
        day = date(
            numbers[0], numbers[1] if len(numbers) > 1 else 1, numbers[2] if len(numbers) > 2 else 1
        )
    except ValueError:
        raise InvalidInput(
            field, f"{value!r} is not a date like 1970-05-01, 1970-05 or 1970"
        ) from None
    if not date(1900, 1, 1) <= day <= clock.latest_today():
        raise InvalidInput(field, f"{value!r} is not a plausible date of birth")
    return value


async def serialise(scope: TenantScope) -> None:
    """First thing in a write transaction: the tenant's writers queue here (the audit
    chain head's row lock on PostgreSQL; SQLite has one writer anyway), so that what a
    change reads (a case still open, a request still in its state) is still true when
    it writes."""
    await lock_head(scope.tenant_id)
