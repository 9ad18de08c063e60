"""`accord relationships ...` on the test database, as the operator runs it."""

from __future__ import annotations

import csv

from tests.relationships import stories
from tests.relationships.world import WORLD_PARTNER
from tests.screening.conftest import accord


async def test_cases_export_and_rescreen_from_the_command_line(api, world, run_dir, un_2026):
    partner = await stories.create_partner(
        api,
        world,
        name="Cook Islands Library and Museum Society",
        country="CK",
        officers=[stories.officer(**stories.UN_LISTED)],
    )
    await stories.submitted_and_received(api, world, partner["id"])

    listed = accord("relationships", "cases", "--tenant", world.slug, "--status", "open")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert any("Eric Badege ~ ERIC BADEGE (un CDi.001" in line for line in lines)
    assert any(WORLD_PARTNER in line for line in lines)  # the seeded case

    out = run_dir / f"{world.slug}-register.csv"
    exported = accord("relationships", "export", "--tenant", world.slug, "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    row = next(r for r in rows if r["partner"] == partner["name"])
    assert row["state"] == "screening" and row["clearance"] == "held"
    assert row["open_cases"] == "1"

    again = accord("relationships", "rescreen", "--tenant", world.slug)
    assert again.returncode == 0, again.stderr
    # The MOU room's test world adds an active MOU's partner to what is screened again.
    assert again.stdout.startswith(f"re-screened {world.slug}: ")
    assert "; 0 new cases, 0 hits gone (lists: un@2026-02-27" in again.stdout

    wrong = accord("relationships", "export", "--tenant", world.slug, "--out", "x.pdf")
    assert wrong.returncode != 0 and ".csv or .xlsx" in wrong.stderr
    unknown = accord("relationships", "cases", "--tenant", "no-such-assoc")
    assert unknown.returncode == 1 and "no-such-assoc" in unknown.stderr
