"""The MOU register: drafts, board sanction, signing, activation, reviews, renewal,
termination and expiry, always through the tenant's `TenantScope`.

Every transition locks the MOU's row first (PostgreSQL: SELECT ... FOR UPDATE;
SQLite writers are serialised by IMMEDIATE transactions), checks the state with
`mous.states`, changes it and records its audit event in the same transaction.
An MOU is approved, renewed or terminated only by a carried board motion: the
`on_motion_decided` handlers below are the only code that makes those moves.

Every party must be clear (`registry.clearance`: screened with its officers and its
signatories, due diligence done, no open case, no confirmed hit, no adverse finding)
when an approval or renewal motion opens and when it carries, at signing, at
activation and at renewal, whatever the board voted; a party with no approved
relationship request of its own needs the same due diligence found for it. When the
MOU comes from a relationship request, that request must be approved too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from piccolo.engine.postgres import PostgresEngine

from registry import clearance
from registry.audit.ledger import Actor, lock_head
from registry.board.service import (
    approval_policy,
    get_motion,
    latest_motion,
    on_motion_decided,
    open_motion,
)
from registry.mous import states
from registry.mous.schemas import (
    NON_ENDORSEMENT,
    MotionIn,
    MouIn,
    MouOut,
    MouPatch,
    PartyClearanceOut,
    PartyOut,
    ReviewDecisionIn,
    ReviewOut,
    SignatoryOut,
    SigningIn,
    TermsIn,
)
from registry.mous.tables import Mou, MouParty, MouReview, MouSignatory
from registry.notifications.service import notify, people_with_role
from registry.relationships import cases
from registry.relationships.tables import PartnerOrganisation, RelationshipRequest
from tenants import clock
from tenants.database import as_datetime, as_uuid, current_engine, fetch, write_transaction
from tenants.errors import Conflict, InvalidInput, NotFound
from tenants.roles import Role
from tenants.scope import TenantScope

#: Relationship request kinds whose board motion sanctions an MOU with the partner.
MOU_REQUEST_KINDS = {"bilateral_mou": "bilateral", "multi_party_mou": "multi_party"}
SUBJECT_KINDS = {
    "approval": "mou_approval",
    "renewal": "mou_renewal",
    "termination": "mou_termination",
}
DEFAULT_REVIEW_MONTHS = 12


def _mou_id(value: UUID | str) -> UUID:
    try:
        return as_uuid(value)
    except ValueError:
        raise NotFound(f"no MOU {value}") from None


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _json_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        loaded: list[Any] = json.loads(value or "[]")
        return loaded
    return list(value or [])


# -- reading --------------------------------------------------------------------------


async def _parties(scope: TenantScope, mou_ids: list[UUID]) -> dict[UUID, list[PartyOut]]:
    if not mou_ids:
        return {}
    rows = await (
        scope.select(
            MouParty,
            MouParty.mou,
            MouParty.partner,
            MouParty.partner.name.as_alias("name"),
            MouParty.partner.country.as_alias("country"),
        )
        .where(MouParty.mou.is_in(mou_ids))
        .order_by(MouParty.partner.name)
    )
    found: dict[UUID, list[PartyOut]] = {}
    for row in rows:
        found.setdefault(as_uuid(row["mou"]), []).append(
            PartyOut(partner_id=as_uuid(row["partner"]), name=row["name"], country=row["country"])
        )
    return found


async def _signatories(scope: TenantScope, mou_ids: list[UUID]) -> dict[UUID, list[SignatoryOut]]:
    if not mou_ids:
        return {}
    rows = await (
        scope.select(
            MouSignatory,
            MouSignatory.mou,
            MouSignatory.partner,
            MouSignatory.partner.name.as_alias("party"),
            MouSignatory.name,
            MouSignatory.position,
            MouSignatory.signed_on,
        )
        .where(MouSignatory.mou.is_in(mou_ids))
        .order_by(MouSignatory.signed_on)
    )
    found: dict[UUID, list[SignatoryOut]] = {}
    for row in rows:
        partner = row["partner"]
        signed_on = _date(row["signed_on"])
        assert signed_on is not None
        found.setdefault(as_uuid(row["mou"]), []).append(
            SignatoryOut(
                partner_id=None if partner is None else as_uuid(partner),
                party=row["party"] if partner is not None else scope.slug,
                name=row["name"],
                position=row["position"],
                signed_on=signed_on,
            )
        )
    return found


def _out(row: dict[str, Any], parties: list[PartyOut], signed: list[SignatoryOut]) -> MouOut:
    created_at = as_datetime(row["created_at"])
    updated_at = as_datetime(row["updated_at"])
    assert created_at is not None and updated_at is not None
    request, motion = row["request"], row["approved_motion"]
    return MouOut(
        id=as_uuid(row["id"]),
        reference=row["reference"],
        title=row["title"],
        kind=row["kind"],
        state=row["state"],
        request_id=None if request is None else as_uuid(request),
        parties=parties,
        working_relationships=row["working_relationships"],
        shared_interests=row["shared_interests"],
        common_understanding=row["common_understanding"],
        assistance=_json_list(row["assistance"]),
        sdgs=_json_list(row["sdgs"]),
        non_endorsement=row["non_endorsement"],
        effective_date=_date(row["effective_date"]),
        review_interval_months=int(row["review_interval_months"]),
        expires_on=_date(row["expires_on"]),
        next_review_due=_date(row["next_review_due"]),
        signatories=signed,
        document_sha256=row["document_sha256"] or None,
        approved_motion_id=None if motion is None else as_uuid(motion),
        created_at=created_at,
        updated_at=updated_at,
    )


async def _with_clearance(parties: dict[UUID, list[PartyOut]], scope: TenantScope) -> None:
    """Each party's clearance now, read once per partner."""
    partner_ids = {p.partner_id for found in parties.values() for p in found}
    verdicts = {v.partner_id: v for v in await clearance.of_parties(scope, partner_ids)}
    for found in parties.values():
        for party in found:
            verdict = verdicts[party.partner_id]
            party.clearance = PartyClearanceOut(
                status=verdict.status, reasons=list(verdict.reasons), as_of=verdict.as_of
            )


