"""Board motions: opened on a subject, voted by the board as it was when the motion
opened, closed with a signed decision record.

Every change runs in one `write_transaction()` that first locks the motion's row
(PostgreSQL: SELECT ... FOR UPDATE; SQLite transactions begin IMMEDIATE, one writer
at a time), so concurrent votes are applied one after another and none is lost; the
roll has one ballot per director (unique (motion, person)), so none counts twice.
Lock order is motion, then the audit chain head (taken by `record`), everywhere.

The outcome is decided when it can no longer change (see `decision.settled`) or at
the deadline (`close_due`, run by `accord motions close-due`; a vote arriving after
the deadline closes the motion first and is then refused). Closing signs the decision
record with the tenant's Ed25519 key, records `motion.decided` naming the record's
sha256, and runs the subject's `on_motion_decided` handler in the same transaction.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

from piccolo.engine.postgres import PostgresEngine

from policies import PolicyError, load_policy
from policies.rules.approval import ApprovalRule
from registry.audit.ledger import Actor, plain
from registry.board.decision import (
    CHOICES,
    RECORD_FORMAT,
    BallotState,
    Count,
    VotingRules,
    count,
    fraction_text,
    outcome_reason,
    record_bytes,
    record_sha256,
    roll_sections,
    settled,
    verify_record,
)
from registry.board.schemas import (
    STATUSES,
    BallotOut,
    DecisionOut,
    MotionOut,
    MotionSummary,
    TallyOut,
)
from registry.board.tables import Ballot, Motion
from registry.notifications.service import notify, people_with_role
from registry.policies.service import CURRENT_SQL
from tenants import clock
from tenants.database import as_datetime, as_uuid, current_engine, fetch, write_transaction
from tenants.errors import AccordError, Conflict, Forbidden, InvalidInput, NotFound
from tenants.keys import public_keys, sign
from tenants.roles import Role
from tenants.scope import TenantScope

#: Directors who have not voted are reminded once, this long before the deadline.
REMINDER_WINDOW = timedelta(hours=24)
TITLE_MAX = 300
PAPERS_MAX = 100_000

#: The rooms whose subjects go to the board: imported before a motion is opened or
#: closed, so that their `on_motion_decided` handlers are registered in every process
#: (the server, `accord motions close-due`) whichever module was imported first.
HANDLER_MODULES = ("registry.relationships.service", "registry.mous.service")


class DecisionHandler(Protocol):
    def __call__(
        self, scope: TenantScope, *, subject_id: UUID, motion_id: UUID, carried: bool, actor: Actor
    ) -> Awaitable[None]: ...


_HANDLERS: dict[str, DecisionHandler] = {}


def on_motion_decided(subject_kind: str) -> Callable[[DecisionHandler], DecisionHandler]:
    """Register what happens to a subject when its motion is decided. The handler runs
    inside the transaction that closes the motion: it moves its subject's state and
    records its own audit event, or raises and nothing of the close is kept."""

    def register(handler: DecisionHandler) -> DecisionHandler:
        _HANDLERS[subject_kind] = handler
        return handler

    return register


def _load_handlers() -> None:
    for name in HANDLER_MODULES:
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


def subject_kinds() -> list[str]:
    _load_handlers()
    return sorted(_HANDLERS)


# -- the rules in force -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RulesSource:
    rules: VotingRules
    policy_name: str | None = None
    policy_version: int | None = None
    policy_sha256: str | None = None


_APPROVAL: dict[str, ApprovalRule | None] = {}


def _approval_rule(document: str, format: str, sha256: str) -> ApprovalRule | None:
    if sha256 not in _APPROVAL:
        try:
            policy = load_policy(document, format="json" if format == "json" else "toml")
        except PolicyError:
            return None
        found = [rule for rule in policy.rules if isinstance(rule, ApprovalRule)]
        _APPROVAL[sha256] = found[0] if found else None
    return _APPROVAL[sha256]


async def approval_policy(scope: TenantScope) -> tuple[ApprovalRule, dict[str, Any]] | None:
    """The approval rule of the tenant's most recently changed current policy that has
    one, with that policy's row (name, version, sha256); None when none has."""
    rows = await scope.rows(CURRENT_SQL)
    rows.sort(key=lambda r: (as_datetime(r["created_at"]), r["name"]), reverse=True)
    for row in rows:
        rule = _approval_rule(row["document"], row["format"], row["sha256"])
        if rule is not None:
            return rule, row
    return None


