"""How a motion is counted, when its outcome is settled, and its signed decision record.

The record names every director on the roll by id *and* name (format 2), so that it
reads as minutes on its own; `record_roll` reads a record of either format (format 1
named directors by id only), so old records stay readable as well as verifiable (the
signature covers the stored bytes, whatever their format).

Pure: no database. The count itself is the policy engine's (`policies.rules.approval
.tally`), so that a motion and a dry-run evaluation of the same policy agree: quorum
is a share of the whole roll; directors who declared a conflict are not counted as
present (recusal is not abstention, which does count); the majority is the policy's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from policies.rules.approval import MAJORITY_WORDS, Majority, tally
from policies.subjects import BoardVote
from registry.audit.canonical import canonical_bytes

Choice = Literal["for", "against", "abstain"]
CHOICES: tuple[str, ...] = ("for", "against", "abstain")
#: The decision record's format: 2 names each director beside their id.
RECORD_FORMAT = 2


@dataclass(frozen=True, slots=True)
class VotingRules:
    """Quorum and majority, as the tenant's policy said when the motion opened."""

    quorum_fraction: float = 0.5
    majority: Majority = "simple"


@dataclass(frozen=True, slots=True)
class BallotState:
    """One director on the roll: a vote, a recusal, or (so far) neither."""

    person_id: UUID
    choice: str | None = None
    recused: bool = False

    @property
    def acted(self) -> bool:
        return self.recused or self.choice is not None


@dataclass(frozen=True, slots=True)
class Count:
    board_size: int
    votes_for: int
    votes_against: int
    abstained: int
    recused: int
    not_voted: int
    present: int
    """Directors who voted or recused: present, in the policy's `BoardVote` words."""
    quorum_present: int
    """Those present who count towards the quorum: every vote, abstentions included;
    not the recused."""
    quorum_needed: int
    quorate: bool
    carried: bool

    def as_record(self) -> dict[str, Any]:
        return {
            "board_size": self.board_size,
            "for": self.votes_for,
            "against": self.votes_against,
            "abstain": self.abstained,
            "recused": self.recused,
            "not_voted": self.not_voted,
            "present": self.present,
            "quorum_present": self.quorum_present,
            "quorum_needed": self.quorum_needed,
            "quorate": self.quorate,
        }


def count(ballots: Iterable[BallotState], rules: VotingRules) -> Count:
    """The tally of the roll as it stands."""
    roll = list(ballots)
    votes_for = sum(1 for b in roll if b.choice == "for" and not b.recused)
    against = sum(1 for b in roll if b.choice == "against" and not b.recused)
    abstained = sum(1 for b in roll if b.choice == "abstain" and not b.recused)
    recused = sum(1 for b in roll if b.recused)
    voted = votes_for + against + abstained
    # The policy's BoardVote counts recused directors among those present, then
    # takes them off again; a director on the roll who never voted is absent.
    result = tally(
        BoardVote(
            board_size=len(roll),
            present=voted + recused,
            votes_for=votes_for,
            votes_against=against,
            abstained=abstained,
            recused=recused,
        ),
        quorum_fraction=rules.quorum_fraction,
        majority=rules.majority,
    )
    return Count(
        board_size=len(roll),
        votes_for=votes_for,
        votes_against=against,
        abstained=abstained,
        recused=recused,
        not_voted=len(roll) - voted - recused,
        present=voted + recused,
        quorum_present=result.eligible_present,
        quorum_needed=result.quorum_needed,
        quorate=result.quorate,
        carried=result.carried,
    )


def settled(ballots: Iterable[BallotState], rules: VotingRules) -> bool:
    """Whether the outcome can no longer change before the deadline.

    Votes can be changed until the motion closes, so a cast vote settles nothing by
    itself: the outcome is fixed only when every director on the roll has voted or
    recused (nothing is left to happen but changes of mind, and the record is
    complete), or when so many recused that the quorum can never be reached (a
    recusal is final).
    """
    roll = list(ballots)
    if all(b.acted for b in roll):
        return True
    result = count(roll, rules)
    return result.board_size - result.recused < result.quorum_needed


