"""`accord bench matching` on small pools: one JSON line per case, the figures' keys."""

from __future__ import annotations

import json

from click.testing import CliRunner

from registry.cli import main


def test_bench_prints_one_json_line_per_case_with_the_figures() -> None:
    result = CliRunner().invoke(
        main,
        [
            "bench",
            "matching",
            "--mentees",
            "60",
            "--mentors",
            "25",
            "--peers",
            "120",
            "--countries",
            "12",
            "--reference-size",
            "40",
            "--repeat",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["kind"] for line in lines] == ["mentor-mentee", "peer", "peer", "peer-late"]
    for line in lines[:3]:
        assert {"kind", "size", "seconds", "score", "optimal_score", "greedy_score"} <= set(line)
    mentoring, judged, full, late = lines
    # A later run of the round counts what the first placed: the cap holds for the round.
    assert late["placed_before"] == 2 * full["pairs"] and late["cap_held"] is True
    assert late["largest_country_share"] <= 0.2 and late["unmatched_country_cap"] > 0
    # The assignment is exact: it equals the LP's optimum, and greedy never beats it.
    assert mentoring["equal_to_optimum"] is True
    assert mentoring["greedy_score"] <= mentoring["score"]
    assert judged["size"] == 40 and judged["score"] <= judged["optimal_score"]
    assert judged["ratio_to_optimum"] >= 0.97
    assert full["size"] == 120 and full["reference_size"] == 40
    assert full["score"] <= full["upper_bound"]
