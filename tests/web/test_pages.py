"""The administration, policy, audit and inbox pages over HTTP, as a browser without
JavaScript uses them: forms, errors next to their fields, confirmations."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from registry.audit.bundle import verify_bundle_lines
from tenants.roles import Role
from tests.web.helpers import browser_for

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def field_error(html: str, field: str) -> str:
    match = re.search(rf'<p class="error-message" id="{field}-error">(.*?)</p>', html, re.S)
    assert match, f"no error next to {field}"
    return re.sub(r"<[^>]+>", "", match.group(1)).replace("Error: ", "").strip()


@pytest.fixture(scope="module")
async def world(factory):
    return await factory.tenant("web-pages")


async def test_admin_adds_a_member_after_fixing_the_address(live_server, world):
    async with browser_for(live_server, world[Role.ADMIN].email) as (client, csrf):
        url = f"/t/{world.slug}/admin/members"
        bad = await client.post(
            url, data={"csrf_token": csrf, "email": "not-an-address", "role": "board"}
        )
        assert bad.status_code == 400
        assert "is not an e-mail address" in field_error(bad.text, "email")
        assert 'value="not-an-address"' in bad.text  # what was typed is kept
        bad_role = await client.post(
            url, data={"csrf_token": csrf, "email": "new.board@example.org", "role": "king"}
        )
        assert "unknown role" in field_error(bad_role.text, "role")
        good = await client.post(
            url,
            data={"csrf_token": csrf, "email": "new.board@example.org", "role": "board"},
        )
        assert good.status_code == 303
        listing = await client.get(good.headers["location"])
        assert "new.board@example.org now holds the role." in listing.text
        again = await client.post(
            url,
            data={"csrf_token": csrf, "email": "new.board@example.org", "role": "board"},
        )
        assert "already holds the role board" in field_error(again.text, "role")


async def test_an_existing_account_is_invited_not_added(live_server, world, factory):
    other = await factory.tenant("web-other", rooms=False)
    async with browser_for(live_server, world[Role.ADMIN].email) as (client, csrf):
        refused = await client.post(
            f"/t/{world.slug}/admin/members",
            data={
                "csrf_token": csrf,
                "email": other[Role.MEMBER].email,
                "role": "member",
                "name": "Overwritten Name",
            },
        )
        assert refused.status_code == 303
        assert "invited=" in refused.headers["location"]
        shown = await client.get(refused.headers["location"])
        assert "An invitation is on its way" in shown.text
    names = await other_names(live_server, other)
    assert names[other[Role.MEMBER].email] == "Member person"


async def other_names(live_server, other) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=live_server) as api:
        page = await api.get(
            f"/api/v1/t/{other.slug}/members?limit=200", headers=other[Role.ADMIN].headers
        )
    return {m["email"]: m["name"] for m in page.json()["items"]}


async def test_removing_a_role_asks_first_and_keeps_the_last_admin(live_server, world):
    async with browser_for(live_server, world[Role.ADMIN].email) as (client, csrf):
        member = world[Role.MEMBER]
        confirm = await client.get(f"/t/{world.slug}/admin/members/{member.membership_id}/remove")
        assert confirm.status_code == 200
        assert "This cannot be undone" in confirm.text
        assert "Yes, remove the role" in confirm.text
        admin = world[Role.ADMIN]
        refused = await client.post(
            f"/t/{world.slug}/admin/members/{admin.membership_id}/remove",
            data={"csrf_token": csrf},
        )
        assert refused.status_code == 409
        assert "last administrator" in refused.text


async def test_settings_show_every_mistake_at_once_then_save(live_server, world):
    async with browser_for(live_server, world[Role.ADMIN].email) as (client, csrf):
        url = f"/t/{world.slug}/admin/settings"
        form = (await client.get(url)).text
        assert 'id="time_zone"' in form
        bad = await client.post(
            url,
            data={
                "csrf_token": csrf,
                "name": "",
                "country": "XX",
                "time_zone": "Mars/Olympus",
                "settings": "{not json",
            },
        )
        assert bad.status_code == 400
        for field in ("name", "country", "time_zone", "settings"):
            assert field_error(bad.text, field)
        assert "not valid JSON" in field_error(bad.text, "settings")
        good = await client.post(
            url,
            data={
                "csrf_token": csrf,
                "name": "Web Pages Association",
                "country": "NZ",
                "time_zone": "Pacific/Auckland",
                "settings": json.dumps({"screening": {"review": 0.8, "block": 0.95}}),
            },
        )
        assert good.status_code == 303
        saved = await client.get(good.headers["location"])
        assert "Settings saved." in saved.text
        assert 'value="Pacific/Auckland"' in saved.text


async def test_token_is_shown_once_and_revoked_after_confirmation(live_server, world):
    async with browser_for(live_server, world[Role.MEMBER].email) as (client, csrf):
        url = f"/t/{world.slug}/tokens"
        bad = await client.post(url, data={"csrf_token": csrf, "label": "x", "expires_days": "0"})
        assert "between 1 and 3650" in field_error(bad.text, "expires_days")
        made = await client.post(
            url, data={"csrf_token": csrf, "label": "script", "expires_days": "30"}
        )
        assert made.status_code == 200
        secret = re.search(r'<code id="new-token">(acc_[^<]+)</code>', made.text).group(1)
        me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        assert me.status_code == 200
        assert secret not in (await client.get(url)).text  # shown once
        row = re.search(r"<tr>\s*<td>script</td>.*?</tr>", made.text, re.S).group(0)
        revoke = re.search(r'href="([^"]+/revoke)"', row).group(1)
        confirm = await client.get(revoke)
        assert "cannot be restored" in confirm.text
        done = await client.post(revoke, data={"csrf_token": csrf})
        assert done.status_code == 303
        assert (
            await client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        ).status_code == 401


async def test_policy_edit_error_by_the_field_then_new_version(live_server, world):
    async with browser_for(live_server, world[Role.ADMIN].email) as (client, csrf):
        base = f"/t/{world.slug}/policies/{world.policy_name}"
        edit = await client.get(f"{base}/edit")
        # The form itself carries the session's CSRF token (a browser posts this one).
        hidden = re.search(r'name="csrf_token" value="([^"]*)"', edit.text.split("<main")[1])
        assert hidden.group(1) == csrf
        document = re.search(r'<textarea id="document"[^>]*>(.*?)</textarea>', edit.text, re.S)
        original = document.group(1).replace("&#34;", '"').replace("&#39;", "'")
        original = original.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        broken = await client.post(
            f"{base}/edit",
            data={"csrf_token": csrf, "format": "toml", "document": original + "\n[[[oops\n"},
        )
        assert broken.status_code == 400
        assert "line" in field_error(broken.text, "document")
        assert "[[[oops" in broken.text  # the text typed is kept for fixing
        same = await client.post(
            f"{base}/edit", data={"csrf_token": csrf, "format": "toml", "document": original}
        )
        assert "nothing was stored" in (await client.get(same.headers["location"])).text
        changed = original.replace('title = "ALIA Mentoring Scheme"', 'title = "Reviewed scheme"')
        assert changed != original
        saved = await client.post(
            f"{base}/edit", data={"csrf_token": csrf, "format": "toml", "document": changed}
        )
        assert saved.status_code == 303
        page = await client.get(saved.headers["location"])
        assert "Saved as version 2." in page.text
        assert "/versions/1" in page.text and "/versions/2" in page.text
        first = await client.get(f"{base}/versions/1")
        assert "Reviewed scheme" not in first.text


async def test_board_reads_policies_but_cannot_edit(live_server, world):
    async with browser_for(live_server, world[Role.BOARD].email) as (client, _):
        base = f"/t/{world.slug}/policies/{world.policy_name}"
        assert "Edit the document" not in (await client.get(base)).text
        refused = await client.get(f"{base}/edit")
        assert refused.status_code == 403


async def test_auditor_filters_events_and_downloads_a_verifiable_export(live_server, factory):
    world = await factory.tenant("web-audit")  # days in UTC, the tenant's zone
    async with browser_for(live_server, world[Role.AUDITOR].email) as (client, _):
        url = f"/t/{world.slug}/audit"
        events = await client.get(url, params={"action": "policy.changed", "who": ""})
        assert events.status_code == 200
        assert "policy.changed" in events.text and "membership.granted" not in events.text
        bad = await client.get(url, params={"since": "yesterday"})
        assert "YYYY-MM-DD" in field_error(bad.text, "since")
        stranger = await client.get(url, params={"who": "nobody@example.org"})
        assert "No member of this association" in field_error(stranger.text, "who")
        admin = world[Role.ADMIN].email
        signed_in = await client.get(url, params={"who": admin, "action": "auth.signed_in"})
        assert signed_in.status_code == 200
        assert "<code>auth.signed_in</code>" not in signed_in.text  # admin never signed in
        mine = await client.get(
            url, params={"who": world[Role.AUDITOR].email, "action": "auth.signed_in"}
        )
        assert "<code>auth.signed_in</code>" in mine.text
        backwards = await client.get(
            f"{url}/export", params={"export_since": "2026-02-01", "export_until": "2026-01-01"}
        )
        assert "must not be before" in field_error(backwards.text, "export_until")
        export = await client.get(f"{url}/export", follow_redirects=True)
        assert export.status_code == 200
        assert "attachment" in export.headers["content-disposition"]
        result = verify_bundle_lines(export.content.splitlines(keepends=True))
        assert result.valid, result.summary()
        report = await client.get(
            f"{url}/report", params={"format": "xlsx", "report_since": "2020-01-01"}
        )
        assert report.status_code == 303
        assert "format=xlsx" in report.headers["location"]
        assert "since=2020-01-01T00%3A00%3A00Z" in report.headers["location"]
        xlsx = await client.get(report.headers["location"])
        assert xlsx.content[:2] == b"PK"


async def test_inbox_mark_read_with_a_form_and_with_htmx(live_server, factory):
    world = await factory.tenant("web-inbox")
    async with browser_for(live_server, world[Role.MEMBER].email) as (client, csrf):
        url = f"/t/{world.slug}/inbox"
        page = await client.get(url)
        assert f"Welcome to {world.slug}" in page.text
        unread = int(re.search(r'aria-label="(\d+) unread"', page.text).group(1))
        row = await client.post(
            f"{url}/{world.notification_id}/read",
            headers={"HX-Request": "true", "X-CSRF-Token": csrf},
        )
        assert row.status_code == 200
        assert row.text.lstrip().startswith(f'<tr id="n-{world.notification_id}"')
        assert "Read" in row.text
        after = await client.get(url)
        left = re.search(r'aria-label="(\d+) unread"', after.text)
        assert (int(left.group(1)) if left else 0) == unread - 1
