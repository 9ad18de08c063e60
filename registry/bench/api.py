"""`accord bench api`: the tenant-scoped list against a bare Litestar ceiling.

For each engine the benchmark makes a fresh database, seeds one tenant with 60
members, starts `accord serve` and the ceiling app (same JSON body, no auth, no
database) as separate processes, and drives each with 32 keep-alive connections from
a third process. Rounds alternate between the two servers so that noise on this
2-core machine hits both alike; medians are reported.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

ROUNDS = 3
TARGET_RATIO = 1 / 3
TARGET_P99_MS = 25.0
LIMIT = 50


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _python(*args: str, env: dict[str, str]) -> str:
    # Only this interpreter with our own module names and arguments is ever run.
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", *args], env=env, capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def _start(args: list[str], env: dict[str, str], health: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and modules
        [sys.executable, "-m", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(health, timeout=1).status_code in (200, 401):
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server {' '.join(args)} did not start")


async def _recreate_postgres(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise ValueError(f"refusing to reset {name!r}: the bench database's name must say bench")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def _load(url: str, connections: int, duration: float, headers: list[str]) -> dict[str, Any]:
    args = [
        "registry.bench.load",
        url,
        "--connections",
        str(connections),
        "--duration",
        str(duration),
    ]
    for header in headers:
        args += ["--header", header]
    result: dict[str, Any] = json.loads(_python(*args, env=dict(os.environ)))
    return result


def bench_engine(
    engine: str, duration: float, connections: int, pg_url: str, workers: int
) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"accord-bench-{engine}-"))
    if engine == "postgres":
        asyncio.run(_recreate_postgres(pg_url))
        db_url = pg_url
    else:
        db_url = f"sqlite:///{work / 'bench.sqlite3'}"
    env = {
        **os.environ,
        "ACCORD_DATABASE_URL": db_url,
        "ACCORD_MASTER_KEY_FILE": str(work / "master.key"),
        "ACCORD_LOG_LEVEL": "warning",
    }
    _python("registry.cli", "migrate", env=env)
    seeded = json.loads(_python("registry.bench.seed", env=env).strip().splitlines()[-1])
    auth = f"Authorization: Bearer {seeded['token']}"
    api_port, ceiling_port = _free_port(), _free_port()
    api = _start(
        ["registry.cli", "serve", "--port", str(api_port), "--workers", str(workers)],
        env,
        f"http://127.0.0.1:{api_port}/health",
    )
    try:
        url = f"http://127.0.0.1:{api_port}/api/v1/t/{seeded['tenant']}/members?limit={LIMIT}"
        sample = httpx.get(url, headers={"Authorization": f"Bearer {seeded['token']}"})
        sample.raise_for_status()
        if len(sample.json()["items"]) != LIMIT:
            raise RuntimeError(f"expected {LIMIT} records, got {len(sample.json()['items'])}")
        body = work / "body.json"
        body.write_bytes(sample.content)
        ceiling = _start(
            ["registry.bench.ceiling", str(body), str(ceiling_port), str(workers)],
            env,
            f"http://127.0.0.1:{ceiling_port}/ceiling",
        )
        try:
            real_runs, ceiling_runs = [], []
            for _ in range(ROUNDS):
                ceiling_runs.append(
                    _load(f"http://127.0.0.1:{ceiling_port}/ceiling", connections, duration, [])
                )
                real_runs.append(_load(url, connections, duration, [auth]))
        finally:
            ceiling.terminate()
            ceiling.wait(10)
    finally:
        api.terminate()
        api.wait(10)
    rps = statistics.median(r["rps"] for r in real_runs)
    ceiling_rps = statistics.median(r["rps"] for r in ceiling_runs)
    p99 = statistics.median(r["p99_ms"] for r in real_runs)
    errors = sum(r["errors"] for r in real_runs)
    return {
        "engine": engine,
        "rps": round(rps, 1),
        "p99_ms": p99,
        "p50_ms": statistics.median(r["p50_ms"] for r in real_runs),
        "ceiling_rps": round(ceiling_rps, 1),
        "ceiling_p99_ms": statistics.median(r["p99_ms"] for r in ceiling_runs),
        "ratio": round(rps / ceiling_rps, 3),
        "errors": errors,
        "records": LIMIT,
        "connections": connections,
        "workers": workers,
        "rounds": ROUNDS,
        "seconds_per_round": duration,
        "target_met": errors == 0 and rps / ceiling_rps >= TARGET_RATIO and p99 <= TARGET_P99_MS,
    }


def run_api_bench(
    duration: float, connections: int, engine: str, pg_url: str, workers: int = 1
) -> list[dict[str, Any]]:
    engines = ["sqlite", "postgres"] if engine == "both" else [engine]
    results = [bench_engine(name, duration, connections, pg_url, workers) for name in engines]
    if len(results) == 1:
        return results
    summary = {"results": results, "target_met": all(r["target_met"] for r in results)}
    return [*results, summary]
