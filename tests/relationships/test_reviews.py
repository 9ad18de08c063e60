"""Periodic reviews of approved relationships of every kind, through the HTTP API on
both engines: an approved in-kind support request comes up for review at the
policy's interval; a review that finds it no longer benefits members cannot
continue; modify needs what changes; end ends it; the board may decide instead."""

from __future__ import annotations

import datetime as dt

from policies.dates import add_months
from registry.audit.ledger import OPERATOR
from registry.relationships.reviews import open_due_reviews
from tenants.roles import Role
from tests.relationships import stories
from tests.relationships.stories import base


async def _approved_in_kind(api, world, name: str) -> dict:
    partner = await stories.create_partner(api, world, name=name, country="PG")
    return await stories.approved(
        api, world, partner["id"], kind="in_kind_support", title="Volunteer cataloguing support"
    )


async def _decide(api, world, request_id: str, body: dict, role: Role = Role.COORDINATOR):
    return await api.post(
        f"{base(world)}/relationship-requests/{request_id}/reviews/decision",
        json=body,
        headers=world[role].headers,
    )


async def test_an_approved_in_kind_relationship_comes_up_for_review(api, world, un_2026):
    request = await _approved_in_kind(api, world, "Port Moresby Community Library")
    due = request["next_review_due"]
    assert due == add_months(dt.date.fromisoformat(request["decided_at"][:10]), 12).isoformat()
    assert request["reviews"] == []

    # The day before it falls due nothing opens; on the day, its review does (once).
    before = dt.date.fromisoformat(due) - dt.timedelta(days=1)
    assert not [
        r
        for r in await open_due_reviews(actor=OPERATOR, on=before, tenant=world.slug)
        if str(r.request_id) == request["id"]
    ]
    opened = await open_due_reviews(
        actor=OPERATOR, on=dt.date.fromisoformat(due), tenant=world.slug
    )
    assert [str(r.request_id) for r in opened] == [request["id"]]
    again = await open_due_reviews(actor=OPERATOR, on=dt.date.fromisoformat(due), tenant=world.slug)
    assert again == []
    listed = await api.get(
        f"{base(world)}/relationship-requests/{request['id']}/reviews",
        headers=world[Role.AUDITOR].headers,
    )
    [review] = listed.json()
    assert review["due_on"] == due and review["decision"] is None
    inbox = await api.get(f"{base(world)}/notifications", headers=world[Role.COORDINATOR].headers)
    assert "relationship_request.review_due" in [n["kind"] for n in inbox.json()["items"]]

    # No longer benefits members: continue is refused; modify must say what changes.
    refused = await _decide(
        api,
        world,
        request["id"],
        {"benefits_members": False, "decision": "continue", "findings": "Nobody volunteered."},
    )
    assert refused.status_code == 409
    assert "no longer benefits members: it cannot simply continue" in refused.json()["detail"]
    unsaid = await _decide(
        api,
        world,
        request["id"],
        {"benefits_members": False, "decision": "modify", "findings": "Nobody volunteered."},
    )
    assert unsaid.status_code == 400 and unsaid.json()["detail"].startswith("changes")
    member = await _decide(
        api, world, request["id"], {"benefits_members": True, "decision": "continue"}, Role.MEMBER
    )
    assert member.status_code == 403

    modified = await _decide(
        api,
        world,
        request["id"],
        {
            "benefits_members": False,
            "decision": "modify",
            "findings": "Nobody volunteered in the second half of the year.",
            "changes": "Remote cataloguing instead of site visits; two volunteers named.",
        },
    )
    assert modified.status_code == 200, modified.text
    assert modified.json()["outcome"] == "continues, modified"
    request = await stories.get_request(api, world, request["id"])
    assert request["state"] == "approved" and request["next_review_due"] > due
    assert request["reviews"][0]["changes"].startswith("Remote cataloguing")

    # The next review ends it.
    started = await api.post(
        f"{base(world)}/relationship-requests/{request['id']}/reviews",
        headers=world[Role.EXECUTIVE].headers,
    )
    assert started.status_code == 201, started.text
    ended = await _decide(
        api,
        world,
        request["id"],
        {"benefits_members": False, "decision": "end", "findings": "The library closed."},
    )
    assert ended.status_code == 200, ended.text
    request = await stories.get_request(api, world, request["id"])
    assert request["state"] == "ended" and request["next_review_due"] is None
    assert "ended by review" in request["outcome_reason"]


async def test_a_review_put_to_the_board_continues_if_the_motion_carries(api, world, un_2026):
    request = await _approved_in_kind(api, world, "Lae Public Library")
    started = await api.post(
        f"{base(world)}/relationship-requests/{request['id']}/reviews",
        headers=world[Role.COORDINATOR].headers,
    )
    assert started.status_code == 201
    to_board = await _decide(
        api,
        world,
        request["id"],
        {
            "benefits_members": False,
            "decision": "board",
            "findings": "Little activity, but the partner asks for one more year.",
        },
    )
    assert to_board.status_code == 200, to_board.text
    motion_id = to_board.json()["motion_id"]
    assert motion_id and to_board.json()["outcome"] == ""
    await stories.vote(api, world, motion_id)
    request = await stories.get_request(api, world, request["id"])
    assert request["state"] == "approved"
    assert "the relationship continues" in request["reviews"][0]["outcome"]
