"""Fixtures shared by the whole suite.

The database comes from ACCORD_DATABASE_URL (the Makefile runs the suite once on
SQLite and once on PostgreSQL); without one, a fresh SQLite file is used. Tests that
touch the database are marked `db` automatically, so the PostgreSQL pass runs just
those. HTTP tests talk to a real `accord serve` process over a real socket.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

_RUN_DIR = Path(tempfile.mkdtemp(prefix="accord-tests-"))
os.environ.setdefault("ACCORD_DATABASE_URL", f"sqlite:///{_RUN_DIR / 'accord.sqlite3'}")
os.environ.setdefault("ACCORD_MASTER_KEY_FILE", str(_RUN_DIR / "master.key"))
os.environ.setdefault("ACCORD_LOG_LEVEL", "warning")

import httpx  # noqa: E402
import pytest  # noqa: E402

from tests.factories import TenantFactory  # noqa: E402


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "database" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


def _engine_name() -> str:
    url = os.environ["ACCORD_DATABASE_URL"]
    return "postgres" if url.startswith("postgres") else "sqlite"


async def _reset_postgres() -> None:
    from tenants.database import current_engine

    engine = current_engine()
    await engine.run_ddl("DROP SCHEMA public CASCADE")
    await engine.run_ddl("CREATE SCHEMA public")


@pytest.fixture(scope="session")
async def database() -> AsyncIterator[str]:
    """A migrated, empty database for this run; yields the engine's name."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from tenants.database import close_pool, open_pool

    if _engine_name() == "postgres":
        await _reset_postgres()
    result = await run_forwards(app_name="all")
    assert result.success, result.message
    await open_pool()
    yield _engine_name()
    await close_pool()


@pytest.fixture(scope="session")
async def factory(database: str) -> TenantFactory:
    return TenantFactory()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(name: str, **env: str) -> Iterator[str]:
    """`accord serve` in its own process on the test database, with `env` added to
    its environment; yields its base URL. Its log is `<run dir>/<name>.log`."""
    port = _free_port()
    log_path = _RUN_DIR / f"{name}.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(
        [sys.executable, "-m", "registry.cli", "serve", "--port", str(port)],
        env={**os.environ, "ACCORD_HOST": "127.0.0.1", **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log.close()
            raise RuntimeError(log_path.read_text())
        time.sleep(0.1)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def live_server(database: str) -> Iterator[str]:
    """`accord serve` in its own process, on the test database."""
    with running_server("server") as base:
        yield base


@pytest.fixture
async def api(live_server: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def run_dir() -> Path:
    return _RUN_DIR