async def voting_rules(scope: TenantScope) -> RulesSource:
    """Quorum and majority from the tenant's approval rule (`approval_policy`); the
    policy engine's defaults (half the board, simple majority) when it has none."""
    found = await approval_policy(scope)
    if found is None:
        defaults = ApprovalRule(id="approval")
        return RulesSource(VotingRules(defaults.quorum_fraction, defaults.majority))
    rule, row = found
    return RulesSource(
        VotingRules(rule.quorum_fraction, rule.majority),
        row["name"],
        int(row["version"]),
        row["sha256"],
    )


async def board_members(scope: TenantScope) -> list[UUID]:
    """Person ids of the tenant's board, in a stable order."""
    return sorted(set(await people_with_role(scope, Role.BOARD)), key=str)


# -- reading ------------------------------------------------------------------------

MOTION_COLUMNS = (
    Motion.id,
    Motion.subject_kind,
    Motion.subject_id,
    Motion.title,
    Motion.papers,
    Motion.status,
    Motion.opened_by,
    Motion.opened_at,
    Motion.closes_at,
    Motion.closed_at,
    Motion.reminded_at,
    Motion.quorum_fraction,
    Motion.majority,
    Motion.policy_name,
    Motion.policy_version,
    Motion.policy_sha256,
    Motion.decision_sha256,
    Motion.audit_seq,
)
BALLOT_COLUMNS = (
    Ballot.id,
    Ballot.motion,
    Ballot.person,
    Ballot.person.name.as_alias("name"),
    Ballot.choice,
    Ballot.voted_at,
    Ballot.recused,
    Ballot.conflict,
    Ballot.recused_at,
)


def _motion_id(value: UUID | str) -> UUID:
    try:
        return as_uuid(value)
    except ValueError:
        raise NotFound(f"no motion {value}") from None


def _rules_of(motion: dict[str, Any]) -> VotingRules:
    majority = motion["majority"]
    assert majority in ("simple", "absolute", "two-thirds")
    return VotingRules(float(motion["quorum_fraction"]), majority)


def _states(ballots: Iterable[dict[str, Any]]) -> list[BallotState]:
    return [BallotState(as_uuid(b["person"]), b["choice"], bool(b["recused"])) for b in ballots]


def _tally_out(result: Count) -> TallyOut:
    return TallyOut(
        board_size=result.board_size,
        votes_for=result.votes_for,
        votes_against=result.votes_against,
        abstained=result.abstained,
        recused=result.recused,
        not_voted=result.not_voted,
        present=result.present,
        quorum_present=result.quorum_present,
        quorum_needed=result.quorum_needed,
        quorate=result.quorate,
    )


def _summary_fields(motion: dict[str, Any], ballots: list[dict[str, Any]]) -> dict[str, Any]:
    status = motion["status"]
    opened_at = as_datetime(motion["opened_at"])
    closes_at = as_datetime(motion["closes_at"])
    assert opened_at is not None and closes_at is not None
    opened_by = motion["opened_by"]
    return {
        "id": as_uuid(motion["id"]),
        "subject_kind": motion["subject_kind"],
        "subject_id": as_uuid(motion["subject_id"]),
        "title": motion["title"],
        "status": status,
        "carried": None if status == "open" else status == "carried",
        "opened_by": None if opened_by is None else as_uuid(opened_by),
        "opened_at": opened_at,
        "closes_at": closes_at,
        "closed_at": as_datetime(motion["closed_at"]),
        "quorum_fraction": float(motion["quorum_fraction"]),
        "majority": motion["majority"],
        "policy_name": motion["policy_name"],
        "policy_version": motion["policy_version"],
        "tally": _tally_out(count(_states(ballots), _rules_of(motion))),
        "decision_sha256": motion["decision_sha256"] or None,
        "audit_seq": motion["audit_seq"],
    }


