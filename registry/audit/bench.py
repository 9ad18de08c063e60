"""`accord bench audit`: append overhead, export plus verify, and proof generation.

For each engine a worker process gets a fresh database (a new SQLite file; a dropped
and re-created PostgreSQL database named after `--postgres-url` plus `_audit`),
migrates it and measures:

- append_p50_ms / append_p99_ms: the time of one `ledger.record` call (lock the chain
  head, seal, insert the event and its Merkle nodes, move the head) inside a write
  transaction, over `--appends` sequential appends;
- verify_1m_s: a log of `--events` events (1,000,000 by default) is loaded straight
  into the tables (built by the same sealing code; not timed), then the export bundle
  is written from the database to a file and verified offline: the time of both;
- proof_ms: median time of `store.prove` (reads the event, the tree head and the
  O(log^2 n) Merkle nodes it needs) at that size, over 50 random events.

    python -m registry.audit.bench URL EVENTS APPENDS     (the worker; prints JSON)
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

TARGETS = {"append_p50_ms": 1.0, "verify_1m_s": 10.0, "proof_ms": 5.0}


# -- the orchestrator (the click command) --------------------------------------------


def _fresh_postgres(url: str) -> str:
    import asyncpg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_audit"
    admin = urlunsplit(parts._replace(path="/postgres"))

    async def recreate() -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(recreate())
    return urlunsplit(parts._replace(path="/" + name))


def run_worker(url: str, events: int, appends: int, workdir: Path) -> dict[str, Any]:
    env = {
        **os.environ,
        "ACCORD_DATABASE_URL": url,
        "ACCORD_MASTER_KEY_FILE": str(workdir / "master.key"),
        "ACCORD_LOG_LEVEL": "warning",
    }
    done = subprocess.run(  # noqa: S603 - our own worker module
        [sys.executable, "-m", "registry.audit.bench", url, str(events), str(appends)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"audit bench worker failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run_audit_bench(
    engines: list[str], postgres_url: str, events: int, appends: int
) -> list[dict[str, Any]]:
    results = []
    with tempfile.TemporaryDirectory(prefix="accord-bench-audit-") as tmp:
        workdir = Path(tmp)
        for engine in engines:
            if engine == "sqlite":
                url = f"sqlite:///{workdir / 'audit.sqlite3'}"
            else:
                url = _fresh_postgres(postgres_url)
            results.append(run_worker(url, events, appends, workdir))
    if len(results) == 1:
        return results
    summary: dict[str, Any] = {"engine": "+".join(r["engine"] for r in results)}
    for key in ("append_p50_ms", "append_p99_ms", "verify_1m_s", "proof_ms"):
        summary[key] = {r["engine"]: r[key] for r in results}
    summary["events"] = events
    summary["targets"] = TARGETS
    return [*results, summary]


# -- the worker -----------------------------------------------------------------------


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _appends(tenant_id: uuid.UUID, count: int) -> list[float]:
    from registry.audit.ledger import Actor, record
    from tenants.database import write_transaction

    actor = Actor(person_id=uuid.uuid4(), roles=("board",), request_id="bench", client="::1")
    samples = []
    for i in range(count):
        async with write_transaction():
            start = time.perf_counter()
            await record(
                actor,
                tenant_id,
                "motion.vote_cast",
                "motion",
                f"m-{i // 5}",
                {"vote": [None, "yes" if i % 2 else "no"]},
            )
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def _build_log(slug: str, size: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], Any]:
    """Rows of `size` sealed events and of their Merkle nodes, and the chain head."""
    from registry.audit.canonical import canonical_bytes
    from registry.audit.chain import GENESIS_HASH, seal_event, utc_timestamp
    from registry.audit.ledger import grow

    events: list[tuple[Any, ...]] = []
    nodes: list[tuple[Any, ...]] = []
    prev, peaks = GENESIS_HASH, list[bytes]()
    base = datetime(2025, 1, 1, tzinfo=UTC)
    person = str(uuid.uuid4())
    for seq in range(1, size + 1):
        moment = base + timedelta(seconds=seq)
        fields = {
            "tenant": slug,
            "seq": seq,
            "time": utc_timestamp(moment),
            "actor": {"person": person, "role": "board", "session": None},
            "action": "motion.vote_cast",
            "object_type": "motion",
            "object_id": f"m-{seq // 5}",
            "changes": {"vote": [None, "yes" if seq % 2 else "no"]},
            "reason": None,
            "request_id": f"req-{seq}",
            "client": "192.0.2.10",
        }
        event = seal_event(fields, prev)
        prev = bytes.fromhex(event["hash"])
        peaks, new_nodes = grow(seq - 1, peaks, prev)
        events.append(
            (
                seq,
                moment,
                person,
                event["object_id"],
                json.dumps(fields["changes"]),
                fields["request_id"],
                event["prev_hash"],
                event["hash"],
                canonical_bytes(event).decode(),
            )
        )
        nodes.extend((level, index, digest.hex()) for level, index, digest in new_nodes)
    return events, nodes, (size, prev.hex(), json.dumps([p.hex() for p in peaks]))


async def _load(tenant_id: uuid.UUID, slug: str, size: int) -> None:
    """Bulk-insert a log of `size` events (not through `record`: that is timed apart)."""
    from piccolo.engine.postgres import PostgresEngine

    from tenants.database import current_engine

    events, nodes, head = _build_log(slug, size)
    engine = current_engine()
    tid = str(tenant_id)
    event_rows = [
        (
            str(uuid.uuid4()),
            tid,
            seq,
            t,
            p,
            "board",
            None,
            None,
            "motion.vote_cast",
            "motion",
            oid,
            ch,
            None,
            rid,
            "192.0.2.10",
            ph,
            h,
            body,
        )
        for seq, t, p, oid, ch, rid, ph, h, body in events
    ]
    node_rows = [(str(uuid.uuid4()), tid, level, index, digest) for level, index, digest in nodes]
    if isinstance(engine, PostgresEngine):
        import asyncpg

        conn = await asyncpg.connect(**engine.config)
        try:
            await conn.copy_records_to_table(
                "audit_event",
                records=[(uuid.UUID(r[0]), uuid.UUID(r[1]), *r[2:]) for r in event_rows],
                columns=_EVENT_COLUMNS,
            )
            await conn.copy_records_to_table(
                "audit_node",
                records=[(uuid.UUID(r[0]), uuid.UUID(r[1]), *r[2:]) for r in node_rows],
                columns=["id", "tenant", "level", "idx", "hash"],
            )
            await conn.execute(
                "INSERT INTO audit_chain (id, tenant, slug, size, last_hash, peaks)"
                " VALUES ($1, $2, $3, $4, $5, $6)",
                uuid.uuid4(),
                tenant_id,
                slug,
                *head,
            )
            # A log grows gradually and autovacuum keeps its statistics current; after
            # a bulk COPY of millions of rows they are stale until analysed.
            await conn.execute("ANALYZE audit_event")
            await conn.execute("ANALYZE audit_node")
        finally:
            await conn.close()
        return
    import sqlite3

    path = getattr(engine, "connection_kwargs", {})["database"]
    conn = sqlite3.connect(path)
    try:
        with conn:
            marks = ", ".join("?" * len(_EVENT_COLUMNS))
            conn.executemany(
                f"INSERT INTO audit_event ({', '.join(_EVENT_COLUMNS)}) VALUES ({marks})",  # noqa: S608
                [(*r[:3], str(r[3]), *r[4:]) for r in event_rows],
            )
            conn.executemany(
                "INSERT INTO audit_node (id, tenant, level, idx, hash) VALUES (?, ?, ?, ?, ?)",
                node_rows,
            )
            conn.execute(
                "INSERT INTO audit_chain (id, tenant, slug, size, last_hash, peaks)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (str(uuid.uuid4()), tid, slug, *head),
            )
    finally:
        conn.close()


_EVENT_COLUMNS = [
    "id",
    "tenant",
    "seq",
    "time",
    "actor_person",
    "actor_role",
    "token_id",
    "session_id",
    "action",
    "object_type",
    "object_id",
    "changes",
    "reason",
    "request_id",
    "client",
    "prev_hash",
    "hash",
    "body",
]


async def _export_and_verify(tenant_id: uuid.UUID, slug: str, out: Path) -> tuple[float, int]:
    from registry.audit.bundle import verify_bundle
    from registry.audit.store import export_lines

    start = time.perf_counter()
    with open(out, "wb") as stream:
        async for line in export_lines(tenant_id, slug):
            stream.write(line)
    result = verify_bundle(out)
    elapsed = time.perf_counter() - start
    if not result.valid:
        raise RuntimeError(f"bench bundle does not verify: {result.problem}")
    return elapsed, result.events


async def _proofs(tenant_id: uuid.UUID, slug: str, size: int, count: int = 50) -> list[float]:
    from registry.audit.store import prove

    await prove(tenant_id, slug, size)  # signs the head once; not timed
    rng = random.Random(7)  # noqa: S311 - picks events to prove, not secrets
    samples = []
    for _ in range(count):
        seq = rng.randint(1, size)
        start = time.perf_counter()
        document = await prove(tenant_id, slug, seq)
        samples.append((time.perf_counter() - start) * 1000)
        assert document["seq"] == seq
    return samples


async def worker(events: int, appends: int) -> dict[str, Any]:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from registry.audit.ledger import OPERATOR
    from tenants.database import close_pool, current_engine, open_pool, write_transaction
    from tenants.keys import create_tenant_keys
    from tenants.service import create_tenant
    from tenants.tables import Tenant

    result = await run_forwards(app_name="all")
    if not result.success:
        raise RuntimeError(result.message)
    await open_pool()
    try:
        engine = current_engine().engine_type
        small = await create_tenant("bench-append", "Append Bench", "AU", actor=OPERATOR)
        samples = await _appends(small.id, appends)
        # The export tenant's log is bulk-loaded, so it is made without its creation event.
        big = Tenant(slug="bench-export", name="Export Bench", country="AU")
        async with write_transaction():
            await big.save()
            await create_tenant_keys(big.id)
        load_start = time.perf_counter()
        await _load(big.id, "bench-export", events)
        load_s = time.perf_counter() - load_start
        with tempfile.TemporaryDirectory() as tmp:
            verify_s, exported = await _export_and_verify(
                big.id, "bench-export", Path(tmp) / "bundle.jsonl"
            )
        proofs = await _proofs(big.id, "bench-export", events)
    finally:
        await close_pool()
    return {
        "engine": engine,
        "append_p50_ms": round(statistics.median(samples), 3),
        "append_p99_ms": round(_pct(samples, 0.99), 3),
        "appends": appends,
        "verify_1m_s": round(verify_s, 2),
        "events": exported,
        "load_s": round(load_s, 1),
        "proof_ms": round(statistics.median(proofs), 3),
        "proof_p99_ms": round(_pct(proofs, 0.99), 3),
    }


if __name__ == "__main__":
    _url, _events, _appends_n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(asyncio.run(worker(_events, _appends_n))))
