"""The scheduled passes the server runs: motions close at their deadline by
themselves, and directors who have not voted are reminded before it."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from registry.board.jobs import motion_pass
from tests.board.support import board_of, draft_mou, motion_on, vote


async def test_a_motion_closes_by_itself_at_its_deadline(api, factory):
    board = await board_of(factory, 3, prefix="jobs")
    mou = await draft_mou(api, board)
    motion = await motion_on(api, board, mou["id"], delta=timedelta(seconds=2))
    await vote(api, board, motion["id"], board.directors[0], "for")
    await vote(api, board, motion["id"], board.directors[1], "for")
    await motion_pass()
    url = f"{board.base}/motions/{motion['id']}"
    assert (await api.get(url, headers=board.executive)).json()["status"] == "open"
    await asyncio.sleep(2.2)
    await motion_pass()
    closed = (await api.get(url, headers=board.executive)).json()
    assert closed["status"] == "carried" and closed["tally"]["not_voted"] == 1
    decision = (await api.get(f"{url}/decision", headers=board.executive)).json()
    assert json.loads(decision["record"])["motion"]["closed_because"] == "deadline"
    mou = (await api.get(f"{board.base}/mous/{mou['id']}", headers=board.executive)).json()
    assert mou["state"] == "approved"


async def test_directors_who_have_not_voted_are_reminded_once(api, factory):
    board = await board_of(factory, 2, prefix="jobs")
    mou = await draft_mou(api, board)
    motion = await motion_on(api, board, mou["id"], delta=timedelta(hours=20))
    await vote(api, board, motion["id"], board.directors[0], "against")
    await motion_pass()
    await motion_pass()

    async def reminders(director):
        inbox = await api.get(f"{board.base}/notifications", headers=director.headers)
        return [n for n in inbox.json()["items"] if n["kind"] == "motion.closing"]

    assert await reminders(board.directors[0]) == []
    [reminder] = await reminders(board.directors[1])
    assert motion["id"] in reminder["link"]
