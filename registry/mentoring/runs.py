"""Match runs of an intake: proposing pairs from the pool, reviewing them (pin, unpin,
swap, rerun), publishing them as partnerships, and exporting the published pairs.

Every change runs in one `write_transaction()` with its audit event (`mentoring.*`);
notifications go out through `registry.notifications.service.notify` in the same
transaction.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from policies.dates import human_date
from registry.audit.ledger import Actor, lock_head
from registry.mentoring import domain, languages
from registry.mentoring.applications import _partnership_links, _set_applications
from registry.mentoring.pool import Applicant, check_pin, forbidden_pairs, propose, run_rows
from registry.mentoring.records import (
    MENTOR_POOL_STATUSES,
    POOL_STATUSES,
    _created,
    _date,
    _json,
    _row,
)
from registry.mentoring.schemas import (
    MatchRunOut,
    PairOut,
    UnmatchedOut,
)
from registry.mentoring.schemes import _intake_with_scheme, scheme_policy
from registry.mentoring.tables import (
    MentoringApplication,
    MentoringIntake,
    MentoringMatchRun,
    MentoringPartnership,
)
from registry.notifications.service import notify
from tenants import clock
from tenants.database import as_datetime, as_uuid, write_transaction
from tenants.errors import Conflict, InvalidInput
from tenants.scope import TenantScope

PLACED_SQL = (
    "SELECT a.country, COUNT(DISTINCT a.id) AS n FROM mentoring_partnership x"
    " JOIN mentoring_application a ON a.id IN (x.application_a, x.application_b)"
    " WHERE x.tenant = {tenant} AND x.intake = {}"
    " AND x.state NOT IN ('withdrawn', 'terminated') GROUP BY a.country"
)


async def _placed_by_country(scope: TenantScope, intake_id: UUID) -> dict[str, int]:
    """Participants of the round's published partnerships, by country. A partnership
    that ended leaves the round (its stayer is back in the pool and counts if placed
    again); one that ran its course stays part of it."""
    rows = await scope.rows(PLACED_SQL, intake_id)
    return {str(row["country"]): int(row["n"]) for row in rows}


async def _pool(
    scope: TenantScope, intake: dict[str, Any]
) -> tuple[dict[str, Applicant], list[tuple[str, str]]]:
    """The intake's matching pool by application id, and the pairs that parted."""
    intake_id = as_uuid(intake["id"])
    held, parted = await _partnership_links(scope, intake_id)
    rows = await scope.select(MentoringApplication).where(MentoringApplication.intake == intake_id)
    pool: dict[str, Applicant] = {}
    for row in rows:
        app_id = str(as_uuid(row["id"]))
        mentor = row["role"] == "mentor"
        statuses = MENTOR_POOL_STATUSES if mentor else POOL_STATUSES
        places = int(row["capacity"]) - held.get(app_id, 0) if mentor else 1
        if row["status"] not in statuses or places <= 0:
            continue
        pool[app_id] = Applicant(
            id=app_id,
            person=str(as_uuid(row["person"])),
            role=row["role"],
            interests=frozenset(_json(row["interests"])),
            sector=row["sector"],
            career_stage=int(row["career_stage"]),
            years=int(row["years"]),
            country=row["country"],
            languages=frozenset(languages.stored_codes(_json(row["languages"]))),
            utc_offset=float(row["utc_offset"]),
            preference=row["preference"],
            capacity=places,
            avoid=frozenset(str(p) for p in _json(row["avoid"])),
            pair_with=None if row["pair_with"] is None else str(as_uuid(row["pair_with"])),
            rematch=bool(row["rematch"]),
            background=row["partner_background"] or "either",
        )
    return pool, parted


def _run_out(row: dict[str, Any]) -> MatchRunOut:
    return MatchRunOut(
        id=as_uuid(row["id"]),
        intake_id=as_uuid(row["intake"]),
        status=row["status"],
        pairs=[
            PairOut(
                a=as_uuid(p["a"]),
                b=as_uuid(p["b"]),
                score=float(p["score"]),
                breakdown={k: float(v) for k, v in p["breakdown"].items()},
                pinned=bool(p["pinned"]),
            )
            for p in _json(row["pairs"])
        ],
        unmatched=[
            UnmatchedOut(application=as_uuid(u["application"]), reason=u["reason"])
            for u in _json(row["unmatched"])
        ],
        pins=[[as_uuid(a), as_uuid(b)] for a, b in _json(row["pins"])],
        total_score=float(row["total_score"]),
        created_at=_created(row["created_at"]),
        published_at=as_datetime(row["published_at"]),
    )


