"""The partner register: organisations, their officers and attachments (by hash).

Every change is one write transaction with its audit event. A change to what is
screened (the organisation's names or country, an officer's names, date of birth or
nationality, a new officer) while the partner has a request under way screens that
subject again at once, so due diligence never rests on names nobody checked.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec

from policies.regions import country_name
from registry.audit.ledger import Actor
from registry.relationships import records
from registry.relationships.records import dumps, loads, now
from registry.relationships.schemas import (
    AttachmentIn,
    AttachmentOut,
    OfficerIn,
    OfficerOut,
    OfficerPatch,
    OtherName,
    OtherNameOut,
    PartnerIn,
    PartnerOut,
    PartnerPage,
    PartnerPatch,
    PartnerSummary,
)
from registry.relationships.states import DRAFT
from registry.relationships.tables import (
    PartnerAttachment,
    PartnerOfficer,
    PartnerOrganisation,
    RelationshipRequest,
)
from tenants.database import as_datetime, as_uuid, write_transaction
from tenants.errors import Forbidden, InvalidInput, NotFound
from tenants.scope import TenantScope

MAX_OFFICERS = 200
MAX_NAMES = 50
#: Fields whose change means the subject must be screened again.
SCREENED_PARTNER_FIELDS = frozenset({"name", "other_names", "country"})
SCREENED_OFFICER_FIELDS = frozenset(
    {"name", "other_names", "date_of_birth", "nationality", "left_on"}
)


# --- input ------------------------------------------------------------------------------


def _other_names(names: list[OtherName], field: str) -> list[dict[str, Any]]:
    if len(names) > MAX_NAMES:
        raise InvalidInput(field, f"at most {MAX_NAMES} names")
    out = []
    for index, entry in enumerate(names):
        where = f"{field}[{index}]"
        item: dict[str, Any] = {"name": records.required_text(entry.name, f"{where}.name", 300)}
        if entry.script is not None:
            item["script"] = records.script(entry.script, f"{where}.script")
        if entry.language is not None:
            item["language"] = records.language(entry.language, f"{where}.language")
        out.append(item)
    return out


def _officer_values(data: OfficerIn, field: str) -> dict[str, Any]:
    return {
        "name": records.required_text(data.name, f"{field}name", 300),
        "role": records.text(data.role, f"{field}role", 200),
        "other_names": dumps(_other_names(data.other_names, f"{field}other_names")),
        "date_of_birth": records.birth_date(data.date_of_birth, f"{field}date_of_birth"),
        "nationality": records.optional_country(data.nationality, f"{field}nationality"),
        "since": data.since,
    }


def _partner_values(data: PartnerIn | PartnerPatch) -> dict[str, Any]:
    """The columns given in `data`, checked; each error names its field."""
    given = {
        f: getattr(data, f)
        for f in data.__struct_fields__
        if f != "officers" and getattr(data, f) is not msgspec.UNSET
    }
    values: dict[str, Any] = {}
    for field, value in given.items():
        if field == "name":
            values["name"] = records.required_text(value, "name", 300)
        elif field == "country":
            values["country"] = records.country(value, "country")
        elif field == "kind":
            values["kind"] = value
        elif field == "other_names":
            values["other_names"] = dumps(_other_names(value, "other_names"))
        elif field == "website":
            values["website"] = records.website(value)
        elif field == "languages":
            values["languages"] = dumps(records.languages(value, "languages"))
        elif field == "notes":
            values["notes"] = records.text(value, "notes", 20_000)
    return values


# --- output -----------------------------------------------------------------------------


def _names_out(text: Any) -> list[OtherNameOut]:
    return [msgspec.convert(item, OtherNameOut) for item in loads(text, [])]


def officer_out(row: dict[str, Any]) -> OfficerOut:
    return OfficerOut(
        id=as_uuid(row["id"]),
        partner_id=as_uuid(row["partner"]),
        name=row["name"],
        role=row["role"],
        other_names=_names_out(row["other_names"]),
        date_of_birth=row["date_of_birth"],
        nationality=row["nationality"],
        since=_as_date(row["since"]),
        left_on=_as_date(row["left_on"]),
    )


def _as_date(value: Any) -> Any:
    from datetime import date

    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def summary(row: dict[str, Any]) -> PartnerSummary:
    return PartnerSummary(
        id=as_uuid(row["id"]),
        name=row["name"],
        country=row["country"],
        country_name=country_name(row["country"]),
        kind=row["kind"],
    )


async def partner_row(scope: TenantScope, partner_id: UUID | str) -> dict[str, Any]:
    """The partner's row; NotFound for an unknown id or another tenant's partner."""
    return await records.row_by_id(scope, PartnerOrganisation, partner_id, "partner")


async def officer_rows(
    scope: TenantScope, partner_id: UUID, *, current_only: bool = False
) -> list[dict[str, Any]]:
    query = scope.select(PartnerOfficer).where(PartnerOfficer.partner == partner_id)
    if current_only:
        query = query.where(PartnerOfficer.left_on.is_null())
    rows: list[dict[str, Any]] = await query.order_by(PartnerOfficer.created_at)
    return rows


async def get_partner(
    scope: TenantScope, partner_id: UUID | str, actor: Actor | None = None
) -> PartnerOut:
    """The partner with its officers and attachments. A member (`actor` given) sees
    only a partner they registered: officers' dates of birth are not for everyone."""
    row = await partner_row(scope, partner_id)
    mine = row["created_by"] is not None and as_uuid(row["created_by"]) == getattr(
        actor, "person_id", None
    )
    if actor is not None and not records.reads_all(actor) and not mine:
        raise NotFound(f"no partner {row['id']}")
    oid = as_uuid(row["id"])
    attachments = await (
        scope.select(PartnerAttachment)
        .where(PartnerAttachment.partner == oid)
        .order_by(PartnerAttachment.added_at)
    )
    created_at = as_datetime(row["created_at"])
    updated_at = as_datetime(row["updated_at"])
    assert created_at is not None and updated_at is not None
    return PartnerOut(
        id=oid,
        name=row["name"],
        other_names=_names_out(row["other_names"]),
        country=row["country"],
        country_name=country_name(row["country"]),
        kind=row["kind"],
        website=row["website"],
        languages=list(loads(row["languages"], [])),
        notes=row["notes"],
        officers=[officer_out(o) for o in await officer_rows(scope, oid)],
        attachments=[
            AttachmentOut(
                id=as_uuid(a["id"]),
                title=a["title"],
                sha256=a["sha256"],
                media_type=a["media_type"],
                added_by=None if a["added_by"] is None else as_uuid(a["added_by"]),
                added_at=as_datetime(a["added_at"]),  # type: ignore[arg-type]
            )
            for a in attachments
        ],
        created_by=None if row["created_by"] is None else as_uuid(row["created_by"]),
        created_at=created_at,
        updated_at=updated_at,
    )


