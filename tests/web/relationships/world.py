"""A tenant for the relationships pages: the partner policy bound to the UN list, a
board of three directors, and a request whose officer is a namesake of a UN-listed
person (so a screening case is open), made through the API like a user would."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.relationships import stories

#: Same name as the UN-listed Eric Badege (CDi.001), another person: born 1990.
NAMESAKE = {"name": "Eric Badege", "date_of_birth": "1990-05-01"}


async def relationships_world(factory: Any, api: httpx.AsyncClient, prefix: str) -> Any:
    """A tenant with alia-international on the UN list and three directors."""
    return await stories.board_world(factory, api, prefix)


async def held_request(api: httpx.AsyncClient, world: Any) -> dict[str, Any]:
    """A Fijian association whose treasurer is a namesake of a listed person: the
    request is submitted (one case open) and received by the executive."""
    partner = await stories.create_partner(
        api,
        world,
        name="Fiji Library Association",
        country="FJ",
        officers=[
            stories.officer("Mere Naulumatua", date_of_birth="1980", nationality="FJ"),
            stories.officer(role="Treasurer", **NAMESAKE),
        ],
    )
    request = await stories.raise_request(api, world, partner["id"])
    request = await stories.submit(api, world, request["id"])
    assert request["clearance"]["status"] == "held", request["clearance"]
    return await stories.receive(api, world, request["id"])


def field_error(html: str, field: str) -> str:
    match = re.search(rf'<p class="error-message" id="{field}-error">(.*?)</p>', html, re.S)
    assert match, f"no error next to {field}"
    return re.sub(r"<[^>]+>", "", match.group(1)).replace("Error: ", "").strip()


def text_of(html: str) -> str:
    """The page's main text, tags removed and spaces collapsed."""
    main = html.split("<main", 1)[-1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).replace("&#39;", "'")
