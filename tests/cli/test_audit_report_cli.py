"""`accord audit report`, run as the real command: the same rows in CSV and XLSX, the
signed tree head on the first line of both, times in the association's zone."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook

from registry.audit.report import header, is_governance
from tests.audit.ledger_helpers import events_of
from tests.cli.test_operator_cli import accord


def test_report_has_help():
    result = accord("audit", "report", "--help")
    assert result.returncode == 0 and "--format" in result.stdout


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


async def test_report_csv_and_xlsx(factory, tmp_path):
    world = await factory.tenant("clir")
    zoned = accord("tenants", "update", world.slug, "--time-zone", "Pacific/Fiji")
    assert zoned.returncode == 0, zoned.stderr
    suspended = accord("tenants", "suspend", world.slug, "--reason", "annual review")
    assert suspended.returncode == 0, suspended.stderr
    events = await events_of(world.tenant.id)
    expected = [e["seq"] for e in events if is_governance(e["action"])]

    out = tmp_path / "report.csv"
    written = accord("audit", "report", "--tenant", world.slug, "--out", str(out))
    assert written.returncode == 0, written.stderr
    assert f"wrote {len(expected)} rows of the governance report" in written.stderr
    lines = _csv(out.read_text("utf-8-sig"))
    title = lines[0][0]
    assert world.slug in title and "(times in Pacific/Fiji)" in title
    assert re.search(rf"signed tree head: size {len(events)}, root [0-9a-f]{{64}}", title)
    assert lines[1] == list(header("Pacific/Fiji"))
    assert [int(line[0]) for line in lines[2:]] == expected
    col = {name: index for index, name in enumerate(lines[1])}
    last = lines[-1]
    assert last[col["Event"]] == "Tenant suspended" and last[col["Who"]] == "platform operator"
    assert last[col["Reason"]] == "annual review" and last[col["Outcome"]] == "suspended"
    assert last[col["Time (Pacific/Fiji)"]].endswith(" UTC+12")  # Fiji's zone, named
    granted = next(line for line in lines[2:] if line[col["Event"]] == "Role granted")
    assert re.fullmatch(r"\w+ person: role \w+", granted[col["Subject"]])  # a name, not an id

    sheet_path = tmp_path / "report.xlsx"
    xlsx = accord("audit", "report", "--tenant", world.slug, "--out", str(sheet_path))
    assert xlsx.returncode == 0, xlsx.stderr
    values = list(load_workbook(sheet_path).active.iter_rows(values_only=True))
    as_text = [["" if cell is None else str(cell) for cell in line] for line in values]
    assert as_text[0][0] == title
    assert [line[: len(lines[1])] for line in as_text[1:]] == lines[1:]

    later = accord(
        "audit", "report", "--tenant", world.slug, "--out", str(tmp_path / "none"),
        "--since", "2999-01-01T00:00:00Z", "--format", "csv",
    )  # fmt: skip
    assert later.returncode == 0, later.stderr
    empty = _csv((tmp_path / "none").read_text("utf-8-sig"))
    assert empty[1:] == [list(header("Pacific/Fiji"))] and "signed tree head" in empty[0][0]


def test_report_refuses_bad_input(database, tmp_path):
    naive = accord(
        "audit", "report", "--tenant", "x", "--out", str(tmp_path / "r.csv"),
        "--since", "2026-01-01T00:00:00",
    )  # fmt: skip
    assert naive.returncode == 2 and "time zone" in naive.stderr
    unknown = accord("audit", "report", "--tenant", "no-such", "--out", str(tmp_path / "r.csv"))
    assert unknown.returncode == 1 and "no tenant 'no-such'" in unknown.stderr
