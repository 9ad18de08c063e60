"""Reading a governance report's period from the database: its events, words for
everything they name (people, partners, requests, MOUs, screening cases, tokens,
motions with their rolls and signed records), the motions' own events before the
period, the association's time zone and a signed tree head covering the period.
The rows themselves are made by the pure `registry.audit.report.report_rows`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from registry.audit.report import (
    GOVERNANCE_ACTIONS,
    GOVERNANCE_PREFIXES,
    UUID_PATTERN,
    GovernanceRow,
    MotionFacts,
    Names,
    ReportTitle,
    instant,
    plain_words,
    report_rows,
)
from registry.board.decision import record_roll
from tenants.clock import local_time
from tenants.scope import TenantScope


def _uuids(values: Iterable[Any]) -> list[UUID]:
    found = []
    for value in values:
        try:
            found.append(UUID(str(value)))
        except ValueError:
            continue
    return sorted(set(found), key=str)


def _person_ids(events: Iterable[Mapping[str, Any]]) -> set[str]:
    found: set[str] = set()
    for event in events:
        person = (event.get("actor") or {}).get("person")
        if person:
            found.add(str(person))
        for name in ("person", "voter"):
            change = (event.get("changes") or {}).get(name)
            if isinstance(change, Sequence) and not isinstance(change, str):
                found.update(str(v) for v in change if v)
    return found


def _ids_in(events: Iterable[Mapping[str, Any]]) -> set[str]:
    """Every id an event holds: its object's, and any in its changes or reason."""
    found: set[str] = set()
    for event in events:
        if event.get("object_id"):
            found.add(str(event["object_id"]))
        found.update(UUID_PATTERN.findall(str(event.get("changes") or "")))
        found.update(UUID_PATTERN.findall(str(event.get("reason") or "")))
    return found


async def _period_events(
    tenant_id: UUID, since: datetime | None, until: datetime | None
) -> list[dict[str, Any]]:
    from registry.audit.tables import AuditEvent

    wanted: Any = AuditEvent.action.is_in(list(GOVERNANCE_ACTIONS))
    for prefix in GOVERNANCE_PREFIXES:
        wanted = wanted | AuditEvent.action.like(prefix + "%")
    query = AuditEvent.select(AuditEvent.body).where((AuditEvent.tenant == tenant_id) & wanted)
    if since is not None:
        query = query.where(AuditEvent.time >= since)
    if until is not None:
        query = query.where(AuditEvent.time < until)
    rows = await query.order_by(AuditEvent.seq)
    return [json.loads(row["body"]) for row in rows]


async def _motion_history(tenant_id: UUID, motion_ids: list[str]) -> list[dict[str, Any]]:
    """The motions' own events, whenever they happened."""
    from registry.audit.tables import AuditEvent

    if not motion_ids:
        return []
    rows = await AuditEvent.select(AuditEvent.body).where(
        (AuditEvent.tenant == tenant_id)
        & (AuditEvent.object_type == "motion")
        & AuditEvent.object_id.is_in(motion_ids)
    )
    return [json.loads(row["body"]) for row in rows]


