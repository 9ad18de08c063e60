"""`accord bench relationships`: what due diligence costs at an association's scale.

A worker process gets a fresh database (a new SQLite file, or the PostgreSQL database
given with `--database-url`, whose schema it drops), migrates it, stores the UN and
DFAT lists of 2024 from the shared data, and installs the preset alia-international
for one tenant. Then, through the service functions the API calls:

- submit_p50_ms / submit_p95_ms: submitting a request, which screens the partner and
  its officers against both lists, stores each result, opens cases for hits, stores
  the Decision and notifies the executive, over `--partners` requests;
- rescreen_s / names_per_s: after the UN list of 2026 is stored, screening again every
  partner under way and its officers (what `accord screening import` does);
- queue_p50_ms: the executive's queue (50 requests by regional priority) with every
  request in it.

A few officers in a hundred carry a listed person's name, so cases open as they
would. The last line is one JSON object.

    python -m registry.relationships.bench PARTNERS OFFICERS     (the worker)
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
from pathlib import Path
from typing import Any

import click

COUNTRIES = (
    "FJ",
    "WS",
    "TO",
    "VU",
    "PG",
    "SB",
    "KI",
    "ID",
    "MY",
    "PH",
    "VN",
    "TH",
    "KH",
    "LA",
    "MM",
    "TL",
    "NZ",
    "IN",
    "KE",
    "CA",
)
GIVEN = (
    "Mere",
    "Salote",
    "Joseph",
    "Anna",
    "Tevita",
    "Leimana",
    "Ngozi",
    "Maria",
    "Ahmad",
    "Siti",
    "Nguyen",
    "Priya",
    "Kofi",
    "Ana",
    "Hemi",
    "Lose",
    "Tomasi",
    "Grace",
)
FAMILY = (
    "Naulumatua",
    "Tupou",
    "Tari",
    "Vea",
    "Kalo",
    "Tabi",
    "Okafor",
    "Santos",
    "Rahman",
    "Nurhaliza",
    "Van An",
    "Sharma",
    "Mensah",
    "Fonoti",
    "Parata",
    "Fifita",
    "Raikadroka",
)
LISTED_SHARE = 0.02


def _data_dir() -> Path:
    env = os.environ.get("ACCORD_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


async def _import(source: str, path: Path) -> None:
    from screening import store
    from screening.parsers import parse_list

    await store.import_version(await asyncio.to_thread(parse_list, source, path))


async def _work(partners: int, officers: int) -> dict[str, Any]:
    from registry.audit.ledger import OPERATOR, Actor
    from registry.policies.service import create_policy
    from registry.relationships import cases
    from registry.relationships.partners import create_partner
    from registry.relationships.schemas import OfficerIn, PartnerIn, RequestIn
    from registry.relationships.service import create_request, executive_queue, submit
    from registry.screening.service import current_index
    from screening.parsers import parse_list
    from tenants.database import open_pool
    from tenants.roles import Role
    from tenants.scope import TenantScope
    from tenants.service import create_tenant, grant_role

    await open_pool()
    sanctions = _data_dir() / "sanctions"
    await _import("un", sanctions / "un" / "consolidated_2024-11-30.xml")
    await _import("dfat", sanctions / "dfat" / "regulation8_consolidated_2024-11.xlsx")
    listed = [
        e.primary_name
        for e in parse_list("un", sanctions / "un" / "consolidated_2026-02-27.xml").entities
        if e.schema == "person"
    ]
    tenant = await create_tenant("bench-rel", "Bench Association", "AU", actor=OPERATOR)
    await grant_role(tenant, "ceo@bench.example", Role.EXECUTIVE, "CEO", actor=OPERATOR)
    raiser = await grant_role(tenant, "member@bench.example", Role.MEMBER, "M", actor=OPERATOR)
    member = Actor(person_id=raiser.person.id, roles=(Role.MEMBER.value,), client="bench")
    await grant_role(tenant, "ic@bench.example", Role.COORDINATOR, "IC", actor=OPERATOR)
    scope = TenantScope(tenant.id, str(tenant.slug))
    await create_policy(scope, "international", preset="alia-international", actor=OPERATOR)
    started = time.perf_counter()
    await current_index()
    index_s = time.perf_counter() - started

    rng = random.Random(2026)  # noqa: S311 - made-up names, not secrets
    submit_ms: list[float] = []
    for n in range(partners):
        people = []
        for _ in range(officers):
            if rng.random() < LISTED_SHARE:
                name = rng.choice(listed).title()
            else:
                name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
            people.append(
                OfficerIn(name=name, role="Officer", date_of_birth=str(rng.randint(1950, 1995)))
            )
        partner = await create_partner(
            scope,
            PartnerIn(
                name=f"Library Association {n:04d}",
                country=rng.choice(COUNTRIES),
                kind="library_association",
                officers=people,
            ),
            OPERATOR,
        )
        request = await create_request(
            scope,
            RequestIn(
                partner_id=partner.id,
                kind="in_kind_support",
                title=f"Request {n}",
                assistance=["advocacy"],
                expected_outcomes="x",
                mutual_benefits="y",
            ),
            member,
        )
        started = time.perf_counter()
        await submit(scope, request.id, member)
        submit_ms.append((time.perf_counter() - started) * 1000)

    await _import("un", sanctions / "un" / "consolidated_2026-02-27.xml")
    await current_index()  # the rebuild is not what is measured
    started = time.perf_counter()
    screened, names, opened, gone, _ = await cases.rescreen_tenant(
        scope, trigger="list_import", actor=OPERATOR
    )
    rescreen_s = time.perf_counter() - started

    queue_ms = []
    for _ in range(20):
        started = time.perf_counter()
        await executive_queue(scope, limit=50, offset=0)
        queue_ms.append((time.perf_counter() - started) * 1000)
    submit_ms.sort()
    return {
        "partners": partners,
        "officers_per_partner": officers,
        "index_build_s": round(index_s, 2),
        "submit_p50_ms": round(statistics.median(submit_ms), 1),
        "submit_p95_ms": round(submit_ms[int(len(submit_ms) * 0.95) - 1], 1),
        "rescreen_partners": screened,
        "rescreen_names": names,
        "rescreen_s": round(rescreen_s, 2),
        "names_per_s": round(names / rescreen_s, 1) if rescreen_s else None,
        "rescreen_cases_opened": opened,
        "rescreen_hits_gone": gone,
        "queue_p50_ms": round(statistics.median(queue_ms), 1),
    }


@click.command("relationships", help="Due-diligence benchmark; the last line is one JSON object.")
@click.option("--partners", default=200, show_default=True, help="Requests submitted.")
@click.option("--officers", default=4, show_default=True, help="Officers per partner.")
@click.option(
    "--database-url",
    default=None,
    help="A PostgreSQL database the benchmark may wipe (default: a fresh SQLite file).",
)
def bench_relationships_command(partners: int, officers: int, database_url: str | None) -> None:
    with tempfile.TemporaryDirectory(prefix="accord-bench-rel-") as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        env = {
            **os.environ,
            "ACCORD_DATABASE_URL": url,
            "ACCORD_MASTER_KEY_FILE": str(Path(tmp) / "master.key"),
            "ACCORD_LOG_LEVEL": "warning",
        }
        steps = [
            ["registry.cli", "migrate"],
            ["registry.relationships.bench", str(partners), str(officers)],
        ]
        if url.startswith("postgres"):
            steps.insert(0, ["registry.relationships.bench", "reset"])
        for args in steps:
            done = subprocess.run(  # noqa: S603 - our own interpreter and modules
                [sys.executable, "-m", *args], env=env, capture_output=True, text=True
            )
            if done.returncode != 0:
                raise click.ClickException(f"{args[0]} failed: {done.stderr.strip()[-2000:]}")
        line = done.stdout.strip().splitlines()[-1]
        result = {
            "engine": "postgres" if url.startswith("postgres") else "sqlite",
            **json.loads(line),
        }
        click.echo(json.dumps(result))


async def _reset() -> None:
    """An empty PostgreSQL schema for the benchmark's own database."""
    from tenants.database import current_engine

    engine = current_engine()
    await engine.run_ddl("DROP SCHEMA public CASCADE")
    await engine.run_ddl("CREATE SCHEMA public")


async def _main(args: list[str]) -> None:
    from tenants.database import close_pool

    try:
        if args == ["reset"]:
            await _reset()
        else:
            print(json.dumps(await _work(int(args[0]), int(args[1]))))
    finally:
        await close_pool()


if __name__ == "__main__":
    asyncio.run(_main(sys.argv[1:]))
