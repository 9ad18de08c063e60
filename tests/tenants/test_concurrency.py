"""Concurrent writers queue for the lock instead of failing with 'database is locked'."""

from __future__ import annotations

import asyncio

from tenants.roles import Role
from tenants.tables import Membership


async def test_forty_concurrent_member_additions_all_land(api, factory):
    world = await factory.tenant("conc", rooms=False)
    headers = world[Role.ADMIN].headers

    async def add(i: int) -> int:
        response = await api.post(
            f"/api/v1/t/{world.slug}/members",
            json={"email": f"writer{i}@example.org", "role": "member"},
            headers=headers,
        )
        return response.status_code

    statuses = await asyncio.gather(*(add(i) for i in range(40)))
    assert statuses == [201] * 40
    count = await Membership.count().where(Membership.tenant == world.tenant.id)
    assert count == len(Role) + 40
