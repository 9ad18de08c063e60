"""The governance report of a period: what a board secretary writes the minutes from.

One row per governance event of the tenant's audit log, each with its audit `seq`, so
that every row can be checked against the signed log (`accord audit prove --seq N`):

- every board motion, as a block: the motion opened (its subject in words, the
  majority rule, the quorum it needs), then, once decided in the period, each
  director on the roll by name with their vote, or their recusal and the conflict
  they declared, or that they did not vote (each row with the seq of that
  director's last act), then the decision (the tally, quorum reached or not, the
  majority rule, the outcome, the signed record's sha256), then what the decision
  did (a request approved, an MOU renewed): approvals are attributed to the motion
  that decided them ("the board"), never to the director whose vote settled it;
- every MOU event (put to the board, approved, signed, activated, reviewed,
  renewed, terminated, expired, ...);
- every screening case opened and adjudicated, and every due-diligence finding,
  with who and why;
- suspensions, roles granted and removed, policy changes, key rotations, token
  revocations.

People and objects are named in words (a person's name, a partner and its request's
title, an MOU's reference and title); their ids are in the last column. Times are in
the association's time zone, with the zone named. Blocks come in the order of their
first row's seq, and rows within a block in seq order.

- `report_rows(events, names, zone, history)` is pure: audit events in, rows out.
- `render` writes the rows as CSV or XLSX with the same content through
  `registry.spreadsheet`: a title line (tenant, period, zone and the signed tree head
  covering the period), the header, the rows.
- `registry.audit.report_data.load_report` reads a period's events and everything
  they name from the database.

Confidential fields are redacted in the ledger itself ("[redacted]"); the report
redacts again any field in `ledger.CONFIDENTIAL` whatever it holds, so a report can
never carry a secret.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from uuid import UUID

from policies.rules.approval import MAJORITY_WORDS
from registry.audit.chain import REDACTED, is_utc_time
from registry.audit.ledger import CONFIDENTIAL, OPERATOR_ROLE
from registry.board.decision import BallotState, VotingRules, count, record_roll
from registry.spreadsheet import MEDIA_TYPES, write_csv, write_xlsx
from tenants.clock import local_time

Format = Literal["csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx")
CSV_MEDIA_TYPE = MEDIA_TYPES["csv"]
XLSX_MEDIA_TYPE = MEDIA_TYPES["xlsx"]

#: The actions a governance report shows, with their label in words. Everything else
#: in the log (sign-ins, tokens issued, drafts edited, screening runs, ...) is
#: operational and left out.
GOVERNANCE_ACTIONS: dict[str, str] = {
    "tenant.suspended": "Tenant suspended",
    "tenant.resumed": "Tenant resumed",
    "membership.granted": "Role granted",
    "membership.removed": "Role removed",
    "policy.changed": "Policy changed",
    "key.rotated": "Keys rotated",
    "token.revoked": "Token revoked",
    "relationship_request.submit": "Relationship request submitted",
    "relationship_request.receive": "Relationship request received by the executive",
    "relationship_request.hold": "Relationship request held for screening",
    "relationship_request.resolve_screening": "Relationship request's screening settled",
    "relationship_request.refer": "Relationship request referred to the board",
    "relationship_request.approve": "Relationship request approved",
    "relationship_request.reject": "Relationship request rejected",
    "relationship_request.decline": "Relationship request declined",
    "relationship_request.withdraw": "Relationship request withdrawn",
    "relationship_request.approval_held": "Approval held until screening is settled",
    "relationship_request.motion_lapsed": "Motion lapsed without quorum; request still referred",
    "relationship_request.attested": "Due-diligence finding recorded",
    "relationship_request.finding_reversed": "Finding reversed",
    "relationship_request.review_opened": "Relationship review opened",
    "relationship_request.reviewed": "Relationship reviewed",
    "relationship_request.review_decided": "Relationship review decided by the board",
    "relationship_request.end": "Relationship ended",
    "screening.hit_disappeared": "Screening hit gone from the list",
    "screening_case.opened": "Screening case opened",
    "screening_case.adjudicated": "Screening case adjudicated",
    "screening_case.hit_returned": "Screening hit returned",
    "screening_case.delisted": "Screening case delisted (the entry left the list)",
    "screening_case.reopened": "Screening case reopened",
    "motion.opened": "Motion opened",
    "motion.voted": "Vote cast",
    "motion.vote_changed": "Vote changed",
    "motion.recused": "Conflict declared",
    "motion.decided": "Motion decided",
    "mou.referred": "MOU put to the board",
    "mou.approved": "MOU approved",
    "mou.not_approved": "MOU not approved",
    "mou.approval_blocked": "MOU approval blocked",
    "mou.signed": "MOU signed",
    "mou.activated": "MOU activated",
    "mou.review_opened": "MOU review opened",
    "mou.reviewed": "MOU reviewed",
    "mou.renewed": "MOU renewed",
    "mou.not_renewed": "MOU not renewed",
    "mou.terminated": "MOU terminated",
    "mou.not_terminated": "MOU not terminated",
    "mou.expired": "MOU expired",
}
#: Whole rooms whose every event is a governance event: an event they add later
#: (a finding reversed, a case delisted, ...) is reported without a change here.
GOVERNANCE_PREFIXES = ("motion.", "mou.", "screening_case.", "finding.", "relationship_request.")
NOT_GOVERNANCE = frozenset(
    {
        "mou.created",
        "mou.changed",
        "relationship_request.created",
        "relationship_request.updated",
        "relationship_request.assessed",
    }
)

#: Outcomes that only a board motion decides: the row names the motion and "the
#: board", whoever's vote or action recorded it.
DECIDED_BY_MOTION = frozenset(
    {
        "relationship_request.approve",
        "relationship_request.reject",
        "relationship_request.approval_held",
        "relationship_request.motion_lapsed",
        "relationship_request.review_decided",
        "mou.approved",
        "mou.not_approved",
        "mou.approval_blocked",
        "mou.renewed",
        "mou.not_renewed",
        "mou.terminated",
        "mou.not_terminated",
    }
)
#: Fields of an event's changes that name the motion it follows from.
MOTION_FIELDS = ("motion", "motion_id", "approved_motion")

COLUMNS = (
    "Seq",
    "Time",
    "Event",
    "Subject",
    "Motion",
    "Director",
    "Vote",
    "Declared conflict",
    "Quorum",
    "Majority rule",
    "Outcome",
    "Decision record sha256",
    "Who",
    "Role",
    "Reason",
    "Changes",
    "Ids",
)
#: Column widths (characters) of the XLSX sheet, in COLUMNS order.
WIDTHS = (7, 22, 24, 40, 40, 22, 14, 36, 30, 30, 14, 24, 26, 14, 40, 50, 40)
OPERATOR_LABEL = "platform operator"
BOARD = "the board"
NONE = "(none)"
DID_NOT_VOTE = "did not vote"
RECUSED = "recused"
UUID_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def header(zone_name: str) -> tuple[str, ...]:
    """The header row; the time column names the zone its times are in."""
    return tuple(f"Time ({zone_name})" if c == "Time" else c for c in COLUMNS)


def is_governance(action: str) -> bool:
    if action in GOVERNANCE_ACTIONS:
        return True
    return action.startswith(GOVERNANCE_PREFIXES) and action not in NOT_GOVERNANCE


def label(action: str) -> str:
    """An action in words: its label, or "Screening case delisted" from its name."""
    if action in GOVERNANCE_ACTIONS:
        return GOVERNANCE_ACTIONS[action]
    words = action.replace(".", " ").replace("_", " ").strip()
    return (words[:1].upper() + words[1:]).replace("Mou ", "MOU ")


@dataclass(frozen=True, slots=True)
class GovernanceRow:
    seq: int
    time: str
    event: str
    subject: str = ""
    motion: str = ""
    director: str = ""
    vote: str = ""
    conflict: str = ""
    quorum: str = ""
    majority: str = ""
    outcome: str = ""
    record_sha256: str = ""
    who: str = ""
    role: str = ""
    reason: str = ""
    changes: str = ""
    ids: str = ""

    def cells(self) -> tuple[int | str, ...]:
        return (
            self.seq,
            self.time,
            self.event,
            self.subject,
            self.motion,
            self.director,
            self.vote,
            self.conflict,
            self.quorum,
            self.majority,
            self.outcome,
            self.record_sha256,
            self.who,
            self.role,
            self.reason,
            self.changes,
            self.ids,
        )


@dataclass(frozen=True, slots=True)
class MotionFacts:
    """What the report says about one motion, read from its row and signed record."""

    id: str
    title: str
    subject: str  # in words: 'Relationship request "..." with ...', 'MOU ... (renewal)'
    subject_id: str
    quorum_fraction: float
    majority: str
    roll: tuple[str, ...]  # person ids of the directors on its roll
    record: Mapping[str, Any] | None = None  # the signed decision record, parsed
    sha256: str = ""
    #: The object the subject belongs to (a review's relationship request), whose
    #: events carry out the decision too.
    parent_id: str = ""


@dataclass(slots=True)
class Names:
    """Words for the ids the events hold."""

    people: dict[str, str] = field(default_factory=dict)  # person id -> name (or e-mail)
    objects: dict[str, str] = field(default_factory=dict)  # object id -> words
    motions: dict[str, MotionFacts] = field(default_factory=dict)
    zone_name: str | None = None  # the times inside changes are shown in it, when set

    def person(self, person_id: Any) -> str:
        return self.people.get(str(person_id), str(person_id))

    def words(self, value: str) -> str | None:
        return self.people.get(value) or self.objects.get(value)


@dataclass(frozen=True, slots=True)
class ReportTitle:
    """What the title line states: the tenant, the period, the zone, the tree head."""

    tenant: str
    zone_name: str = "UTC"
    since: datetime | None = None
    until: datetime | None = None
    tree_size: int | None = None  # of the signed tree head covering the period, if any
    root_hash: str | None = None
    signed_at: str | None = None
    key_id: str | None = None
    signature: str | None = None

    def text(self) -> str:
        start = local_time(self.since, self.zone_name) if self.since else "the beginning"
        end = local_time(self.until, self.zone_name) if self.until else "now"
        if self.tree_size is None:
            head = "no signed tree head yet"
        else:
            head = f"signed tree head: size {self.tree_size}, root {self.root_hash}"
            if self.signed_at:
                head += f", signed {self.signed_at}"
            if self.key_id:
                head += f" with key {self.key_id}"
            if self.signature:
                head += f", signature {self.signature}"
        return (
            f"Governance report of {self.tenant}, from {start} to {end} "
            f"(times in {self.zone_name}); {head}"
        )


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One audit event as a line of a page's audit trail (the audit and request pages):
    time in UTC, the action in words, the object, who, why and what changed."""

    seq: int
    time: str  # "YYYY-MM-DD HH:MM:SS", UTC
    action: str
    object: str  # "object_type object_id"
    who: str  # the person's e-mail, or "platform operator"
    role: str
    reason: str
    changes: str