async def _rows_out(scope: TenantScope, rows: list[dict[str, Any]]) -> list[MouOut]:
    ids = [as_uuid(r["id"]) for r in rows]
    parties = await _parties(scope, ids)
    await _with_clearance(parties, scope)
    signed = await _signatories(scope, ids)
    return [_out(r, parties.get(i, []), signed.get(i, [])) for r, i in zip(rows, ids, strict=True)]


async def _row(scope: TenantScope, mou_id: UUID) -> dict[str, Any]:
    row: dict[str, Any] | None = await scope.select(Mou).where(Mou.id == mou_id).first()
    if row is None:
        raise NotFound(f"no MOU {mou_id}")
    return row


async def get_mou(scope: TenantScope, mou_id: UUID | str) -> MouOut:
    return (await _rows_out(scope, [await _row(scope, _mou_id(mou_id))]))[0]


async def list_mous(
    scope: TenantScope,
    *,
    limit: int,
    offset: int,
    state: str | None = None,
    partner_id: UUID | None = None,
) -> tuple[list[MouOut], int | None]:
    """MOUs of the tenant by reference, filtered; one more row tells if a next page exists."""
    if state is not None and state not in states.STATES:
        raise InvalidInput("state", f"one of {', '.join(states.STATES)}")
    query = scope.select(Mou)
    if state is not None:
        query = query.where(Mou.state == state)
    if partner_id is not None:
        parties = scope.select(MouParty, MouParty.mou).where(MouParty.partner == partner_id)
        with_partner = [as_uuid(r["mou"]) for r in await parties]
        if not with_partner:
            return [], None
        query = query.where(Mou.id.is_in(with_partner))
    rows = await query.order_by(Mou.reference).limit(limit + 1).offset(offset)
    items = await _rows_out(scope, rows[:limit])
    return items, (offset + limit if len(rows) > limit else None)


async def all_mous(scope: TenantScope) -> list[MouOut]:
    """The whole register, for export."""
    return await _rows_out(scope, await scope.select(Mou).order_by(Mou.reference))


async def active_mou_partner_ids(scope: TenantScope) -> set[UUID]:
    """Partner organisations that are parties to an MOU in force (active, under review
    or renewed): re-screening covers them when a new list version is imported."""
    rows = await scope.rows(
        "SELECT DISTINCT p.partner FROM mou_party p JOIN mou m ON m.id = p.mou"
        " WHERE p.tenant = {tenant} AND m.state IN ('active', 'under_review', 'renewed')"
    )
    return {as_uuid(row["partner"]) for row in rows}


# -- checks ---------------------------------------------------------------------------


async def _check_parties(scope: TenantScope, kind: str, parties: list[UUID]) -> list[UUID]:
    if len(set(parties)) != len(parties):
        raise InvalidInput("parties", "a partner is named more than once")
    if kind == "bilateral" and len(parties) != 1:
        raise InvalidInput("parties", "a bilateral MOU has exactly one partner besides the tenant")
    if kind == "multi_party" and len(parties) < 2:
        raise InvalidInput("parties", "a multi-party MOU has two or more partners")
    found = {
        as_uuid(r["id"])
        for r in await scope.select(PartnerOrganisation, PartnerOrganisation.id).where(
            PartnerOrganisation.id.is_in(parties)
        )
    }
    for partner in parties:
        if partner not in found:
            raise InvalidInput("parties", f"no partner organisation {partner} in this tenant")
    return parties


def _check_dates(effective: date | None, expires: date | None) -> None:
    if effective is not None and expires is not None and expires <= effective:
        raise InvalidInput("expires_on", "must be after the effective date")


async def request_hold(scope: TenantScope, request_id: UUID | None) -> str | None:
    """Why the MOU's own relationship request stops it, or None: it must be approved.
    (Its partner's clearance is every party's, `parties_hold`.)"""
    if request_id is None:
        return None
    row = (
        await scope.select(RelationshipRequest, RelationshipRequest.state)
        .where(RelationshipRequest.id == request_id)
        .first()
    )
    if row is None:
        return f"its relationship request {request_id} no longer exists"
    if row["state"] != "approved":
        return f"its relationship request is {row['state']}, not approved"
    return None


async def party_ids(scope: TenantScope, mou_id: UUID) -> list[UUID]:
    rows = await scope.select(MouParty, MouParty.partner).where(MouParty.mou == mou_id)
    return [as_uuid(r["partner"]) for r in rows]


