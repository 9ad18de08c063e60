"""Board motions through the HTTP API: quorum and majority at their boundaries,
recusal against abstention, changing a vote, who may vote, and the signed record."""

from __future__ import annotations

import hashlib
import json

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from registry.board.tables import Ballot
from tenants.roles import Role
from tests.board.support import (
    accord,
    after_deadline,
    approval_motion,
    board_of,
    recuse,
    vote,
)


async def motion(api, board, motion_id):
    response = await api.get(f"{board.base}/motions/{motion_id}", headers=board.executive)
    assert response.status_code == 200, response.text
    return response.json()


async def decide_at_deadline(api, board, motion_id):
    accord(
        "motions", "close-due", "--tenant", board.world.slug, "--as-of", after_deadline(), "--apply"
    )
    return await motion(api, board, motion_id)


async def mou_state(api, board, mou_id):
    response = await api.get(f"{board.base}/mous/{mou_id}", headers=board.executive)
    return response.json()["state"]


async def test_opening_notifies_the_roll_and_snapshots_the_board(api, factory):
    board = await board_of(factory, 3)
    mou_id, motion_id = await approval_motion(api, board)
    opened = await motion(api, board, motion_id)
    assert opened["status"] == "open"
    assert opened["subject_kind"] == "mou_approval" and opened["subject_id"] == mou_id
    assert {b["person_id"] for b in opened["ballots"]} == {
        str(d.person_id) for d in board.directors
    }
    assert opened["quorum_fraction"] == 0.5 and opened["majority"] == "simple"
    assert opened["policy_name"] == "international"
    inbox = await api.get(f"{board.base}/notifications", headers=board.directors[1].headers)
    assert any(n["kind"] == "motion.opened" for n in inbox.json()["items"])


async def test_quorum_is_half_the_board_exactly(api, factory):
    """Four directors, quorum two: one vote is not quorate, two are."""
    board = await board_of(factory, 4)
    _, short = await approval_motion(api, board)
    mou_id, enough = await approval_motion(api, board)
    assert (await vote(api, board, short, board.directors[0], "for")).status_code == 200
    for director in board.directors[:2]:
        assert (await vote(api, board, enough, director, "for")).status_code == 200
    # A week on, as a dry run: it says what it would decide and decides nothing.
    rehearsed = accord(
        "motions", "close-due", "--tenant", board.world.slug, "--as-of", after_deadline()
    )
    assert f"{short}\tlost" in rehearsed and f"{enough}\tcarried" in rehearsed
    assert (await motion(api, board, short))["status"] == "open"
    assert (await motion(api, board, enough))["status"] == "open"
    assert await mou_state(api, board, mou_id) == "draft"
    accord(
        "motions", "close-due", "--tenant", board.world.slug, "--as-of", after_deadline(), "--apply"
    )
    lost = await motion(api, board, short)
    carried = await motion(api, board, enough)
    assert lost["status"] == "lost" and not lost["tally"]["quorate"]
    assert "not quorate" in lost["outcome_reason"]
    assert carried["status"] == "carried" and carried["tally"]["quorate"]
    assert carried["tally"]["quorum_needed"] == 2 and carried["tally"]["quorum_present"] == 2
    assert await mou_state(api, board, mou_id) == "approved"


async def test_a_tied_vote_is_lost_and_one_more_for_carries(api, factory):
    board = await board_of(factory, 4)
    mou_tied, tied = await approval_motion(api, board)
    _, ahead = await approval_motion(api, board)
    for director, choice in zip(board.directors, ["for", "for", "against", "against"], strict=True):
        response = await vote(api, board, tied, director, choice)
        assert response.status_code == 200
    for director, choice in zip(board.directors, ["for", "for", "against", "abstain"], strict=True):
        await vote(api, board, ahead, director, choice)
    # Every director acted: both closed at once, without waiting for the deadline.
    assert (await motion(api, board, tied))["status"] == "lost"
    assert (await motion(api, board, ahead))["status"] == "carried"
    assert await mou_state(api, board, mou_tied) == "draft"


async def test_two_thirds_majority_from_the_tenants_policy(api, factory):
    board = await board_of(factory, 3)
    document = (
        (await api.get(f"{board.base}/policies/international", headers=board.executive))
        .json()["document"]
        .replace('majority = "simple"', 'majority = "two-thirds"')
    )
    changed = await api.put(
        f"{board.base}/policies/international",
        json={"document": document},
        headers=board.world[Role.ADMIN].headers,
    )
    assert changed.status_code == 200, changed.text
    _, exactly = await approval_motion(api, board)
    _, short = await approval_motion(api, board)
    for director, choice in zip(board.directors, ["for", "for", "against"], strict=True):
        await vote(api, board, exactly, director, choice)
    for director, choice in zip(board.directors, ["for", "against", "abstain"], strict=True):
        await vote(api, board, short, director, choice)
    assert (await motion(api, board, exactly))["status"] == "carried"
    assert (await motion(api, board, short))["status"] == "lost"
    assert (await motion(api, board, exactly))["majority"] == "two-thirds"


