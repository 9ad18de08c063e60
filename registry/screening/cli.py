"""`accord screening ...` and `accord bench screening`: screening from the command
line against list files given on the command line (list versions kept in the
database come with `import` / `lists` / `diff`).

Exit status of `check`: 0 clear, 1 a hit to review or block, 3 not cleared because
no list is loaded (fail closed).
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import click
import msgspec

from screening.bench import run_benchmark
from screening.index import ScreeningIndex
from screening.matcher import Query, ScreeningResult, Thresholds, screen
from screening.model import ListFormatError, ListVersion
from screening.parsers import SOURCES, parse_list

EXIT_HIT = 1
EXIT_NOT_CLEARED = 3

screening_group = click.Group("screening", help="Sanctions screening against official lists.")


def _parse_list_specs(specs: tuple[str, ...]) -> list[ListVersion]:
    """`SOURCE:PATH[,PATH...]`, repeatable; files of one source are read together
    (the OFAC trio)."""
    files: dict[str, list[Path]] = defaultdict(list)
    for spec in specs:
        source, sep, paths = spec.partition(":")
        if not sep or source not in SOURCES or not paths:
            raise click.BadParameter(
                f"{spec!r}: expected SOURCE:PATH with SOURCE one of {', '.join(SOURCES)}",
                param_hint="--list",
            )
        files[source].extend(Path(p) for p in paths.split(",") if p)
    versions = []
    for source, source_files in files.items():
        try:
            versions.append(parse_list(source, source_files))
        except ListFormatError as exc:
            raise click.ClickException(str(exc)) from exc
    return versions


def _build(specs: tuple[str, ...]) -> ScreeningIndex | None:
    versions = _parse_list_specs(specs)
    if not versions:
        return None
    index = ScreeningIndex.build(versions)
    click.echo(f"loaded {len(index)} names from {', '.join(index.version_ids)}", err=True)
    return index


def _thresholds(review: float, block: float) -> Thresholds:
    try:
        return Thresholds(review=review, block=block)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def _hit_line(result: ScreeningResult) -> dict[str, Any]:
    return {
        "query": result.query.name,
        "status": result.status,
        "hits": [
            {
                "list": h.list,
                "ref": h.ref,
                "name": h.matched_name,
                "score": h.score,
                "decision": h.decision,
            }
            for h in result.hits
        ],
    }


_list_option = click.option(
    "--list",
    "lists",
    multiple=True,
    metavar="SOURCE:PATH",
    help="A list file to screen against (repeatable; SOURCE: un, dfat, ofac, ofac_cons, ftm; "
    "OFAC takes its trio as ofac:sdn.csv,alt.csv,add.csv).",
)
_threshold_options = [
    click.option("--review", default=0.70, show_default=True, help="Review threshold."),
    click.option("--block", default=0.90, show_default=True, help="Block threshold."),
]


def _with_thresholds(fn: Any) -> Any:
    for option in reversed(_threshold_options):
        fn = option(fn)
    return fn


@screening_group.command("check", help="Screen one name.")
@click.argument("name")
@click.option("--dob", default=None, help="Date of birth, YYYY-MM-DD (or YYYY).")
@click.option("--country", default=None, help="Country, ISO alpha-2 or name.")
@click.option("--schema", type=click.Choice(["person", "organization", "vessel"]), default=None)
@click.option("--json", "as_json", is_flag=True, help="One JSON object with the full result.")
@_list_option
@_with_thresholds
def check_command(
    name: str,
    dob: str | None,
    country: str | None,
    schema: str | None,
    as_json: bool,
    lists: tuple[str, ...],
    review: float,
    block: float,
) -> None:
    index = _build(lists)
    query = Query(name=name, dob=dob, country=country, schema=schema)  # type: ignore[arg-type]
    result = screen(index, query, _thresholds(review, block))
    if as_json:
        click.echo(msgspec.json.encode(result).decode())
    else:
        click.echo(f"{result.status.upper()}: {result.reason}")
        for hit in result.hits:
            click.echo(hit.explain())
        if result.jurisdiction is not None:
            j = result.jurisdiction
            regimes = ", ".join(sorted({f"{r.list}:{r.program}" for r in j.regimes})) or "none"
            click.echo(f"jurisdiction {j.country} ({j.country_name}): regimes {regimes}")
    if result.status == "not_cleared":
        sys.exit(EXIT_NOT_CLEARED)
    if result.hits:
        sys.exit(EXIT_HIT)


@screening_group.command("batch", help="Screen every row of a CSV (name[,dob,country,schema]).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON line per row on stdout.")
@_list_option
@_with_thresholds
def batch_command(
    file: Path, as_json: bool, lists: tuple[str, ...], review: float, block: float
) -> None:
    thresholds = _thresholds(review, block)
    index = _build(lists)
    with file.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or "name" not in [
            f.strip().lower() for f in reader.fieldnames
        ]:
            raise click.ClickException(f"{file}: the CSV needs a 'name' column")
        rows = [
            {k.strip().lower(): (v or "").strip() for k, v in row.items() if k} for row in reader
        ]
    counts = {"clear": 0, "review": 0, "block": 0, "not_cleared": 0}
    for n, row in enumerate(rows, start=1):
        schema = row.get("schema") or None
        if schema not in (None, "person", "organization", "vessel"):
            raise click.ClickException(f"{file}: row {n + 1}: unknown schema {schema!r}")
        query = Query(
            name=row.get("name", ""),
            dob=row.get("dob") or None,
            country=row.get("country") or None,
            schema=schema,  # type: ignore[arg-type]
        )
        result = screen(index, query, thresholds)
        counts[result.status] += 1
        if as_json:
            click.echo(json.dumps(_hit_line(result), ensure_ascii=False))
        else:
            best = result.hits[0] if result.hits else None
            summary = f"{best.list}:{best.ref} {best.matched_name} {best.score:.3f}" if best else ""
            click.echo(f"{result.status:<11} {query.name}  {summary}".rstrip())
        if n % 500 == 0 or n == len(rows):
            click.echo(f"screened {n}/{len(rows)}", err=True)
    click.echo(" ".join(f"{k}={v}" for k, v in counts.items()), err=True)


def _default_data_dir() -> Path:
    env = os.environ.get("ACCORD_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


@click.command("screening", help="Screening benchmark; the last line is one JSON object.")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Shared data folder holding sanctions/ and names/ (default ../shared/data).",
)
@click.option("--queries", default=10_000, show_default=True, help="Batch size.")
@click.option(
    "--exact-sample",
    type=int,
    default=None,
    help="Check exact recall on a random sample of names (default: all of them).",
)
def bench_screening_command(data_dir: Path | None, queries: int, exact_sample: int | None) -> None:
    result = run_benchmark(
        data_dir or _default_data_dir(),
        queries=queries,
        progress=lambda msg: click.echo(msg, err=True),
        exact_sample=exact_sample,
    )
    click.echo(json.dumps(result))