async def parties_hold(
    scope: TenantScope, row: dict[str, Any]
) -> tuple[str | None, list[clearance.Verdict]]:
    """Why the MOU may not be committed to now (its request, then each party that is
    not clear, by name), or None; and every party's clearance."""
    verdicts = await clearance.of_parties(scope, await party_ids(scope, as_uuid(row["id"])))
    reasons = [r for r in (await request_hold(scope, row["request"]),) if r is not None]
    refused = clearance.refusal(verdicts)
    if refused is not None:
        reasons.append(f"not every party is clear: {refused}")
    return ("; ".join(reasons) or None), verdicts


def _complete_for_approval(row: dict[str, Any], parties: int) -> None:
    """A draft goes to the board only with the terms the board is asked to sanction."""
    missing = [
        name
        for name, present in (
            ("parties", parties > 0),
            ("working_relationships", bool(str(row["working_relationships"]).strip())),
            ("shared_interests", bool(str(row["shared_interests"]).strip())),
            ("common_understanding", bool(str(row["common_understanding"]).strip())),
            ("effective_date", row["effective_date"] is not None),
            ("expires_on", row["expires_on"] is not None),
            ("non_endorsement", bool(str(row["non_endorsement"]).strip())),
        )
        if not present
    ]
    if missing:
        raise Conflict(f"the MOU lacks {', '.join(missing)}: complete the draft first")


# -- changing -------------------------------------------------------------------------

LOCK_SQL = "SELECT id FROM mou WHERE id = {} AND tenant = {tenant}"
LOCK_SQL_POSTGRES = LOCK_SQL + " FOR UPDATE"


async def _lock(scope: TenantScope, mou_id: UUID) -> dict[str, Any]:
    """The MOU's row, locked until the transaction ends."""
    postgres = isinstance(current_engine(), PostgresEngine)
    if not await scope.rows(LOCK_SQL_POSTGRES if postgres else LOCK_SQL, mou_id):
        raise NotFound(f"no MOU {mou_id}")
    return await _row(scope, mou_id)


async def _set_state(
    scope: TenantScope,
    row: dict[str, Any],
    state: str,
    actor: Actor,
    action: str,
    values: dict[Any, Any] | None = None,
    changes: dict[str, list[Any]] | None = None,
    reason: str = "",
) -> None:
    updates = {Mou.state: state, Mou.updated_at: datetime.now(UTC), **(values or {})}
    await scope.update(Mou, updates).where(Mou.id == row["id"])
    await actor.record(
        scope.tenant_id,
        action,
        "mou",
        row["id"],
        {"state": [row["state"], state], **(changes or {})},
        reason=reason,
    )


async def _review_interval(scope: TenantScope) -> int:
    """The review interval of the tenant's approval rule, else a year."""
    found = await approval_policy(scope)
    if found is not None and found[0].review_interval_months:
        return int(found[0].review_interval_months)
    return DEFAULT_REVIEW_MONTHS


async def _next_reference(scope: TenantScope, year: int) -> str:
    rows = await scope.rows(
        "SELECT COUNT(*) AS n FROM mou WHERE tenant = {tenant} AND reference LIKE {}",
        f"MOU-{year}-%",
    )
    return f"MOU-{year}-{int(rows[0]['n']) + 1:04d}"


async def _check_request_partner(scope: TenantScope, request_id: UUID, parties: list[UUID]) -> None:
    """The request's sanction covers an MOU with the partner it names."""
    row = (
        await scope.select(RelationshipRequest, RelationshipRequest.partner)
        .where(RelationshipRequest.id == request_id)
        .first()
    )
    if row is not None and as_uuid(row["partner"]) not in parties:
        raise InvalidInput("parties", "must include the partner the relationship request names")


async def create_mou(scope: TenantScope, data: MouIn, *, actor: Actor) -> MouOut:
    """A draft MOU with its parties."""
    parties = await _check_parties(scope, data.kind, data.parties)
    _check_dates(data.effective_date, data.expires_on)
    if data.request_id is not None:
        found = (
            await scope.select(RelationshipRequest, RelationshipRequest.id)
            .where(RelationshipRequest.id == data.request_id)
            .first()
        )
        if found is None:
            raise InvalidInput("request_id", f"no relationship request {data.request_id}")
        await _check_request_partner(scope, data.request_id, parties)
    clause = data.non_endorsement
    if clause is None:
        clause = NON_ENDORSEMENT.format(association=scope.slug.upper())
    interval = data.review_interval_months or await _review_interval(scope)
    now = datetime.now(UTC)
    async with write_transaction():
        # Writers of a tenant queue on the chain head before numbering the MOU, so
        # two drafts cannot take the same reference.
        await lock_head(scope.tenant_id)
        reference = await _next_reference(scope, now.year)
        mou = await scope.create(
            Mou,
            reference=reference,
            title=data.title.strip(),
            kind=data.kind,
            state=states.DRAFT,
            request=data.request_id,
            working_relationships=data.working_relationships,
            shared_interests=data.shared_interests,
            common_understanding=data.common_understanding,
            assistance=json.dumps(sorted(set(data.assistance))),
            sdgs=json.dumps(sorted(set(data.sdgs))),
            non_endorsement=clause,
            effective_date=data.effective_date,
            review_interval_months=interval,
            expires_on=data.expires_on,
            created_by=actor.person_id,
            created_at=now,
            updated_at=now,
        )
        await _replace_parties(scope, as_uuid(mou.id), parties)
        await actor.record(
            scope.tenant_id,
            "mou.created",
            "mou",
            mou.id,
            {
                "state": [None, states.DRAFT],
                "reference": [None, reference],
                "parties": [None, sorted(str(p) for p in parties)],
            },
        )
    return await get_mou(scope, as_uuid(mou.id))


