from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.relationships import stories


@pytest.fixture
async def un_list(database: str) -> AsyncIterator[str]:
    """Only the UN list of 2026-02-27 is stored while the test runs."""
    await stories.clear_lists()
    yield await stories.load_list("un", stories.UN_2026)
    await stories.clear_lists()
