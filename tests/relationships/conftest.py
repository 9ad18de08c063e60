"""A fresh tenant with its partner policy, and the UN list loaded for one test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.relationships import stories


@pytest.fixture
async def un_2026(database: str) -> AsyncIterator[str]:
    """Only the UN list of 2026-02-27 is stored while the test runs."""
    await stories.clear_lists()
    yield await stories.load_list("un", stories.UN_2026)
    await stories.clear_lists()


@pytest.fixture
async def world(factory, api):
    """A tenant whose administrator installed alia-international, bound to the UN list."""
    world = await factory.tenant("rel")
    await stories.use_partner_policy(api, world)
    return world
