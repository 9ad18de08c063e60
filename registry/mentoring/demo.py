"""Demo mentoring schemes for `accord demo`: one per demo association, each under its
preset, with an intake open for applications today."""

from __future__ import annotations

from datetime import timedelta

from registry.audit.ledger import OPERATOR
from registry.mentoring.schemas import IntakeCreate, SchemeCreate
from registry.mentoring.schemes import create_intake, create_scheme, list_schemes
from tenants import clock
from tenants.scope import TenantScope
from tenants.tables import Tenant

LIBRARY_INTERESTS = [
    "cataloguing and metadata",
    "digital libraries",
    "leadership",
    "research support",
    "children's and youth services",
    "advocacy",
]
SOCIAL_WORK_INTERESTS = [
    "clinical practice",
    "community work",
    "child protection",
    "mental health",
    "leadership",
    "research",
]

#: (tenant slug, scheme name, mode, preset, interests)
SCHEMES = (
    ("alia", "ALIA Mentoring Scheme", "mentor-mentee", "alia-mentoring", LIBRARY_INTERESTS),
    ("aasw", "AASW Mentoring Program", "mentor-mentee", "aasw-mentoring", SOCIAL_WORK_INTERESTS),
    ("iln", "ILN peer mentoring", "peer", "iln-peer", LIBRARY_INTERESTS),
)


async def load_mentoring_demo(tenants: dict[str, Tenant]) -> list[str]:
    """A scheme and an open intake in each demo tenant that lacks the demo scheme; the
    slugs of the tenants that got one (running it again adds nothing)."""
    added: list[str] = []
    for slug, name, mode, preset, interests in SCHEMES:
        tenant = tenants.get(slug)
        if tenant is None:
            continue
        scope = TenantScope(tenant.id, slug)
        today = await clock.today(scope)
        if any(scheme.name == name for scheme in await list_schemes(scope)):
            continue
        scheme = await create_scheme(
            scope,
            SchemeCreate(name=name, mode=mode, preset=preset, interests=interests),  # type: ignore[arg-type]
            actor=OPERATOR,
        )
        if preset == "aasw-mentoring":
            year = today.year + 1 if today.month >= 3 else today.year
            intake = IntakeCreate(
                name=f"{year} program",
                starts_on=today.replace(year=year, month=3, day=1),
                applications_open=today,
            )
        elif preset == "iln-peer":
            intake = IntakeCreate(name="Next round", starts_on=today + timedelta(days=40))
        else:
            intake = IntakeCreate(name="Next intake", starts_on=today + timedelta(days=30))
        await create_intake(scope, scheme.id, intake, actor=OPERATOR)
        added.append(slug)
    return added
