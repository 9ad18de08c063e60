"""The count of a motion, pure: quorum and majority at their boundaries, recusal
against abstention, and when an outcome is settled."""

from __future__ import annotations

import uuid

import pytest

from registry.board.decision import (
    BallotState,
    VotingRules,
    count,
    record_bytes,
    record_sha256,
    settled,
    verify_record,
)


def roll(*entries: str) -> list[BallotState]:
    """'for', 'against', 'abstain', 'recused' or '-' (not voted) per director."""
    return [
        BallotState(
            uuid.uuid4(),
            None if e in ("-", "recused") else e,
            recused=e == "recused",
        )
        for e in entries
    ]


HALF = VotingRules(0.5, "simple")


def test_quorum_is_met_exactly_at_half_the_board():
    assert count(roll("for", "against", "-", "-"), HALF).quorate
    assert not count(roll("for", "-", "-", "-"), HALF).quorate


def test_abstention_counts_towards_quorum_and_recusal_does_not():
    abstaining = count(roll("for", "abstain", "-", "-"), HALF)
    recused = count(roll("for", "recused", "-", "-"), HALF)
    assert abstaining.quorate and abstaining.carried
    assert not recused.quorate and not recused.carried
    assert recused.quorum_needed == 2 and recused.quorum_present == 1 and recused.present == 2


def test_simple_majority_needs_more_for_than_against():
    assert not count(roll("for", "against", "-", "-"), HALF).carried
    assert count(roll("for", "for", "against", "-"), HALF).carried


def test_two_thirds_at_its_boundary():
    rules = VotingRules(0.5, "two-thirds")
    assert count(roll("for", "for", "against"), rules).carried
    assert not count(roll("for", "for", "against", "against", "for", "against"), rules).carried


def test_absolute_majority_counts_abstentions_against():
    rules = VotingRules(0.5, "absolute")
    assert not count(roll("for", "abstain", "-", "-"), rules).carried
    assert count(roll("for", "for", "abstain", "-"), rules).carried


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        (("for", "for", "-"), False),  # the third could still vote, and votes can change
        (("for", "against", "recused"), True),  # everyone acted
        (("recused", "recused", "recused", "-"), True),  # quorum of 2 can never be met
        (("recused", "recused", "-", "-"), False),
    ],
)
def test_settled(entries, expected):
    assert settled(roll(*entries), HALF) is expected


def test_a_record_verifies_and_a_changed_one_does_not():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    text = record_bytes({"outcome": "carried", "tally": {"for": 3}})
    signature = key.sign(text)
    assert verify_record(text, signature, public)
    changed = text.replace(b"carried", b"lost!!!")
    assert not verify_record(changed, signature, public)
    assert record_sha256(text) != record_sha256(changed)


def test_the_record_names_each_director_and_old_records_still_read_and_verify():
    from datetime import UTC, datetime

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from registry.board.decision import record_roll, roll_sections

    ada, ben, cy = (str(uuid.uuid4()) for _ in range(3))
    at = datetime(2026, 12, 4, tzinfo=UTC)
    ballots = [
        {"person": ada, "name": "Ada", "choice": "for", "voted_at": at, "recused": False,
         "conflict": "", "recused_at": None},
        {"person": ben, "name": "Ben", "choice": None, "voted_at": None, "recused": True,
         "conflict": "Treasurer of the partner", "recused_at": at},
        {"person": cy, "name": "Cy", "choice": None, "voted_at": None, "recused": False,
         "conflict": "", "recused_at": None},
    ]  # fmt: skip
    sections = roll_sections(ballots, lambda value: value)
    assert sections["voters"] == [
        {"person": ada, "name": "Ada"},
        {"person": ben, "name": "Ben"},
        {"person": cy, "name": "Cy"},
    ]
    assert sections["votes"] == [{"person": ada, "name": "Ada", "choice": "for", "at": at}]
    assert sections["recusals"][0]["name"] == "Ben"
    assert [(e.name, e.choice, e.recused, e.conflict) for e in record_roll(sections)] == [
        ("Ada", "for", False, ""),
        ("Ben", None, True, "Treasurer of the partner"),
        ("Cy", None, False, ""),
    ]

    # A format 1 record (directors by id only), signed before names were added.
    old = {
        "format": 1,
        "voters": [ada, ben, cy],
        "votes": [{"person": ada, "choice": "for", "at": "2026-12-04T00:00:00Z"}],
        "recusals": [{"person": ben, "conflict": "Treasurer of the partner", "at": None}],
        "outcome": "carried",
    }
    key = Ed25519PrivateKey.generate()
    text = record_bytes(old)
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert verify_record(text, key.sign(text), public)
    assert [(e.person, e.name, e.choice, e.recused) for e in record_roll(old)] == [
        (ada, "", "for", False),
        (ben, "", None, True),
        (cy, "", None, False),
    ]
