"""Pairs exports: a cell a spreadsheet would run as a formula is kept as text, and the
operator's command writes the same file as the route."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import openpyxl

from registry.mentoring.export import HEADER, write_pairs
from tests.mentoring.stories import coordinator, matched_pair

ROW = (
    "p1",
    "proposed",
    "mentor",
    '=HYPERLINK("x")',
    "a@x.org",
    "AU",
    "mentee",
    "+61 Bo",
    "b@x.org",
    "NZ",
    3.5,
    "no",
    "2026-01-01T00:00:00+00:00",
    "",
    "",
)


def test_csv_cells_never_start_a_formula():
    text = write_pairs([ROW], "csv", "t").decode("utf-8-sig")
    header, line = text.splitlines()
    assert header.split(",") == list(HEADER)
    assert "'=HYPERLINK" in line and "'+61 Bo" in line


def test_xlsx_cells_are_text():
    sheet = openpyxl.load_workbook(io.BytesIO(write_pairs([ROW], "xlsx", "Title"))).active
    assert sheet["A1"].value == "Title"
    assert [c.value for c in sheet[2]] == list(HEADER)
    assert sheet["D3"].value == '=HYPERLINK("x")' and sheet["D3"].data_type == "s"


async def test_export_pairs_command_writes_what_the_route_serves(api, factory, run_dir):
    world = await factory.tenant("export")
    story = await matched_pair(api, factory, world, "aasw-mentoring")
    out = run_dir / f"{world.slug}-pairs.csv"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "registry.cli",
            "mentoring",
            "export-pairs",
            "--tenant",
            world.slug,
            "--intake",
            story.intake_id,
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=os.environ,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    served = await api.get(
        f"/api/v1/t/{world.slug}/mentoring/intakes/{story.intake_id}/pairs.csv",
        headers=coordinator(world),
    )
    assert out.read_bytes() == served.content
    assert story.mentor.email in served.content.decode("utf-8-sig")