async def _replace_parties(scope: TenantScope, mou_id: UUID, parties: list[UUID]) -> None:
    await scope.delete(MouParty).where(MouParty.mou == mou_id)
    await MouParty.insert(
        *[MouParty(tenant=scope.tenant_id, mou=mou_id, partner=p) for p in parties]
    )


async def update_mou(
    scope: TenantScope, mou_id: UUID | str, patch: MouPatch, *, actor: Actor
) -> MouOut:
    """Change a draft's terms; anything else is amended through a renewal."""
    oid = _mou_id(mou_id)
    async with write_transaction():
        row = await _lock(scope, oid)
        states.check(states.EDIT, row["state"])
        current_parties = [p.partner_id for p in (await _parties(scope, [oid])).get(oid, [])]
        kind = patch.kind or row["kind"]
        parties = patch.parties if patch.parties is not None else current_parties
        if patch.parties is not None or patch.kind is not None:
            await _check_parties(scope, kind, parties)
            if row["request"] is not None:
                await _check_request_partner(scope, as_uuid(row["request"]), parties)
        effective = (
            patch.effective_date
            if patch.effective_date is not None
            else _date(row["effective_date"])
        )
        expires = patch.expires_on if patch.expires_on is not None else _date(row["expires_on"])
        _check_dates(effective, expires)
        values: dict[Any, Any] = {}
        changes: dict[str, list[Any]] = {}
        plain_fields = (
            "title",
            "kind",
            "working_relationships",
            "shared_interests",
            "common_understanding",
            "non_endorsement",
            "effective_date",
            "review_interval_months",
            "expires_on",
        )
        for name in plain_fields:
            value = getattr(patch, name)
            if value is not None and value != _current(row, name):
                values[getattr(Mou, name)] = value
                changes[name] = [_current(row, name), value]
        for name in ("assistance", "sdgs"):
            value = getattr(patch, name)
            if value is not None:
                wanted = sorted(set(value))
                if wanted != _json_list(row[name]):
                    values[getattr(Mou, name)] = json.dumps(wanted)
                    changes[name] = [_json_list(row[name]), wanted]
        if patch.parties is not None and sorted(map(str, parties)) != sorted(
            map(str, current_parties)
        ):
            await _replace_parties(scope, oid, parties)
            changes["parties"] = [
                sorted(str(p) for p in current_parties),
                sorted(str(p) for p in parties),
            ]
        if changes:
            values[Mou.updated_at] = datetime.now(UTC)
            await scope.update(Mou, values).where(Mou.id == oid)
            await actor.record(scope.tenant_id, "mou.changed", "mou", oid, changes)
    return await get_mou(scope, oid)


def _current(row: dict[str, Any], name: str) -> Any:
    value = row[name]
    return _date(value) if name in ("effective_date", "expires_on") else value


async def propose(scope: TenantScope, mou_id: UUID | str, data: MotionIn, *, actor: Actor) -> UUID:
    """Put the MOU's approval, renewal or termination to the board; the motion's id."""
    oid = _mou_id(mou_id)
    async with write_transaction():
        row = await _lock(scope, oid)
        values: dict[Any, Any] = {}
        papers = data.papers
        if data.purpose == "approval":
            states.check(states.PROPOSE_APPROVAL, row["state"])
            parties = (await _parties(scope, [oid])).get(oid, [])
            _complete_for_approval(row, len(parties))
            hold, verdicts = await parties_hold(scope, row)
            if hold is not None:
                raise Conflict(f"the MOU cannot go to the board for approval: {hold}")
            papers = f"{data.papers.rstrip()}\n\n{clearance.papers(verdicts)}".lstrip()
        elif data.purpose == "renewal":
            states.check(states.PROPOSE_RENEWAL, row["state"])
            hold, verdicts = await parties_hold(scope, row)
            if hold is not None:
                raise Conflict(f"the MOU cannot go to the board for renewal: {hold}")
            papers = f"{data.papers.rstrip()}\n\n{clearance.papers(verdicts)}".lstrip()
            if data.expires_on is None:
                raise InvalidInput("expires_on", "a renewal proposes the new expiry date")
            current = _date(row["expires_on"])
            if current is not None and data.expires_on <= current:
                raise InvalidInput("expires_on", f"must be after the current expiry, {current}")
            values[Mou.pending_expires_on] = data.expires_on
            values[Mou.pending_terms] = _terms_json(data.terms)
        else:
            states.check(states.PROPOSE_TERMINATION, row["state"])
        if data.purpose != "renewal" and data.expires_on is not None:
            raise InvalidInput("expires_on", "only a renewal proposes a new expiry date")
        if data.purpose != "renewal" and data.terms is not None:
            raise InvalidInput("terms", "only a renewal changes the MOU's terms")
        motion_id = await open_motion(
            scope,
            subject_kind=SUBJECT_KINDS[data.purpose],
            subject_id=oid,
            title=f"{data.purpose.title()} of {row['reference']}: {row['title']}",
            papers=papers,
            closes_at=data.closes_at,
            actor=actor,
        )
        if values:
            await scope.update(Mou, values).where(Mou.id == oid)
        await actor.record(
            scope.tenant_id,
            "mou.referred",
            "mou",
            oid,
            {"motion": [None, str(motion_id)], "purpose": [None, data.purpose]},
        )
    return motion_id


