"""The screening benchmark (`accord bench screening`): index build time, query
latency, a 10,000-query batch on one core, quality on the labelled name pairs
beside OpenSanctions' logic-v2 computed in the same run, and exact recall of every
primary name and strong alias on the loaded lists.
"""

from __future__ import annotations

import csv
import gc
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from screening.index import ScreeningIndex
from screening.matcher import DEFAULT_REVIEW, Query, Thresholds, match, pair_score
from screening.model import ListVersion, Schema
from screening.parsers import parse_list

BENCH_SCHEMAS: dict[str, Schema | None] = {
    "Person": "person",
    "Company": "organization",
    "Organization": "organization",
    "LegalEntity": None,
    "Vessel": "vessel",
}


def list_files(data_dir: Path) -> list[tuple[str, list[Path]]]:
    s = data_dir / "sanctions"
    return [
        ("un", [s / "un" / "consolidated_2026-02-27.xml"]),
        ("dfat", [s / "dfat" / "consolidated_2026-02.xlsx"]),
        ("ofac", [s / "ofac" / f"{n}_2021-07.csv" for n in ("sdn", "alt", "add")]),
        ("ofac_cons", [s / "ofac" / f"cons_{n}.csv" for n in ("prim", "alt", "add")]),
    ]


def load_lists(data_dir: Path) -> list[ListVersion]:
    return [parse_list(source, files) for source, files in list_files(data_dir)]