def report_row(event: Mapping[str, Any], people: Mapping[str, str]) -> ReportRow:
    """An event as a page's trail line; `people` maps person ids to e-mails."""
    object_id = event.get("object_id")
    moment = instant(event["time"])
    known = Names(people=dict(people))
    return ReportRow(
        seq=int(event["seq"]),
        time=moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if moment else "",
        action=GOVERNANCE_ACTIONS.get(event["action"], event["action"]),
        object=f"{event['object_type']} {object_id}" if object_id else event["object_type"],
        who=_who(event, known),
        role=_role(event),
        reason=event.get("reason") or "",
        changes=summarise_changes(event.get("changes") or {}, known),
    )


# -- words ---------------------------------------------------------------------------


def instant(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _time(value: Any, zone_name: str) -> str:
    """A ledger time as the association reads it: "4 Dec 2026 01:49 AEDT"."""
    moment = instant(value)
    return str(value) if moment is None else local_time(moment, zone_name)


def plain_words(value: str) -> str:
    return value.replace("_", " ")


def _value(name: str, value: Any, names: Names) -> str:
    if value is None:
        return NONE
    if name in CONFIDENTIAL:
        return REDACTED
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_value(str(k), v, names)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(name, v, names) for v in value) + "]"
    text = str(value)
    if names.zone_name is not None and is_utc_time(text):
        return _time(text, names.zone_name)
    return names.words(text) or text


