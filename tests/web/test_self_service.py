"""A signed-in person's own account: profile, memberships, API tokens and the export
of everything Accord holds about them, through the pages and /api/v1/me."""

from __future__ import annotations

import json
import re

from tenants.roles import Role
from tests.audit.ledger_helpers import events_of
from tests.web.helpers import browser_for

_NEW_TOKEN = re.compile(r'id="new-token" readonly value="([^"]+)"')


async def test_a_person_edits_their_own_profile(live_server, api, factory):
    world = await factory.tenant("self", rooms=False)
    person = world[Role.BOARD]
    async with browser_for(live_server, person.email) as (browser, csrf):
        page = await browser.get("/account")
        assert page.status_code == 200
        assert "Your memberships" in page.text and world.tenant.name in page.text
        bad = await browser.post(
            "/account/profile",
            data={"csrf_token": csrf, "name": "B. Person", "time_zone": "Mars/Olympus"},
        )
        assert bad.status_code == 400
        assert "is not an IANA time zone" in bad.text
        saved = await browser.post(
            "/account/profile",
            data={
                "csrf_token": csrf,
                "name": "B. Person",
                "languages": "English, Tok Pisin",
                "time_zone": "Pacific/Port_Moresby",
            },
        )
        assert saved.status_code == 303
        shown = await browser.get(saved.headers["location"])
        assert "Your profile is saved." in shown.text
        forged = await browser.post("/account/profile", data={"name": "Forged"})
        assert forged.status_code == 403
    me = (await api.get("/api/v1/me", headers=person.headers)).json()
    assert (me["name"], me["languages"], me["time_zone"]) == (
        "B. Person",
        "English, Tok Pisin",
        "Pacific/Port_Moresby",
    )
    updates = [e for e in await events_of(world.tenant.id) if e["action"] == "person.updated"]
    assert updates and updates[-1]["changes"]["time_zone"] == ["", "Pacific/Port_Moresby"]


async def test_the_profile_through_the_api(api, factory):
    world = await factory.tenant("self-api", rooms=False)
    person = world[Role.MEMBER]
    changed = await api.patch("/api/v1/me", json={"languages": "Français"}, headers=person.headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["languages"] == "Français"
    assert changed.json()["name"] == "Member person"  # left out: unchanged
    refused = await api.patch("/api/v1/me", json={"time_zone": "Nowhere"}, headers=person.headers)
    assert refused.status_code == 400
    assert "time_zone" in refused.json()["detail"]


async def test_a_person_creates_and_revokes_their_own_tokens(live_server, api, factory):
    world = await factory.tenant("self-tok", rooms=False)
    other = await factory.tenant("self-tok-other", rooms=False)
    person = world[Role.AUDITOR]
    async with browser_for(live_server, person.email) as (browser, csrf):
        made = await browser.post(
            "/account/tokens",
            data={"csrf_token": csrf, "tenant": world.slug, "label": "spreadsheet"},
        )
        assert made.status_code == 200
        token = _NEW_TOKEN.search(made.text)
        assert token, made.text
        secret = token.group(1)
        headers = {"Authorization": f"Bearer {secret}"}
        assert (await api.get(f"/api/v1/t/{world.slug}/", headers=headers)).status_code == 200
        # Not in an association the person does not belong to.
        refused = await browser.post(
            "/account/tokens", data={"csrf_token": csrf, "tenant": other.slug, "label": "x"}
        )
        assert refused.status_code == 400
        listed = (await api.get("/api/v1/me/tokens", headers=person.headers)).json()
        mine = next(t for t in listed if t["label"] == "spreadsheet")
        assert secret not in json.dumps(listed)
        assert "T" in mine["created_at"]  # an ISO 8601 instant on either engine
        # Someone else's token is not found.
        foreign = await browser.post(
            f"/account/tokens/{world[Role.ADMIN].token_id}/revoke", data={"csrf_token": csrf}
        )
        assert foreign.status_code == 404
        revoked = await browser.post(
            f"/account/tokens/{mine['id']}/revoke", data={"csrf_token": csrf}
        )
        assert revoked.status_code == 303
        page = await browser.get("/account")
        assert "revoked" in page.text
    assert (await api.get(f"/api/v1/t/{world.slug}/", headers=headers)).status_code == 401
    assert (
        await api.get(f"/api/v1/t/{world.slug}/", headers=world[Role.ADMIN].headers)
    ).status_code == 200
    issued = await api.post(
        "/api/v1/me/tokens", json={"tenant": world.slug, "label": "api"}, headers=person.headers
    )
    assert issued.status_code == 201, issued.text
    gone = await api.delete(f"/api/v1/me/tokens/{issued.json()['id']}", headers=person.headers)
    assert gone.status_code == 204


async def test_the_export_holds_memberships_and_applications(live_server, api, factory):
    world = await factory.tenant("self-exp")  # with rooms: the member applied as mentee
    person = world[Role.MEMBER]
    async with browser_for(live_server, person.email) as (browser, _):
        download = await browser.get("/account/export")
    assert download.status_code == 200
    assert "attachment" in download.headers["content-disposition"]
    document = download.json()
    assert document["person"]["email"] == person.email
    assert document["person"]["has_password"] is True
    assert "password_hash" not in download.text
    assert [(m["tenant"], m["role"]) for m in document["memberships"]] == [(world.slug, "member")]
    applications = document["mentoring_applications"]
    assert applications and {(a["tenant"], a["role"]) for a in applications} == {
        (world.slug, "mentee")
    }
    assert isinstance(applications[0]["interests"], list)
    assert {t["label"] for t in document["api_tokens"]} == {"test"}
    assert "token_hash" not in download.text
    assert document["sessions"]  # the one signed in just now
    via_api = await api.get("/api/v1/me/export", headers=person.headers)
    assert via_api.status_code == 200
    assert via_api.json()["memberships"] == document["memberships"]
