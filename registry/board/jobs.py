"""The board's scheduled work inside the server: close motions at their deadline and
remind directors before it, every minute. `accord motions close-due` does the same
from cron (for a deployment that runs no server process, or to catch up at once).

Every pass is idempotent and safe to run in several server processes at once: each
motion is closed under its row lock, and a motion already closed is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from registry.audit.ledger import Actor

log = logging.getLogger("accord.jobs")

#: Who the scheduled jobs act as in the audit log.
SCHEDULER = Actor.operator(client="scheduler")
MOTION_PASS_SECONDS = 60.0


class Periodic:
    """A pass run every `seconds` until stopped; a failing pass is logged, not fatal."""

    def __init__(self, name: str, seconds: float, work: Callable[[], Awaitable[None]]) -> None:
        self.name = name
        self.seconds = seconds
        self.work = work
        self.task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            try:
                await self.work()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("scheduled job %s failed; trying again later", self.name)
            await asyncio.sleep(self.seconds)

    def start(self) -> None:
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None


async def motion_pass() -> None:
    from registry.board.service import close_due, remind_closing

    run = await close_due(actor=SCHEDULER)
    for motion_id, why in run.failed:
        log.error("motion %s past its deadline could not be closed: %s", motion_id, why)
    await remind_closing()


_motions = Periodic("accord-motions", MOTION_PASS_SECONDS, motion_pass)


async def start_motion_jobs() -> None:
    """Litestar on_startup."""
    _motions.start()


async def stop_motion_jobs() -> None:
    """Litestar on_shutdown."""
    await _motions.stop()
