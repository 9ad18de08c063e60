"""The click commands: check, batch and the benchmark."""

from __future__ import annotations

import json

from click.testing import CliRunner

from registry.screening.cli import bench_screening_command, screening_group
from tests.shared_data import SHARED_DATA

from .conftest import UN_2026

UN = f"un:{UN_2026}"


def test_check_hit_and_json():
    runner = CliRunner()
    result = runner.invoke(
        screening_group, ["check", "Qasem Soleimani", "--country", "IR", "--list", UN]
    )
    assert result.exit_code == 1, result.output
    assert "BLOCK" in result.output and "IRi.039" in result.output
    assert "jurisdiction IR" in result.output
    as_json = runner.invoke(
        screening_group,
        [
            "check",
            "Qasem Soleimani",
            "--dob",
            "1957-03-11",
            "--schema",
            "person",
            "--json",
            "--list",
            UN,
        ],
    )
    payload = json.loads(as_json.stdout.strip().splitlines()[-1])
    assert payload["status"] == "block"
    assert payload["hits"][0]["features"][0]["feature"] == "name"


def test_check_bad_list_file(tmp_path):
    bad = tmp_path / "x.xml"
    bad.write_text("<oops")
    result = CliRunner().invoke(screening_group, ["check", "X", "--list", f"un:{bad}"])
    assert result.exit_code == 1
    assert str(bad) in result.output


def test_batch_json_lines(tmp_path):
    csv_file = tmp_path / "in.csv"
    csv_file.write_text(
        "name,dob,country,schema\n"
        "Qasem Soleimani,1957-03-11,IR,person\n"
        "Zoltan Brightwater,,,person\n"
        "ADF,,,organization\n"
    )
    result = CliRunner().invoke(screening_group, ["batch", str(csv_file), "--json", "--list", UN])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [line["query"] for line in lines] == ["Qasem Soleimani", "Zoltan Brightwater", "ADF"]
    assert lines[0]["hits"][0] == {
        "list": "un",
        "ref": "IRi.039",
        "name": "QASEM SOLEIMANI",
        "score": 1.0,
        "decision": "block",
    }
    assert lines[1]["hits"] == []
    assert lines[2]["hits"][0]["decision"] == "review"
    scores = [h["score"] for h in lines[2]["hits"]]
    assert scores == sorted(scores, reverse=True)
    assert "screened 3/3" in result.stderr


def test_bench_command_last_line_is_json():
    result = CliRunner().invoke(
        bench_screening_command,
        ["--data-dir", str(SHARED_DATA), "--queries", "200", "--exact-sample", "300"],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    for key in (
        "names_indexed",
        "build_s",
        "query_p50_ms",
        "query_p99_ms",
        "batch_10k_s",
        "threshold",
        "precision",
        "recall",
        "f1",
        "baseline_f1",
        "exact_recall",
    ):
        assert key in payload
    assert payload["f1"] > payload["baseline_f1"]