async def list_partners(
    scope: TenantScope,
    *,
    limit: int,
    offset: int,
    country: str | None = None,
    kind: str | None = None,
) -> PartnerPage:
    query = scope.select(PartnerOrganisation)
    if country is not None:
        query = query.where(PartnerOrganisation.country == records.country(country, "country"))
    if kind is not None:
        query = query.where(PartnerOrganisation.kind == kind)
    rows = (
        await query.order_by(PartnerOrganisation.name)
        .order_by(PartnerOrganisation.id)
        .limit(limit + 1)
        .offset(offset)
    )
    more = len(rows) > limit
    return PartnerPage(
        items=[summary(r) for r in rows[:limit]],
        limit=limit,
        offset=offset,
        next_offset=offset + limit if more else None,
    )


# --- changes ----------------------------------------------------------------------------


async def _check_may_edit(scope: TenantScope, row: dict[str, Any], actor: Actor) -> None:
    """Coordinators, the executive and administrators change any partner; a member
    only one they registered, and only while none of its requests left draft."""
    if records.is_staff(actor) or "operator" in actor.roles:
        return
    if row["created_by"] is None or as_uuid(row["created_by"]) != actor.person_id:
        raise NotFound(f"no partner {row['id']}")  # as `get_partner` answers a member
    started = await scope.count(RelationshipRequest).where(
        (RelationshipRequest.partner == as_uuid(row["id"])) & (RelationshipRequest.state != DRAFT)
    )
    if started:
        raise Forbidden("the partner is under due diligence: a coordinator changes it now")


async def create_partner(scope: TenantScope, data: PartnerIn, actor: Actor) -> PartnerOut:
    values = _partner_values(data)
    if len(data.officers) > MAX_OFFICERS:
        raise InvalidInput("officers", f"at most {MAX_OFFICERS} officers")
    officers = [_officer_values(o, f"officers[{i}].") for i, o in enumerate(data.officers)]
    async with write_transaction():
        await records.serialise(scope)
        moment = now()
        partner = await scope.create(
            PartnerOrganisation,
            **values,
            created_by=actor.person_id,
            created_at=moment,
            updated_at=moment,
        )
        await actor.record(
            scope.tenant_id,
            "partner.created",
            "partner",
            partner.id,
            {k: [None, v] for k, v in values.items()},
        )
        for officer in officers:
            row = await scope.create(
                PartnerOfficer, partner=partner.id, **officer, created_at=moment, updated_at=moment
            )
            await actor.record(
                scope.tenant_id,
                "partner.officer_added",
                "partner_officer",
                row.id,
                {
                    "partner": [None, partner.id],
                    "name": [None, officer["name"]],
                    "role": [None, officer["role"]],
                },
            )
    return await get_partner(scope, partner.id)


