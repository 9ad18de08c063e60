"""`accord bench intake`: what running an ALIA intake costs, through the service
functions the API calls.

A worker process gets a fresh database (a new SQLite file, or the PostgreSQL database
given with `--database-url`, whose schema it drops), migrates it, makes one tenant
with `--mentees` + `--mentees // 2` members, and then measures:

- apply_p50_ms / apply_p95_ms: one application each (the policy's Decision, the checks,
  the row and its audit event), mentors offering two places;
- run_s: a draft match run over the whole pool (pool read, engine, stored draft);
- publish_s: publishing it (partnerships, states, audit events, notifications);
- accept_p50_ms: one party's acceptance (both: the fee falls due);
- charge_s: the fee run charging every fee that is due.

The last line is one JSON object.

    python -m registry.mentoring.bench MENTEES      (the worker)
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
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import click

INTERESTS = [
    "cataloguing",
    "digital libraries",
    "leadership",
    "research support",
    "children's services",
    "advocacy",
    "archives",
    "systems",
]
SECTORS = ["public", "academic", "special", "school", "government"]


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)


async def _work(mentees: int) -> dict[str, Any]:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from policies.dates import add_months
    from registry.audit.ledger import OPERATOR, Actor
    from registry.mentoring.applications import submit_application
    from registry.mentoring.fees import charge_due_fees
    from registry.mentoring.partnerships import accept_partnership, list_partnerships
    from registry.mentoring.runs import create_run, publish_run
    from registry.mentoring.schemas import ApplicationIn, IntakeCreate, SchemeCreate
    from registry.mentoring.schemes import create_intake, create_scheme
    from tenants import clock
    from tenants.database import open_pool
    from tenants.roles import Role
    from tenants.scope import TenantScope
    from tenants.service import create_tenant, grant_role

    result = await run_forwards(app_name="all")
    assert result.success, result.message
    await open_pool()
    tenant = await create_tenant("bench-alia", "Bench ALIA", "AU", actor=OPERATOR)
    scope = TenantScope(tenant.id, str(tenant.slug))
    scheme = await create_scheme(
        scope,
        SchemeCreate(
            name="ALIA", mode="mentor-mentee", preset="alia-mentoring", interests=INTERESTS
        ),
        actor=OPERATOR,
    )
    today = await clock.today(scope)
    intake = await create_intake(
        scope,
        scheme.id,
        IntakeCreate(name="Bench", starts_on=today + timedelta(days=30)),
        actor=OPERATOR,
    )
    rng = random.Random(7)  # noqa: S311 - generated profiles, not secrets
    mentors = mentees // 2
    people = []
    for n in range(mentees + mentors):
        grant = await grant_role(tenant, f"p{n}@bench.example", Role.MEMBER, actor=OPERATOR)
        people.append(grant.person.id)
    timings: list[float] = []
    for n, person in enumerate(people):
        role: Literal["mentee", "mentor"] = "mentee" if n < mentees else "mentor"
        body = ApplicationIn(
            role=role,
            interests=rng.sample(INTERESTS, 2),
            sector=rng.choice(SECTORS),
            career_stage=rng.randint(3, 5) if role == "mentor" else rng.randint(1, 3),
            years=rng.randint(4, 25) if role == "mentor" else rng.randint(0, 3),
            country="AU",
            languages=["en"],
            utc_offset=rng.choice([8, 9.5, 10]),
            capacity=2 if role == "mentor" else 1,
            membership={
                "class": "Associate" if role == "mentor" else "Student",
                "status": "financial",
            },
            declarations=["code-of-conduct", "resume"],
            commitment={
                "hours_per_month": 2,
                "preparation_hours_per_month": 2,
                "meetings_per_month": 1,
            },
        )
        started = time.perf_counter()
        await submit_application(
            scope, intake.id, body, actor=Actor(person_id=person, roles=("member",))
        )
        timings.append(time.perf_counter() - started)
    started = time.perf_counter()
    run = await create_run(scope, intake.id, actor=OPERATOR)
    run_s = time.perf_counter() - started
    started = time.perf_counter()
    await publish_run(scope, run.id, actor=OPERATOR)
    publish_s = time.perf_counter() - started
    accepts: list[float] = []
    coordinator = Actor(roles=("coordinator",))
    for partnership in await list_partnerships(scope, actor=coordinator):
        for person in (partnership.person_a, partnership.person_b):
            started = time.perf_counter()
            await accept_partnership(
                scope, partnership.id, actor=Actor(person_id=person, roles=("member",))
            )
            accepts.append(time.perf_counter() - started)
    started = time.perf_counter()
    charged = await charge_due_fees(scope, add_months(today, 2), actor=OPERATOR)
    charge_s = time.perf_counter() - started
    return {
        "kind": "intake",
        "applications": len(people),
        "apply_p50_ms": _ms(timings, 0.5),
        "apply_p95_ms": _ms(timings, 0.95),
        "pairs": len(run.pairs),
        "unmatched": len(run.unmatched),
        "run_s": round(run_s, 3),
        "publish_s": round(publish_s, 3),
        "accept_p50_ms": _ms(accepts, 0.5) if accepts else None,
        "fees_charged": len(charged),
        "charge_s": round(charge_s, 3),
        "apply_mean_ms": round(statistics.mean(timings) * 1000, 2),
    }


@click.command("intake", help="An ALIA intake end to end; the last line is one JSON object.")
@click.option("--mentees", default=400, show_default=True, help="Mentees (mentors: half).")
@click.option(
    "--database-url",
    default=None,
    help="A PostgreSQL database the benchmark may wipe (default: a fresh SQLite file).",
)
def bench_intake_command(mentees: int, database_url: str | None) -> None:
    with tempfile.TemporaryDirectory(prefix="accord-bench-intake-") as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        env = {
            **os.environ,
            "ACCORD_DATABASE_URL": url,
            "ACCORD_MASTER_KEY_FILE": str(Path(tmp) / "master.key"),
            "ACCORD_LOG_LEVEL": "warning",
        }
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "registry.mentoring.bench", str(mentees)],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise click.ClickException(f"the worker failed: {done.stderr.strip()[-2000:]}")
        line = done.stdout.strip().splitlines()[-1]
        engine = "postgres" if url.startswith("postgres") else "sqlite"
        click.echo(json.dumps({"engine": engine, **json.loads(line)}))


async def _main(mentees: int) -> None:
    from tenants.database import close_pool, current_engine

    try:
        if os.environ.get("ACCORD_DATABASE_URL", "").startswith("postgres"):
            engine = current_engine()
            await engine.run_ddl("DROP SCHEMA public CASCADE")
            await engine.run_ddl("CREATE SCHEMA public")
        print(json.dumps(await _work(mentees)))
    finally:
        await close_pool()


if __name__ == "__main__":
    asyncio.run(_main(int(sys.argv[1])))