def _terms_json(terms: TermsIn | None) -> str:
    """The proposed changes as stored until the board decides: only the terms given."""
    if terms is None:
        return ""
    changed: dict[str, Any] = {
        name: getattr(terms, name)
        for name in terms.__struct_fields__
        if getattr(terms, name) is not None
    }
    for name in ("assistance", "sdgs"):
        if name in changed:
            changed[name] = sorted(set(changed[name]))
    return json.dumps(changed, sort_keys=True) if changed else ""


def _apply_terms(row: dict[str, Any]) -> tuple[dict[Any, Any], dict[str, list[Any]]]:
    """Column values and audit changes of the terms a carried renewal adopts."""
    proposed: dict[str, Any] = json.loads(row["pending_terms"] or "{}")
    values: dict[Any, Any] = {}
    changes: dict[str, list[Any]] = {}
    for name, value in proposed.items():
        before = _json_list(row[name]) if name in ("assistance", "sdgs") else row[name]
        if value == before:
            continue
        stored = json.dumps(value) if name in ("assistance", "sdgs") else value
        values[getattr(Mou, name)] = stored
        changes[name] = [before, value]
    return values, changes


async def approve_by_request_motion(
    scope: TenantScope, mou_id: UUID | str, *, actor: Actor
) -> MouOut:
    """Approve a draft through the carried board motion that approved its relationship
    request, when that request asked for this MOU (a bilateral or multi-party MOU)."""
    oid = _mou_id(mou_id)
    async with write_transaction():
        row = await _lock(scope, oid)
        states.check(states.APPROVE, row["state"])
        request_id = row["request"]
        if request_id is None:
            raise Conflict(
                "the MOU has no relationship request whose motion could sanction it; "
                "put its approval to the board"
            )
        request = await _request(scope, as_uuid(request_id))
        if request["kind"] not in MOU_REQUEST_KINDS:
            raise Conflict(
                f"its relationship request asked for {request['kind']}, not an MOU; "
                "put the MOU's approval to the board"
            )
        if MOU_REQUEST_KINDS[request["kind"]] != row["kind"]:
            raise Conflict(
                f"its relationship request asked for a {request['kind'].replace('_', ' ')}, "
                f"not a {row['kind'].replace('_', '-')} MOU; put the MOU's approval to the board"
            )
        motion = await latest_motion(scope, "relationship_request", as_uuid(request_id))
        if motion is None or motion.status != "carried":
            raise Conflict("no carried board motion sanctions its relationship request")
        parties = (await _parties(scope, [oid])).get(oid, [])
        _complete_for_approval(row, len(parties))
        hold, _ = await parties_hold(scope, row)
        if hold is not None:
            raise Conflict(f"the MOU cannot be approved: {hold}")
        await _set_state(
            scope,
            row,
            states.APPROVED,
            actor,
            "mou.approved",
            {Mou.approved_motion: motion.id},
            {"approved_motion": [None, str(motion.id)]},
        )
    return await get_mou(scope, oid)


async def _request(scope: TenantScope, request_id: UUID) -> dict[str, Any]:
    row: dict[str, Any] | None = (
        await scope.select(RelationshipRequest, RelationshipRequest.kind)
        .where(RelationshipRequest.id == request_id)
        .first()
    )
    if row is None:
        raise Conflict(f"its relationship request {request_id} no longer exists")
    return row


