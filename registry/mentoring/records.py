"""What every part of mentoring shares: who reads and who runs schemes, the pool
statuses, and the row helpers (a tenant's row by id, stored JSON and dates, people's names).

Who may see what: readers of the tenant (coordinator, admin, auditor, executive) see every
scheme's records; a member sees only their own applications and partnerships, and another
person's is simply not found.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from registry.audit.ledger import OPERATOR_ROLE, Actor
from tenants.database import as_datetime, as_uuid
from tenants.errors import NotFound
from tenants.scope import TenantScope

#: Roles that read every mentoring record of their tenant.
READER_ROLES = frozenset({"coordinator", "admin", "auditor", "executive", OPERATOR_ROLE})
#: Roles that run schemes: create them, admit applications, match, terminate, fees.
COORDINATOR_ROLES = frozenset({"coordinator", "admin", OPERATOR_ROLE})

#: Applications in the pool of the next run (mentors also while they have places left).
POOL_STATUSES = ("accepted", "waitlisted")
MENTOR_POOL_STATUSES = ("accepted", "waitlisted", "matched")


def is_reader(actor: Actor) -> bool:
    return bool(READER_ROLES.intersection(actor.roles))


def is_coordinator(actor: Actor) -> bool:
    return bool(COORDINATOR_ROLES.intersection(actor.roles))


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _opt_date(value: Any) -> date | None:
    return None if value is None else _date(value)


def _opt_uuid(value: Any) -> UUID | None:
    return None if value is None else as_uuid(value)


def _created(value: Any) -> datetime:
    moment = as_datetime(value)
    assert moment is not None
    return moment


async def _row(
    scope: TenantScope, table: type[Any], object_id: UUID | str, what: str
) -> dict[str, Any]:
    try:
        oid = object_id if isinstance(object_id, UUID) else UUID(str(object_id))
    except ValueError:
        raise NotFound(f"no {what} {object_id}") from None
    row: dict[str, Any] | None = await scope.select(table).where(table.id == oid).first()
    if row is None:
        raise NotFound(f"no {what} {oid}")
    return row


NAMES_SQL = (
    "SELECT DISTINCT p.id, p.name, p.email FROM person p JOIN membership m"
    " ON m.person = p.id WHERE m.tenant = {tenant} AND p.id IN (%s)"
)


async def _names(scope: TenantScope, people: Iterable[UUID]) -> dict[UUID, tuple[str, str]]:
    wanted = list(dict.fromkeys(people))
    found: dict[UUID, tuple[str, str]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = await scope.rows(NAMES_SQL % ", ".join("{}" for _ in chunk), *chunk)
        found.update({as_uuid(r["id"]): (str(r["name"] or ""), str(r["email"])) for r in rows})
    return found
