"""Screening a name against the loaded lists: candidates from the index, each
candidate's names scored, the evidence beside the name (date of birth, country,
schema) added, and a decision per hit from the tenant's thresholds.

Fail closed: with no list loaded the answer is "not cleared", never "clear".
"""

from __future__ import annotations

import builtins
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Literal

import msgspec

from screening.countries import country_code, country_name
from screening.dates import parse_birth_dates
from screening.index import ScreeningIndex
from screening.model import BirthDate, EntityName, ListedEntity, ListVersion, Schema
from screening.normalize import PARTICLES, NormalizedName, normalize_name
from screening.scoring import TokenWeight, compare_names, default_weight

Decision = Literal["block", "review"]
Status = Literal["clear", "review", "block", "not_cleared"]

DEFAULT_REVIEW = 0.70
DEFAULT_BLOCK = 0.90
# Multipliers for the kind of name matched.
NAME_KIND_FACTOR = {"weak": 0.85, "fka": 0.97, "nka": 1.0}
# A one-word or very common name alone can reach review, never block.
UNCERTAIN_CAP = 0.85
DOB_EXACT = 0.06
DOB_YEAR = 0.03
DOB_NEAR = 0.01
DOB_MISMATCH = -0.18
COUNTRY_MATCH = 0.03
COUNTRY_MISMATCH = -0.05
SCHEMA_MISMATCH = -0.25


class Thresholds(msgspec.Struct, frozen=True):
    """From the tenant's screening policy."""

    review: float = DEFAULT_REVIEW
    block: float = DEFAULT_BLOCK

    def __post_init__(self) -> None:
        if not 0.0 < self.review <= self.block <= 1.0:
            raise ValueError("thresholds must satisfy 0 < review <= block <= 1")