async def _compute(
    scope: TenantScope,
    intake: dict[str, Any],
    scheme: dict[str, Any],
    pins: list[tuple[str, str]],
) -> tuple[dict[Any, Any], list[tuple[str, str]]]:
    """The engine's proposal for the intake's pool around `pins` (pins whose
    applications left the pool are dropped), as the run's stored fields."""
    policy = await scheme_policy(scope, scheme)
    pool, parted = await _pool(scope, intake)
    kept = [(a, b) for a, b in pins if a in pool and b in pool]
    cap, placed = None, {}
    if scheme["mode"] == "peer":
        # The cap is a property of the round: every run, the first or one over late
        # applicants and rematches, counts whoever the round has placed already.
        cap = domain.country_cap(policy)
        placed = await _placed_by_country(scope, as_uuid(intake["id"]))
    result = propose(
        scheme["mode"], scheme["weights_preset"], list(pool.values()), kept, parted, cap, placed
    )
    pairs, unmatched = run_rows(result)
    forbidden = sorted(sorted(pair) for pair in forbidden_pairs(list(pool.values()), parted))
    fields = {
        MentoringMatchRun.forbidden: json.dumps(forbidden),
        MentoringMatchRun.pairs: json.dumps(pairs),
        MentoringMatchRun.unmatched: json.dumps(unmatched),
        MentoringMatchRun.pins: json.dumps([list(pin) for pin in kept]),
        MentoringMatchRun.total_score: float(result.total_score),
    }
    return fields, kept


def _check_open(intake: dict[str, Any], as_of: date) -> None:
    ends_on = _date(intake["ends_on"])
    if as_of > ends_on:
        raise Conflict(f"the intake ended on {human_date(ends_on)}; nothing continues past it")


async def create_run(scope: TenantScope, intake_id: UUID | str, *, actor: Actor) -> MatchRunOut:
    """A draft run over the intake's pool; any earlier draft of the intake is discarded."""
    intake, scheme = await _intake_with_scheme(scope, intake_id)
    _check_open(intake, await clock.today(scope))
    fields, _ = await _compute(scope, intake, scheme, [])
    async with write_transaction():
        await lock_head(scope.tenant_id)
        await scope.update(MentoringMatchRun, {MentoringMatchRun.status: "discarded"}).where(
            (MentoringMatchRun.intake == as_uuid(intake["id"]))
            & (MentoringMatchRun.status == "draft")
        )
        row = await scope.create(
            MentoringMatchRun,
            intake=as_uuid(intake["id"]),
            status="draft",
            created_by=actor.person_id,
            created_at=datetime.now(UTC),
            **{column._meta.name: value for column, value in fields.items()},
        )
        await _record_run(scope, actor, "mentoring.match_run.created", row.id, fields)
    return await get_run(scope, row.id)


async def _record_run(
    scope: TenantScope,
    actor: Actor,
    action: str,
    run_id: Any,
    fields: dict[Any, Any],
    changes: dict[str, list[Any]] | None = None,
) -> None:
    pairs = json.loads(fields[MentoringMatchRun.pairs])
    unmatched = json.loads(fields[MentoringMatchRun.unmatched])
    await actor.record(
        scope.tenant_id,
        action,
        "mentoring_match_run",
        run_id,
        {
            "pairs": [None, len(pairs)],
            "unmatched": [None, len(unmatched)],
            "total_score": [None, round(float(fields[MentoringMatchRun.total_score]), 6)],
            **(changes or {}),
        },
    )


async def get_run(scope: TenantScope, run_id: UUID | str) -> MatchRunOut:
    return _run_out(await _row(scope, MentoringMatchRun, run_id, "match run"))


async def list_runs(scope: TenantScope, intake_id: UUID | str) -> list[MatchRunOut]:
    intake = await _row(scope, MentoringIntake, intake_id, "intake")
    rows = (
        await scope.select(MentoringMatchRun)
        .where(MentoringMatchRun.intake == as_uuid(intake["id"]))
        .order_by(MentoringMatchRun.created_at)
    )
    return [_run_out(row) for row in rows]


