"""The database engine: Piccolo's SQLite or PostgreSQL engine, chosen by one URL.

Piccolo's stock SQLite engine opens a fresh connection (and aiosqlite thread) for every
query; under load that costs more than the query. `PooledSQLiteEngine` keeps a few
connections open instead, each in WAL mode with a busy timeout, and write
transactions begin IMMEDIATE so that concurrent writers queue for the lock rather than
failing with "database is locked" half-way through.

A read outside a transaction runs inline on the event loop's thread. In WAL mode a
reader never waits for a writer, and reading a page from a local file takes tens of
microseconds, while handing the statement to aiosqlite's thread and back costs three
thread hops (execute, fetch, close: about 0.2 ms). Writes, and everything inside a
transaction, still go through aiosqlite, since they may wait for the write lock.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import lru_cache
from importlib import import_module
from pathlib import Path
from typing import Any
from uuid import UUID

import aiosqlite
import piccolo.table
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory
from piccolo.querystring import QueryString

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
        if sqlite3.sqlite_version_info < (3, 35):
            raise RuntimeError(f"Accord needs SQLite 3.35 or newer, not {sqlite3.sqlite_version}")
        super().__init__(path=path, timeout=BUSY_TIMEOUT_MS / 1000)
        self._pool_size = pool_size
        self._idle: asyncio.LifoQueue[aiosqlite.Connection] | None = None
        self._created = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._readers = threading.local()

    def _pool(self) -> asyncio.LifoQueue[aiosqlite.Connection]:
        loop = asyncio.get_running_loop()
        if self._idle is None or self._loop is not loop:
            # A new event loop (a new test, a new CLI run) cannot reuse connections
            # whose futures belong to the old one.
            self._idle = asyncio.LifoQueue()
            self._created = 0
            self._loop = loop
        return self._idle

    def _make_folder(self) -> None:
        # On the first connection, not when the engine is made: importing the tables
        # (and so piccolo_conf) must leave no trace where a command was merely typed.
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)

    async def _open(self) -> aiosqlite.Connection:
        self._make_folder()
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

    def _reader(self, kind: str, detect_types: bool) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._readers, kind, None)
        if connection is None:
            self._make_folder()
            kwargs = dict(self.connection_kwargs)
            if not detect_types:
                kwargs["detect_types"] = 0
            connection = sqlite3.connect(**kwargs)
            if detect_types:
                connection.row_factory = dict_factory
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA foreign_keys = 1")
            setattr(self._readers, kind, connection)
        return connection

    def change_stamp(self) -> tuple[int, int]:
        """Changes whenever any connection of any process commits to the database.

        SQLite's `data_version` of a connection that never writes (the count ignores
        the connection's own commits), with the connection's identity: a count is
        only comparable with another from the same connection."""
        connection = self._reader("version", detect_types=False)
        (version,) = connection.execute("PRAGMA data_version").fetchone()
        return id(connection), version

    def plain_connection(self) -> sqlite3.Connection:
        """This thread's read connection without type detection: rows of raw values."""
        return self._reader("plain", detect_types=False)

    def _inline_connection(self) -> sqlite3.Connection:
        """This thread's read connection for Piccolo's queries: typed dict rows."""
        return self._reader("typed", detect_types=True)

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False) -> Any:
        if self.current_transaction.get() is None and not self.log_queries:
            query, args = querystring.compile_string(engine_type=self.engine_type)
            if query.lstrip()[:6].upper() == "SELECT":
                return self._inline_connection().execute(query, args).fetchall()
        return await super().run_querystring(querystring, in_pool=in_pool)

    async def _run_in_existing_connection(
        self,
        connection: aiosqlite.Connection,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        # Piccolo re-sends `PRAGMA foreign_keys` and opens a cursor for every statement
        # in a transaction: five thread hops. A pooled connection was opened with
        # foreign keys on and dict rows, and SQLite >= 3.35 returns inserted keys with
        # RETURNING, so one hop does: execute and fetch in the connection's thread.
        return await connection.execute_fetchall(query, args or [])

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


@lru_cache(maxsize=256)
def _compiled(template: str, engine_type: str) -> str:
    """`{}` placeholders as the engine's own: `?` for SQLite, `$1..$n` for PostgreSQL."""
    parts = template.split("{}")
    if engine_type == "sqlite":
        return "?".join(parts)
    out = [parts[0]]
    for n, part in enumerate(parts[1:], start=1):
        out.append(f"${n}{part}")
    return "".join(out)


async def _from_driver(template: str, args: tuple[Any, ...], *, named: bool) -> list[Any] | None:
    """Rows straight from the driver (dicts if `named`, else sequences of values), or
    None inside a transaction, whose connection only Piccolo knows."""
    engine = current_engine()
    if engine.current_transaction.get() is not None:
        return None
    sql = _compiled(template, engine.engine_type)
    if isinstance(engine, PooledSQLiteEngine):
        cursor = engine.plain_connection().execute(sql, args)
        rows = cursor.fetchall()
        if not named:
            return rows
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in rows]
    if isinstance(engine, PostgresEngine) and engine.pool is not None:
        async with engine.pool.acquire() as connection:
            records = await connection.fetch(sql, *args)
        # asyncpg's records are sequences of their values already.
        return [dict(record) for record in records] if named else list(records)
    return None


