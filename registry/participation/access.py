"""Who may see a partnership, and what participation needs to know about it.

A partnership is seen by its two parties and by the tenant's staff (administrators,
coordinators, executive, auditors: coordinators run every scheme of their tenant,
Accord keeps no narrower assignment). Anyone else gets the same 404 as for a
partnership that does not exist, so ids cannot be probed. The operator at the
command line acts as staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from uuid import UUID

from policies import Policy, PolicyError, load_policy, load_preset
from registry.audit.ledger import OPERATOR_ROLE, Actor
from registry.mentoring.tables import MentoringIntake, MentoringPartnership, MentoringScheme
from registry.policies.tables import TenantPolicyVersion
from tenants import clock
from tenants.database import as_uuid
from tenants.errors import Forbidden, NotFound
from tenants.roles import Role
from tenants.scope import TenantScope

STAFF_ROLES: frozenset[str] = frozenset(
    {Role.ADMIN, Role.COORDINATOR, Role.EXECUTIVE, Role.AUDITOR, OPERATOR_ROLE}
)
#: Those who issue and revoke certificates.
ISSUER_ROLES: frozenset[str] = frozenset({Role.ADMIN, Role.COORDINATOR, OPERATOR_ROLE})

#: States in which meetings are logged (a completed pair may still log what it held).
MEETING_STATES = ("accepted", "active", "midway_review_done", "completed")
#: States in which a pair is expected to meet (and is flagged when it does not).
LIVE_STATES = ("accepted", "active", "midway_review_done")
#: Only these get a certificate of participation.
CERTIFIABLE_STATES = ("completed", "evaluated")


def is_staff(actor: Actor) -> bool:
    return bool(STAFF_ROLES.intersection(actor.roles))


def can_issue(actor: Actor) -> bool:
    return bool(ISSUER_ROLES.intersection(actor.roles))


@dataclass(frozen=True, slots=True)
class PartnershipView:
    """A partnership with its intake and scheme, as participation reads them."""

    row: MentoringPartnership
    intake: MentoringIntake
    scheme: MentoringScheme

    @property
    def id(self) -> UUID:
        return as_uuid(self.row.id)

    @property
    def parties(self) -> tuple[UUID, UUID]:
        return as_uuid(self.row.person_a), as_uuid(self.row.person_b)

    @property
    def state(self) -> str:
        return str(self.row.state)

    def role_of(self, person_id: UUID) -> str | None:
        """mentor (party a) or mentee (party b) in a mentor-mentee scheme; peer in a
        peer round; None for someone who is not a party."""
        a, b = self.parties
        if person_id not in (a, b):
            return None
        if self.scheme.mode == "peer":
            return "peer"
        return "mentor" if person_id == a else "mentee"

    def is_party(self, actor: Actor) -> bool:
        return actor.person_id is not None and actor.person_id in self.parties

    @property
    def starts_on(self) -> date:
        return as_day(self.intake.starts_on)

    @property
    def ends_on(self) -> date:
        return as_day(self.intake.ends_on)

    @property
    def active_from(self) -> date | None:
        """The first day it was active (its first contact), once it has been."""
        value = self.row.active_from
        return None if value is None else as_day(value)

    @property
    def completed_on(self) -> date | None:
        """The day it completed (the intake's end, or earlier when completed early)."""
        value = self.row.completed_on
        return None if value is None else as_day(value)

    @property
    def completed_early(self) -> bool:
        return bool(self.row.completed_early)

    def met_from(self, zone_name: str | None) -> date:
        """The first day a meeting of the pair can have been held: the intake's start,
        or the day both accepted when that is later."""
        accepted = self.accepted_on(zone_name)
        return max(self.starts_on, accepted) if accepted is not None else self.starts_on

    @property
    def last_day(self) -> date:
        """The last day it ran: the day it completed, or the intake's end."""
        return self.completed_on or self.ends_on

    def accepted_on(self, zone_name: str | None) -> date | None:
        """The association's day on which both parties had accepted."""
        accepted = self.row.accepted_at
        return None if accepted is None else clock.local_day(accepted, zone_name)

    @property
    def title(self) -> str:
        return f"{self.scheme.name}, {self.intake.name}"


def as_day(value: object) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


async def partnership(
    scope: TenantScope, partnership_id: UUID | str, actor: Actor
) -> PartnershipView:
    """The partnership if the actor may see it; otherwise NotFound."""
    row = await scope.get(MentoringPartnership, partnership_id, "partnership_id")
    view = await view_of(scope, row)
    if not (view.is_party(actor) or is_staff(actor)):
        raise NotFound(f"no mentoring partnership {row.id}")
    return view


async def view_of(scope: TenantScope, row: MentoringPartnership) -> PartnershipView:
    intake = await scope.get(MentoringIntake, row.intake, "intake")
    scheme = await scope.get(MentoringScheme, intake.scheme, "scheme")
    return PartnershipView(row, intake, scheme)


def require_party(view: PartnershipView, actor: Actor, doing: str) -> UUID:
    """The actor's person id when they are a party; Forbidden otherwise."""
    if not view.is_party(actor):
        raise Forbidden(f"only the partnership's two parties {doing}")
    assert actor.person_id is not None
    return actor.person_id


@lru_cache(maxsize=64)
def _parsed(document: str, format: str) -> Policy | None:
    try:
        return load_policy(document, format="json" if format == "json" else "toml")
    except PolicyError:
        return None


@lru_cache(maxsize=16)
def _preset(name: str) -> Policy | None:
    """A shipped preset, parsed once per process (a Policy is immutable)."""
    try:
        return load_preset(name)
    except PolicyError:
        return None


async def scheme_policy(scope: TenantScope, scheme: MentoringScheme) -> Policy | None:
    """The scheme's policy (a preset, or the tenant's stored policy at its current
    version); None when it no longer loads: hours then count as plain hours."""
    name = str(scheme.policy_name)
    if scheme.policy_source == "preset":
        return _preset(name)
    row = (
        await scope.select(
            TenantPolicyVersion, TenantPolicyVersion.document, TenantPolicyVersion.format
        )
        .where(TenantPolicyVersion.name == name)
        .order_by(TenantPolicyVersion.version, ascending=False)
        .first()
    )
    return None if row is None else _parsed(row["document"], row["format"])