def summarise_changes(changes: Mapping[str, Any], names: Names | None = None) -> str:
    """`{"status": ["active", "suspended"]}` as "status: active -> suspended", one cell;
    ids of people and objects the report knows are shown as their names."""
    known = names or Names()
    parts = []
    for name in sorted(changes):
        change = changes[name]
        if isinstance(change, Sequence) and not isinstance(change, str) and len(change) == 2:
            before, after = change
            parts.append(f"{name}: {_value(name, before, known)} -> {_value(name, after, known)}")
        else:
            parts.append(f"{name}: {_value(name, change, known)}")
    return "; ".join(parts)


def _after(changes: Mapping[str, Any], name: str) -> Any:
    change = changes.get(name)
    if isinstance(change, Sequence) and not isinstance(change, str) and len(change) == 2:
        return change[1]
    return change


def _before(changes: Mapping[str, Any], name: str) -> Any:
    change = changes.get(name)
    if isinstance(change, Sequence) and not isinstance(change, str) and len(change) == 2:
        return change[0]
    return None


def words_in(text: str, names: Names) -> str:
    """`text` with the ids of people and objects the report knows put in words (a
    motion by its quoted title)."""

    def word(match: re.Match[str]) -> str:
        found = match.group(0)
        if found in names.motions:
            return f'"{names.motions[found].title}"'
        return names.words(found) or found

    return UUID_PATTERN.sub(word, text)


