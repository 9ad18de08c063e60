"""The database engine: Piccolo's SQLite or PostgreSQL engine, chosen by one URL.

Piccolo's stock SQLite engine opens a fresh connection (and aiosqlite thread) for every
query; under load that costs more than the query. `PooledSQLiteEngine` keeps a few
connections open instead, each in WAL mode with a busy timeout, and write
transactions begin IMMEDIATE so that concurrent writers queue for the lock rather than
failing with "database is locked" half-way through.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

from tenants.settings import DatabaseSettings

BUSY_TIMEOUT_MS = 30_000
POOL_SIZE = 8


class _PooledTransaction(SQLiteTransaction):
    """A transaction that borrows a pooled connection and gives it back."""

    engine: PooledSQLiteEngine

    async def get_connection(self) -> aiosqlite.Connection:
        return await self.engine.acquire()

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        finally:
            self.engine.release(self.connection)
            self.engine.current_transaction.reset(self.context)
        return exception is None


class PooledSQLiteEngine(SQLiteEngine):
    def __init__(self, path: str, pool_size: int = POOL_SIZE) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(path=path, timeout=BUSY_TIMEOUT_MS / 1000)
        self._pool_size = pool_size
        self._idle: asyncio.LifoQueue[aiosqlite.Connection] | None = None
        self._created = 0
        self._loop: asyncio.AbstractEventLoop | None = None

    def _pool(self) -> asyncio.LifoQueue[aiosqlite.Connection]:
        loop = asyncio.get_running_loop()
        if self._idle is None or self._loop is not loop:
            # A new event loop (a new test, a new CLI run) cannot reuse connections
            # whose futures belong to the old one.
            self._idle = asyncio.LifoQueue()
            self._created = 0
            self._loop = loop
        return self._idle

    async def _open(self) -> aiosqlite.Connection:
        pending = aiosqlite.connect(**self.connection_kwargs)
        # Pooled connections live as long as the process; their worker threads must
        # not keep a finished CLI command (or Piccolo's own CLI) from exiting.
        pending._thread.daemon = True
        connection = await pending
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await connection.execute("PRAGMA journal_mode = WAL")
        await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await connection.execute("PRAGMA foreign_keys = 1")
        await connection.execute("PRAGMA synchronous = NORMAL")
        return connection

    async def acquire(self) -> aiosqlite.Connection:
        pool = self._pool()
        if pool.empty() and self._created < self._pool_size:
            self._created += 1
            try:
                return await self._open()
            except BaseException:
                self._created -= 1
                raise
        return await pool.get()

    def release(self, connection: aiosqlite.Connection) -> None:
        if self._idle is not None and self._loop is asyncio.get_running_loop():
            self._idle.put_nowait(connection)

    async def close_pool(self) -> None:
        if self._idle is None:
            return
        while not self._idle.empty():
            await self._idle.get_nowait().close()
        self._idle = None
        self._created = 0

    async def get_connection(self) -> aiosqlite.Connection:
        return await self.acquire()

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        connection = await self.acquire()
        try:
            async with connection.execute(query, args or []) as cursor:
                return await cursor.fetchall()
        finally:
            self.release(connection)

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> SQLiteTransaction:
        return _PooledTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )


def make_engine(settings: DatabaseSettings) -> Engine:
    if settings.engine == "postgres":
        return PostgresEngine(config=settings.postgres_config())
    return PooledSQLiteEngine(path=settings.sqlite_path)


def current_engine() -> Engine:
    from piccolo.engine.finder import engine_finder

    engine = engine_finder()
    if engine is None:
        raise RuntimeError("piccolo_conf.DB is not configured")
    return engine


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """One atomic unit of work; on SQLite it takes the write lock up front."""
    engine = current_engine()
    if isinstance(engine, SQLiteEngine):
        async with engine.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with engine.transaction():
            yield


async def open_pool() -> None:
    engine = current_engine()
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=2, max_size=20)


async def close_pool() -> None:
    engine = current_engine()
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()
    elif isinstance(engine, PooledSQLiteEngine):
        await engine.close_pool()