async def sign(scope: TenantScope, mou_id: UUID | str, data: SigningIn, *, actor: Actor) -> MouOut:
    """Record the signed MOU: a signatory for every party (the tenant included), and
    the sha256 of the signed document.

    Each person named to sign for a partner is screened first, like an officer: the
    screening and any case it opens stay on record even when the signing is refused
    because a party (with its signatories) is not clear."""
    oid = _mou_id(mou_id)
    context = await cases.screening_context(scope)  # before the transaction: seconds
    refused: str | None = None
    async with write_transaction():
        row = await _lock(scope, oid)
        states.check(states.SIGN, row["state"])
        parties = {p.partner_id for p in (await _parties(scope, [oid])).get(oid, [])}
        signed_for: set[UUID | None] = set()
        local_today = await clock.today(scope)
        for index, signatory in enumerate(data.signatories):
            field = f"signatories[{index}]"
            if signatory.partner_id is not None and signatory.partner_id not in parties:
                raise InvalidInput(f"{field}.partner_id", "not a party to this MOU")
            if signatory.signed_on > local_today:
                raise InvalidInput(f"{field}.signed_on", "cannot be in the future")
            signed_for.add(signatory.partner_id)
        missing = [str(p) for p in parties if p not in signed_for]
        if None not in signed_for:
            missing.insert(0, "the tenant (partner_id null)")
        if missing:
            raise InvalidInput("signatories", f"no signatory for {', '.join(missing)}")
        unchecked = clearance.lists_missing(context)
        if unchecked:
            raise Conflict(
                f"the signatories cannot be screened: {', '.join(unchecked)} is not stored "
                "(screening fails closed; import the list first)"
            )
        await scope.delete(MouSignatory).where(MouSignatory.mou == oid)
        named = [
            MouSignatory(
                tenant=scope.tenant_id,
                mou=oid,
                partner=s.partner_id,
                name=s.name.strip(),
                position=s.position.strip(),
                signed_on=s.signed_on,
            )
            for s in data.signatories
        ]
        await MouSignatory.insert(*named)
        await clearance.screen_signatories(
            scope,
            context,
            [
                clearance.Signatory(as_uuid(n.id), as_uuid(n.partner), n.name)
                for n in named
                if n.partner is not None
            ],
            actor=actor,
        )
        hold, _ = await parties_hold(scope, row)
        names = [f"{s.name} ({s.signed_on})" for s in data.signatories]
        if hold is not None:
            await scope.delete(MouSignatory).where(MouSignatory.mou == oid)
            await actor.record(
                scope.tenant_id,
                "mou.signing_refused",
                "mou",
                oid,
                {"signatories": [None, names]},
                reason=hold,
            )
            refused = hold
        else:
            digest = data.document_sha256.lower()
            await _set_state(
                scope,
                row,
                states.SIGNED,
                actor,
                "mou.signed",
                {Mou.document_sha256: digest},
                {"document_sha256": [None, digest], "signatories": [None, names]},
            )
    if refused is not None:
        # After the commit: the screening of the signatories stays on record.
        raise Conflict(f"the MOU cannot be signed: {refused}")
    return await get_mou(scope, oid)


async def activate(scope: TenantScope, mou_id: UUID | str, *, actor: Actor) -> MouOut:
    """Bring a signed MOU into force on or after its effective date; its first review
    falls one interval after that date."""
    oid = _mou_id(mou_id)
    async with write_transaction():
        row = await _lock(scope, oid)
        states.check(states.ACTIVATE, row["state"])
        await _check_sanction(scope, row)
        hold, _ = await parties_hold(scope, row)
        if hold is not None:
            raise Conflict(f"the MOU cannot be activated: {hold}")
        effective = _date(row["effective_date"])
        assert effective is not None  # checked before it went to the board
        if effective > await clock.today(scope):
            raise Conflict(f"the MOU takes effect on {effective}; activate it then")
        review = states.first_review(effective, int(row["review_interval_months"]))
        await _set_state(
            scope,
            row,
            states.ACTIVE,
            actor,
            "mou.activated",
            {Mou.next_review_due: review},
            {"next_review_due": [None, review]},
        )
    return await get_mou(scope, oid)


async def _check_sanction(scope: TenantScope, row: dict[str, Any]) -> None:
    """The motion that approved the MOU exists in this tenant and carried."""
    motion_id = row["approved_motion"]
    if motion_id is None:
        raise Conflict("the MOU has no carried board motion approving it")
    motion = await get_motion(scope, as_uuid(motion_id))
    if motion.status != "carried":
        raise Conflict(f"the board motion {motion.id} that should sanction it is {motion.status}")


# -- board decisions --------------------------------------------------------------------


@on_motion_decided("mou_approval")
async def on_approval_decided(
    scope: TenantScope, *, subject_id: UUID, motion_id: UUID, carried: bool, actor: Actor
) -> None:
    row = await _lock(scope, subject_id)
    if not carried:
        await actor.record(
            scope.tenant_id, "mou.not_approved", "mou", subject_id, {"motion": [None, motion_id]}
        )
        return
    hold, _ = await parties_hold(scope, row)
    if row["state"] not in states.APPROVE.sources:
        hold = f"the MOU is {row['state']}, no longer a draft"
    if hold is not None:
        # The board's vote stands in its record; the MOU stays as it is.
        await actor.record(
            scope.tenant_id,
            "mou.approval_blocked",
            "mou",
            subject_id,
            {"motion": [None, motion_id]},
            reason=hold,
        )
        return
    await _set_state(
        scope,
        row,
        states.APPROVED,
        actor,
        "mou.approved",
        {Mou.approved_motion: motion_id},
        {"approved_motion": [None, str(motion_id)]},
    )


@on_motion_decided("mou_renewal")
async def on_renewal_decided(
    scope: TenantScope, *, subject_id: UUID, motion_id: UUID, carried: bool, actor: Actor
) -> None:
    row = await _lock(scope, subject_id)
    proposed = _date(row["pending_expires_on"])
    why = "" if not carried else None
    if carried and (row["state"] not in states.RENEW.sources or proposed is None):
        why = f"the MOU is {row['state']}"
    if why is None:
        hold, _ = await parties_hold(scope, row)
        why = None if hold is None else f"motion {motion_id} carried, but {hold}"
    if why is not None or proposed is None:
        # The board's vote stands in its record; the MOU keeps its current term.
        await scope.update(Mou, {Mou.pending_expires_on: None, Mou.pending_terms: ""}).where(
            Mou.id == subject_id
        )
        await actor.record(
            scope.tenant_id,
            "mou.not_renewed",
            "mou",
            subject_id,
            {"motion": [None, motion_id]},
            reason=why or "",
        )
        return
    terms, term_changes = _apply_terms(row)
    interval = int(terms.get(Mou.review_interval_months, row["review_interval_months"]))
    review = states.review_after(await clock.today(scope), interval)
    await _set_state(
        scope,
        row,
        states.RENEWED,
        actor,
        "mou.renewed",
        {
            **terms,
            Mou.expires_on: proposed,
            Mou.pending_expires_on: None,
            Mou.pending_terms: "",
            Mou.next_review_due: review,
            Mou.renewals: int(row["renewals"]) + 1,
        },
        {
            "expires_on": [_date(row["expires_on"]), proposed],
            "motion": [None, str(motion_id)],
            **term_changes,
        },
    )


