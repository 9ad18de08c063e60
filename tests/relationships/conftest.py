"""A fresh tenant with its partner policy, and the UN list loaded for one test."""

from __future__ import annotations

import pytest

from tests.relationships import stories
from tests.relationships.stories import un_2026  # noqa: F401 (the fixture)


@pytest.fixture
async def world(factory, api):
    """A tenant whose administrator installed alia-international, bound to the UN list."""
    world = await factory.tenant("rel")
    await stories.use_partner_policy(api, world)
    return world
