"""`accord participation ...` as the real command in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from registry.audit.ledger import OPERATOR
from registry.participation import service
from tenants.scope import TenantScope
from tests.participation.world import partnership, person


def accord(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "registry.cli", "participation", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
    )


async def test_daily_flags_once_and_verify_checks_a_code(factory):
    world = await factory.tenant("pcli")
    scope = TenantScope(world.tenant.id, world.slug)
    pair = await partnership(
        scope, await person(world.tenant, "mentor"), await person(world.tenant, "mentee")
    )
    # A day given without --apply is a dry run: it reports the flag and raises none.
    rehearsed = accord("daily", "--tenant", world.slug, "--today", "2025-05-15")
    assert rehearsed.returncode == 0, rehearsed.stderr
    assert json.loads(rehearsed.stdout)["flags_raised"] == 1
    assert "nothing was changed" in rehearsed.stderr
    assert accord("flags", "--tenant", world.slug).stdout == ""
    first = accord("daily", "--tenant", world.slug, "--today", "2025-05-15", "--apply")
    assert first.returncode == 0, first.stderr
    run = json.loads(first.stdout)
    assert (run["tenant"], run["flags_raised"]) == (world.slug, 1)
    again = accord("daily", "--tenant", world.slug, "--today", "2025-05-15", "--apply")
    again = json.loads(again.stdout)
    assert again["flags_raised"] == 0
    flags = accord("flags", "--tenant", world.slug)
    assert [json.loads(line)["partnership_id"] for line in flags.stdout.splitlines()] == [
        str(pair.id)
    ]
    bad_day = accord("daily", "--tenant", world.slug, "--today", "15/05/2025")
    assert bad_day.returncode != 0 and "YYYY-MM-DD" in bad_day.stderr
    seeded = await service.get_certificate(scope, world.participation["certificate_id"], OPERATOR)
    valid = accord("verify", seeded.code)
    assert valid.returncode == 0, valid.stderr
    assert json.loads(valid.stdout)["status"] == "valid"
    unknown = accord("verify", "ACC-AAAA-AAAA-AAAA-AAAA")
    assert unknown.returncode == 1 and "no certificate" in unknown.stderr