@on_motion_decided("mou_termination")
async def on_termination_decided(
    scope: TenantScope, *, subject_id: UUID, motion_id: UUID, carried: bool, actor: Actor
) -> None:
    row = await _lock(scope, subject_id)
    if not carried or row["state"] not in states.TERMINATE.sources:
        await actor.record(
            scope.tenant_id,
            "mou.not_terminated",
            "mou",
            subject_id,
            {"motion": [None, motion_id]},
            reason="" if not carried else f"the MOU is {row['state']}",
        )
        return
    # An ended MOU is never reviewed again.
    await _set_state(
        scope,
        row,
        states.TERMINATED,
        actor,
        "mou.terminated",
        {Mou.next_review_due: None},
        {"motion": [None, motion_id], "next_review_due": [_date(row["next_review_due"]), None]},
    )


# -- reviews ----------------------------------------------------------------------------


def _review_out(row: dict[str, Any]) -> ReviewOut:
    due_on, opened_at = _date(row["due_on"]), as_datetime(row["opened_at"])
    assert due_on is not None and opened_at is not None
    decided_by = row["decided_by"]
    benefits = row["benefits_members"]
    return ReviewOut(
        id=as_uuid(row["id"]),
        mou_id=as_uuid(row["mou"]),
        due_on=due_on,
        opened_at=opened_at,
        benefits_members=None if benefits is None else bool(benefits),
        findings=row["findings"],
        decision=row["decision"],
        decided_by=None if decided_by is None else as_uuid(decided_by),
        decided_at=as_datetime(row["decided_at"]),
    )


async def list_reviews(scope: TenantScope, mou_id: UUID | str) -> list[ReviewOut]:
    oid = _mou_id(mou_id)
    await _row(scope, oid)
    rows = await scope.select(MouReview).where(MouReview.mou == oid).order_by(MouReview.due_on)
    return [_review_out(r) for r in rows]


async def get_review(scope: TenantScope, mou_id: UUID | str, review_id: UUID) -> ReviewOut:
    oid = _mou_id(mou_id)
    row = (
        await scope.select(MouReview)
        .where((MouReview.mou == oid) & (MouReview.id == review_id))
        .first()
    )
    if row is None:
        raise NotFound(f"no review {review_id} of MOU {oid}")
    return _review_out(row)


async def _open_review(scope: TenantScope, row: dict[str, Any], due_on: date, actor: Actor) -> UUID:
    states.check(states.START_REVIEW, row["state"])
    review = await scope.create(MouReview, mou=row["id"], due_on=due_on)
    await _set_state(
        scope,
        row,
        states.UNDER_REVIEW,
        actor,
        "mou.review_opened",
        {},
        {"review": [None, str(review.id)], "due_on": [None, due_on]},
    )
    recipients = await people_with_role(scope, Role.EXECUTIVE, Role.COORDINATOR)
    await notify(
        scope,
        recipients,
        kind="mou.review_due",
        subject=f"Review due: {row['reference']} {row['title']}",
        body=(
            "Does the relationship still benefit members? Record the review and the "
            "decision to continue, modify or end it."
        ),
        link=f"/api/v1/t/{scope.slug}/mous/{row['id']}/reviews/{review.id}",
    )
    return as_uuid(review.id)


async def start_review(scope: TenantScope, mou_id: UUID | str, *, actor: Actor) -> ReviewOut:
    """Open the MOU's review now (the daily job opens it when it falls due)."""
    oid = _mou_id(mou_id)
    async with write_transaction():
        row = await _lock(scope, oid)
        today = await clock.today(scope)
        due = _date(row["next_review_due"]) or today
        review_id = await _open_review(scope, row, min(due, today), actor)
    return await get_review(scope, oid, review_id)


def _check_review_decision(data: ReviewDecisionIn) -> None:
    """A review that finds the MOU no longer benefits members cannot simply continue:
    it is modified (the findings say what changes; a renewal with new terms goes to
    the board) or ended (a termination motion)."""
    if data.decision == "continue" and not data.benefits_members:
        raise Conflict(
            "the review found that the MOU no longer benefits members: it cannot simply "
            "continue. Decide to modify it (say in the findings what changes; the board "
            "decides the renewal) or to end it (the board decides the termination)"
        )
    if data.decision == "modify" and not data.findings.strip():
        raise InvalidInput("findings", "say what changes in the MOU")


