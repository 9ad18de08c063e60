"""Sanctions screening of partners and their officers, and the cases it opens.

A screening run screens the organisation (all its names) and each current officer
(names, date of birth, nationality) against the index of the list versions active
now, with the thresholds of the tenant's partner policy. Each subject's result is
kept with its hits; hits that were in the subject's previous result and are gone
from this one (the listed entry was removed or changed) are recorded as disappeared.

Each hit at or above the review threshold on a list the policy names opens a
screening case, unless that subject already has a case for that listed entry: a
coordinator's adjudication stands until the entry itself changes or goes away. A
coordinator adjudicates a case as a false positive (with a reason) or confirmed; an
open case holds every request of the partner, a confirmed one blocks them.

Cases follow the lists. A hit is *gone* only when a newer version of its list is
active and the listed entry is no longer in it (a re-screen against the same
versions finds nothing gone); its case is then resolved `delisted` by itself, with
that version, and holds or blocks nothing. A case on an entry that was already
adjudicated is reopened when the entry's data (names, dates of birth,
nationalities, identifiers, programmes) changed in the new version, or when a
delisted entry is listed again: the earlier adjudication was about other data.

Re-screening runs after `accord screening import` stores a new version: every partner
of a request under way, or of an MOU in force, is screened again, per tenant.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal
from uuid import UUID

import msgspec

from registry.audit.ledger import Actor
from registry.notifications.service import notify, people_with_role
from registry.relationships import diligence, records
from registry.relationships.records import dumps, loads, now
from registry.relationships.schemas import AdjudicationIn, CaseOut, CasePage, ScreeningResultOut
from registry.relationships.states import OPEN
from registry.relationships.tables import (
    PartnerOfficer,
    PartnerOrganisation,
    RelationshipRequest,
    RelationshipScreeningResult,
    RelationshipScreeningRun,
    ScreeningCase,
)
from registry.screening.service import current_index, thresholds_for
from screening.index import ScreeningIndex
from screening.matcher import Hit, Query, Thresholds, screen
from screening.model import ListedEntity
from tenants.database import as_datetime, as_uuid, write_transaction
from tenants.errors import Conflict, InvalidInput, NotFound
from tenants.roles import Role
from tenants.scope import TenantScope

log = logging.getLogger(__name__)

Trigger = Literal["submission", "change", "list_import", "manual", "signing"]
NO_LIST = "not_cleared"


@dataclass(frozen=True)
class ScreeningContext:
    """What a run screens against: the index, the thresholds and the lists that count."""

    index: ScreeningIndex | None
    thresholds: Thresholds
    required_lists: tuple[str, ...]

    @property
    def versions(self) -> list[str]:
        return self.index.version_ids if self.index is not None else []

    def version_of(self, source: str) -> str | None:
        for version in self.versions:
            if version.split("@", 1)[0] == source:
                return version
        return None

    def counts(self, source: str) -> bool:
        return not self.required_lists or source in self.required_lists

    @cached_property
    def _entities(self) -> dict[tuple[str, str], ListedEntity]:
        if self.index is None:
            return {}
        return {(e.source, e.ref): e for e in self.index.entities}

    def entity(self, source: str, ref: str) -> ListedEntity | None:
        """The listed entry in the active version of its list, if it is there."""
        return self._entities.get((source, ref))


def entity_fingerprint(entity: ListedEntity | None) -> str:
    """The sha256 of what identifies a listed entry; a change means a new question."""
    if entity is None:
        return ""
    data = {
        "schema": entity.schema,
        "names": sorted(n.value for n in entity.names),
        "birth_dates": sorted(msgspec.json.encode(d).decode() for d in entity.birth_dates),
        "nationalities": sorted(entity.nationalities),
        "countries": sorted(entity.countries),
        "identifiers": sorted(msgspec.json.encode(i).decode() for i in entity.identifiers),
        "programs": sorted(entity.programs),
    }
    return hashlib.sha256(msgspec.json.encode(data)).hexdigest()


async def screening_context(scope: TenantScope) -> ScreeningContext:
    """Read before the write transaction: building an index takes seconds."""
    policy = await diligence.partner_policy(scope)
    fallback = await thresholds_for(scope)
    index = await current_index()
    if policy is None:
        return ScreeningContext(index, fallback, ())
    return ScreeningContext(index, policy.thresholds(fallback), tuple(policy.required_lists))


@dataclass(frozen=True)
class Subject:
    partner_id: UUID
    officer_id: UUID | None
    name: str
    names: tuple[str, ...]
    dob: str | None
    country: str | None
    signatory_id: UUID | None = None
    """A person named to sign an MOU for the partner (`registry.clearance`)."""

    @property
    def schema(self) -> Literal["person", "organization"]:
        is_person = self.officer_id is not None or self.signatory_id is not None
        return "person" if is_person else "organization"

    @property
    def key(self) -> tuple[UUID, UUID | None]:
        return (self.partner_id, self.officer_id)


def _names(row: dict[str, Any]) -> tuple[str, ...]:
    names = [row["name"]] + [n["name"] for n in loads(row["other_names"], [])]
    return tuple(dict.fromkeys(n for n in names if n.strip()))


async def subjects_of(scope: TenantScope, partner_id: UUID) -> list[Subject]:
    """The organisation and its current officers (an officer who left is not screened)."""
    partner = (
        await scope.select(PartnerOrganisation).where(PartnerOrganisation.id == partner_id).first()
    )
    if partner is None:
        raise NotFound(f"no partner {partner_id}")
    found = [Subject(partner_id, None, partner["name"], _names(partner), None, partner["country"])]
    officers = (
        await scope.select(PartnerOfficer)
        .where((PartnerOfficer.partner == partner_id) & PartnerOfficer.left_on.is_null())
        .order_by(PartnerOfficer.created_at)
    )
    for officer in officers:
        found.append(
            Subject(
                partner_id,
                as_uuid(officer["id"]),
                officer["name"],
                _names(officer),
                officer["date_of_birth"],
                officer["nationality"],
            )
        )
    return found


def screen_subject(context: ScreeningContext, subject: Subject) -> tuple[str, list[dict[str, Any]]]:
    """(status, hits) of one subject over all its names: one hit per listed entry,
    the best-scoring name's, best first. Status counts only the lists that count."""
    if context.index is None or len(context.index) == 0:
        return NO_LIST, []
    best: dict[tuple[str, str], Hit] = {}
    for name in subject.names:
        query = Query(name=name, dob=subject.dob, country=subject.country, schema=subject.schema)
        for hit in screen(context.index, query, context.thresholds).hits:
            key = (hit.list, hit.ref)
            if key not in best or hit.score > best[key].score:
                best[key] = hit
    hits = sorted(best.values(), key=lambda h: (-h.score, h.list, h.ref))
    counted = [h for h in hits if context.counts(h.list)]
    status = "clear"
    if any(h.decision == "block" for h in counted):
        status = "block"
    elif counted:
        status = "review"
    return status, [msgspec.to_builtins(h) for h in hits]