def _prf(labels: list[bool], predicted: list[bool]) -> tuple[float, float, float]:
    tp = sum(1 for y, p in zip(labels, predicted, strict=True) if y and p)
    fp = sum(1 for y, p in zip(labels, predicted, strict=True) if p and not y)
    fn = sum(1 for y, p in zip(labels, predicted, strict=True) if y and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def quality(
    names_dir: Path, index: ScreeningIndex | None, threshold: float = DEFAULT_REVIEW
) -> dict[str, Any]:
    """Precision / recall / F1 on the labelled pairs, and logic-v2's on the same
    pairs at 0.70 from its published scores."""
    with (names_dir / "name_bench_cases.csv").open(encoding="utf-8", newline="") as fh:
        cases = list(csv.DictReader(fh))
    labels = [c["is_match"].strip().lower() == "true" for c in cases]
    scores = [
        pair_score(c["name1"], c["name2"], BENCH_SCHEMAS.get(c["schema"]), index) for c in cases
    ]
    precision, recall, f1 = _prf(labels, [s >= threshold for s in scores])
    with (names_dir / "name_bench_logicv2_scores.csv").open(encoding="utf-8", newline="") as fh:
        base = list(csv.DictReader(fh))
    b_labels = [r["is_match"].strip().lower() == "true" for r in base]
    b_pred = [float(r["score"]) >= 0.70 for r in base]
    bp, br, bf = _prf(b_labels, b_pred)
    return {
        "pairs": len(cases),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "baseline_precision": round(bp, 4),
        "baseline_recall": round(br, 4),
        "baseline_f1": round(bf, 4),
    }


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(3)
    if op == 0:
        return word[:i] + word[i + 1 :]
    if op == 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice("aeiouy") + word[i:]


def make_queries(
    versions: list[ListVersion], names_dir: Path, n: int, seed: int = 7
) -> list[tuple[Query, tuple[str, str] | None]]:
    """A realistic mix: listed names with typos, dropped or reordered parts (40%),
    unrelated real names from the labelled pairs (30%), and made-up names recombined
    from listed name parts, which meet many candidates but match none (30%)."""
    rng = random.Random(seed)  # noqa: S311 -- reproducible benchmark sampling
    listed = [
        (name.value, entity.schema, (entity.source, entity.ref))
        for version in versions
        for entity in version.entities
        for name in entity.names
    ]
    with (names_dir / "name_bench_cases.csv").open(encoding="utf-8", newline="") as fh:
        outside = [
            (row[k], BENCH_SCHEMAS.get(row["schema"]))
            for row in csv.DictReader(fh)
            for k in ("name1", "name2")
        ]
    parts = [w for value, schema, _ref in listed if schema == "person" for w in value.split()]
    queries: list[tuple[Query, tuple[str, str] | None]] = []
    for i in range(n):
        roll = i % 10
        if roll < 4:
            value, schema, ref = rng.choice(listed)
            words = value.split()
            action = rng.randrange(4)
            if action == 0 and words:
                j = rng.randrange(len(words))
                words[j] = _typo(rng, words[j])
            elif action == 1 and len(words) > 2:
                del words[rng.randrange(1, len(words) - 1)]
            elif action == 2:
                rng.shuffle(words)
            query = Query(name=" ".join(words), schema=schema if rng.random() < 0.5 else None)
            queries.append((query, ref))
        elif roll < 7:
            value, bench_schema = rng.choice(outside)
            queries.append((Query(name=value, schema=bench_schema), None))
        else:
            k = rng.choice((2, 2, 3))
            made_up = " ".join(rng.choice(parts) for _ in range(k))
            queries.append((Query(name=made_up, schema="person"), None))
    return queries


def exact_recall(
    index: ScreeningIndex, thresholds: Thresholds, sample: int | None = None
) -> tuple[float, int, list[str]]:
    """Every primary name and strong alias, queried as it is written, must find
    its own entity. `sample` checks a random subset instead (for quick runs)."""
    total = found = 0
    missed: list[str] = []
    names = [
        (entity, name)
        for entity in index.entities
        for name in entity.names
        if name.kind == "primary" or name.strength == "strong"
    ]
    if sample is not None and sample < len(names):
        names = random.Random(11).sample(names, sample)  # noqa: S311 -- sampling
    for entity, name in names:
        total += 1
        hits = match(index, Query(name=name.value), thresholds, limit=None)
        if any(h.list == entity.source and h.ref == entity.ref for h in hits):
            found += 1
        elif len(missed) < 20:
            missed.append(f"{entity.source}:{entity.ref}:{name.value}")
    return (found / total if total else 0.0), total, missed


def run_benchmark(
    data_dir: Path,
    queries: int = 10_000,
    progress: Callable[[str], None] | None = None,
    exact_sample: int | None = None,
) -> dict[str, Any]:
    """Build the index over UN 2026 + DFAT 2026 + OFAC SDN + OFAC non-SDN from
    `data_dir/sanctions`, then measure. `build_s` counts parsing the files and
    building the index (what a fresh process does before its first query)."""
    say = progress or (lambda _msg: None)
    data_dir = Path(data_dir)
    thresholds = Thresholds()
    gc.collect()
    t0 = time.perf_counter()
    versions = load_lists(data_dir)
    t1 = time.perf_counter()
    index = ScreeningIndex.build(versions)
    t2 = time.perf_counter()
    say(f"index: {len(index)} names in {t2 - t0:.2f}s")

    batch = make_queries(versions, data_dir / "names", queries)
    latencies: list[float] = []
    hits_total = 0
    start = time.perf_counter()
    variants = variants_found = 0
    for q, expected in batch:
        q0 = time.perf_counter()
        hits = match(index, q, thresholds)
        latencies.append(time.perf_counter() - q0)
        hits_total += len(hits)
        if expected is not None:
            variants += 1
            variants_found += any((h.list, h.ref) == expected for h in hits)
    batch_s = time.perf_counter() - start
    latencies.sort()
    say(f"batch: {len(batch)} queries in {batch_s:.2f}s")

    qual = quality(data_dir / "names", index, thresholds.review)
    say(f"quality: f1 {qual['f1']} (logic-v2 {qual['baseline_f1']})")
    recall, recall_total, missed = exact_recall(index, thresholds, exact_sample)
    say(f"exact recall: {recall:.4f} of {recall_total}")

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 3)

    return {
        "names_indexed": len(index),
        "entities_indexed": len(index.entities),
        "lists": index.version_ids,
        "build_s": round(t2 - t0, 3),
        "parse_s": round(t1 - t0, 3),
        "index_s": round(t2 - t1, 3),
        "queries": len(batch),
        "query_p50_ms": pct(0.50),
        "query_p90_ms": pct(0.90),
        "query_p99_ms": pct(0.99),
        "query_mean_ms": round(statistics.fmean(latencies) * 1000, 3),
        "batch_10k_s": round(batch_s * 10_000 / max(1, len(batch)), 3),
        "hits_per_query": round(hits_total / max(1, len(batch)), 2),
        "threshold": thresholds.review,
        "block_threshold": thresholds.block,
        **{k: qual[k] for k in ("precision", "recall", "f1", "pairs")},
        "baseline_precision": qual["baseline_precision"],
        "baseline_recall": qual["baseline_recall"],
        "baseline_f1": qual["baseline_f1"],
        "exact_recall": round(recall, 5),
        # listed names with a typo, a dropped middle part or shuffled order, from the
        # batch above: how often the listing is still among the hits
        "variant_recall": round(variants_found / max(1, variants), 4),
        "exact_names_checked": recall_total,
        "exact_missed_sample": missed,
    }
