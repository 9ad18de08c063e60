"""`accord demo` gives each demo association a scheme under its preset with an intake
open today, once."""

from __future__ import annotations

from registry.audit.ledger import OPERATOR
from registry.mentoring.demo import SCHEMES, load_mentoring_demo
from registry.mentoring.schemes import list_intakes, list_schemes
from tenants import clock
from tenants.scope import TenantScope
from tenants.service import create_tenant


async def test_demo_schemes_are_open_today_and_added_once(database):
    # Bare tenants: the test factory's worlds already hold schemes of other rooms' seeds.
    tenants = {
        slug: await create_tenant(f"mdemo-{slug}", slug.upper(), "AU", actor=OPERATOR)
        for slug, *_ in SCHEMES
    }
    assert await load_mentoring_demo(tenants) == ["alia", "aasw", "iln"]
    assert await load_mentoring_demo(tenants) == []
    for slug, name, mode, preset, _ in SCHEMES:
        scope = TenantScope(tenants[slug].id, str(tenants[slug].slug))
        today = await clock.today(scope)
        (scheme,) = [s for s in await list_schemes(scope) if s.name == name]
        assert (scheme.mode, scheme.policy_name) == (mode, preset)
        (intake,) = await list_intakes(scope, scheme.id)
        assert intake.applications_open <= today <= intake.applications_close, slug