def _ballot_out(row: dict[str, Any]) -> BallotOut:
    return BallotOut(
        person_id=as_uuid(row["person"]),
        name=row["name"] or "",
        choice=row["choice"],
        voted_at=as_datetime(row["voted_at"]),
        recused=bool(row["recused"]),
        conflict=row["conflict"] or "",
        recused_at=as_datetime(row["recused_at"]),
    )


async def _motion_row(scope: TenantScope, motion_id: UUID) -> dict[str, Any]:
    row: dict[str, Any] | None = (
        await scope.select(Motion, *MOTION_COLUMNS).where(Motion.id == motion_id).first()
    )
    if row is None:
        raise NotFound(f"no motion {motion_id}")
    return row


async def _ballot_rows(scope: TenantScope, motion_ids: list[UUID]) -> list[dict[str, Any]]:
    if not motion_ids:
        return []
    rows: list[dict[str, Any]] = await (
        scope.select(Ballot, *BALLOT_COLUMNS)
        .where(Ballot.motion.is_in(motion_ids))
        .order_by(Ballot.person)
    )
    return rows


async def get_motion(scope: TenantScope, motion_id: UUID | str) -> MotionOut:
    oid = _motion_id(motion_id)
    motion = await _motion_row(scope, oid)
    ballots = await _ballot_rows(scope, [oid])
    result = count(_states(ballots), _rules_of(motion))
    return MotionOut(
        **_summary_fields(motion, ballots),
        papers=motion["papers"],
        ballots=[_ballot_out(b) for b in ballots],
        outcome_reason=None
        if motion["status"] == "open"
        else outcome_reason(result, _rules_of(motion)),
    )


async def list_motions(
    scope: TenantScope,
    *,
    limit: int,
    offset: int,
    status: str | None = None,
    subject_kind: str | None = None,
    subject_id: UUID | None = None,
) -> tuple[list[MotionSummary], int | None]:
    """Motions of the tenant, newest first, filtered; one more row tells if a next page exists."""
    if status is not None and status not in STATUSES:
        raise InvalidInput("status", f"one of {', '.join(STATUSES)}")
    query = scope.select(Motion, *MOTION_COLUMNS)
    if status is not None:
        query = query.where(Motion.status == status)
    if subject_kind is not None:
        query = query.where(Motion.subject_kind == subject_kind)
    if subject_id is not None:
        query = query.where(Motion.subject_id == subject_id)
    rows = await query.order_by(Motion.opened_at, ascending=False).limit(limit + 1).offset(offset)
    page = rows[:limit]
    ballots = await _ballot_rows(scope, [as_uuid(r["id"]) for r in page])
    by_motion: dict[UUID, list[dict[str, Any]]] = {}
    for ballot in ballots:
        by_motion.setdefault(as_uuid(ballot["motion"]), []).append(ballot)
    items = [MotionSummary(**_summary_fields(r, by_motion.get(as_uuid(r["id"]), []))) for r in page]
    return items, (offset + limit if len(rows) > limit else None)


async def latest_motion(
    scope: TenantScope, subject_kind: str, subject_id: UUID
) -> MotionSummary | None:
    """The most recently opened motion on a subject, or None."""
    items, _ = await list_motions(
        scope, limit=1, offset=0, subject_kind=subject_kind, subject_id=subject_id
    )
    return items[0] if items else None