async def _through_piccolo(template: str, args: tuple[Any, ...]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await current_engine().run_querystring(
        QueryString(template, *args)
    )
    return rows


async def fetch(template: str, *args: Any) -> list[dict[str, Any]]:
    """Run a parameterised SELECT written with `{}` placeholders; rows as dicts.

    The lean path for the few reads every request makes (token, membership): the
    statement is compiled once and handed straight to the driver, where Piccolo's
    query objects would be rebuilt and every value converted in Python on each call.
    Values come back as the driver gives them (on SQLite ids and times are text); read
    them with `as_uuid` and `as_datetime`. Inside a transaction it defers to Piccolo
    so that the transaction's connection is used.
    """
    rows = await _from_driver(template, args, named=True)
    return rows if rows is not None else await _through_piccolo(template, args)


async def fetch_records(template: str, *args: Any) -> list[Sequence[Any]]:
    """As `fetch`, but each row as a sequence of values in the SELECT's column order.

    For pages of many rows: building a dict per row cost as much as reading it. The
    values are as `fetch` gives them; inside a transaction the rows come through
    Piccolo's dicts, so the columns must have distinct names."""
    rows = await _from_driver(template, args, named=False)
    if rows is not None:
        return rows
    return [tuple(row.values()) for row in await _through_piccolo(template, args)]


def change_stamp() -> tuple[int, int] | None:
    """A value that differs after any commit to the database since it was read, when
    one can be had without a round trip (SQLite outside a transaction); else None."""
    engine = current_engine()
    if isinstance(engine, PooledSQLiteEngine) and engine.current_transaction.get() is None:
        return engine.change_stamp()
    return None


def as_uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def as_moment(value: str | datetime) -> datetime:
    """A stored time as an aware UTC datetime (SQLite keeps it as ISO text)."""
    if isinstance(value, datetime):
        return value
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def as_datetime(value: Any) -> datetime | None:
    """As `as_moment`, for a time that may be missing."""
    return None if value is None else as_moment(value)


def make_engine(settings: DatabaseSettings) -> Engine:
    if settings.engine == "postgres":
        return PostgresEngine(config=settings.postgres_config())
    return PooledSQLiteEngine(path=settings.sqlite_path)


def conf_engine(module_name: str | None = None) -> Engine | None:
    """The engine `DB` of piccolo_conf (or of the module PICCOLO_CONF names), as
    Piccolo's `engine_finder` finds it, but without importing `piccolo.conf.apps`,
    which imports black and the migration machinery: a tenth of a second of every
    `accord` command's start, for an engine that is one attribute away."""
    engine = getattr(
        import_module(module_name or os.environ.get("PICCOLO_CONF", "piccolo_conf")), "DB", None
    )
    return engine if isinstance(engine, Engine) else None


# Every table finds its engine on its first query through `piccolo.table.engine_finder`
# (a table has no engine of its own): the same lookup, the quick way.
piccolo.table.engine_finder = conf_engine


@lru_cache(maxsize=1)
def current_engine() -> Engine:
    """The engine of `piccolo_conf` (looked up once)."""
    engine = conf_engine()
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


async def _nothing_to_reset(connection: Any) -> None:
    """asyncpg resets a connection on its way back to the pool by default (advisory
    locks, cursors, LISTEN, session settings): one more round trip per statement.
    Accord keeps no session state on a connection (settings are transaction-local,
    no advisory locks, no LISTEN, no cursors outside transactions), so there is
    nothing to reset."""


async def _start_pool(min_size: int, max_size: int) -> None:
    engine = current_engine()
    if isinstance(engine, PostgresEngine) and engine.pool is None:
        await engine.start_connection_pool(
            min_size=min_size, max_size=max_size, reset=_nothing_to_reset
        )


async def open_pool() -> None:
    """The service's PostgreSQL connection pool (SQLite keeps its own)."""
    await _start_pool(min_size=2, max_size=20)


async def open_command_pool() -> None:
    """A small pool for one CLI command, unless one is open already. Without a pool
    Piccolo opens a PostgreSQL connection per query (a server process forked and
    authenticated each time): five for `accord tokens create`."""
    await _start_pool(min_size=1, max_size=8)


async def close_pool() -> None:
    engine = current_engine()
    if isinstance(engine, PostgresEngine):
        if engine.pool is not None:  # else Piccolo warns on stderr, once per CLI command
            await engine.close_connection_pool()
    elif isinstance(engine, PooledSQLiteEngine):
        await engine.close_pool()