@dataclass
class RunOutcome:
    run_id: UUID | None = None
    subjects: int = 0
    opened: list[UUID] = field(default_factory=list)
    disappeared: list[dict[str, Any]] = field(default_factory=list)
    delisted: list[dict[str, Any]] = field(default_factory=list)
    reopened: list[dict[str, Any]] = field(default_factory=list)


async def _previous_hits(scope: TenantScope, subject: Subject) -> list[dict[str, Any]]:
    query = scope.select(RelationshipScreeningResult, RelationshipScreeningResult.hits).where(
        RelationshipScreeningResult.partner == subject.partner_id
    )
    # A signatory is the person of that name named for the partner, whichever MOU.
    if subject.signatory_id is not None:
        query = query.where(
            RelationshipScreeningResult.signatory.is_not_null()
            & (RelationshipScreeningResult.subject_name == subject.name)
        )
    else:
        query = query.where(RelationshipScreeningResult.signatory.is_null())
    if subject.officer_id is None:
        query = query.where(RelationshipScreeningResult.officer.is_null())
    else:
        query = query.where(RelationshipScreeningResult.officer == subject.officer_id)
    row = await query.order_by(RelationshipScreeningResult.created_at, ascending=False).first()
    return list(loads(row["hits"], [])) if row else []


async def _case_for(scope: TenantScope, subject: Subject, source: str, ref: str) -> Any:
    query = scope.select(ScreeningCase).where(
        (ScreeningCase.partner == subject.partner_id)
        & (ScreeningCase.list_source == source)
        & (ScreeningCase.entity_ref == ref)
    )
    if subject.signatory_id is not None:
        query = query.where(
            ScreeningCase.signatory.is_not_null() & (ScreeningCase.subject_name == subject.name)
        )
    else:
        query = query.where(ScreeningCase.signatory.is_null())
    if subject.officer_id is None:
        query = query.where(ScreeningCase.officer.is_null())
    else:
        query = query.where(ScreeningCase.officer == subject.officer_id)
    return await query.first()