async def get_decision(scope: TenantScope, motion_id: UUID | str) -> DecisionOut:
    """The signed record of a decided motion, checked against the key that signed it."""
    oid = _motion_id(motion_id)
    row = (
        await scope.select(
            Motion,
            Motion.id,
            Motion.status,
            Motion.decision,
            Motion.decision_sha256,
            Motion.signature,
            Motion.key_id,
            Motion.audit_seq,
        )
        .where(Motion.id == oid)
        .first()
    )
    if row is None:
        raise NotFound(f"no motion {oid}")
    if row["status"] == "open":
        raise Conflict("the motion is still open: there is no decision record yet")
    keys = {str(k.key_id): str(k.public_key) for k in await public_keys(scope.tenant_id)}
    public_key = keys.get(row["key_id"], "")
    text = str(row["decision"]).encode()
    verified = bool(public_key) and verify_record(
        text, bytes.fromhex(row["signature"]), bytes.fromhex(public_key)
    )
    return DecisionOut(
        motion_id=oid,
        record=row["decision"],
        sha256=row["decision_sha256"],
        signature=row["signature"],
        key_id=row["key_id"],
        public_key=public_key,
        audit_seq=int(row["audit_seq"]),
        verified=verified and record_sha256(text) == row["decision_sha256"],
    )


# -- changing -----------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


async def _notify(
    scope: TenantScope,
    recipients: Iterable[UUID],
    *,
    kind: str,
    subject: str,
    body: str,
    motion_id: UUID,
) -> None:
    people = sorted(set(recipients), key=str)
    if people:
        await notify(
            scope,
            people,
            kind=kind,
            subject=subject,
            body=body,
            link=f"/api/v1/t/{scope.slug}/motions/{motion_id}",
        )


async def open_motion(
    scope: TenantScope,
    *,
    subject_kind: str,
    subject_id: UUID,
    title: str,
    papers: str,
    closes_at: datetime,
    actor: Actor,
) -> UUID:
    """Open a motion on a subject; the roll is the tenant's board as it is now.

    Must run inside the caller's write transaction (the caller moves its subject's
    state in the same one). Notifies the directors on the roll."""
    if current_engine().current_transaction.get() is None:
        raise RuntimeError("open_motion runs inside the caller's write_transaction()")
    _load_handlers()
    if subject_kind not in _HANDLERS:
        raise InvalidInput(
            "subject_kind", f"{subject_kind!r} is not one of {', '.join(sorted(_HANDLERS))}"
        )
    title = title.strip()
    if not title or len(title) > TITLE_MAX:
        raise InvalidInput("title", f"1 to {TITLE_MAX} characters")
    if len(papers) > PAPERS_MAX:
        raise InvalidInput("papers", f"at most {PAPERS_MAX} characters")
    if closes_at.tzinfo is None:
        raise InvalidInput("closes_at", "a time with its offset, e.g. 2026-12-01T09:00:00Z")
    now = _now()
    if closes_at <= now:
        raise InvalidInput("closes_at", "must be in the future")
    pending = (
        await scope.select(Motion, Motion.id)
        .where(
            (Motion.subject_kind == subject_kind)
            & (Motion.subject_id == subject_id)
            & (Motion.status == "open")
        )
        .first()
    )
    if pending is not None:
        raise Conflict(f"motion {pending['id']} on this {subject_kind} is still open")
    roll = await board_members(scope)
    if not roll:
        raise Conflict("the tenant has no board members: nobody could vote on a motion")
    source = await voting_rules(scope)
    motion = await scope.create(
        Motion,
        subject_kind=subject_kind,
        subject_id=subject_id,
        title=title,
        papers=papers,
        status="open",
        opened_by=actor.person_id,
        opened_at=now,
        closes_at=closes_at,
        quorum_fraction=source.rules.quorum_fraction,
        majority=source.rules.majority,
        policy_name=source.policy_name,
        policy_version=source.policy_version,
        policy_sha256=source.policy_sha256,
    )
    motion_id = as_uuid(motion.id)
    await Ballot.insert(
        *[Ballot(tenant=scope.tenant_id, motion=motion_id, person=person) for person in roll]
    )
    await actor.record(
        scope.tenant_id,
        "motion.opened",
        "motion",
        motion_id,
        {
            "status": [None, "open"],
            "subject": [None, f"{subject_kind}:{subject_id}"],
            "voters": [None, len(roll)],
            "closes_at": [None, closes_at],
            "rules": [
                None,
                f"quorum {fraction_text(source.rules.quorum_fraction)}, "
                f"{source.rules.majority} majority",
            ],
        },
    )
    await _notify(
        scope,
        roll,
        kind="motion.opened",
        subject=f"Motion for the board: {title}",
        body=(
            f"A motion is open for your vote until {await clock.time_for(scope, closes_at)}: "
            f"{title}."
        ),
        motion_id=motion_id,
    )
    return motion_id


