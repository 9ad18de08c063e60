"""A hundred directors voting at the same moment: no vote lost, none counted twice.

Each vote is its own HTTP request on its own connection; the motion's row lock
(PostgreSQL) or the single writer (SQLite) applies them one after another. The
hundredth closes the motion, so the signed record must hold exactly a hundred votes.
"""

from __future__ import annotations

import asyncio
import json
import time

import httpx

from tenants.roles import Role
from tests.board.support import approval_motion, board_of

DIRECTORS = 100


async def test_a_hundred_concurrent_votes_lose_none_and_double_none(live_server, factory):
    async with httpx.AsyncClient(base_url=live_server, timeout=120) as api:
        board = await board_of(factory, DIRECTORS, prefix="hundred")
        _, motion_id = await approval_motion(api, board)
        choices = ["for" if n % 3 else "against" for n in range(DIRECTORS)]

        async def cast(director, choice):
            # A client per director: a hundred connections, as a hundred people would.
            async with httpx.AsyncClient(base_url=live_server, timeout=120) as own:
                return await own.put(
                    f"{board.base}/motions/{motion_id}/vote",
                    json={"choice": choice},
                    headers=director.headers,
                )

        started = time.perf_counter()
        responses = await asyncio.gather(
            *[cast(d, c) for d, c in zip(board.directors, choices, strict=True)]
        )
        elapsed = time.perf_counter() - started
        assert [r.status_code for r in responses] == [200] * DIRECTORS, [
            r.text for r in responses if r.status_code != 200
        ][:3]
        print(f"\n{DIRECTORS} concurrent votes answered in {elapsed:.2f} s")

        motion = (
            await api.get(f"{board.base}/motions/{motion_id}", headers=board.executive)
        ).json()
        expected_for = choices.count("for")
        assert motion["status"] == "carried"
        assert motion["tally"]["votes_for"] == expected_for
        assert motion["tally"]["votes_against"] == DIRECTORS - expected_for
        assert motion["tally"]["not_voted"] == 0
        by_person = {b["person_id"]: b["choice"] for b in motion["ballots"]}
        assert by_person == {
            str(d.person_id): c for d, c in zip(board.directors, choices, strict=True)
        }

        auditor = board.world[Role.AUDITOR].headers
        decision = (
            await api.get(f"{board.base}/motions/{motion_id}/decision", headers=auditor)
        ).json()
        record = json.loads(decision["record"])
        assert len(record["votes"]) == DIRECTORS
        assert len({v["person"] for v in record["votes"]}) == DIRECTORS
        events = await api.get(
            f"{board.base}/audit/events",
            params={"object_id": motion_id, "action": "motion.voted", "limit": 500},
            headers=auditor,
        )
        assert len(events.json()["items"]) == DIRECTORS
