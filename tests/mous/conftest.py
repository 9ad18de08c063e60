"""The MOU stories' tenant (the partner policy and a board of three directors), and
the UN list loaded for one test."""

from __future__ import annotations

import pytest

from tests.relationships import stories
from tests.relationships.stories import un_2026  # noqa: F401 (the fixture)


@pytest.fixture
async def world(factory, api):
    return await stories.board_world(factory, api, "mou")