async def test_recusal_does_not_count_towards_quorum_and_abstention_does(api, factory):
    board = await board_of(factory, 4)
    _, abstained = await approval_motion(api, board)
    _, recused = await approval_motion(api, board)
    await vote(api, board, abstained, board.directors[0], "for")
    await vote(api, board, abstained, board.directors[1], "abstain")
    await vote(api, board, recused, board.directors[0], "for")
    response = await recuse(api, board, recused, board.directors[1], "I chair the partner.")
    assert response.status_code == 200, response.text
    assert response.json()["tally"]["recused"] == 1
    accord(
        "motions", "close-due", "--tenant", board.world.slug, "--as-of", after_deadline(), "--apply"
    )
    carried = await motion(api, board, abstained)
    lost = await motion(api, board, recused)
    assert carried["status"] == "carried" and carried["tally"]["quorum_present"] == 2
    assert lost["status"] == "lost" and lost["tally"]["quorum_present"] == 1
    assert lost["tally"]["present"] == 2  # the recused director was there
    ballot = next(b for b in lost["ballots"] if b["person_id"] == str(board.directors[1].person_id))
    assert ballot["recused"] and ballot["conflict"] == "I chair the partner."
    assert ballot["choice"] is None


async def test_a_recused_director_cannot_vote_and_a_recusal_withdraws_a_vote(api, factory):
    board = await board_of(factory, 3)
    _, motion_id = await approval_motion(api, board)
    director = board.directors[0]
    await vote(api, board, motion_id, director, "for")
    await recuse(api, board, motion_id, director, "Related to the partner's president.")
    after = await motion(api, board, motion_id)
    assert after["tally"]["votes_for"] == 0 and after["tally"]["recused"] == 1
    refused = await vote(api, board, motion_id, director, "for")
    assert refused.status_code == 409 and "recused" in refused.json()["detail"]
    again = await recuse(api, board, motion_id, director, "twice")
    assert again.status_code == 409


async def test_quorum_out_of_reach_closes_the_motion_at_once(api, factory):
    board = await board_of(factory, 4)
    _, motion_id = await approval_motion(api, board)
    for director in board.directors[:3]:
        await recuse(api, board, motion_id, director, "conflict")
    closed = await motion(api, board, motion_id)
    assert closed["status"] == "lost" and "not quorate" in closed["outcome_reason"]


async def test_a_vote_can_be_changed_until_the_motion_closes(api, factory):
    board = await board_of(factory, 3)
    _, motion_id = await approval_motion(api, board)
    first, second, third = board.directors
    await vote(api, board, motion_id, first, "against")
    changed = await vote(api, board, motion_id, first, "for")
    assert changed.status_code == 200
    assert changed.json()["tally"]["votes_for"] == 1
    assert changed.json()["tally"]["votes_against"] == 0
    await vote(api, board, motion_id, second, "for")
    final = await vote(api, board, motion_id, third, "abstain")
    assert final.json()["status"] == "carried"
    late = await vote(api, board, motion_id, first, "against")
    assert late.status_code == 409 and "votes are final" in late.json()["detail"]
    events = await api.get(
        f"{board.base}/audit/events",
        params={"object_id": motion_id, "action": "motion.vote_changed"},
        headers=board.world[Role.AUDITOR].headers,
    )
    (event,) = events.json()["items"]
    assert event["changes"]["choice"] == ["against", "for"]


async def test_nobody_outside_the_roll_votes(api, factory):
    board = await board_of(factory, 2)
    _, motion_id = await approval_motion(api, board)
    for role in (Role.MEMBER, Role.EXECUTIVE, Role.ADMIN, Role.COORDINATOR):
        response = await vote(api, board, motion_id, board.world[role], "for")
        assert response.status_code == 403, (role, response.text)
        assert "roll" in response.json()["detail"]
    late_director = await factory.party(
        board.world.tenant, Role.BOARD, f"late.{board.world.slug}@example.org"
    )
    response = await vote(api, board, motion_id, late_director, "for")
    assert response.status_code == 403
    assert (await motion(api, board, motion_id))["tally"]["votes_for"] == 0


async def test_nobody_votes_twice(api, factory):
    board = await board_of(factory, 2)
    _, motion_id = await approval_motion(api, board)
    director = board.directors[0]
    for _ in range(3):
        assert (await vote(api, board, motion_id, director, "for")).status_code == 200
    tally = (await motion(api, board, motion_id))["tally"]
    assert tally["votes_for"] == 1 and tally["not_voted"] == 1
    # The roll itself refuses a second ballot for the same director.
    with pytest.raises(Exception, match=r"(?i)unique"):
        await board.scope.create(Ballot, motion=motion_id, person=director.person_id)


