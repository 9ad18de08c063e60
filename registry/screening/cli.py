"""`accord screening ...` and `accord bench screening`: screening from the command
line, against the stored active list versions or against list files given with
`--list`; `import`, `fetch`, `lists` and `diff` manage the stored versions.

Exit status of `check`: 0 clear, 1 a hit to review or block, 3 not cleared because
no list is loaded (fail closed).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import click
import msgspec

from registry.console import run
from screening.model import ListFormatError, ListVersion
from screening.parsers import SOURCES, parse_list

if TYPE_CHECKING:  # the matching engine is imported by the commands that screen
    from screening.index import ScreeningIndex
    from screening.matcher import ScreeningResult, Thresholds

T = TypeVar("T")

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


def _stored_versions() -> list[ListVersion]:
    """The stored active versions; none (fail closed) if the database cannot be read."""
    from screening import store

    try:
        _, versions = run(store.load_active())
    except click.ClickException:
        raise
    except Exception as exc:  # an unmigrated or unreachable database: nothing is cleared
        click.echo(f"warning: stored lists not readable ({exc}); no list loaded", err=True)
        return []
    return versions


def _build(specs: tuple[str, ...]) -> ScreeningIndex | None:
    from screening.index import ScreeningIndex

    versions = _parse_list_specs(specs) if specs else _stored_versions()
    if not versions:
        return None
    index = ScreeningIndex.build(versions)
    click.echo(f"loaded {len(index)} names from {', '.join(index.version_ids)}", err=True)
    return index


def _thresholds(review: float, block: float) -> Thresholds:
    from screening.matcher import Thresholds

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
    help="A list file to screen against instead of the stored active versions (repeatable; "
    "SOURCE: un, dfat, ofac, ofac_cons, ftm; OFAC takes its trio as "
    "ofac:sdn.csv,alt.csv,add.csv).",
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
    from screening.matcher import Query, screen

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
    from screening.matcher import Query, screen

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
    from screening.bench import run_benchmark

    result = run_benchmark(
        data_dir or _default_data_dir(),
        queries=queries,
        progress=lambda msg: click.echo(msg, err=True),
        exact_sample=exact_sample,
    )
    click.echo(json.dumps(result))


# -- stored list versions -------------------------------------------------------------

#: Official addresses; ACCORD_SCREENING_URL_<SOURCE> (several separated by spaces or
#: commas, for the OFAC trio) or `--url` replace them.
OFFICIAL_URLS: dict[str, tuple[str, ...]] = {
    "un": ("https://scsanctions.un.org/resources/xml/en/consolidated.xml",),
    "dfat": ("https://www.dfat.gov.au/sites/default/files/regulation8_consolidated.xlsx",),
    "ofac": tuple(
        f"https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/{n}.CSV"
        for n in ("SDN", "ALT", "ADD")
    ),
    "ofac_cons": tuple(
        f"https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/{n}.CSV"
        for n in ("CONS_PRIM", "CONS_ALT", "CONS_ADD")
    ),
}
FETCH_TIMEOUT_S = 120.0


def _published(value: dt.date | None) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def _parse_files(source: str, paths: Sequence[Path], published: dt.date | None) -> ListVersion:
    try:
        return parse_list(source, list(paths), published=published)
    except ListFormatError as exc:
        raise click.ClickException(f"import refused, nothing stored: {exc}") from exc


def _store(version: ListVersion) -> None:
    from screening import store

    with click.progressbar(
        length=len(version.entities),
        label=f"storing {version.version_id}",
        file=sys.stderr,
        show_pos=True,
    ) as bar:
        result = run(store.import_version(version, progress=bar.update))
    stored = result.version
    if not result.created:
        click.echo(
            f"already imported: version {stored.id} ({stored.version}) is this publication; "
            "nothing changed"
        )
        return
    superseded = ", ".join(map(str, result.superseded)) or "none"
    click.echo(
        f"imported version {stored.id}: {stored.version}, {stored.entity_count} entities "
        f"({', '.join(f'{k} {v}' for k, v in sorted(stored.counts.items()))}); "
        f"superseded: {superseded}"
    )
    _rescreen()


def _rescreen() -> None:
    """A new version is stored: partners of requests under way (and of active MOUs)
    are screened again in every tenant; new hits open cases, vanished ones are noted."""
    from registry.audit.ledger import OPERATOR
    from registry.relationships.cases import rescreen_all_tenants

    try:
        reports = run(rescreen_all_tenants(OPERATOR))
    except click.ClickException:
        raise
    except Exception as exc:
        # The version is stored and active; what is left undone must not go unnoticed.
        raise click.ClickException(
            f"the list is imported, but screening again failed ({exc}); "
            "run `accord relationships rescreen`"
        ) from exc
    for report in reports:
        click.echo(
            f"re-screened {report.tenant}: {report.partners} partners, {report.subjects} "
            f"names; {report.cases_opened} new cases, {report.hits_disappeared} hits gone"
        )
    if not reports:
        click.echo("re-screened: no partner under way in any tenant")


_published_option = click.option(
    "--published",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Publication date, YYYY-MM-DD (default: from the file where it says).",
)


@screening_group.command("import", help="Import a list publication as a new stored version.")
@click.option("--source", type=click.Choice(SOURCES), required=True)
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@_published_option
def import_command(source: str, paths: tuple[Path, ...], published: dt.date | None) -> None:
    version = _parse_files(source, paths, _published(published))
    _store(version)


def _row(v: Any) -> str:
    published = v.published.isoformat() if v.published else "undated"
    return (
        f"{v.id:>4}  {v.status:<10} {v.source:<9} {published:<10} {v.entity_count:>6}  "
        f"{v.imported_at:%Y-%m-%d %H:%M:%S}  {v.version}"
    )


@screening_group.command("lists", help="Stored list versions, newest first.")
@click.option("--source", type=click.Choice(SOURCES), default=None)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per version.")
def lists_command(source: str | None, as_json: bool) -> None:
    from screening import store

    versions = run(store.list_versions(source))
    if as_json:
        for v in versions:
            click.echo(msgspec.json.encode(v).decode())
        return
    if not versions:
        click.echo("no list version stored; screening fails closed", err=True)
        return
    click.echo(f"{'id':>4}  {'status':<10} {'source':<9} {'published':<10} {'count':>6}  imported")
    for v in versions:
        click.echo(_row(v))


@screening_group.command("diff", help="Entities added, removed and changed from V1 to V2.")
@click.argument("v1", type=int)
@click.argument("v2", type=int)
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
def diff_command(v1: int, v2: int, as_json: bool) -> None:
    from screening import store
    from screening.diff import diff_versions

    async def load() -> tuple[ListVersion, ListVersion]:
        return await store.load_version(v1), await store.load_version(v2)

    old, new = run(load())
    try:
        diff = diff_versions(old, new)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        payload = {
            "source": diff.source,
            "old_version": diff.old_version,
            "new_version": diff.new_version,
            **diff.summary(),
            "added_refs": [e.ref for e in diff.added],
            "removed_refs": [e.ref for e in diff.removed],
            "changes": [{"ref": c.ref, "name": c.name, "fields": c.fields} for c in diff.changed],
        }
        click.echo(json.dumps(payload, ensure_ascii=False))
        return
    click.echo(f"{diff.old_version} -> {diff.new_version}")
    for entity in diff.added:
        click.echo(f"+ {entity.ref}  {entity.primary_name}")
    for entity in diff.removed:
        click.echo(f"- {entity.ref}  {entity.primary_name}")
    for change in diff.changed:
        click.echo(f"~ {change.ref}  {change.name}: {', '.join(change.fields)}")
    click.echo(" ".join(f"{k}={v}" for k, v in diff.summary().items()))


def _urls_for(source: str, urls: tuple[str, ...]) -> list[str]:
    if urls:
        return list(urls)
    env = os.environ.get(f"ACCORD_SCREENING_URL_{source.upper()}", "").replace(",", " ").split()
    return env or list(OFFICIAL_URLS[source])


def _download(url: str, target: Path) -> None:
    import httpx

    try:
        with httpx.stream("GET", url, follow_redirects=True, timeout=FETCH_TIMEOUT_S) as response:
            if response.status_code != 200:
                raise click.ClickException(f"GET {url}: HTTP {response.status_code}")
            total = int(response.headers.get("content-length") or 0) or None
            bar: Any = click.progressbar(length=total, label=f"fetching {url}", file=sys.stderr)
            with target.open("wb") as fh, bar:
                for chunk in response.iter_bytes(1 << 16):
                    fh.write(chunk)
                    bar.update(len(chunk))
    except httpx.HTTPError as exc:
        raise click.ClickException(f"GET {url}: {exc}") from exc


def _file_name(url: str, n: int, source: str, taken: set[str]) -> str:
    name = Path(urlsplit(url).path).name
    name = "".join(c for c in name if c.isalnum() or c in "._-").lstrip(".")
    if not name or name in taken:
        name = f"{source}-{n}"
    taken.add(name)
    return name


@screening_group.command(
    "fetch", help="Download a list from its official address and import it as a new version."
)
@click.option("--source", type=click.Choice(sorted(OFFICIAL_URLS)), required=True)
@click.option(
    "--url",
    "urls",
    multiple=True,
    help="Address to fetch instead of the official one (repeatable: OFAC takes its trio "
    "sdn, alt, add). Default: ACCORD_SCREENING_URL_<SOURCE>, else the official address.",
)
@_published_option
def fetch_command(source: str, urls: tuple[str, ...], published: dt.date | None) -> None:
    with tempfile.TemporaryDirectory(prefix="accord-fetch-") as tmp:
        paths = []
        taken: set[str] = set()
        for n, url in enumerate(_urls_for(source, urls), start=1):
            target = Path(tmp) / _file_name(url, n, source, taken)
            _download(url, target)
            paths.append(target)
        version = _parse_files(source, paths, _published(published))
        _store(version)