def _who(event: Mapping[str, Any], names: Names) -> str:
    person = (event.get("actor") or {}).get("person")
    return OPERATOR_LABEL if person is None else names.person(person)


def _role(event: Mapping[str, Any]) -> str:
    actor = event.get("actor") or {}
    return str(actor.get("role") or (OPERATOR_ROLE if actor.get("person") is None else ""))


def _subject(event: Mapping[str, Any], names: Names) -> str:
    """The event's object in words."""
    changes = event.get("changes") or {}
    object_id = str(event.get("object_id") or "")
    kind = str(event.get("object_type") or "")
    if kind == "membership":
        person = _after(changes, "person") or _before(changes, "person")
        role = _after(changes, "role") or _before(changes, "role")
        who = names.person(person) if person else "someone"
        return f"{who}: role {role}" if role else who
    if kind == "motion" and object_id in names.motions:
        return names.motions[object_id].subject
    if object_id and (words := names.words(object_id)):
        return words
    if kind == "policy":
        return f'Policy "{object_id}"'
    if kind == "tenant_key":
        return f"Signing key {object_id}"
    return plain_words(kind).capitalize() or NONE


def finding_words(details: Mapping[str, Any]) -> str:
    """What a due-diligence finding found, in a few words."""
    if "result" in details:
        return plain_words(str(details["result"]))
    if "discriminates_on" in details:
        grounds = details.get("discriminates_on") or []
        return f"discriminates on {', '.join(grounds)}" if grounds else "no discrimination"
    if "staff" in details or "members" in details:
        return f"{details.get('staff', 0)} staff, {details.get('members', 0)} members available"
    if "text" in details:
        return "justification given"
    return ""


def _outcome(event: Mapping[str, Any]) -> str:
    changes = event.get("changes") or {}
    if event.get("action") == "relationship_request.attested":
        for name in changes:
            details = _after(changes, name)
            if name != "attestation" and isinstance(details, Mapping):
                return f"{plain_words(name)}: {finding_words(details)}".rstrip(": ")
    for name in ("state", "status", "decision", "outcome", "result"):
        after = _after(changes, name)
        if isinstance(after, str) and after:
            return plain_words(after)
    return ""


def _ids(*pairs: tuple[str, Any]) -> str:
    return "; ".join(f"{kind} {value}" for kind, value in pairs if value)


def _changes_in_words(
    changes: Mapping[str, Any], names: Names
) -> tuple[str, list[tuple[str, Any]]]:
    """The changes in words, and the ids among them that have no words (a review's,
    an attestation's id), which go to the ids column instead."""
    words: dict[str, Any] = {}
    ids: list[tuple[str, Any]] = []
    for name, change in changes.items():
        values = change if isinstance(change, list | tuple) else [change]
        unknown = [
            v
            for v in values
            if isinstance(v, str)
            and UUID_PATTERN.fullmatch(v)
            and not names.words(v)
            and v not in names.motions
        ]
        if unknown:
            ids += [(name, v) for v in unknown]
        else:
            words[name] = change
    return words_in(summarise_changes(words, names), names), ids


