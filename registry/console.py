"""Running one command's database work from the `accord` command line.

Every command group (audit, screening, board, MOUs, mentoring, ...) runs its work
through `run`: its own event loop, the connection pool closed at the end, and a
domain error turned into a clear message and exit 1. It lives apart from
`registry.cli`, which imports the groups while it mounts them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import click

from tenants.errors import AccordError

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run one command's work, turning domain errors into a clear message and exit 1."""

    async def wrapped() -> T:
        from tenants.database import close_pool

        try:
            return await coro
        finally:
            await close_pool()

    try:
        return asyncio.run(wrapped())
    except AccordError as exc:
        raise click.ClickException(exc.detail) from exc