async def load_names(
    scope: TenantScope, events: list[dict[str, Any]]
) -> tuple[Names, list[dict[str, Any]]]:
    """Words for everything the events name: people, partners, requests, MOUs,
    screening cases, tokens and motions (with their rolls and signed records); and
    the motions' own events (`report_rows`'s `history`)."""
    from registry.board.tables import Ballot, Motion
    from registry.mous.tables import Mou, MouParty
    from registry.relationships.tables import (
        PartnerOrganisation,
        RelationshipRequest,
        RelationshipReview,
        ScreeningCase,
    )
    from tenants.tables import ApiToken, Person

    names = Names()
    ids = _uuids(_ids_in(events))
    motions = await scope.select(
        Motion,
        Motion.id,
        Motion.subject_kind,
        Motion.subject_id,
        Motion.title,
        Motion.quorum_fraction,
        Motion.majority,
        Motion.decision,
        Motion.decision_sha256,
    ).where(Motion.id.is_in(ids or [UUID(int=0)]))
    subject_ids = _uuids(m["subject_id"] for m in motions)
    ids = sorted(set(ids) | set(subject_ids), key=str)
    any_ids = ids or [UUID(int=0)]
    ballots = await scope.select(Ballot, Ballot.motion, Ballot.person).where(
        Ballot.motion.is_in([m["id"] for m in motions] or [UUID(int=0)])
    )
    history = await _motion_history(scope.tenant_id, [str(m["id"]) for m in motions])
    people = set(_person_ids([*events, *history])) | {str(b["person"]) for b in ballots}
    for motion in motions:
        if motion["decision"]:
            record = json.loads(motion["decision"])
            people.update(entry.person for entry in record_roll(record))

    partners = {
        str(p["id"]): f"{p['name']} ({p['country']})"
        for p in await scope.select(
            PartnerOrganisation,
            PartnerOrganisation.id,
            PartnerOrganisation.name,
            PartnerOrganisation.country,
        )
    }
    for partner_id, words in partners.items():
        names.objects[partner_id] = words
    reviews = {
        str(r["id"]): str(r["request"])
        for r in await scope.select(
            RelationshipReview, RelationshipReview.id, RelationshipReview.request
        ).where(RelationshipReview.id.is_in(any_ids))
    }
    any_ids = sorted(set(any_ids) | set(_uuids(reviews.values())), key=str)
    for request in await scope.select(
        RelationshipRequest,
        RelationshipRequest.id,
        RelationshipRequest.title,
        RelationshipRequest.partner,
    ).where(RelationshipRequest.id.is_in(any_ids)):
        partner = partners.get(str(request["partner"]), "")
        names.objects[str(request["id"])] = (
            f'Relationship request "{request["title"]}" with {partner}'
        )
    for review_id, request_id in reviews.items():
        names.objects[review_id] = "Review of the " + names.objects.get(
            request_id, "relationship request"
        ).replace("Relationship request", "relationship request", 1)
    mous = await scope.select(Mou, Mou.id, Mou.reference, Mou.title).where(Mou.id.is_in(any_ids))
    parties: dict[str, list[str]] = {}
    for party in await scope.select(MouParty, MouParty.mou, MouParty.partner).where(
        MouParty.mou.is_in([m["id"] for m in mous] or [UUID(int=0)])
    ):
        parties.setdefault(str(party["mou"]), []).append(partners.get(str(party["partner"]), ""))
    for mou in mous:
        with_whom = ", ".join(sorted(parties.get(str(mou["id"]), [])))
        names.objects[str(mou["id"])] = f'MOU {mou["reference"]} "{mou["title"]}"' + (
            f" with {with_whom}" if with_whom else ""
        )
    for case in await scope.select(
        ScreeningCase,
        ScreeningCase.id,
        ScreeningCase.partner,
        ScreeningCase.subject_name,
        ScreeningCase.matched_name,
        ScreeningCase.list_source,
        ScreeningCase.entity_ref,
    ).where(ScreeningCase.id.is_in(any_ids)):
        names.objects[str(case["id"])] = (
            f"Screening of {case['subject_name']} "
            f"({partners.get(str(case['partner']), 'partner')}) against "
            f"{case['matched_name']} ({case['list_source'].upper()} {case['entity_ref']})"
        )
    for token in await scope.select(
        ApiToken, ApiToken.id, ApiToken.label, ApiToken.person.name.as_alias("owner")
    ).where(ApiToken.id.is_in(any_ids)):
        owner = f" of {token['owner']}" if token["owner"] else ""
        names.objects[str(token["id"])] = f'API token "{token["label"]}"{owner}'

    person_ids = _uuids(people)
    if person_ids:
        found = await Person.select(Person.id, Person.name, Person.email).where(
            Person.id.is_in(person_ids)
        )
        names.people = {str(p["id"]): p["name"] or p["email"] for p in found}

    roll: dict[str, list[str]] = {}
    for ballot in ballots:
        roll.setdefault(str(ballot["motion"]), []).append(str(ballot["person"]))
    for motion in motions:
        motion_id = str(motion["id"])
        subject_id = str(motion["subject_id"])
        subject = names.objects.get(subject_id, plain_words(motion["subject_kind"]))
        purpose = str(motion["subject_kind"])
        if purpose.startswith("mou_"):
            subject += f" ({plain_words(purpose.removeprefix('mou_'))})"
        record = json.loads(motion["decision"]) if motion["decision"] else None
        names.motions[motion_id] = MotionFacts(
            id=motion_id,
            title=motion["title"],
            subject=subject,
            subject_id=subject_id,
            quorum_fraction=float(motion["quorum_fraction"]),
            majority=str(motion["majority"]),
            roll=tuple(roll.get(motion_id, [])),
            record=record,
            sha256=motion["decision_sha256"] or "",
            parent_id=reviews.get(subject_id, ""),
        )
        names.objects[motion_id] = f'Motion "{motion["title"]}"'
    return names, history


async def load_report(
    tenant_id: UUID, slug: str, since: datetime | None, until: datetime | None
) -> tuple[list[GovernanceRow], ReportTitle]:
    """The governance rows of events with since <= time < until, and the title (with a
    signed tree head covering the period: the latest stored one, else one signed now)."""
    from registry.audit.store import chain_head, latest_head, sign_head
    from tenants.clock import zone_name

    scope = TenantScope(tenant_id, slug)
    events = await _period_events(tenant_id, since, until)
    names, history = await load_names(scope, events)
    zone = await zone_name(scope)
    found = await scope.rows("SELECT name FROM tenant WHERE id = {tenant}")
    tenant = f"{found[0]['name']} ({slug})" if found and found[0]["name"] else slug
    last = max((int(e["seq"]) for e in events), default=0)
    head = await latest_head(tenant_id, slug, last)
    if head is None:
        head = await sign_head(await chain_head(tenant_id, slug))
    tree_head = head[0]
    signed_at = instant(tree_head.timestamp)
    title = ReportTitle(
        tenant=tenant,
        zone_name=zone,
        since=since,
        until=until,
        tree_size=tree_head.tree_size,
        root_hash=tree_head.root_hash,
        signed_at=local_time(signed_at, zone) if signed_at else tree_head.timestamp,
        key_id=tree_head.key_id,
        signature=tree_head.signature,
    )
    return report_rows(events, names, zone, history), title
