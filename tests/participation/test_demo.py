"""`accord demo` gives the AASW demo a finished pair of last year's program, once."""

from __future__ import annotations

from registry.audit.ledger import OPERATOR
from registry.mentoring.demo import load_mentoring_demo
from registry.mentoring.tables import MentoringPartnership
from registry.participation import service
from registry.participation.demo import MENTEE, MENTOR, load_participation_demo
from tenants.roles import Role
from tenants.scope import TenantScope
from tenants.service import create_tenant, grant_role


async def test_demo_pair_is_finished_certified_and_added_once(database):
    tenant = await create_tenant("pdemo-aasw", "AASW", "AU", actor=OPERATOR)
    for email, role in ((MENTOR, Role.BOARD), (MENTEE, Role.MEMBER)):
        await grant_role(tenant, email, role, actor=OPERATOR)
    await load_mentoring_demo({"aasw": tenant})
    code = await load_participation_demo({"aasw": tenant})
    assert code is not None
    assert await load_participation_demo({"aasw": tenant}) is None
    check = await service.verify_certificate(code)
    assert (check.status, check.role, check.hours) == ("valid", "mentee", "7.5")
    assert check.cpd == "AASW CPD Policy, Category 1"
    scope = TenantScope(tenant.id, str(tenant.slug))
    (pair,) = await scope.objects(MentoringPartnership)
    assert pair.state == "evaluated"
