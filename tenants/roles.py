"""The roles a person can hold in a tenant, and what each is for."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # association administrator: members, roles, policies, schemes
    EXECUTIVE = "executive"  # the CEO who receives relationship requests first
    COORDINATOR = "coordinator"  # international or mentoring coordinator
    BOARD = "board"  # board member: declares conflicts, votes
    AUDITOR = "auditor"  # reads everything of its tenant, exports
    MEMBER = "member"  # applies to schemes, logs meetings


ALL_ROLES: frozenset[Role] = frozenset(Role)
#: Roles that may read every record of their tenant.
READERS: frozenset[Role] = frozenset({Role.ADMIN, Role.AUDITOR, Role.EXECUTIVE})


def parse_role(value: str) -> Role:
    from tenants.errors import InvalidInput

    try:
        return Role(value.strip().lower())
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise InvalidInput("role", f"unknown role {value!r}; expected one of {allowed}") from None