# -- motions ---------------------------------------------------------------------------


def majority_words(majority: str) -> str:
    words = MAJORITY_WORDS.get(majority)
    return f"{majority} majority: {words}" if words else f"{majority} majority"


def quorum_needed(board_size: int, quorum_fraction: float) -> int:
    """Directors whose votes a quorum needs on a roll of `board_size` (the policy's count)."""
    roll = [BallotState(UUID(int=n + 1)) for n in range(board_size)]
    return count(roll, VotingRules(quorum_fraction, "simple")).quorum_needed


def quorum_words(tally: Mapping[str, Any]) -> str:
    """ "reached: 3 of 4 directors counted, 2 needed" from a decision record's tally."""
    state = "reached" if tally.get("quorate") else "not reached"
    return (
        f"{state}: {tally.get('quorum_present')} of {tally.get('board_size')} directors "
        f"counted, {tally.get('quorum_needed')} needed (recused directors do not count)"
    )


def tally_words(tally: Mapping[str, Any]) -> str:
    return (
        f"{tally.get('for', 0)} for, {tally.get('against', 0)} against, "
        f"{tally.get('abstain', 0)} abstaining, {tally.get('recused', 0)} recused, "
        f"{tally.get('not_voted', 0)} not voting"
    )


def motion_named_by(event: Mapping[str, Any], names: Names) -> str | None:
    """The motion an event says it follows from (a field of its changes, or its reason)."""
    changes = event.get("changes") or {}
    for name in MOTION_FIELDS:
        for value in (_after(changes, name), _before(changes, name)):
            if value is not None and str(value) in names.motions:
                return str(value)
    for found in UUID_PATTERN.findall(str(event.get("reason") or "")):
        if found in names.motions:
            return found
    return None


@dataclass(slots=True)
class _Block:
    """Rows that belong together: one motion's, or one event's alone."""

    rows: list[tuple[int, int, GovernanceRow]] = field(default_factory=list)

    def add(self, row: GovernanceRow, order: int = 1) -> None:
        self.rows.append((row.seq, order, row))

    @property
    def first(self) -> int:
        return min(seq for seq, _, _ in self.rows)


def _acts(events: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], list[Mapping[str, Any]]]:
    """Each director's acts on each motion (votes, changes, recusals), in seq order."""
    acts: dict[tuple[str, str], dict[int, Mapping[str, Any]]] = {}
    for event in events:
        if event["action"] not in ("motion.voted", "motion.vote_changed", "motion.recused"):
            continue
        voter = _after(event.get("changes") or {}, "voter") or (event.get("actor") or {}).get(
            "person"
        )
        key = (str(event.get("object_id")), str(voter))
        acts.setdefault(key, {})[int(event["seq"])] = event
    return {key: [found[s] for s in sorted(found)] for key, found in acts.items()}


def _roll_rows(
    motion: MotionFacts,
    decided: Mapping[str, Any],
    acts: Mapping[tuple[str, str], list[Mapping[str, Any]]],
    names: Names,
    zone_name: str,
) -> list[GovernanceRow]:
    """Each director on a decided motion's roll, as its signed record states."""
    assert motion.record is not None
    rows = []
    for entry in record_roll(motion.record):
        history = acts.get((motion.id, entry.person), [])
        last = history[-1] if history else decided
        name = entry.name or names.person(entry.person)
        earlier = [
            str(_after(e.get("changes") or {}, "choice"))
            for e in history[:-1]
            if e["action"] != "motion.recused"
        ]
        if entry.recused:
            event, vote = "Recusal", RECUSED
        elif entry.choice is None:
            event, vote = "Did not vote", DID_NOT_VOTE
        else:
            event, vote = "Vote", entry.choice
        reason = f"earlier vote: {', '.join(earlier)}" if earlier else ""
        rows.append(
            GovernanceRow(
                seq=int(last["seq"]),
                time=_time(last["time"], zone_name),
                event=event,
                subject=motion.subject,
                motion=motion.title,
                director=name,
                vote=vote,
                conflict=entry.conflict,
                who=name if history else "",
                role=_role(last) if history else "",
                reason=reason,
                ids=_ids(("person", entry.person), ("motion", motion.id)),
            )
        )
    return rows