class Query(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    dob: str | None = None  # YYYY-MM-DD, YYYY-MM or YYYY
    country: str | None = None  # ISO alpha-2 or a country name
    schema: Schema | None = None


class Feature(msgspec.Struct, frozen=True):
    """One part of a hit's score: what it is, what it added (or took), and why."""

    feature: str
    contribution: float
    detail: str


class Hit(msgspec.Struct, kw_only=True):
    list: str
    list_version: str
    ref: str
    entity_name: str
    schema: Schema
    query_name: str
    matched_name: str
    matched_kind: str
    matched_strength: str
    score: float
    decision: Decision
    certain_allowed: bool
    features: builtins.list[Feature]
    programs: builtins.list[str]

    def explain(self) -> str:
        parts = [
            f"{self.query_name!r} ~ {self.matched_name!r} ({self.matched_kind}, "
            f"{self.matched_strength}) on {self.list} {self.ref} [{self.list_version}]: "
            f"{self.score:.3f} -> {self.decision}"
        ]
        parts += [f"  {f.feature:>12} {f.contribution:+.3f}  {f.detail}" for f in self.features]
        return "\n".join(parts)


class RegimeFinding(msgspec.Struct, frozen=True):
    list: str
    list_version: str
    program: str


class JurisdictionCheck(msgspec.Struct, frozen=True):
    country: str
    country_name: str
    under_regime: bool
    regimes: list[RegimeFinding]


class ScreeningResult(msgspec.Struct, kw_only=True):
    query: Query
    status: Status
    cleared: bool
    reason: str
    hits: list[Hit]
    jurisdiction: JurisdictionCheck | None
    list_versions: list[str]
    thresholds: Thresholds


def _dob_feature(query_dob: list[BirthDate], entity: ListedEntity) -> Feature | None:
    if not query_dob or not entity.birth_dates:
        return None
    q = query_dob[0]
    best: Feature | None = None
    for bd in entity.birth_dates:
        if (
            q.precision == "day"
            and bd.precision == "day"
            and (q.year_from, q.month, q.day)
            == (
                bd.year_from,
                bd.month,
                bd.day,
            )
        ):
            return Feature("dob", DOB_EXACT, f"date of birth {q} matches listed {bd}")
        if bd.covers_year(q.year_from) and (
            bd.precision != "day" or q.precision != "day" or q.month == bd.month
        ):
            feat = Feature("dob", DOB_YEAR, f"year of birth {q.year_from} within listed {bd}")
        elif bd.covers_year(q.year_from, slack=2 if bd.approximate else 1):
            feat = Feature("dob", DOB_NEAR, f"year of birth {q.year_from} near listed {bd}")
        else:
            continue
        if best is None or feat.contribution > best.contribution:
            best = feat
    if best is not None:
        return best
    listed = ", ".join(str(b) for b in entity.birth_dates[:4])
    return Feature("dob", DOB_MISMATCH, f"date of birth {q} differs from listed {listed}")


def _country_feature(country: str | None, entity: ListedEntity) -> Feature | None:
    if not country:
        return None
    known = entity.nationalities + [c for c in entity.countries if c not in entity.nationalities]
    if not known:
        return None
    if country in known:
        return Feature("country", COUNTRY_MATCH, f"{country} is among listed {', '.join(known)}")
    return Feature(
        "country", COUNTRY_MISMATCH, f"{country} not among listed {', '.join(known[:5])}"
    )


class Screener:
    """Holds the current index. `load` builds a new index from parsed list versions
    and swaps it in atomically; screening in progress keeps the index it started
    with."""

    def __init__(self, versions: Iterable[ListVersion] | None = None) -> None:
        self._index: ScreeningIndex | None = None
        self._lock = threading.Lock()
        if versions is not None:
            self.load(versions)

    @property
    def index(self) -> ScreeningIndex | None:
        return self._index

    def load(self, versions: Iterable[ListVersion]) -> ScreeningIndex:
        new = ScreeningIndex.build(versions)
        self.swap(new)
        return new

    def swap(self, index: ScreeningIndex | None) -> None:
        with self._lock:
            self._index = index

    def screen(
        self,
        query: Query | str,
        thresholds: Thresholds | None = None,
        limit: int | None = 10,
    ) -> ScreeningResult:
        return screen(self._index, query, thresholds, limit)


def _query_schema_ok(query_schema: Schema | None, schema: Schema) -> bool:
    return query_schema is None or query_schema == schema


def screen(
    index: ScreeningIndex | None,
    query: Query | str,
    thresholds: Thresholds | None = None,
    limit: int | None = 10,
) -> ScreeningResult:
    """Screen one name. Hits at or above the review threshold, best first, one per
    listed entity, each with its explanation."""
    if isinstance(query, str):
        query = Query(name=query)
    thresholds = thresholds or Thresholds()
    country = country_code(query.country) if query.country else None
    if index is None or len(index) == 0:
        return ScreeningResult(
            query=query,
            status="not_cleared",
            cleared=False,
            reason="no sanctions list is loaded: nothing can be cleared",
            hits=[],
            jurisdiction=None,
            list_versions=[],
            thresholds=thresholds,
        )
    hits = match(index, query, thresholds, limit)
    jurisdiction = None
    if country:
        regimes = [
            RegimeFinding(r.source, r.version, r.program) for r in index.regimes_for(country)
        ]
        jurisdiction = JurisdictionCheck(country, country_name(country), bool(regimes), regimes)
    status: Status = "clear"
    if any(h.decision == "block" for h in hits):
        status = "block"
    elif hits:
        status = "review"
    reason = {
        "clear": "no listed name reaches the review threshold",
        "review": "possible match: a coordinator must adjudicate",
        "block": "confirmed-strength match on a sanctions list",
    }[status]
    return ScreeningResult(
        query=query,
        status=status,
        cleared=status == "clear",
        reason=reason,
        hits=hits,
        jurisdiction=jurisdiction,
        list_versions=index.version_ids,
        thresholds=thresholds,
    )


class _Scored(msgspec.Struct):
    score: float
    certain_allowed: bool
    features: list[Feature]


def score_candidate(
    qnorm: NormalizedName,
    query: Query,
    entity: ListedEntity,
    name: EntityName,
    norm: NormalizedName,
    weight: TokenWeight,
    is_common: Callable[[str], bool],
    query_dob: list[BirthDate] | None = None,
    country: str | None = None,
    *,
    query_weights: Sequence[float] | None = None,
    candidate_weights: Sequence[float] | None = None,
    query_informative: bool | None = None,
    explain: bool = True,
) -> _Scored:
    """The score of one listed name of one entity for the query, with every
    feature's contribution (their details only with `explain`). Shared by `match`
    and by `pair_score`."""
    schema = entity.schema
    comparison = compare_names(
        qnorm,
        norm,
        query.schema or schema,
        weight,
        query_weights=query_weights,
        candidate_weights=candidate_weights,
        explain=explain,
    )
    name_score = comparison.score
    detail = ""
    if explain:
        detail = ", ".join(f"{a}~{b} {s:.2f}" for a, b, s in comparison.pairs)
        if comparison.unmatched_query or comparison.unmatched_candidate:
            detail += f"; unmatched {comparison.unmatched_query}/{comparison.unmatched_candidate}"
        if comparison.notes:
            detail += "; " + "; ".join(comparison.notes)
    features = [Feature("name", round(name_score, 4), detail)]
    score = name_score
    factor = 1.0
    if name.strength == "weak":
        factor = NAME_KIND_FACTOR["weak"]
    elif name.kind in NAME_KIND_FACTOR:
        factor = NAME_KIND_FACTOR[name.kind]
    if factor != 1.0:
        features.append(
            Feature(
                "name_kind",
                round(score * factor - score, 4),
                f"{name.kind} ({name.strength}, {name.quality or 'unlabelled'}) counts less",
            )
        )
        score *= factor
    if not _query_schema_ok(query.schema, schema):
        features.append(
            Feature("schema", SCHEMA_MISMATCH, f"query is a {query.schema}, listed {schema}")
        )
        score += SCHEMA_MISMATCH
    extra = [
        _dob_feature(query_dob or [], entity) if schema == "person" else None,
        _country_feature(country, entity),
    ]
    for feat in extra:
        if feat is not None:
            features.append(feat)
            score += feat.contribution
    if query_informative is None:
        query_informative = any(not is_common(t) for t in qnorm.tokens)
    certain_allowed = (
        query_informative and len(qnorm.significant) >= 2 and len(norm.significant) >= 2
    )
    if not certain_allowed and score > UNCERTAIN_CAP:
        features.append(
            Feature(
                "common_name",
                round(UNCERTAIN_CAP - score, 4),
                "one-word or very common name: never a certain match alone",
            )
        )
        score = UNCERTAIN_CAP
    return _Scored(round(max(0.0, min(1.0, score)), 4), certain_allowed, features)


def pair_score(
    name1: str, name2: str, schema: Schema | None = None, index: ScreeningIndex | None = None
) -> float:
    """Score of `name1` (query) against `name2` (listed, primary) as screening would
    give it, with token rarity from `index` when given. Used by the benchmark."""
    qnorm = normalize_name(name1, schema)
    norm = normalize_name(name2, schema)
    if not qnorm.tokens or not norm.tokens:
        return 0.0
    entity = ListedEntity(
        source="pair", ref="pair", schema=schema or "organization", names=[EntityName(name2)]
    )
    weight = index.weight if index is not None else default_weight
    is_common = index.is_common if index is not None else (lambda t: t in PARTICLES)
    return score_candidate(
        qnorm, Query(name=name1, schema=schema), entity, entity.names[0], norm, weight, is_common
    ).score


def match(
    index: ScreeningIndex,
    query: Query,
    thresholds: Thresholds,
    limit: int | None = 10,
    candidates: int = 40,
) -> list[Hit]:
    """The scored hits of one query (>= review threshold), best first, one per
    listed entity."""
    # Listed names are normalised for their own schema; a query of unknown schema
    # is read both as a person's name and as an organisation's.
    if query.schema is None:
        as_person = normalize_name(query.name, "person")
        as_org = normalize_name(query.name, "organization")
        if as_person == as_org:
            as_org = as_person
        forms = [as_person] if as_org is as_person else [as_person, as_org]
    else:
        as_person = as_org = normalize_name(query.name, query.schema)
        forms = [as_person]
    forms = [f for f in forms if f.tokens]
    if not forms:
        return []
    query_dob = parse_birth_dates(query.dob) if query.dob else []
    country = country_code(query.country) if query.country else None
    best: dict[int, Hit] = {}
    seen: set[int] = set()
    ids = [nid for form in forms for nid in index.candidates(form, candidates)]
    form_weights = {id(f): tuple(index.weight(t) for t in f.tokens) for f in forms}
    informative = {id(f): any(not index.is_common(t) for t in f.tokens) for f in forms}
    for nid in ids:
        if nid in seen:
            continue
        seen.add(nid)
        indexed = index.names[nid]
        entity = index.entities[indexed.entity]
        qnorm = as_person if entity.schema == "person" else as_org
        if not qnorm.tokens:
            continue
        args = (
            qnorm,
            query,
            entity,
            indexed.name,
            indexed.norm,
            index.weight,
            index.is_common,
            query_dob,
            country,
        )
        qw = form_weights[id(qnorm)]
        qi = informative[id(qnorm)]
        scored = score_candidate(
            *args,
            query_weights=qw,
            candidate_weights=indexed.weights,
            query_informative=qi,
            explain=False,
        )
        if scored.score < thresholds.review:
            continue
        previous = best.get(indexed.entity)
        if previous is not None and previous.score >= scored.score:
            continue
        scored = score_candidate(
            *args, query_weights=qw, candidate_weights=indexed.weights, query_informative=qi
        )
        decision: Decision = (
            "block" if scored.score >= thresholds.block and scored.certain_allowed else "review"
        )
        name = indexed.name
        best[indexed.entity] = Hit(
            list=entity.source,
            list_version=index.entity_version[indexed.entity],
            ref=entity.ref,
            entity_name=entity.primary_name,
            schema=entity.schema,
            query_name=query.name,
            matched_name=name.value,
            matched_kind=name.kind,
            matched_strength=name.strength,
            score=scored.score,
            decision=decision,
            certain_allowed=scored.certain_allowed,
            features=scored.features,
            programs=list(entity.programs),
        )
    hits = sorted(best.values(), key=lambda h: (-h.score, h.list, h.ref))
    return hits if limit is None else hits[:limit]


def screen_many(
    index: ScreeningIndex | None, queries: Sequence[Query], thresholds: Thresholds | None = None
) -> list[ScreeningResult]:
    return [screen(index, q, thresholds) for q in queries]