async def run_screening(
    scope: TenantScope,
    context: ScreeningContext,
    subjects: Iterable[Subject],
    *,
    trigger: Trigger,
    request_id: UUID | None,
    actor: Actor,
) -> RunOutcome:
    """Screen the subjects, keep each result, open cases, record vanished hits.
    Runs inside the caller's write transaction; notifies the coordinators."""
    subjects = list(subjects)
    outcome = RunOutcome(subjects=len(subjects))
    if not subjects:
        return outcome
    moment = now()
    screened = [(s, *screen_subject(context, s)) for s in subjects]
    statuses = {status for _, status, _ in screened}
    overall = next(s for s in (NO_LIST, "block", "review", "clear") if s in statuses)
    run = await scope.create(
        RelationshipScreeningRun,
        request=request_id,
        trigger=trigger,
        list_versions=dumps(context.versions),
        thresholds=dumps(
            {
                "review": context.thresholds.review,
                "block": context.thresholds.block,
                "lists": list(context.required_lists),
            }
        ),
        status=overall,
        run_by=actor.person_id,
        created_at=moment,
    )
    outcome.run_id = as_uuid(run.id)
    loaded_sources = {v.split("@", 1)[0] for v in context.versions}
    for subject, status, hits in screened:
        previous = await _previous_hits(scope, subject)
        now_keys = {(h["list"], h["ref"]) for h in hits}
        gone = [
            {
                "list": h["list"],
                "ref": h["ref"],
                "entity_name": h.get("entity_name", ""),
                "score": h.get("score"),
                "was_in": h.get("list_version"),
                "gone_in": context.version_of(h["list"]),
            }
            for h in previous
            if (h["list"], h["ref"]) not in now_keys
            and h["list"] in loaded_sources
            # Gone from the list, not merely no longer matching: a newer version is
            # active and the entry is not in it. Same versions, nothing is gone.
            and h.get("list_version") != context.version_of(h["list"])
            and context.entity(h["list"], h["ref"]) is None
        ]
        await scope.create(
            RelationshipScreeningResult,
            run=run.id,
            partner=subject.partner_id,
            officer=subject.officer_id,
            signatory=subject.signatory_id,
            subject_name=subject.name,
            status=status,
            hits=dumps(hits),
            disappeared=dumps(gone),
            created_at=moment,
        )
        for hit in hits:
            if not context.counts(hit["list"]):
                continue
            existing = await _case_for(scope, subject, hit["list"], hit["ref"])
            fingerprint = entity_fingerprint(context.entity(hit["list"], hit["ref"]))
            if existing is None:
                outcome.opened.append(
                    await _open_case(
                        scope, subject, hit, as_uuid(run.id), request_id, actor, fingerprint
                    )
                )
                continue
            why = _reopen_because(existing, hit, fingerprint)
            if why is not None:
                await _reopen(scope, existing, hit, fingerprint, why, actor)
                outcome.reopened.append(
                    {"subject": subject.name, "entity_name": hit.get("entity_name", ""), **hit}
                )
            elif existing["disappeared_in"] is not None:
                await scope.update(
                    ScreeningCase,
                    {ScreeningCase.disappeared_in: None, ScreeningCase.disappeared_at: None},
                ).where(ScreeningCase.id == existing["id"])
                await actor.record(
                    scope.tenant_id,
                    "screening_case.hit_returned",
                    "screening_case",
                    existing["id"],
                    {"disappeared_in": [existing["disappeared_in"], None]},
                    reason=f"{hit['matched_name']} matches again on {hit['list_version']}",
                )
            elif fingerprint and not existing["entity_sha256"]:
                # A case opened before entries were fingerprinted: remember this one.
                await scope.update(ScreeningCase, {ScreeningCase.entity_sha256: fingerprint}).where(
                    ScreeningCase.id == existing["id"]
                )
        for vanished in gone:
            outcome.disappeared.append({**vanished, "subject": subject.name})
            case = await _case_for(scope, subject, vanished["list"], vanished["ref"])
            changes: dict[str, Any] = {"hit": [f"{vanished['list']}:{vanished['ref']}", None]}
            if case is not None and case["status"] != DELISTED:
                await _delist(scope, case, vanished, moment, actor)
                outcome.delisted.append({**vanished, "subject": subject.name})
                changes["case"] = [None, str(case["id"])]
            await actor.record(
                scope.tenant_id,
                "screening.hit_disappeared",
                "partner",
                subject.partner_id,
                changes,
                reason=f"{subject.name} no longer matches {vanished['entity_name']!r} "
                f"({vanished['list']} {vanished['ref']}) in {vanished['gone_in']}",
            )
    await actor.record(
        scope.tenant_id,
        "screening.run",
        "screening_run",
        run.id,
        {
            "status": [None, overall],
            "trigger": [None, trigger],
            "subjects": [None, len(subjects)],
            "cases_opened": [None, len(outcome.opened)],
            "list_versions": [None, context.versions],
        },
    )
    await _tell_coordinators(scope, subjects[0].partner_id, outcome)
    return outcome


