"""The service's in-memory index, kept in step with the stored active versions.

App processes are separate from the CLI that imports lists, so each process checks,
at most every `refresh_s` seconds and only when asked (on a screening request), whether
the set of active versions changed (one small query), and if so rebuilds the index
in a background task and swaps it in with `Screener.swap`. Requests keep screening
against the old index until the new one is ready; with no active version the index
is empty and every answer is "not cleared" (fail closed).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time

from screening import store
from screening.index import ScreeningIndex
from screening.matcher import Screener

log = logging.getLogger(__name__)

DEFAULT_REFRESH_S = 2.0


def _refresh_from_env() -> float:
    try:
        return max(0.0, float(os.environ.get("ACCORD_SCREENING_REFRESH_S", DEFAULT_REFRESH_S)))
    except ValueError:
        return DEFAULT_REFRESH_S


def _build(raw: list[tuple[store.StoredVersion, list[str]]]) -> ScreeningIndex | None:
    versions = store.decode_raw(raw)
    if not versions:
        return None
    return ScreeningIndex.build(versions)


class LiveIndex:
    def __init__(self, refresh_s: float | None = None) -> None:
        self.screener = Screener()
        self.refresh_s = _refresh_from_env() if refresh_s is None else refresh_s
        self.signature: store.Signature | None = None  # None: never loaded
        self._checked_at = float("-inf")
        self._task: asyncio.Task[None] | None = None

    async def load(self) -> None:
        """Build the index from the active versions now (start-up)."""
        self._checked_at = time.monotonic()
        await self._rebuild(await store.active_signature())

    async def _rebuild(self, signature: store.Signature) -> None:
        raw = await store.load_raw([vid for vid, _ in signature])
        index = await asyncio.to_thread(_build, raw)
        self.screener.swap(index)
        self.signature = signature
        names = len(index) if index is not None else 0
        log.info("screening index: %s names from %s", names, signature)

    async def _rebuild_logged(self, signature: store.Signature) -> None:
        try:
            await self._rebuild(signature)
        except Exception:
            log.exception("screening index rebuild failed; keeping the previous index")

    async def refresh_if_due(self) -> None:
        """Cheap when nothing changed: at most one small query every `refresh_s`."""
        if self._task is not None and not self._task.done():
            return
        now = time.monotonic()
        if now - self._checked_at < self.refresh_s:
            return
        self._checked_at = now
        signature = await store.active_signature()
        if signature != self.signature:
            self._task = asyncio.create_task(self._rebuild_logged(signature))

    async def wait(self) -> None:
        """Wait for a rebuild in progress (tests)."""
        if self._task is not None:
            await self._task


LIVE = LiveIndex()


async def load_screening_index() -> None:
    """Litestar on_startup hook: load the stored active versions into memory. A
    database not yet migrated or unreachable leaves the index empty (fail closed)
    and the next request tries again."""
    try:
        await LIVE.load()
    except Exception:
        log.exception("screening index not loaded at start-up; screening fails closed")