def _decided_row(
    motion: MotionFacts, event: Mapping[str, Any], names: Names, zone_name: str
) -> GovernanceRow:
    record = motion.record or {}
    tally = record.get("tally") or {}
    rules = record.get("rules") or {}
    return GovernanceRow(
        seq=int(event["seq"]),
        time=_time(event["time"], zone_name),
        event=label("motion.decided"),
        subject=motion.subject,
        motion=motion.title,
        vote=tally_words(tally) if tally else "",
        quorum=quorum_words(tally) if tally else "",
        majority=majority_words(str(rules.get("majority") or motion.majority)),
        outcome=str(record.get("outcome") or _outcome(event)),
        record_sha256=motion.sha256 or str(_after(event.get("changes") or {}, "decision_sha256")),
        who=BOARD,
        role="board",
        reason=str(event.get("reason") or record.get("reason") or ""),
        changes=_changes_in_words(event.get("changes") or {}, names)[0],
        ids=_ids(("motion", motion.id), ("subject", motion.subject_id)),
    )


def _opened_row(
    motion: MotionFacts, event: Mapping[str, Any], names: Names, zone_name: str
) -> GovernanceRow:
    changes = event.get("changes") or {}
    size = len(motion.roll) or int(_after(changes, "voters") or 0)
    closes = instant(_after(changes, "closes_at"))
    needed = quorum_needed(size, motion.quorum_fraction)
    return GovernanceRow(
        seq=int(event["seq"]),
        time=_time(event["time"], zone_name),
        event=label("motion.opened"),
        subject=motion.subject,
        motion=motion.title,
        director=", ".join(sorted(names.person(p) for p in motion.roll)),
        quorum=f"{needed} of the {size} directors on the roll must vote",
        majority=majority_words(motion.majority),
        outcome="open",
        who=_who(event, names),
        role=_role(event),
        reason=f"voting closes {local_time(closes, zone_name)}" if closes else "",
        changes=_changes_in_words(changes, names)[0],
        ids=_ids(("motion", motion.id), ("subject", motion.subject_id)),
    )


def _act_row(
    motion: MotionFacts | None, event: Mapping[str, Any], names: Names, zone_name: str
) -> GovernanceRow:
    """A vote or a recusal on a motion not decided in the period, as it happened."""
    changes = event.get("changes") or {}
    voter = _after(changes, "voter") or (event.get("actor") or {}).get("person")
    recused = event["action"] == "motion.recused"
    return GovernanceRow(
        seq=int(event["seq"]),
        time=_time(event["time"], zone_name),
        event=label(event["action"]),
        subject=motion.subject if motion else _subject(event, names),
        motion=motion.title if motion else "",
        director=names.person(voter),
        vote=RECUSED if recused else str(_after(changes, "choice") or ""),
        conflict=str(event.get("reason") or "") if recused else "",
        outcome="open",
        who=_who(event, names),
        role=_role(event),
        reason="" if recused else str(event.get("reason") or ""),
        changes=_changes_in_words(changes, names)[0],
        ids=_ids(("person", voter), ("motion", event.get("object_id"))),
    )


def _event_row(
    event: Mapping[str, Any],
    names: Names,
    zone_name: str,
    motion: MotionFacts | None,
    by_board: bool,
) -> GovernanceRow:
    changes = event.get("changes") or {}
    who = _who(event, names)
    role = _role(event)
    if by_board and motion is not None:
        actor = (event.get("actor") or {}).get("person")
        # The decision is the board's: never the director whose vote settled it. Someone
        # who is not on the roll (the executive applying the motion) is named as such.
        applied = actor is not None and str(actor) not in motion.roll
        who = f"{BOARD}; applied by {who}" if applied else BOARD
        role = role if applied else "board"
    changed, other_ids = _changes_in_words(changes, names)
    return GovernanceRow(
        seq=int(event["seq"]),
        time=_time(event["time"], zone_name),
        event=label(event["action"]),
        subject=_subject(event, names),
        motion=motion.title if motion else "",
        outcome=_outcome(event),
        who=who,
        role=role,
        reason=words_in(str(event.get("reason") or ""), names),
        changes=changed,
        ids=_ids(
            (str(event.get("object_type") or "object"), event.get("object_id")),
            ("motion", motion.id if motion else None),
            *other_ids,
        ),
    )