LOCK_SQL = "SELECT id FROM board_motion WHERE id = {} AND tenant = {tenant}"
LOCK_SQL_POSTGRES = LOCK_SQL + " FOR UPDATE"


async def _lock(scope: TenantScope, motion_id: UUID) -> dict[str, Any]:
    """The motion's row, locked until the transaction ends."""
    postgres = isinstance(current_engine(), PostgresEngine)
    rows = await scope.rows(LOCK_SQL_POSTGRES if postgres else LOCK_SQL, motion_id)
    if not rows:
        raise NotFound(f"no motion {motion_id}")
    return await _motion_row(scope, motion_id)


def _decision_record(
    scope: TenantScope,
    motion: dict[str, Any],
    ballots: list[dict[str, Any]],
    result: Count,
    closed_at: datetime,
    closed_because: str,
) -> dict[str, Any]:
    rules = _rules_of(motion)
    policy = (
        None
        if motion["policy_name"] is None
        else {
            "name": motion["policy_name"],
            "version": motion["policy_version"],
            "sha256": motion["policy_sha256"],
        }
    )
    record: dict[str, Any] = {
        "record": "accord.board.decision",
        "format": RECORD_FORMAT,
        "tenant": scope.slug,
        "tenant_id": scope.tenant_id,
        "motion": {
            "id": motion["id"],
            "subject_kind": motion["subject_kind"],
            "subject_id": motion["subject_id"],
            "title": motion["title"],
            "papers": motion["papers"],
            "opened_by": motion["opened_by"],
            "opened_at": as_datetime(motion["opened_at"]),
            "closes_at": as_datetime(motion["closes_at"]),
            "closed_at": closed_at,
            "closed_because": closed_because,
        },
        "rules": {
            "quorum_fraction": fraction_text(rules.quorum_fraction),
            "majority": rules.majority,
            "policy": policy,
        },
        **roll_sections(ballots, as_datetime),
        "tally": result.as_record(),
        "outcome": "carried" if result.carried else "lost",
        "reason": outcome_reason(result, rules),
    }
    decided: dict[str, Any] = plain(record)
    return decided


async def _close(
    scope: TenantScope, motion: dict[str, Any], closed_because: str, actor: Actor
) -> None:
    """Decide a locked, open motion: sign the record, audit it, run the subject's handler."""
    motion_id = as_uuid(motion["id"])
    ballots = await _ballot_rows(scope, [motion_id])
    rules = _rules_of(motion)
    result = count(_states(ballots), rules)
    closed_at = _now()
    record = _decision_record(scope, motion, ballots, result, closed_at, closed_because)
    text = record_bytes(record)
    digest = record_sha256(text)
    signature = await sign(scope.tenant_id, text)
    status = "carried" if result.carried else "lost"
    event = await actor.record(
        scope.tenant_id,
        "motion.decided",
        "motion",
        motion_id,
        {
            "status": ["open", status],
            "decision_sha256": [None, digest],
            "signed_by_key": [None, signature.key_id],
        },
        reason=outcome_reason(result, rules),
    )
    await scope.update(
        Motion,
        {
            Motion.status: status,
            Motion.closed_at: closed_at,
            Motion.decision: text.decode(),
            Motion.decision_sha256: digest,
            Motion.signature: signature.signature.hex(),
            Motion.key_id: signature.key_id,
            Motion.audit_seq: int(event["seq"]),
        },
    ).where(Motion.id == motion_id)
    _load_handlers()
    handler = _HANDLERS.get(motion["subject_kind"])
    if handler is None:
        raise Conflict(f"no room decides subjects of kind {motion['subject_kind']!r}")
    await handler(
        scope,
        subject_id=as_uuid(motion["subject_id"]),
        motion_id=motion_id,
        carried=result.carried,
        actor=actor,
    )
    executives = await people_with_role(scope, Role.EXECUTIVE)
    opener = [] if motion["opened_by"] is None else [as_uuid(motion["opened_by"])]
    await _notify(
        scope,
        [*executives, *opener],
        kind="motion.decided",
        subject=f"Board decision: {motion['title']}",
        body=outcome_reason(result, rules),
        motion_id=motion_id,
    )