DELISTED = "delisted"


def _reopen_because(existing: dict[str, Any], hit: dict[str, Any], fingerprint: str) -> str | None:
    """Why a case on this entry asks a new question now, if it does: it was delisted
    and the entry is listed again, or it was adjudicated and the entry's data changed."""
    if existing["status"] == DELISTED:
        return f"listed again in {hit['list_version']}"
    if existing["status"] == "open" or not fingerprint or not existing["entity_sha256"]:
        return None
    if existing["entity_sha256"] != fingerprint:
        return (
            f"the listed entry's data changed in {hit['list_version']}; the adjudication as "
            f"{existing['status'].replace('_', ' ')} was about {existing['list_version']}"
        )
    return None


async def _reopen(
    scope: TenantScope,
    case: dict[str, Any],
    hit: dict[str, Any],
    fingerprint: str,
    why: str,
    actor: Actor,
) -> None:
    await scope.update(
        ScreeningCase,
        {
            ScreeningCase.status: "open",
            ScreeningCase.reason: "",
            ScreeningCase.adjudicated_by: None,
            ScreeningCase.adjudicated_at: None,
            ScreeningCase.disappeared_in: None,
            ScreeningCase.disappeared_at: None,
            ScreeningCase.list_version: hit["list_version"],
            ScreeningCase.entity_name: hit.get("entity_name", ""),
            ScreeningCase.matched_name: hit.get("matched_name", ""),
            ScreeningCase.score: float(hit["score"]),
            ScreeningCase.decision: hit["decision"],
            ScreeningCase.hit: dumps(hit),
            ScreeningCase.entity_sha256: fingerprint,
        },
    ).where(ScreeningCase.id == case["id"])
    await actor.record(
        scope.tenant_id,
        "screening_case.reopened",
        "screening_case",
        case["id"],
        {
            "status": [case["status"], "open"],
            "list_version": [case["list_version"], hit["list_version"]],
            "reason": [case["reason"], ""],
        },
        reason=why,
    )


async def _delist(
    scope: TenantScope,
    case: dict[str, Any],
    vanished: dict[str, Any],
    moment: Any,
    actor: Actor,
) -> None:
    """The listed entry is gone from the active version: the case is resolved
    `delisted` with that version, and holds or blocks nothing any more."""
    reason = (
        f"{vanished['entity_name'] or vanished['ref']} ({vanished['list']} {vanished['ref']}) "
        f"is no longer listed in {vanished['gone_in']}"
    )
    await scope.update(
        ScreeningCase,
        {
            ScreeningCase.status: DELISTED,
            ScreeningCase.reason: reason,
            ScreeningCase.disappeared_in: vanished["gone_in"],
            ScreeningCase.disappeared_at: moment,
        },
    ).where(ScreeningCase.id == case["id"])
    await actor.record(
        scope.tenant_id,
        "screening_case.delisted",
        "screening_case",
        case["id"],
        {
            "status": [case["status"], DELISTED],
            "disappeared_in": [case["disappeared_in"], vanished["gone_in"]],
        },
        reason=reason,
    )


