"""`accord demo` gives each demo association a member register, with lapsed and
student members, once."""

from __future__ import annotations

from registry.audit.ledger import OPERATOR
from registry.members.demo import REGISTERS, load_register_demo
from registry.members.service import list_records
from registry.mentoring.demo import load_mentoring_demo
from tenants.scope import TenantScope
from tenants.service import create_tenant


async def test_each_demo_association_has_a_register_once(database):
    tenants = {
        slug: await create_tenant(f"rdemo-{slug}", slug.upper(), "AU", actor=OPERATOR)
        for slug in REGISTERS
    }
    await load_mentoring_demo(tenants)
    assert await load_register_demo(tenants) == ["alia", "aasw", "iln"]
    assert await load_register_demo(tenants) == []
    for slug, tenant in tenants.items():
        page = await list_records(TenantScope(tenant.id, str(tenant.slug)), limit=100)
        assert page.total == 14, slug
        statuses = {r.status for r in page.items}
        assert {"financial", "current", "lapsed", "resigned"} <= statuses, slug
        assert any(r.membership_class == "Student" for r in page.items), slug
        member = [r for r in page.items if r.email.startswith("member@")]
        assert member and member[0].membership_class == "Student", slug