async def _act(
    scope: TenantScope,
    motion_id: UUID | str,
    person_id: UUID | None,
    actor: Actor,
    change: Callable[[dict[str, Any], dict[str, Any]], Awaitable[None]],
) -> MotionOut:
    """Apply one director's change to a locked, open motion, then close it if settled.

    A motion found past its deadline is closed first and the change refused."""
    oid = _motion_id(motion_id)
    late: datetime | None = None
    async with write_transaction():
        motion = await _lock(scope, oid)
        closes_at = as_datetime(motion["closes_at"])
        assert closes_at is not None
        if motion["status"] == "open" and closes_at <= _now():
            await _close(scope, motion, "deadline", actor)
            late = closes_at
        else:
            if motion["status"] != "open":
                raise Conflict(
                    f"the motion was decided ({motion['status']}) at "
                    f"{await clock.time_for(scope, as_datetime(motion['closed_at']))}; "
                    "votes are final"
                )
            ballot = None
            if person_id is not None:
                ballot = (
                    await scope.select(Ballot, *BALLOT_COLUMNS)
                    .where((Ballot.motion == oid) & (Ballot.person == person_id))
                    .first()
                )
            if ballot is None:
                raise Forbidden(
                    "only the directors on this motion's roll (the board when it opened) may "
                    "vote or declare a conflict on it"
                )
            await change(motion, ballot)
            ballots = await _ballot_rows(scope, [oid])
            if settled(_states(ballots), _rules_of(motion)):
                await _close(scope, await _motion_row(scope, oid), "settled", actor)
    if late is not None:
        shown = await clock.time_for(scope, late)
        raise Conflict(f"voting on this motion closed at {shown}; it is now decided")
    return await get_motion(scope, oid)


async def cast_vote(
    scope: TenantScope, motion_id: UUID | str, choice: str, *, actor: Actor
) -> MotionOut:
    """The caller's vote (for, against, abstain); a later vote replaces it until the close."""
    if choice not in CHOICES:
        raise InvalidInput("choice", f"one of {', '.join(CHOICES)}")

    async def vote(motion: dict[str, Any], ballot: dict[str, Any]) -> None:
        if ballot["recused"]:
            raise Conflict("you declared a conflict of interest on this motion and are recused")
        await scope.update(Ballot, {Ballot.choice: choice, Ballot.voted_at: _now()}).where(
            Ballot.id == ballot["id"]
        )
        await actor.record(
            scope.tenant_id,
            "motion.voted" if ballot["choice"] is None else "motion.vote_changed",
            "motion",
            motion["id"],
            {"voter": [None, ballot["person"]], "choice": [ballot["choice"], choice]},
        )

    return await _act(scope, motion_id, actor.person_id, actor, vote)