def report_rows(
    events: Iterable[Mapping[str, Any]],
    names: Names | None = None,
    zone_name: str = "UTC",
    history: Iterable[Mapping[str, Any]] = (),
) -> list[GovernanceRow]:
    """The governance events among `events` (the period's), as report rows.

    `history` holds the motions' own events outside the period (votes cast before it
    on a motion decided in it), for the seq of each director's last act."""
    known = names or Names()
    known.zone_name = zone_name
    chosen = sorted((e for e in events if is_governance(e["action"])), key=lambda e: int(e["seq"]))
    everything = {int(e["seq"]): e for e in [*history, *chosen]}
    acts = _acts(everything.values())
    decided = {
        str(e["object_id"]): e for e in everything.values() if e["action"] == "motion.decided"
    }
    decided_here = {str(e["object_id"]) for e in chosen if e["action"] == "motion.decided"}
    blocks: dict[str, _Block] = {}

    def block(key: str) -> _Block:
        return blocks.setdefault(key, _Block())

    for event in chosen:
        action = event["action"]
        seq = int(event["seq"])
        if action.startswith("motion."):
            motion_id = str(event.get("object_id"))
            motion = known.motions.get(motion_id)
            if motion is None:
                block(f"event {seq}").add(_event_row(event, known, zone_name, None, False))
            elif action == "motion.opened":
                block(motion_id).add(_opened_row(motion, event, known, zone_name))
            elif action in ("motion.voted", "motion.vote_changed", "motion.recused"):
                if motion_id not in decided_here or motion.record is None:
                    block(motion_id).add(_act_row(motion, event, known, zone_name))
            elif action == "motion.decided" and motion.record is not None:
                for row in _roll_rows(motion, event, acts, known, zone_name):
                    block(motion_id).add(row, order=0)  # the roll comes before the result
                block(motion_id).add(_decided_row(motion, event, known, zone_name))
            else:
                block(motion_id).add(_event_row(event, known, zone_name, motion, False))
            continue
        named = motion_named_by(event, known)
        following = _following(event, decided, known)
        source = named or following
        motion = known.motions.get(source) if source else None
        by_board = following is not None or (named is not None and action in DECIDED_BY_MOTION)
        row = _event_row(event, known, zone_name, motion, by_board)
        block(source if source else f"event {seq}").add(row)
    ordered = sorted(blocks.values(), key=lambda b: b.first)
    return [row for b in ordered for _, _, row in sorted(b.rows, key=lambda r: (r[0], r[1]))]


def _following(
    event: Mapping[str, Any], decided: Mapping[str, Mapping[str, Any]], names: Names
) -> str | None:
    """The motion whose decision this event carried out: recorded after the decision,
    in the same request (the same transaction), on the motion's subject."""
    request = event.get("request_id")
    if not request:
        return None
    for motion_id, decision in decided.items():
        motion = names.motions.get(motion_id)
        if (
            motion is not None
            and decision.get("request_id") == request
            and int(decision["seq"]) < int(event["seq"])
            and str(event.get("object_id")) in (motion.subject_id, motion.parent_id)
        ):
            return motion_id
    return None


# -- writers ------------------------------------------------------------------------


def render(rows: Sequence[GovernanceRow], title: ReportTitle, format: Format) -> bytes:
    """The report as CSV or XLSX, with the same content: the title line, the header,
    the rows."""
    cells = [row.cells() for row in rows]
    if format == "xlsx":
        return write_xlsx(
            header(title.zone_name),
            cells,
            sheet_name="Governance report",
            title=title.text(),
            widths=WIDTHS,
        )
    return write_csv(header(title.zone_name), cells, title=title.text())


def filename(slug: str, format: Format) -> str:
    return f"{slug}-governance-report.{format}"