async def _draft(
    scope: TenantScope, run_id: UUID | str
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    run = await _row(scope, MentoringMatchRun, run_id, "match run")
    if run["status"] != "draft":
        raise Conflict(f"the run is {run['status']}; only a draft is reviewed or published")
    intake, scheme = await _intake_with_scheme(scope, run["intake"])
    _check_open(intake, await clock.today(scope))
    return run, intake, scheme


async def _store_review(
    scope: TenantScope,
    run_id: UUID | str,
    pins: list[tuple[str, str]],
    action: str,
    changes: dict[str, list[Any]],
    *,
    actor: Actor,
) -> MatchRunOut:
    """Compute the run again around `pins` and store it, if it is still the draft."""
    run, intake, scheme = await _draft(scope, run_id)
    fields, _ = await _compute(scope, intake, scheme, pins)
    async with write_transaction():
        await lock_head(scope.tenant_id)
        current = await _row(scope, MentoringMatchRun, run_id, "match run")
        if current["status"] != "draft" or current["pins"] != run["pins"]:
            raise Conflict("the run changed while it was being computed; review it again")
        await scope.update(MentoringMatchRun, fields).where(
            MentoringMatchRun.id == as_uuid(run["id"])
        )
        await _record_run(scope, actor, action, run["id"], fields, changes)
    return await get_run(scope, run_id)


async def rerun(scope: TenantScope, run_id: UUID | str, *, actor: Actor) -> MatchRunOut:
    """The draft computed again over the pool as it is now, keeping its pins."""
    run, _, _ = await _draft(scope, run_id)
    pins = [(str(a), str(b)) for a, b in _json(run["pins"])]
    return await _store_review(scope, run_id, pins, "mentoring.match_run.rerun", {}, actor=actor)


async def pin_pair(
    scope: TenantScope, run_id: UUID | str, a: UUID, b: UUID, *, actor: Actor
) -> MatchRunOut:
    """Fix two applications together and compute the draft again around the pin."""
    from registry.mentoring.corrections import named_refusal, pin_labels

    run, intake, scheme = await _draft(scope, run_id)
    pool, parted = await _pool(scope, intake)
    forbidden = forbidden_pairs(list(pool.values()), parted)
    labels = await pin_labels(scope, pool, [str(a), str(b)])
    pin = check_pin(pool, scheme["mode"], str(a), str(b), forbidden, labels)
    pins = _with_pin([(str(x), str(y)) for x, y in _json(run["pins"])], pin, scheme["mode"])
    try:
        return await _store_review(
            scope,
            run_id,
            pins,
            "mentoring.match_run.pinned",
            {"pin": [None, list(pin)]},
            actor=actor,
        )
    except Conflict as exc:
        raise await named_refusal(scope, pool, exc) from None


async def unpin_pair(
    scope: TenantScope, run_id: UUID | str, a: UUID, b: UUID, *, actor: Actor
) -> MatchRunOut:
    """Remove a coordinator's pin and compute the draft again without it. Informal
    pairs are pinned by the two applications themselves and stay pinned."""
    run, _, _ = await _draft(scope, run_id)
    pins = [(str(x), str(y)) for x, y in _json(run["pins"])]
    wanted = {str(a), str(b)}
    kept = [pin for pin in pins if set(pin) != wanted]
    if len(kept) == len(pins):
        raise Conflict("the coordinator has not pinned these two in this run")
    return await _store_review(
        scope,
        run_id,
        kept,
        "mentoring.match_run.unpinned",
        {"pin": [sorted(wanted), None]},
        actor=actor,
    )


def _with_pin(
    pins: list[tuple[str, str]], pin: tuple[str, str], mode: str
) -> list[tuple[str, str]]:
    """`pins` with `pin` added, dropping pins it overrides: any other pin of the same
    mentee (a mentor may hold several), or of either peer."""
    taken = set(pin) if mode == "peer" else {pin[0]}
    kept = [p for p in pins if not taken.intersection(p)]
    return [*kept, pin]


async def swap_partners(
    scope: TenantScope, run_id: UUID | str, first: UUID, second: UUID, *, actor: Actor
) -> MatchRunOut:
    """Exchange the partners of two applications paired in the draft (two mentees swap
    mentors; two peers swap partners); both new pairs are pinned."""
    run, intake, scheme = await _draft(scope, run_id)
    pool, parted = await _pool(scope, intake)
    forbidden = forbidden_pairs(list(pool.values()), parted)
    partner: dict[str, str] = {}
    for pair in _json(run["pairs"]):
        partner.setdefault(pair["a"], pair["b"])
        if scheme["mode"] == "peer":
            partner.setdefault(pair["b"], pair["a"])
    one, two = str(first), str(second)
    for field, app in (("first", one), ("second", two)):
        if app not in partner:
            what = "mentee" if scheme["mode"] == "mentor-mentee" else "peer"
            raise InvalidInput(field, f"not a {what} paired in this run")
    if one == two or partner[one] == two:
        raise InvalidInput("second", "choose two applications with different partners")
    from registry.mentoring.corrections import named_refusal, pin_labels

    pins = [(str(x), str(y)) for x, y in _json(run["pins"])]
    labels = await pin_labels(scope, pool, [one, two, partner[one], partner[two]])
    new_pairs = [
        check_pin(pool, scheme["mode"], one, partner[two], forbidden, labels),
        check_pin(pool, scheme["mode"], two, partner[one], forbidden, labels),
    ]
    for pin in new_pairs:
        pins = _with_pin(pins, pin, scheme["mode"])
    try:
        return await _store_review(
            scope,
            run_id,
            pins,
            "mentoring.match_run.swapped",
            {"swapped": [None, [one, two]]},
            actor=actor,
        )
    except Conflict as exc:
        raise await named_refusal(scope, pool, exc) from None


async def publish_run(scope: TenantScope, run_id: UUID | str, *, actor: Actor) -> MatchRunOut:
    """Publish a draft: one proposed partnership per pair, the unmatched on the waitlist
    with their reason, and both parties of every pair notified."""
    run, intake, scheme = await _draft(scope, run_id)
    mode = scheme["mode"]
    async with write_transaction():
        await lock_head(scope.tenant_id)
        run = await _row(scope, MentoringMatchRun, run_id, "match run")
        if run["status"] != "draft":
            raise Conflict(f"the run is {run['status']}; only a draft is published")
        pool, _ = await _pool(scope, intake)
        pairs = _json(run["pairs"])
        _check_still_poolable(pool, pairs)
        rows = {
            str(as_uuid(r["id"])): r
            for r in await scope.select(MentoringApplication).where(
                MentoringApplication.intake == as_uuid(intake["id"])
            )
        }
        now = datetime.now(UTC)
        created: list[tuple[Any, dict[str, Any], dict[str, Any]]] = []
        for pair in pairs:
            # The engine's pair is (mentee, mentor); a partnership's `a` is the mentor.
            first, second = (
                (pair["b"], pair["a"]) if mode == "mentor-mentee" else (pair["a"], pair["b"])
            )
            app_a, app_b = rows[first], rows[second]
            partnership = await scope.create(
                MentoringPartnership,
                intake=as_uuid(intake["id"]),
                run=as_uuid(run["id"]),
                application_a=as_uuid(first),
                application_b=as_uuid(second),
                person_a=as_uuid(app_a["person"]),
                person_b=as_uuid(app_b["person"]),
                state="proposed",
                score=float(pair["score"]),
                breakdown=json.dumps(pair["breakdown"]),
                pinned=bool(pair["pinned"]),
                created_at=now,
            )
            await actor.record(
                scope.tenant_id,
                "mentoring.partnership.proposed",
                "mentoring_partnership",
                partnership.id,
                {
                    "state": [None, "proposed"],
                    "application_a": [None, first],
                    "application_b": [None, second],
                    "score": [None, round(pair["score"], 6)],
                },
            )
            created.append((partnership.id, app_a, app_b))
        matched = {as_uuid(app["id"]) for _, a, b in created for app in (a, b)}
        await _set_applications(
            scope,
            matched,
            {
                MentoringApplication.status: "matched",
                MentoringApplication.rematch: False,
                MentoringApplication.waitlist_reason: None,
            },
        )
        waitlisted: list[UUID] = []
        by_reason: dict[str, set[UUID]] = {}
        for entry in _json(run["unmatched"]):
            app = rows[entry["application"]]
            if app["role"] == "mentor" and app["status"] == "matched":
                continue  # a mentor with partners already is not waiting
            by_reason.setdefault(entry["reason"], set()).add(as_uuid(app["id"]))
            waitlisted.append(as_uuid(app["person"]))
        for reason, apps in sorted(by_reason.items()):
            await _set_applications(
                scope,
                apps,
                {
                    MentoringApplication.status: "waitlisted",
                    MentoringApplication.waitlist_reason: reason,
                },
            )
        await scope.update(
            MentoringMatchRun,
            {MentoringMatchRun.status: "published", MentoringMatchRun.published_at: now},
        ).where(MentoringMatchRun.id == as_uuid(run["id"]))
        await actor.record(
            scope.tenant_id,
            "mentoring.match_run.published",
            "mentoring_match_run",
            run["id"],
            {
                "status": ["draft", "published"],
                "partnerships": [None, len(created)],
                "waitlisted": [None, len(waitlisted)],
            },
        )
        await _announce(scope, intake, mode, created, waitlisted)
    return await get_run(scope, run_id)


def _check_still_poolable(pool: dict[str, Applicant], pairs: list[dict[str, Any]]) -> None:
    """Every paired application is still free (none withdrew since the run), and no
    mentor is given more mentees than places left."""
    used: dict[str, int] = {}
    for pair in pairs:
        for app in (pair["a"], pair["b"]):
            used[app] = used.get(app, 0) + 1
    for app, count in used.items():
        if app not in pool or count > pool[app].capacity:
            raise Conflict(
                f"application {app} is no longer free for this run; run it again before publishing"
            )


async def _announce(
    scope: TenantScope,
    intake: dict[str, Any],
    mode: str,
    created: list[tuple[Any, dict[str, Any], dict[str, Any]]],
    waitlisted: list[UUID],
) -> None:
    # One notification for everyone matched: the partner's name and address are on the
    # partnership itself, which each party can open (and one call keeps a publication
    # of thousands of pairs to one pass over the tenant's members).
    matched = [as_uuid(app["person"]) for _, a, b in created for app in (a, b)]
    if matched:
        await notify(
            scope,
            matched,
            kind="mentoring.matched",
            subject=f"You have a mentoring partner in {intake['name']}",
            body=(
                f"You have been matched in {intake['name']}. Open your partnership to see "
                "who your partner is, then read and accept the partnership agreement and plan."
            ),
            link=f"/t/{scope.slug}/mentoring/partnerships",
        )
    if waitlisted:
        await notify(
            scope,
            waitlisted,
            kind="mentoring.waitlisted",
            subject=f"No match yet in {intake['name']}",
            body=(
                "No suitable match could be made for you in this run; you are on the "
                "waitlist and will be considered first when partners become available."
            ),
        )


# --- exports ----------------------------------------------------------------------------

PAIRS_SQL = (
    "SELECT x.id, x.state, x.score, x.pinned, x.created_at, x.accepted_at, x.end_reason,"
    " pa.name AS name_a, pa.email AS email_a, pb.name AS name_b, pb.email AS email_b,"
    " aa.country AS country_a, ab.country AS country_b"
    " FROM mentoring_partnership x"
    " JOIN person pa ON pa.id = x.person_a JOIN person pb ON pb.id = x.person_b"
    " JOIN mentoring_application aa ON aa.id = x.application_a"
    " JOIN mentoring_application ab ON ab.id = x.application_b"
    " WHERE x.tenant = {tenant} AND x.intake = {} ORDER BY pa.email, pb.email"
)


async def export_pairs(
    scope: TenantScope, intake_id: UUID | str, format: str
) -> tuple[bytes, str, str]:
    """The intake's partnerships as (content, media type, file name)."""
    from registry.mentoring.export import MEDIA_TYPES, write_pairs

    if format not in MEDIA_TYPES:
        raise InvalidInput("format", "must be csv or xlsx")
    intake, scheme = await _intake_with_scheme(scope, intake_id)
    role_a, role_b = ("peer", "peer") if scheme["mode"] == "peer" else ("mentor", "mentee")
    zone = await clock.zone_name(scope)  # times as the association reads them, zone named
    rows = [
        (
            str(as_uuid(r["id"])),
            r["state"],
            role_a,
            r["name_a"],
            r["email_a"],
            r["country_a"],
            role_b,
            r["name_b"],
            r["email_b"],
            r["country_b"],
            round(float(r["score"]), 4),
            "yes" if r["pinned"] else "no",
            clock.local_time(_created(r["created_at"]), zone, sortable=True),
            ""
            if r["accepted_at"] is None
            else clock.local_time(_created(r["accepted_at"]), zone, sortable=True),
            r["end_reason"] or "",
        )
        for r in await scope.rows(PAIRS_SQL, as_uuid(intake["id"]))
    ]
    title = f"{scheme['name']}: {intake['name']} ({len(rows)} pairs)"
    name = f"{scope.slug}-{_date(intake['starts_on']).isoformat()}-pairs.{format}"
    return write_pairs(rows, format, title), MEDIA_TYPES[format], name  # type: ignore[arg-type]