async def _open_case(
    scope: TenantScope,
    subject: Subject,
    hit: dict[str, Any],
    run_id: UUID,
    request_id: UUID | None,
    actor: Actor,
    fingerprint: str = "",
) -> UUID:
    case = await scope.create(
        ScreeningCase,
        partner=subject.partner_id,
        officer=subject.officer_id,
        signatory=subject.signatory_id,
        request=request_id,
        run=run_id,
        subject_name=subject.name,
        list_source=hit["list"],
        list_version=hit["list_version"],
        entity_ref=hit["ref"][:128],
        entity_name=hit.get("entity_name", ""),
        matched_name=hit.get("matched_name", ""),
        score=float(hit["score"]),
        decision=hit["decision"],
        hit=dumps(hit),
        entity_sha256=fingerprint,
        status="open",
        opened_at=now(),
    )
    await actor.record(
        scope.tenant_id,
        "screening_case.opened",
        "screening_case",
        case.id,
        {
            "status": [None, "open"],
            "subject": [None, subject.name],
            "hit": [None, f"{hit['list']}:{hit['ref']} {hit['matched_name']} {hit['score']}"],
        },
    )
    return as_uuid(case.id)


async def _tell_coordinators(scope: TenantScope, partner_id: UUID, outcome: RunOutcome) -> None:
    if not outcome.opened and not outcome.disappeared and not outcome.reopened:
        return
    coordinators = await people_with_role(scope, Role.COORDINATOR)
    if not coordinators:
        return
    partner = (
        await scope.select(PartnerOrganisation, PartnerOrganisation.name)
        .where(PartnerOrganisation.id == partner_id)
        .first()
    )
    name = partner["name"] if partner else str(partner_id)
    if outcome.opened:
        count = len(outcome.opened)
        await notify(
            scope,
            coordinators,
            kind="screening_case.opened",
            subject=f"Screening: {count} new case{'s' if count != 1 else ''} for {name}",
            body=(
                f"Screening {name} and its officers found {count} possible match"
                f"{'es' if count != 1 else ''} to adjudicate."
            ),
            link=f"/api/v1/t/{scope.slug}/screening-cases?partner_id={partner_id}&status=open",
        )
    if outcome.delisted:
        count = len(outcome.delisted)
        which = "; ".join(
            f"{d['subject']} ~ {d['entity_name']} ({d['list']} {d['ref']}, gone in {d['gone_in']})"
            for d in outcome.delisted
        )
        await notify(
            scope,
            coordinators,
            kind="screening_case.delisted",
            subject=f"Screening: {count} case{'s' if count != 1 else ''} for {name} delisted",
            body=f"Resolved as delisted (the listed entry is gone): {which}.",
            link=f"/api/v1/t/{scope.slug}/screening-cases?partner_id={partner_id}&status=delisted",
        )
    if outcome.reopened:
        count = len(outcome.reopened)
        which = "; ".join(
            f"{d['subject']} ~ {d['entity_name']} ({d['list']} {d['ref']}, {d['list_version']})"
            for d in outcome.reopened
        )
        await notify(
            scope,
            coordinators,
            kind="screening_case.reopened",
            subject=f"Screening: {count} case{'s' if count != 1 else ''} for {name} reopened",
            body=f"The listed entry changed or was listed again; adjudicate again: {which}.",
            link=f"/api/v1/t/{scope.slug}/screening-cases?partner_id={partner_id}&status=open",
        )
    if outcome.disappeared:
        gone = "; ".join(
            f"{d['subject']} ~ {d['entity_name']} ({d['list']} {d['ref']})"
            for d in outcome.disappeared
        )
        await notify(
            scope,
            coordinators,
            kind="screening.hit_disappeared",
            subject=f"Screening: a listed match for {name} is gone",
            body=f"No longer on the list: {gone}.",
            link=f"/api/v1/t/{scope.slug}/partners/{partner_id}/screening",
        )


# --- reading ----------------------------------------------------------------------------


def _subject_kind(row: dict[str, Any]) -> Literal["organisation", "officer", "signatory"]:
    if row.get("signatory") is not None:
        return "signatory"
    return "organisation" if row["officer"] is None else "officer"


