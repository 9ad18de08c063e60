"""Seed a benchmark database: one tenant, 60 members, an administrator's token.

    python -m registry.bench.seed     (database from ACCORD_DATABASE_URL)

Prints the tenant slug and the token as one JSON object.
"""

from __future__ import annotations

import asyncio
import json

from registry.audit.ledger import OPERATOR
from tenants.roles import Role
from tenants.service import create_tenant, grant_role
from tenants.tokens import issue_token

MEMBERS = 60


async def seed() -> dict[str, str]:
    tenant = await create_tenant("bench", "Benchmark Association", "AU", actor=OPERATOR)
    admin = await grant_role(
        tenant, "admin@bench.example", Role.ADMIN, "Bench Admin", actor=OPERATOR
    )
    for i in range(MEMBERS - 1):
        await grant_role(
            tenant, f"member{i:03}@bench.example", Role.MEMBER, f"Member {i}", actor=OPERATOR
        )
    token = await issue_token(tenant.id, admin.person.id, label="bench", actor=OPERATOR)
    return {"tenant": "bench", "token": token.secret}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(seed())))
