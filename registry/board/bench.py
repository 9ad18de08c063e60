"""`accord bench board`: the cost of a vote, of many at once, and of a decision.

For each engine a worker process gets a fresh database (a new SQLite file; a dropped
and re-created PostgreSQL database named after `--postgres-url` plus `_board`),
migrates it, makes a tenant with `--directors` board members and puts two MOUs'
approval to the board, then measures through the service (no HTTP):

- vote_p50_ms / vote_p99_ms: one vote (lock the motion, write the ballot, append its
  audit event, check whether the outcome is settled), over all but the last director
  voting one after another on the first motion;
- close_ms: the last director's vote, which settles that motion: the tally, the
  signed decision record, `motion.decided`, the MOU's approval and the notifications;
- concurrent_votes_s: every director voting at once on the second motion
  (`asyncio.gather` over the connection pool) until the last vote, which closes it,
  is in; `lost` and `doubled` count ballots missing or counted twice (both must be 0);
- verify_ms: reading the decision back and checking its signature.

An MOU goes to the board only with every party clear (`registry.clearance`), so the
bench partner's screening and due diligence are written straight into the tables
(`cleared_partner`): the bench measures votes, not screening.

    python -m registry.board.bench DIRECTORS     (the worker; prints JSON)
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit


def _fresh_postgres(url: str) -> str:
    import asyncpg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_board"
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


def run_board_bench(engines: list[str], postgres_url: str, directors: int) -> list[dict[str, Any]]:
    results = []
    with tempfile.TemporaryDirectory(prefix="accord-bench-board-") as tmp:
        workdir = Path(tmp)
        for engine in engines:
            url = (
                f"sqlite:///{workdir / 'board.sqlite3'}"
                if engine == "sqlite"
                else _fresh_postgres(postgres_url)
            )
            env = {
                **os.environ,
                "ACCORD_DATABASE_URL": url,
                "ACCORD_MASTER_KEY_FILE": str(workdir / "master.key"),
                "ACCORD_LOG_LEVEL": "warning",
            }
            done = subprocess.run(  # noqa: S603 - our own worker module
                [sys.executable, "-m", "registry.board.bench", str(directors)],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise RuntimeError(f"board bench worker failed:\n{done.stderr[-4000:]}")
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return results


# -- the worker -----------------------------------------------------------------------


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


async def cleared_partner(
    scope: Any, name: str = "Bench Partner", country: str = "FJ"
) -> uuid.UUID:
    """A partner whose due diligence is done, so that an MOU with it may go to the
    board: screened clean against every list the tenant's partner policy requires,
    and an approved relationship request whose findings (decided by the policy engine)
    are all satisfactory. Written straight into the tables: the bench measures votes,
    and the board's and the register's tests (tests/board/support.py) are about votes
    and states; the way there through the API is tested in tests/relationships."""
    from policies.subjects import NON_DISCRIMINATION_GROUNDS
    from registry.relationships import cases, diligence
    from registry.relationships.tables import (
        PartnerOrganisation,
        RelationshipRequest,
        RelationshipScreeningResult,
        RelationshipScreeningRun,
    )
    from tenants import clock

    partner = await scope.create(
        PartnerOrganisation, name=name, country=country, kind="library_association"
    )
    partner_id = uuid.UUID(str(partner.id))
    policy = await diligence.partner_policy(scope)
    assert policy is not None, "store the partner policy first"
    versions = [f"{source}@seeded" for source in policy.required_lists]
    run = await scope.create(
        RelationshipScreeningRun,
        trigger="manual",
        list_versions=json.dumps(versions),
        status="clear",
    )
    await scope.create(
        RelationshipScreeningResult,
        run=run.id,
        partner=partner_id,
        subject_name=name,
        status="clear",
    )
    day = await clock.today(scope)
    findings: dict[str, dict[str, Any]] = {
        "non_discrimination": {
            "details": {"grounds": list(NON_DISCRIMINATION_GROUNDS), "attested_on": str(day)}
        },
        "reputation": {
            "details": {"result": "satisfactory", "assessed_on": str(day)},
            "attested_by": None,
        },
        "personnel": {"details": {"staff": 1, "members": 1}},
    }
    screening = await cases.screening_state(scope, partner_id, policy.required_lists)
    subject = diligence.subject_for(
        {"kind": "in_kind_support", "state": "approved"},
        {"name": name, "country": country},
        findings,
        screening,
    )
    decision = diligence.decide(policy, subject, day)
    assert not diligence.waiting_for(decision) and not diligence.refusals(decision)
    await scope.create(
        RelationshipRequest,
        partner=partner_id,
        state="approved",
        kind="in_kind_support",
        title=f"Support for {name}",
        raised_as="coordinator",
        decision=decision.to_json(),
        submitted_at=clock.utc_now(),
        decided_at=clock.utc_now(),
    )
    return partner_id


async def _work(directors: int) -> dict[str, Any]:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from registry.audit.ledger import OPERATOR, Actor
    from registry.board.service import cast_vote, get_decision, get_motion
    from registry.mous.schemas import MotionIn, MouIn
    from registry.mous.service import create_mou, propose
    from registry.policies.service import create_policy
    from tenants import clock
    from tenants.database import current_engine, open_pool
    from tenants.roles import Role
    from tenants.scope import TenantScope
    from tenants.service import create_tenant, grant_role

    result = await run_forwards(app_name="all")
    if not result.success:
        raise RuntimeError(result.message)
    await open_pool()
    tenant = await create_tenant("bench-board", "Bench Association", "AU", actor=OPERATOR)
    scope = TenantScope(tenant.id, str(tenant.slug))
    executive = await grant_role(tenant, "ceo@bench.example", Role.EXECUTIVE, actor=OPERATOR)
    board = [
        (await grant_role(tenant, f"d{n}@bench.example", Role.BOARD, actor=OPERATOR)).person.id
        for n in range(directors)
    ]
    await create_policy(scope, "international", preset="alia-international", actor=OPERATOR)
    partner = await cleared_partner(scope)
    chair = Actor(person_id=executive.person.id, roles=("executive",), request_id="bench")
    motions = []
    for n in range(2):
        mou = await create_mou(
            scope,
            MouIn(
                title=f"Bench MOU {n}",
                parties=[partner],
                working_relationships="Joint webinars.",
                shared_interests="Library education.",
                common_understanding="Each party bears its own costs.",
                effective_date=await clock.today(scope),
                expires_on=await clock.today(scope) + timedelta(days=365),
            ),
            actor=chair,
        )
        closes = clock.utc_now() + timedelta(days=1)
        motions.append(
            await propose(
                scope, mou.id, MotionIn(purpose="approval", closes_at=closes), actor=chair
            )
        )

    def director(person: Any) -> Actor:
        return Actor(person_id=person, roles=("board",), request_id="bench")

    samples = []
    for person in board[:-1]:
        start = time.perf_counter()
        await cast_vote(scope, motions[0], "for", actor=director(person))
        samples.append(time.perf_counter() - start)
    start = time.perf_counter()
    await cast_vote(scope, motions[0], "for", actor=director(board[-1]))
    close = time.perf_counter() - start

    start = time.perf_counter()
    await asyncio.gather(
        *[cast_vote(scope, motions[1], "for", actor=director(person)) for person in board]
    )
    concurrent = time.perf_counter() - start
    decided = await get_motion(scope, motions[1])
    voted = [b.person_id for b in decided.ballots if b.choice == "for"]

    start = time.perf_counter()
    decision = await get_decision(scope, motions[1])
    verify = time.perf_counter() - start
    ordered = sorted(samples)
    return {
        "engine": current_engine().engine_type,
        "directors": directors,
        "vote_p50_ms": _ms(statistics.median(samples)),
        "vote_p99_ms": _ms(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]),
        "close_ms": _ms(close),
        "concurrent_votes_s": round(concurrent, 3),
        "concurrent_votes_per_s": round(directors / concurrent, 1),
        "status": decided.status,
        "lost": directors - len(set(voted)),
        "doubled": len(voted) - len(set(voted)),
        "verify_ms": _ms(verify),
        "verified": decision.verified,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(_work(int(sys.argv[1])))))
