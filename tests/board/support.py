"""Helpers of the board and MOU tests: a tenant with a board of any size under the
ALIA international policy, a draft MOU with a partner, and a motion on it."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx

from policies import preset_text
from registry.audit.ledger import OPERATOR
from registry.board.bench import cleared_partner
from registry.policies.service import create_policy
from tenants.roles import Role
from tenants.scope import TenantScope
from tests.factories import Party, TenantFactory, TenantWorld

#: The sha256 of a signed MOU document (the register keeps the hash, not the file).
SHA256_OF_SIGNED_PDF = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


@dataclass
class Board:
    world: TenantWorld
    directors: list[Party]
    partner_id: UUID
    base: str = field(init=False)

    def __post_init__(self) -> None:
        self.base = f"/api/v1/t/{self.world.slug}"

    @property
    def executive(self) -> dict[str, str]:
        return self.world[Role.EXECUTIVE].headers

    @property
    def scope(self) -> TenantScope:
        return TenantScope(self.world.tenant.id, self.world.slug)


async def board_of(
    factory: TenantFactory, size: int, *, prefix: str = "board", preset: str = "alia-international"
) -> Board:
    """A tenant whose board has `size` directors (the factory's one and more), with a
    stored policy from `preset` (quorum half the board, simple majority; bound to the
    UN list alone, as the relationships stories are) and a partner whose due diligence
    is done (`registry.board.bench.cleared_partner`)."""
    world = await factory.tenant(prefix)
    directors = [world[Role.BOARD]]
    for n in range(1, size):
        directors.append(
            await factory.party(world.tenant, Role.BOARD, f"director{n}.{world.slug}@example.org")
        )
    scope = TenantScope(world.tenant.id, world.slug)
    await create_policy(
        scope,
        "international",
        document=preset_text(preset).replace('lists = ["un", "dfat"]', 'lists = ["un"]'),
        actor=OPERATOR,
    )
    return Board(world, directors, await cleared_partner(scope, "Pacific Library Association"))


def mou_body(partner_id: UUID, **changes: Any) -> dict[str, Any]:
    today = date.today()
    body: dict[str, Any] = {
        "title": "Library development partnership",
        "kind": "bilateral",
        "parties": [str(partner_id)],
        "working_relationships": "Staff exchanges and joint webinars.",
        "shared_interests": "Information literacy; library education.",
        "common_understanding": "Each party bears its own costs.",
        "assistance": ["administrative_resources", "lis_education"],
        "sdgs": [4, 17],
        "effective_date": str(today),
        "expires_on": str(today + timedelta(days=3 * 365)),
    }
    body.update(changes)
    return body


def closes_in(delta: timedelta = timedelta(days=7)) -> str:
    return (datetime.now(UTC) + delta).isoformat()


async def draft_mou(api: httpx.AsyncClient, board: Board, **changes: Any) -> dict[str, Any]:
    response = await api.post(
        f"{board.base}/mous", json=mou_body(board.partner_id, **changes), headers=board.executive
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def motion_on(
    api: httpx.AsyncClient,
    board: Board,
    mou_id: str,
    purpose: str = "approval",
    delta: timedelta = timedelta(days=7),
    **extra: Any,
) -> dict[str, Any]:
    response = await api.post(
        f"{board.base}/mous/{mou_id}/motions",
        json={"purpose": purpose, "closes_at": closes_in(delta), "papers": "Board paper.", **extra},
        headers=board.executive,
    )
    assert response.status_code == 201, response.text
    motion: dict[str, Any] = response.json()
    return motion


async def approval_motion(api: httpx.AsyncClient, board: Board) -> tuple[str, str]:
    """(mou id, motion id): a draft MOU put to the board for approval."""
    mou = await draft_mou(api, board)
    motion = await motion_on(api, board, mou["id"])
    return mou["id"], motion["id"]


async def vote(
    api: httpx.AsyncClient, board: Board, motion_id: str, director: Party, choice: str
) -> httpx.Response:
    return await api.put(
        f"{board.base}/motions/{motion_id}/vote", json={"choice": choice}, headers=director.headers
    )


async def recuse(
    api: httpx.AsyncClient, board: Board, motion_id: str, director: Party, conflict: str
) -> httpx.Response:
    return await api.post(
        f"{board.base}/motions/{motion_id}/recusal",
        json={"conflict": conflict},
        headers=director.headers,
    )


def accord(*args: str) -> str:
    """Run an `accord` command against the test database; its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "registry.cli", *args],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def after_deadline() -> str:
    """A time past every test motion's deadline (a week), for `close-due --as-of`."""
    return (datetime.now(UTC) + timedelta(days=8)).isoformat()