async def declare_conflict(
    scope: TenantScope, motion_id: UUID | str, conflict: str, *, actor: Actor
) -> MotionOut:
    """The caller declares a conflict of interest: recused, any vote cast withdrawn.

    A recusal is final: it is part of the record and cannot be taken back."""
    conflict = conflict.strip()
    if not conflict:
        raise InvalidInput("conflict", "say what the conflict of interest is")

    async def recuse(motion: dict[str, Any], ballot: dict[str, Any]) -> None:
        if ballot["recused"]:
            raise Conflict("you have already declared a conflict on this motion")
        await scope.update(
            Ballot,
            {
                Ballot.recused: True,
                Ballot.conflict: conflict,
                Ballot.recused_at: _now(),
                Ballot.choice: None,
                Ballot.voted_at: None,
            },
        ).where(Ballot.id == ballot["id"])
        await actor.record(
            scope.tenant_id,
            "motion.recused",
            "motion",
            motion["id"],
            {
                "voter": [None, ballot["person"]],
                "recused": [False, True],
                "choice": [ballot["choice"], None],
            },
            reason=conflict,
        )

    return await _act(scope, motion_id, actor.person_id, actor, recuse)


# -- jobs -----------------------------------------------------------------------------

DUE_SQL = (
    "SELECT m.id, m.tenant, t.slug FROM board_motion m JOIN tenant t ON t.id = m.tenant"
    " WHERE m.status = 'open' AND m.closes_at <= {} ORDER BY m.closes_at"
)
REMIND_SQL = (
    "SELECT m.id, m.tenant, t.slug FROM board_motion m JOIN tenant t ON t.id = m.tenant"
    " WHERE m.status = 'open' AND m.reminded_at IS NULL AND m.closes_at > {}"
    " AND m.closes_at <= {} ORDER BY m.closes_at"
)


@dataclass(frozen=True, slots=True)
class ClosingRun:
    decided: list[MotionOut]
    failed: list[tuple[UUID, str]]
    """Motions that could not be closed, and why (each in its own transaction: one
    failing subject does not keep the others open)."""


async def close_due(
    *, actor: Actor, now: datetime | None = None, tenant: str | None = None
) -> ClosingRun:
    """Close every open motion whose deadline has passed, of every tenant or of one."""
    moment = now or _now()
    decided: list[MotionOut] = []
    failed: list[tuple[UUID, str]] = []
    for row in await fetch(DUE_SQL, moment):
        if tenant is not None and row["slug"] != tenant:
            continue
        scope = TenantScope(as_uuid(row["tenant"]), row["slug"])
        motion_id = as_uuid(row["id"])
        try:
            async with write_transaction():
                motion = await _lock(scope, motion_id)
                if motion["status"] != "open":
                    continue  # another process closed it meanwhile
                await _close(scope, motion, "deadline", actor)
        except AccordError as exc:
            failed.append((motion_id, exc.detail))
            continue
        decided.append(await get_motion(scope, motion_id))
    return ClosingRun(decided, failed)


async def remind_closing(*, now: datetime | None = None, tenant: str | None = None) -> int:
    """Remind once the directors who have neither voted nor recused on motions closing
    within REMINDER_WINDOW; returns how many motions were reminded."""
    moment = now or _now()
    reminded = 0
    for row in await fetch(REMIND_SQL, moment, moment + REMINDER_WINDOW):
        if tenant is not None and row["slug"] != tenant:
            continue
        scope = TenantScope(as_uuid(row["tenant"]), row["slug"])
        motion_id = as_uuid(row["id"])
        async with write_transaction():
            motion = await _lock(scope, motion_id)
            if motion["status"] != "open" or motion["reminded_at"] is not None:
                continue
            ballots = await _ballot_rows(scope, [motion_id])
            waiting = [as_uuid(b["person"]) for b in ballots if not _states([b])[0].acted]
            motion_closes = as_datetime(motion["closes_at"])
            assert motion_closes is not None
            await _notify(
                scope,
                waiting,
                kind="motion.closing",
                subject=f"Closing soon: {motion['title']}",
                body=(
                    f"The motion closes at {await clock.time_for(scope, motion_closes)} and your "
                    "vote is not in yet."
                ),
                motion_id=motion_id,
            )
            await scope.update(Motion, {Motion.reminded_at: moment}).where(Motion.id == motion_id)
        reminded += 1
    return reminded