def case_out(row: dict[str, Any]) -> CaseOut:
    return CaseOut(
        id=as_uuid(row["id"]),
        status=row["status"],
        partner_id=as_uuid(row["partner"]),
        officer_id=None if row["officer"] is None else as_uuid(row["officer"]),
        request_id=None if row["request"] is None else as_uuid(row["request"]),
        subject_name=row["subject_name"],
        subject_kind=_subject_kind(row),
        list=row["list_source"],
        list_version=row["list_version"],
        entity_ref=row["entity_ref"],
        entity_name=row["entity_name"],
        matched_name=row["matched_name"],
        score=float(row["score"]),
        decision=row["decision"],
        hit=loads(row["hit"], {}),
        reason=row["reason"],
        adjudicated_by=None if row["adjudicated_by"] is None else as_uuid(row["adjudicated_by"]),
        adjudicated_at=as_datetime(row["adjudicated_at"]),
        disappeared_in=row["disappeared_in"],
        disappeared_at=as_datetime(row["disappeared_at"]),
        opened_at=as_datetime(row["opened_at"]),  # type: ignore[arg-type]
    )


async def partner_cases(scope: TenantScope, partner_id: UUID) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (
        await scope.select(ScreeningCase)
        .where(ScreeningCase.partner == partner_id)
        .order_by(ScreeningCase.opened_at)
    )
    return rows


async def case_row(scope: TenantScope, case_id: UUID | str) -> dict[str, Any]:
    return await records.row_by_id(scope, ScreeningCase, case_id, "screening case")


async def get_case(scope: TenantScope, case_id: UUID | str) -> CaseOut:
    return case_out(await case_row(scope, case_id))


async def list_cases(
    scope: TenantScope,
    *,
    limit: int,
    offset: int,
    status: str | None = None,
    partner_id: UUID | None = None,
    request_id: UUID | None = None,
) -> CasePage:
    query = scope.select(ScreeningCase)
    if status is not None:
        query = query.where(ScreeningCase.status == status)
    if partner_id is not None:
        query = query.where(ScreeningCase.partner == partner_id)
    if request_id is not None:
        request = (
            await scope.select(RelationshipRequest, RelationshipRequest.partner)
            .where(RelationshipRequest.id == request_id)
            .first()
        )
        if request is None:
            raise NotFound(f"no relationship request {request_id}")
        query = query.where(ScreeningCase.partner == request["partner"])
    rows = (
        await query.order_by(ScreeningCase.opened_at, ascending=False)
        .order_by(ScreeningCase.id)
        .limit(limit + 1)
        .offset(offset)
    )
    return CasePage(
        items=[case_out(r) for r in rows[:limit]],
        limit=limit,
        offset=offset,
        next_offset=offset + limit if len(rows) > limit else None,
    )


async def screening_history(scope: TenantScope, partner_id: UUID) -> list[ScreeningResultOut]:
    """Every result of the partner and its officers, newest first."""
    rows = (
        await scope.select(RelationshipScreeningResult)
        .where(RelationshipScreeningResult.partner == partner_id)
        .order_by(RelationshipScreeningResult.created_at, ascending=False)
    )
    run_ids = list({r["run"] for r in rows})
    runs = {}
    if run_ids:
        for run in await scope.select(RelationshipScreeningRun).where(
            RelationshipScreeningRun.id.is_in(run_ids)
        ):
            runs[str(run["id"])] = run
    out = []
    for row in rows:
        run = runs[str(row["run"])]
        out.append(
            ScreeningResultOut(
                run_id=as_uuid(row["run"]),
                trigger=run["trigger"],
                partner_id=as_uuid(row["partner"]),
                officer_id=None if row["officer"] is None else as_uuid(row["officer"]),
                subject_name=row["subject_name"],
                status=row["status"],
                hits=loads(row["hits"], []),
                disappeared=loads(row["disappeared"], []),
                list_versions=loads(run["list_versions"], []),
                created_at=as_datetime(row["created_at"]),  # type: ignore[arg-type]
            )
        )
    return out