async def update_partner(
    scope: TenantScope, partner_id: UUID | str, data: PartnerPatch, actor: Actor
) -> PartnerOut:
    from registry.relationships.cases import screen_changed_subject

    values = _partner_values(data)
    async with write_transaction():
        await records.serialise(scope)
        row = await partner_row(scope, partner_id)
        await _check_may_edit(scope, row, actor)
        changed = {k: [row[k], v] for k, v in values.items() if row[k] != v}
        if changed:
            oid = as_uuid(row["id"])
            await scope.update(
                PartnerOrganisation, {**{k: v for k, v in values.items()}, "updated_at": now()}
            ).where(PartnerOrganisation.id == oid)
            await actor.record(scope.tenant_id, "partner.updated", "partner", oid, changed)
            if SCREENED_PARTNER_FIELDS.intersection(changed):
                await screen_changed_subject(scope, oid, None, actor)
    return await get_partner(scope, partner_id)


async def _officer_row(
    scope: TenantScope, partner_id: UUID, officer_id: UUID | str
) -> dict[str, Any]:
    try:
        oid = as_uuid(officer_id)
    except ValueError:
        raise NotFound(f"no officer {officer_id}") from None
    row: dict[str, Any] | None = (
        await scope.select(PartnerOfficer)
        .where((PartnerOfficer.id == oid) & (PartnerOfficer.partner == partner_id))
        .first()
    )
    if row is None:
        raise NotFound(f"no officer {oid} of partner {partner_id}")
    return row


async def add_officer(
    scope: TenantScope, partner_id: UUID | str, data: OfficerIn, actor: Actor
) -> OfficerOut:
    from registry.relationships.cases import screen_changed_subject

    values = _officer_values(data, "")
    async with write_transaction():
        await records.serialise(scope)
        partner = await partner_row(scope, partner_id)
        await _check_may_edit(scope, partner, actor)
        pid = as_uuid(partner["id"])
        if len(await officer_rows(scope, pid)) >= MAX_OFFICERS:
            raise InvalidInput("officers", f"a partner has at most {MAX_OFFICERS} officers")
        moment = now()
        officer = await scope.create(
            PartnerOfficer, partner=pid, **values, created_at=moment, updated_at=moment
        )
        await actor.record(
            scope.tenant_id,
            "partner.officer_added",
            "partner_officer",
            officer.id,
            {
                "partner": [None, pid],
                "name": [None, values["name"]],
                "role": [None, values["role"]],
            },
        )
        await screen_changed_subject(scope, pid, officer.id, actor)
        row = await _officer_row(scope, pid, officer.id)
    return officer_out(row)


async def update_officer(
    scope: TenantScope,
    partner_id: UUID | str,
    officer_id: UUID | str,
    data: OfficerPatch,
    actor: Actor,
) -> OfficerOut:
    from registry.relationships.cases import screen_changed_subject

    values: dict[str, Any] = {}
    for field in data.__struct_fields__:
        value = getattr(data, field)
        if value is msgspec.UNSET:
            continue
        if field == "name":
            values[field] = records.required_text(value, "name", 300)
        elif field == "role":
            values[field] = records.text(value, "role", 200)
        elif field == "other_names":
            values[field] = dumps(_other_names(value, "other_names"))
        elif field == "date_of_birth":
            values[field] = records.birth_date(value, "date_of_birth")
        elif field == "nationality":
            values[field] = records.optional_country(value, "nationality")
        else:
            values[field] = value
    async with write_transaction():
        await records.serialise(scope)
        partner = await partner_row(scope, partner_id)
        await _check_may_edit(scope, partner, actor)
        pid = as_uuid(partner["id"])
        row = await _officer_row(scope, pid, officer_id)
        current = {**row, "since": _as_date(row["since"]), "left_on": _as_date(row["left_on"])}
        changed = {k: [current[k], v] for k, v in values.items() if current[k] != v}
        if changed:
            oid = as_uuid(row["id"])
            await scope.update(PartnerOfficer, {**values, "updated_at": now()}).where(
                PartnerOfficer.id == oid
            )
            await actor.record(
                scope.tenant_id, "partner.officer_updated", "partner_officer", oid, changed
            )
            screened = SCREENED_OFFICER_FIELDS.intersection(changed)
            if screened and (values.get("left_on", current["left_on"]) is None):
                await screen_changed_subject(scope, pid, oid, actor)
        row = await _officer_row(scope, pid, officer_id)
    return officer_out(row)


async def add_attachment(
    scope: TenantScope, partner_id: UUID | str, data: AttachmentIn, actor: Actor
) -> AttachmentOut:
    title = records.required_text(data.title, "title", 300)
    media_type = records.text(data.media_type, "media_type", 100)
    sha256 = data.sha256.lower()
    async with write_transaction():
        await records.serialise(scope)
        partner = await partner_row(scope, partner_id)
        await _check_may_edit(scope, partner, actor)
        pid = as_uuid(partner["id"])
        row = await scope.create(
            PartnerAttachment,
            partner=pid,
            title=title,
            sha256=sha256,
            media_type=media_type,
            added_by=actor.person_id,
            added_at=now(),
        )
        await actor.record(
            scope.tenant_id,
            "partner.attachment_added",
            "partner",
            pid,
            {"attachment": [None, {"title": title, "sha256": sha256}]},
        )
    return AttachmentOut(
        id=row.id,
        title=title,
        sha256=sha256,
        media_type=media_type,
        added_by=actor.person_id,
        added_at=row.added_at,
    )