async def decide_review(
    scope: TenantScope,
    mou_id: UUID | str,
    review_id: UUID,
    data: ReviewDecisionIn,
    *,
    actor: Actor,
) -> ReviewOut:
    """Record the review: whether it still benefits members, and continue, modify or end.

    Continue puts the MOU back in force with the next review one interval away;
    modify and end leave it under review until the board decides the renewal (with the
    new terms) or the termination that the executive puts to it."""
    oid = _mou_id(mou_id)
    _check_review_decision(data)
    async with write_transaction():
        row = await _lock(scope, oid)
        review = await get_review(scope, oid, review_id)
        if review.decision is not None:
            decided = await clock.time_for(scope, review.decided_at)
            raise Conflict(f"the review was decided ({review.decision}) at {decided}")
        states.check(states.DECIDE_REVIEW, row["state"])
        now = datetime.now(UTC)
        await scope.update(
            MouReview,
            {
                MouReview.benefits_members: data.benefits_members,
                MouReview.findings: data.findings,
                MouReview.decision: data.decision,
                MouReview.decided_by: actor.person_id,
                MouReview.decided_at: now,
            },
        ).where(MouReview.id == review_id)
        changes: dict[str, list[Any]] = {
            "review": [None, str(review_id)],
            "benefits_members": [None, data.benefits_members],
            "decision": [None, data.decision],
        }
        if data.decision == "continue":
            back = states.RENEWED if int(row["renewals"]) else states.ACTIVE
            review_due = states.review_after(
                await clock.today(scope), int(row["review_interval_months"])
            )
            changes["next_review_due"] = [_date(row["next_review_due"]), review_due]
            await _set_state(
                scope,
                row,
                back,
                actor,
                "mou.reviewed",
                {Mou.next_review_due: review_due},
                changes,
                reason=data.findings,
            )
        else:
            await actor.record(
                scope.tenant_id, "mou.reviewed", "mou", oid, changes, reason=data.findings
            )
            executives = await people_with_role(scope, Role.EXECUTIVE)
            step = "renewal with the new terms" if data.decision == "modify" else "termination"
            await notify(
                scope,
                executives,
                kind="mou.review_decided",
                subject=f"Review of {row['reference']}: {data.decision}",
                body=f"The review decided to {data.decision} the MOU: put its {step} to the board.",
                link=f"/api/v1/t/{scope.slug}/mous/{oid}",
            )
    return await get_review(scope, oid, review_id)


# -- the daily job --------------------------------------------------------------------

EXPIRING_SQL = (
    "SELECT m.id, m.tenant, t.slug FROM mou m JOIN tenant t ON t.id = m.tenant"
    " WHERE m.state IN ('active', 'under_review', 'renewed') AND m.expires_on < {}"
    " ORDER BY m.expires_on"
)
REVIEW_DUE_SQL = (
    "SELECT m.id, m.tenant, t.slug FROM mou m JOIN tenant t ON t.id = m.tenant"
    " WHERE m.state IN ('active', 'renewed') AND m.next_review_due <= {}"
    " ORDER BY m.next_review_due"
)


async def _each(
    sql: str, on: date | None, tenant: str | None
) -> Iterable[tuple[TenantScope, UUID, date]]:
    """The MOUs the statement finds as of `on`, each with the day to judge it by:
    `on` when given, else today in its association's zone. Without `on` the
    statement looks as far as the furthest-ahead zone's day and each
    MOU is then judged by its own association's day."""
    bound = on or clock.latest_today()
    found: list[tuple[TenantScope, UUID, date]] = []
    for r in await fetch(sql, bound):
        if tenant is not None and r["slug"] != tenant:
            continue
        scope = TenantScope(as_uuid(r["tenant"]), r["slug"])
        found.append((scope, as_uuid(r["id"]), on or await clock.today(scope)))
    return found


async def expire_due(
    *, actor: Actor, on: date | None = None, tenant: str | None = None
) -> list[MouOut]:
    """Every MOU in force past its expiry date, of every tenant, becomes expired."""
    expired: list[MouOut] = []
    for scope, mou_id, day in await _each(EXPIRING_SQL, on, tenant):
        async with write_transaction():
            row = await _lock(scope, mou_id)
            if row["state"] not in states.EXPIRE.sources or not states.is_expired(
                _date(row["expires_on"]), day
            ):
                continue  # changed meanwhile
            await _set_state(
                scope,
                row,
                states.EXPIRED,
                actor,
                "mou.expired",
                {Mou.next_review_due: None},
                {
                    "expires_on": [None, _date(row["expires_on"])],
                    "next_review_due": [_date(row["next_review_due"]), None],
                },
            )
        expired.append(await get_mou(scope, mou_id))
    return expired


async def open_due_reviews(
    *, actor: Actor, on: date | None = None, tenant: str | None = None
) -> list[ReviewOut]:
    """Every MOU in force whose review has fallen due goes under review."""
    opened: list[ReviewOut] = []
    for scope, mou_id, day in await _each(REVIEW_DUE_SQL, on, tenant):
        async with write_transaction():
            row = await _lock(scope, mou_id)
            due = _date(row["next_review_due"])
            if row["state"] not in states.START_REVIEW.sources or due is None or due > day:
                continue
            review_id = await _open_review(scope, row, due, actor)
        opened.append(await get_review(scope, mou_id, review_id))
    return opened