async def test_a_vote_after_the_deadline_closes_the_motion_and_is_refused(api, factory):
    board = await board_of(factory, 3)
    mou_id, motion_id = await approval_motion(api, board)
    response = await api.post(
        f"{board.base}/mous/{mou_id}/motions",
        json={"purpose": "approval", "closes_at": "2020-01-01T00:00:00Z"},
        headers=board.executive,
    )
    assert response.status_code == 400 and "closes_at" in response.json()["detail"]
    await vote(api, board, motion_id, board.directors[0], "for")
    await vote(api, board, motion_id, board.directors[1], "for")
    decided = await decide_at_deadline(api, board, motion_id)
    assert decided["status"] == "carried"
    refused = await vote(api, board, motion_id, board.directors[2], "for")
    assert refused.status_code == 409


async def test_the_decision_is_signed_and_referenced_from_the_audit_log(api, factory):
    board = await board_of(factory, 3)
    _, motion_id = await approval_motion(api, board)
    open_record = await api.get(
        f"{board.base}/motions/{motion_id}/decision", headers=board.executive
    )
    assert open_record.status_code == 409
    await recuse(api, board, motion_id, board.directors[0], "Former employee of the partner.")
    await vote(api, board, motion_id, board.directors[1], "for")
    await vote(api, board, motion_id, board.directors[2], "against")
    auditor = board.world[Role.AUDITOR].headers
    decision = (await api.get(f"{board.base}/motions/{motion_id}/decision", headers=auditor)).json()
    assert decision["verified"]
    record = decision["record"].encode()
    assert hashlib.sha256(record).hexdigest() == decision["sha256"]
    keys = (await api.get(f"{board.base}/keys", headers=auditor)).json()
    public = next(k["public_key"] for k in keys if k["key_id"] == decision["key_id"])
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public))
    key.verify(bytes.fromhex(decision["signature"]), record)  # raises if it does not verify
    changed = record.replace(b'"outcome":"lost"', b'"outcome":"carried"')
    assert changed != record
    with pytest.raises(InvalidSignature):
        key.verify(bytes.fromhex(decision["signature"]), changed)
    body = json.loads(record)
    assert body["outcome"] == "lost" and body["tally"]["recused"] == 1
    assert [r["person"] for r in body["recusals"]] == [str(board.directors[0].person_id)]
    assert {v["choice"] for v in body["votes"]} == {"for", "against"}
    events = await api.get(
        f"{board.base}/audit/events",
        params={"object_id": motion_id, "action": "motion.decided"},
        headers=auditor,
    )
    (event,) = events.json()["items"]
    assert event["changes"]["decision_sha256"] == [None, decision["sha256"]]
    assert event["seq"] == decision["audit_seq"]


async def test_executives_hear_of_the_decision(api, factory):
    board = await board_of(factory, 1)
    _, motion_id = await approval_motion(api, board)
    await vote(api, board, motion_id, board.directors[0], "for")
    inbox = await api.get(f"{board.base}/notifications", headers=board.executive)
    assert any(n["kind"] == "motion.decided" for n in inbox.json()["items"])


async def test_motions_list_filters_and_pages(api, factory):
    board = await board_of(factory, 1)
    mou_id, first = await approval_motion(api, board)
    _, second = await approval_motion(api, board)
    await vote(api, board, first, board.directors[0], "for")
    reader = board.world[Role.BOARD].headers
    page = await api.get(f"{board.base}/motions", params={"status": "open"}, headers=reader)
    ids = [m["id"] for m in page.json()["items"]]
    assert second in ids and first not in ids
    page = await api.get(f"{board.base}/motions", params={"subject_id": mou_id}, headers=reader)
    assert [m["id"] for m in page.json()["items"]] == [first]
    page = await api.get(f"{board.base}/motions", params={"limit": 1}, headers=reader)
    assert len(page.json()["items"]) == 1 and page.json()["next_offset"] == 1
    bad = await api.get(f"{board.base}/motions", params={"status": "maybe"}, headers=reader)
    assert bad.status_code == 400 and "status" in bad.text
    member = await api.get(f"{board.base}/motions", headers=board.world[Role.MEMBER].headers)
    assert member.status_code == 403


async def test_a_board_of_none_cannot_be_asked(api, factory):
    board = await board_of(factory, 1)
    removed = await api.delete(
        f"{board.base}/members/{board.directors[0].membership_id}",
        headers=board.world[Role.ADMIN].headers,
    )
    assert removed.status_code in (200, 204), removed.text
    mou = await api.post(
        f"{board.base}/mous",
        json={
            "title": "x",
            "parties": [str(board.partner_id)],
            "working_relationships": "Joint webinars.",
            "shared_interests": "Library education.",
            "common_understanding": "Each party bears its own costs.",
            "effective_date": "2026-01-01",
            "expires_on": "2030-01-01",
        },
        headers=board.executive,
    )
    response = await api.post(
        f"{board.base}/mous/{mou.json()['id']}/motions",
        json={"purpose": "approval", "closes_at": "2031-01-01T00:00:00Z"},
        headers=board.executive,
    )
    assert response.status_code == 409 and "no board members" in response.json()["detail"]