async def screening_state(
    scope: TenantScope, partner_id: UUID, required_lists: Iterable[str]
) -> diligence.ScreeningState:
    """The partner's screening now: lists checked for every current subject, the
    subjects never screened, and every case as the policy's hits."""
    subjects = await subjects_of(scope, partner_id)
    rows = (
        await scope.select(
            RelationshipScreeningResult,
            RelationshipScreeningResult.officer,
            RelationshipScreeningResult.run,
            RelationshipScreeningResult.created_at,
        )
        .where(
            (RelationshipScreeningResult.partner == partner_id)
            # Signatories are screened when named; the subjects here are the
            # organisation and its officers.
            & RelationshipScreeningResult.signatory.is_null()
        )
        .order_by(RelationshipScreeningResult.created_at, ascending=False)
    )
    latest: dict[str | None, Any] = {}
    for row in rows:
        key = None if row["officer"] is None else str(row["officer"])
        latest.setdefault(key, row["run"])
    run_versions: dict[str, list[str]] = {}
    if latest:
        for run in await scope.select(
            RelationshipScreeningRun,
            RelationshipScreeningRun.id,
            RelationshipScreeningRun.list_versions,
        ).where(RelationshipScreeningRun.id.is_in(list(set(latest.values())))):
            run_versions[str(run["id"])] = loads(run["list_versions"], [])
    unscreened: list[str] = []
    checked: dict[str, set[str]] | None = None
    for subject in subjects:
        key = None if subject.officer_id is None else str(subject.officer_id)
        if key not in latest:
            unscreened.append(subject.name)
            continue
        versions = run_versions.get(str(latest[key]), [])
        by_source: dict[str, set[str]] = {}
        for version in versions:
            by_source.setdefault(version.split("@", 1)[0], set()).add(version)
        checked = (
            by_source
            if checked is None
            else {s: checked[s] | v for s, v in by_source.items() if s in checked}
        )
    lists = sorted((source, sorted(versions)[-1]) for source, versions in (checked or {}).items())
    cases = await partner_cases(scope, partner_id)
    required = set(required_lists)
    hits = [
        {
            "list": c["list_source"],
            "score": float(c["score"]),
            "name": c["matched_name"],
            "status": diligence.HIT_STATUS[c["status"]],
        }
        for c in cases
        if not required or c["list_source"] in required
    ]
    return diligence.ScreeningState(
        lists_checked=lists,
        unscreened=unscreened,
        hits=hits,
        open_cases=sum(1 for c in cases if c["status"] == "open"),
        confirmed=[
            f"{c['subject_name']} ~ {c['matched_name']} ({c['list_source']} {c['entity_ref']})"
            for c in cases
            if c["status"] == "confirmed"
        ],
    )


# --- adjudication -----------------------------------------------------------------------


async def adjudicate(
    scope: TenantScope, case_id: UUID | str, data: AdjudicationIn, actor: Actor
) -> CaseOut:
    """A coordinator's finding; the partner's requests move on (or stay held) with it."""
    from registry.relationships.service import after_screening_change

    reason = data.reason.strip()
    if data.outcome == "false_positive" and not reason:
        raise InvalidInput("reason", "say why the match is a false positive")
    async with write_transaction():
        await records.serialise(scope)
        row = await case_row(scope, case_id)
        if row["status"] == DELISTED:
            raise Conflict(
                f"case {row['id']} was resolved as delisted: the listed entry is no longer on "
                f"the list ({row['disappeared_in']}); there is nothing to adjudicate"
            )
        if row["status"] != "open":
            raise Conflict(
                f"case {row['id']} was already adjudicated as {row['status'].replace('_', ' ')}"
                f"; a finding stands once made"
            )
        await scope.update(
            ScreeningCase,
            {
                ScreeningCase.status: data.outcome,
                ScreeningCase.reason: reason,
                ScreeningCase.adjudicated_by: actor.person_id,
                ScreeningCase.adjudicated_at: now(),
            },
        ).where(ScreeningCase.id == row["id"])
        await actor.record(
            scope.tenant_id,
            "screening_case.adjudicated",
            "screening_case",
            row["id"],
            {"status": ["open", data.outcome]},
            reason=reason,
        )
        await after_screening_change(scope, as_uuid(row["partner"]), actor)
        row = await case_row(scope, row["id"])
    return case_out(row)


# --- screening again --------------------------------------------------------------------