def outcome_reason(result: Count, rules: VotingRules) -> str:
    """One sentence saying why the motion carried or was lost."""
    words = (
        f"{result.votes_for} for, {result.votes_against} against, {result.abstained} "
        f"abstaining, {result.recused} recused, {result.not_voted} not voting"
    )
    if not result.quorate:
        return (
            f"Lost: not quorate ({result.quorum_present} of {result.board_size} directors voted, "
            f"{result.quorum_needed} needed; recused directors do not count). {words}."
        )
    verdict = "Carried" if result.carried else "Lost"
    return f"{verdict} ({words}; needs {MAJORITY_WORDS[rules.majority]})."


def fraction_text(value: float) -> str:
    """A fraction as canonical JSON can hold it (it has no non-integral numbers)."""
    return format(value, "g")


def roll_sections(
    ballots: Iterable[Mapping[str, Any]], moment: Callable[[Any], datetime | None]
) -> dict[str, Any]:
    """The roll of a decision record: `voters` (everyone on the roll), `votes` and
    `recusals`, each director as {"person": id, "name": name}. `ballots` are the
    motion's ballot rows (person, name, choice, voted_at, recused, conflict,
    recused_at); `moment` reads a stored time."""
    roll = list(ballots)

    def director(ballot: Mapping[str, Any]) -> dict[str, Any]:
        return {"person": ballot["person"], "name": ballot.get("name") or ""}

    return {
        "voters": [director(b) for b in roll],
        "votes": [
            {**director(b), "choice": b["choice"], "at": moment(b["voted_at"])}
            for b in roll
            if b["choice"] is not None and not b["recused"]
        ],
        "recusals": [
            {**director(b), "conflict": b["conflict"], "at": moment(b["recused_at"])}
            for b in roll
            if b["recused"]
        ],
    }


@dataclass(frozen=True, slots=True)
class RollEntry:
    """One director on a decided motion's roll, as its record states."""

    person: str
    name: str  # "" in a format 1 record, which named nobody
    choice: str | None  # for, against, abstain; None: recused or did not vote
    recused: bool = False
    conflict: str = ""
    at: str | None = None  # when they voted or recused (UTC, as recorded)


def record_roll(record: Mapping[str, Any]) -> list[RollEntry]:
    """Every director on the roll of a decision record of any format, in roll order."""
    votes = {str(v["person"]): v for v in record.get("votes") or []}
    recusals = {str(r["person"]): r for r in record.get("recusals") or []}
    entries = []
    for voter in record.get("voters") or []:
        # Format 1 listed the roll as bare ids; format 2 as {"person", "name"}.
        person = str(voter["person"] if isinstance(voter, Mapping) else voter)
        name = str(voter.get("name") or "") if isinstance(voter, Mapping) else ""
        if person in recusals:
            recusal = recusals[person]
            entries.append(
                RollEntry(
                    person,
                    name or str(recusal.get("name") or ""),
                    None,
                    True,
                    str(recusal.get("conflict") or ""),
                    recusal.get("at"),
                )
            )
        elif person in votes:
            cast = votes[person]
            entries.append(
                RollEntry(
                    person, name or str(cast.get("name") or ""), cast["choice"], at=cast.get("at")
                )
            )
        else:
            entries.append(RollEntry(person, name, None))
    return entries


def record_bytes(record: dict[str, Any]) -> bytes:
    """The signed bytes of a decision record: its RFC 8785 canonical JSON."""
    return canonical_bytes(record)


def record_sha256(record_text: bytes) -> str:
    return hashlib.sha256(record_text).hexdigest()


def verify_record(record_text: bytes, signature: bytes, public_key: bytes) -> bool:
    """Whether `signature` is the tenant key's Ed25519 signature of exactly these bytes."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, record_text)
    except (InvalidSignature, ValueError):
        return False
    return True
