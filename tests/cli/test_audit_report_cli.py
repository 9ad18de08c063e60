"""`accord audit report`, run as the real command."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from registry.audit.report import GOVERNANCE_ACTIONS, HEADER
from tenants.roles import Role
from tests.audit.ledger_helpers import events_of
from tests.cli.test_operator_cli import accord


def test_report_has_help():
    result = accord("audit", "report", "--help")
    assert result.returncode == 0 and "--format" in result.stdout


async def test_report_csv_and_xlsx(factory, tmp_path):
    world = await factory.tenant("clir")
    suspended = accord("tenants", "suspend", world.slug, "--reason", "annual review")
    assert suspended.returncode == 0, suspended.stderr
    events = await events_of(world.tenant.id)
    expected = [e["seq"] for e in events if e["action"] in GOVERNANCE_ACTIONS]

    out = tmp_path / "report.csv"
    written = accord("audit", "report", "--tenant", world.slug, "--out", str(out))
    assert written.returncode == 0, written.stderr
    assert f"wrote {len(expected)} governance events" in written.stderr
    lines = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"), newline="")))
    assert lines[0] == list(HEADER)
    assert [int(line[0]) for line in lines[1:]] == expected
    assert lines[-1][2] == "Tenant suspended" and lines[-1][4] == "platform operator"
    assert lines[-1][6] == "annual review"
    assert lines[1][4] == world[Role.ADMIN].email or lines[1][4] == "platform operator"

    sheet_path = tmp_path / "report.xlsx"
    xlsx = accord("audit", "report", "--tenant", world.slug, "--out", str(sheet_path))
    assert xlsx.returncode == 0, xlsx.stderr
    values = list(load_workbook(sheet_path).active.iter_rows(values_only=True))
    assert world.slug in values[0][0]
    assert values[1] == HEADER
    assert [v[0] for v in values[2:]] == expected

    later = accord(
        "audit", "report", "--tenant", world.slug, "--out", str(tmp_path / "none"),
        "--since", "2999-01-01T00:00:00Z", "--format", "csv",
    )  # fmt: skip
    assert later.returncode == 0, later.stderr
    assert (tmp_path / "none").read_text("utf-8-sig").splitlines() == [",".join(HEADER)]


def test_report_refuses_bad_input(database, tmp_path):
    naive = accord(
        "audit", "report", "--tenant", "x", "--out", str(tmp_path / "r.csv"),
        "--since", "2026-01-01T00:00:00",
    )  # fmt: skip
    assert naive.returncode == 2 and "time zone" in naive.stderr
    unknown = accord("audit", "report", "--tenant", "no-such", "--out", str(tmp_path / "r.csv"))
    assert unknown.returncode == 1 and "no tenant 'no-such'" in unknown.stderr
