"""What the mentoring pages share: who may do what, people's names, and the parts of
a scheme's policy that decide which questions the application form asks."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from policies import Policy
from policies.rules.eligibility import CommitmentRule, DeclarationsRule, MembershipRule
from policies.rules.money import FeeRule
from registry.audit.ledger import Actor
from registry.mentoring.controllers import PARTICIPANTS, READERS, RUNNERS
from registry.mentoring.schemas import IntakeOut, SchemeOut
from registry.mentoring.schemes import list_intakes, list_schemes, scheme_policy
from tenants import clock
from tenants.database import as_uuid
from tenants.roles import ALL_ROLES, Role
from tenants.scope import TenantScope

__all__ = ["EVERYONE", "PARTICIPANTS", "READERS", "RUNNERS"]

EVERYONE = ALL_ROLES
#: Issue certificates (as participation's API: administrators and coordinators).
ISSUERS = (Role.ADMIN, Role.COORDINATOR)

CAREER_STAGES = [
    ("1", "1 · student or new graduate"),
    ("2", "2 · early career"),
    ("3", "3 · mid career"),
    ("4", "4 · experienced"),
    ("5", "5 · senior or leader"),
]
SECTORS = [
    (s, s.title())
    for s in ("public", "academic", "special", "school", "government", "health", "other")
]
PREFERENCES = [
    ("open", "Open to any good match"),
    ("interest", "By shared interests"),
    ("career_stage", "By career stage"),
]
BACKGROUNDS = [
    ("either", "Either: a similar or a different background"),
    ("similar", "Someone similar to me: my sector and career stage"),
    ("different", "Someone from a different sector or career stage"),
]
MEMBERSHIP_STATUSES = [
    (s, s.title()) for s in ("financial", "current", "pending", "unfinancial", "lapsed")
]
BREAKDOWN_LABELS = {
    "shared_interests": "Shared interests",
    "sector": "Sector",
    "career_stage": "Career stage",
    "languages": "Languages",
    "timezone": "Time zones",
    "cross_border": "Across borders",
}
STATE_LABELS = {
    "proposed": "Proposed: waiting for both to accept",
    "accepted": "Accepted by both",
    "active": "Active",
    "midway_review_done": "Active, midway review done",
    "completed": "Completed",
    "evaluated": "Completed and evaluated",
    "withdrawn": "Withdrawn",
    "terminated": "Terminated",
}

NAMES_SQL = (
    "SELECT DISTINCT p.id, p.name, p.email FROM person p JOIN membership m"
    " ON m.person = p.id WHERE m.tenant = {tenant} AND p.id IN (%s)"
)


async def names(scope: TenantScope, people: list[UUID]) -> dict[UUID, str]:
    """How each person is shown: their name, else their e-mail address. People outside
    the tenant are left out (the ids come from the tenant's own rows)."""
    wanted = list(dict.fromkeys(people))
    if not wanted:
        return {}
    rows = await scope.rows(NAMES_SQL % ", ".join("{}" for _ in wanted), *wanted)
    return {as_uuid(r["id"]): str(r["name"] or r["email"]) for r in rows}


MEMBER_BY_EMAIL_SQL = (
    "SELECT DISTINCT p.id FROM person p JOIN membership m ON m.person = p.id"
    " WHERE m.tenant = {tenant} AND lower(p.email) = {}"
)


async def members_by_email(
    scope: TenantScope, field: str, text: str, errors: dict[str, str]
) -> list[UUID]:
    """The members named by e-mail addresses (separated by commas, spaces or lines);
    an address that is no member's is named next to the field."""
    found: list[UUID] = []
    for address in text.replace(",", " ").split():
        rows = await scope.rows(MEMBER_BY_EMAIL_SQL, address.lower())
        if not rows:
            errors[field] = f"{address} is not the address of a member of the association"
            return []
        found.append(as_uuid(rows[0]["id"]))
    return list(dict.fromkeys(found))


def breakdown_rows(breakdown: dict[str, float]) -> list[tuple[str, float]]:
    """The non-zero parts of a score, in words, largest first."""
    parts = [(BREAKDOWN_LABELS.get(k, k.replace("_", " ")), v) for k, v in breakdown.items()]
    return sorted((p for p in parts if abs(p[1]) > 1e-9), key=lambda p: -p[1])


@dataclass(frozen=True)
class FormNeeds:
    """What a scheme's policy reads from an application, beyond what matching needs."""

    membership: bool = False
    membership_classes: list[str] = field(default_factory=list)
    joining: bool = False
    declarations: list[tuple[str, str]] = field(default_factory=list)
    hours: bool = False
    preparation: bool = False
    meetings: bool = False


def form_needs(policy: Policy) -> FormNeeds:
    """The questions to ask, whichever role the applicant picks (a rule that applies
    to one role only is labelled by the form's hint)."""
    membership = [r for r in policy.rules if isinstance(r, MembershipRule)]
    declarations = [r for r in policy.rules if isinstance(r, DeclarationsRule)]
    commitments = [r for r in policy.rules if isinstance(r, CommitmentRule)]
    classes = sorted({c for r in membership for c in r.classes})
    items: dict[str, str] = {}
    for rule in declarations:
        for item in rule.required:
            items.setdefault(item, rule.labels.get(item, item))
    return FormNeeds(
        membership=bool(membership),
        membership_classes=classes,
        joining=any(r.allow_joining for r in membership),
        declarations=list(items.items()),
        hours=any(r.min_hours_per_month is not None for r in commitments),
        preparation=any(r.min_preparation_hours_per_month is not None for r in commitments),
        meetings=any(r.min_meetings_per_month is not None for r in commitments),
    )


async def all_intakes(scope: TenantScope) -> list[tuple[SchemeOut, IntakeOut]]:
    """Every intake of the tenant with its scheme, schemes in order of creation."""
    found: list[tuple[SchemeOut, IntakeOut]] = []
    for scheme in await list_schemes(scope):
        found += [(scheme, i) for i in await list_intakes(scope, scheme.id)]
    return found


def window_open(intake: IntakeOut, today: date) -> bool:
    """Whether applications to the intake are open on `today` (the policy still
    decides each application, members-only period included)."""
    return intake.applications_open <= today <= intake.applications_close


async def policy_of(scope: TenantScope, scheme: SchemeOut) -> Policy:
    """The scheme's policy, as the mentoring service loads it."""
    row: dict[str, Any] = {
        "policy_source": scheme.policy_source,
        "policy_name": scheme.policy_name,
    }
    return await scheme_policy(scope, row)


def pays_fee(policy: Policy, role: str) -> bool:
    """Whether the scheme's policy charges someone in `role` a fee."""
    return any(
        isinstance(rule, FeeRule) and rule.amount > 0 and role in rule.charged_roles
        for rule in policy.rules
    )


def policy_rules(policy: Policy) -> list[str]:
    """What the policy says, rule by rule, in its own words."""
    return [rule.description for rule in policy.rules if rule.description]


def utc_offset_of(zone: str) -> str:
    """The zone's offset from UTC today, in hours as the form takes it ("10", "5.5");
    empty for a zone that is not known."""
    try:
        offset = clock.utc_now().astimezone(ZoneInfo(zone)).utcoffset()
    except (ValueError, KeyError, ZoneInfoNotFoundError):
        return ""
    return "" if offset is None else f"{offset.total_seconds() / 3600:g}"


def as_party(actor: Actor) -> Actor:
    """The actor seen only as a participant: reads then return their own records, not
    every record their staff role may read (a coordinator who also mentors)."""
    return replace(actor, roles=(Role.MEMBER.value,))


def roles_for(mode: str) -> list[tuple[str, str]]:
    if mode == "peer":
        return [("peer", "Peer")]
    return [("mentee", "Mentee: I would like a mentor"), ("mentor", "Mentor: I will mentor")]