async def screen_changed_subject(
    scope: TenantScope, partner_id: UUID, officer_id: UUID | None, actor: Actor
) -> None:
    """Inside the change's transaction: when the partner has a request under way,
    screen the subject whose screened details changed, and let the requests follow."""
    from registry.relationships.service import after_screening_change

    under_way = await scope.count(RelationshipRequest).where(
        (RelationshipRequest.partner == partner_id) & RelationshipRequest.state.is_in(sorted(OPEN))
    )
    if not under_way:
        return
    context = await screening_context(scope)
    subjects = [s for s in await subjects_of(scope, partner_id) if s.officer_id == officer_id]
    await run_screening(scope, context, subjects, trigger="change", request_id=None, actor=actor)
    await after_screening_change(scope, partner_id, actor)


#: Parties to an MOU in force (active, under review or renewed). Read as SQL so that
#: this room does not import the MOU register's service (which builds on this room).
PARTIES_IN_FORCE_SQL = (
    "SELECT DISTINCT p.partner FROM mou_party p JOIN mou m ON m.id = p.mou"
    " WHERE p.tenant = {tenant} AND m.state IN ('active', 'under_review', 'renewed')"
)


SIGNATORIES_SQL = (
    "SELECT s.id, s.name FROM mou_signatory s JOIN mou m ON m.id = s.mou"
    " WHERE s.tenant = {tenant} AND s.partner = {}"
    " AND m.state IN ('signed', 'active', 'under_review', 'renewed') ORDER BY s.name"
)


async def signatories_of(scope: TenantScope, partner_id: UUID) -> list[Subject]:
    """The people who signed an MOU still in force for the partner (screened like
    officers when a new list version is imported; `registry.clearance`)."""
    rows = await scope.rows(SIGNATORIES_SQL, partner_id)
    found: dict[str, Subject] = {}
    for row in rows:
        name = str(row["name"])
        found.setdefault(
            name,
            Subject(partner_id, None, name, (name,), None, None, signatory_id=as_uuid(row["id"])),
        )
    return list(found.values())


async def partners_to_rescreen(scope: TenantScope) -> set[UUID]:
    """Partners of requests under way, and of MOUs in force."""
    rows = await scope.select(RelationshipRequest, RelationshipRequest.partner).where(
        RelationshipRequest.state.is_in(sorted(OPEN))
    )
    in_force = await scope.rows(PARTIES_IN_FORCE_SQL)
    return {as_uuid(r["partner"]) for r in rows} | {as_uuid(r["partner"]) for r in in_force}


async def rescreen_tenant(
    scope: TenantScope, *, trigger: Trigger, actor: Actor
) -> tuple[int, int, int, int, list[str]]:
    """Screen again every partner to re-screen, each with all its current officers.
    (partners, subjects, cases opened, hits disappeared, list versions)."""
    from registry.relationships.service import after_screening_change

    partners = sorted(await partners_to_rescreen(scope), key=str)
    if not partners:
        return 0, 0, 0, 0, []  # and no index is built: it takes seconds with big lists
    context = await screening_context(scope)
    subjects = opened = gone = 0
    for partner_id in partners:
        async with write_transaction():
            await records.serialise(scope)
            found = await subjects_of(scope, partner_id) + await signatories_of(scope, partner_id)
            outcome = await run_screening(
                scope, context, found, trigger=trigger, request_id=None, actor=actor
            )
            await after_screening_change(scope, partner_id, actor)
        subjects += outcome.subjects
        opened += len(outcome.opened)
        gone += len(outcome.disappeared)
    return len(partners), subjects, opened, gone, context.versions


class RescreenReport(msgspec.Struct, kw_only=True):
    """One tenant's re-screening after a list import."""

    tenant: str
    partners: int
    subjects: int
    cases_opened: int
    hits_disappeared: int


async def rescreen_all_tenants(actor: Actor) -> list[RescreenReport]:
    """After a new list version is stored: every active tenant's partners under way
    (and of active MOUs) screened again. A suspended tenant is left as it is."""
    from tenants.service import list_tenants

    reports = []
    for tenant in await list_tenants():
        if tenant.status != "active":
            continue
        scope = TenantScope(tenant.id, str(tenant.slug))
        partners, subjects, opened, gone, _ = await rescreen_tenant(
            scope, trigger="list_import", actor=actor
        )
        if partners:
            reports.append(
                RescreenReport(
                    tenant=str(tenant.slug),
                    partners=partners,
                    subjects=subjects,
                    cases_opened=opened,
                    hits_disappeared=gone,
                )
            )
    return reports
