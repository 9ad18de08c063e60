"""The inbox over HTTP: each person sees and marks only their own notifications."""

from __future__ import annotations

import pytest

from tenants.roles import Role


@pytest.fixture(scope="module")
async def world(factory):
    return await factory.tenant("inbox")


def url(world, rest: str = "") -> str:
    return f"/api/v1/t/{world.slug}/notifications{rest}"


async def test_member_sees_own_welcome_and_marks_it_read(api, world):
    member = world[Role.MEMBER]
    page = (await api.get(url(world), headers=member.headers)).json()
    before = page["unread"]
    [entry] = [e for e in page["items"] if e["id"] == str(world.notification_id)]
    assert entry["subject"] == f"Welcome to {world.slug}"
    assert entry["read_at"] is None and entry["link"] == f"/t/{world.slug}"

    marked = await api.post(url(world, f"/{entry['id']}/read"), headers=member.headers)
    assert marked.status_code == 200, marked.text
    assert marked.json()["read_at"] is not None
    again = await api.post(url(world, f"/{entry['id']}/read"), headers=member.headers)
    assert again.json()["read_at"] == marked.json()["read_at"]

    page = (await api.get(url(world), headers=member.headers)).json()
    assert page["unread"] == before - 1
    unread = (await api.get(url(world, "?unread=true"), headers=member.headers)).json()
    assert entry["id"] not in {e["id"] for e in unread["items"]}
    assert all(e["read_at"] is None for e in unread["items"])


async def test_another_persons_entry_is_not_found(api, world):
    admin = world[Role.ADMIN]
    own = (await api.get(url(world), headers=admin.headers)).json()["items"]
    assert str(world.notification_id) not in {e["id"] for e in own}
    theirs = url(world, f"/{world.notification_id}")
    assert (await api.get(theirs, headers=admin.headers)).status_code == 404
    refused = await api.post(theirs + "/read", headers=admin.headers)
    assert refused.status_code == 404
    assert refused.json()["detail"] == f"no notification {world.notification_id}"


async def test_mark_all_read_counts_and_is_audited(api, factory):
    world = await factory.tenant("inbox-all")
    member = world[Role.MEMBER]
    unread = (await api.get(url(world), headers=member.headers)).json()["unread"]
    assert unread >= 1
    response = await api.post(url(world, "/read"), headers=member.headers)
    assert response.json() == {"marked": unread}
    assert (await api.post(url(world, "/read"), headers=member.headers)).json() == {"marked": 0}
    events = await api.get(
        f"/api/v1/t/{world.slug}/audit/events?action=notification.read_all",
        headers=world[Role.AUDITOR].headers,
    )
    assert events.status_code == 200, events.text
    [event] = events.json()["items"]
    assert event["actor"]["person"] == str(member.person_id)


async def test_bad_paging_names_the_field(api, world):
    response = await api.get(url(world, "?limit=0"), headers=world[Role.MEMBER].headers)
    assert response.status_code == 400
    assert "limit" in response.text
    response = await api.get(url(world, "/not-an-id"), headers=world[Role.MEMBER].headers)
    assert response.status_code in (400, 404)
