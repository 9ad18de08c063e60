"""The member register's pages, as a browser without JavaScript uses them: a dry run of
an uploaded export names bad rows by row and column, applying it fills the register,
and one record is edited with the error next to its field."""

from __future__ import annotations

import re

import pytest

from tenants.roles import Role
from tests.members.test_register import register_csv
from tests.web.helpers import browser_for

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

CSV = "text/csv"


async def test_an_administrator_imports_and_edits_on_pages(live_server, factory):
    world = await factory.tenant("regpages", rooms=False)
    url = f"/t/{world.slug}/admin/member-register"
    async with browser_for(live_server, world[Role.ADMIN].email) as (client, csrf):
        bad = register_csv(20, bad=False, prefix="pg")
        bad = bad.replace(b"pg3@example.org", b"pg3-at-example.org")
        dry = await client.post(
            f"{url}/import",
            data={"csrf_token": csrf, "apply": "no", "mode": "all-or-nothing"},
            files={"file": ("export.csv", bad, CSV)},
        )
        assert dry.status_code == 200, dry.text
        assert "What the file would do" in dry.text
        assert "20 rows: 19 to add, 0 to change, 0 lapsed, 0 unchanged, 1 refused." in dry.text
        assert re.search(
            r"<td>5</td><td>10003</td><td>refuse</td>\s*<td>column “E-mail”: "
            r"&#39;pg3-at-example.org&#39; is not an e-mail address",
            dry.text,
        )
        assert "Member No → number" in dry.text

        refused = await client.post(
            f"{url}/import",
            data={"csrf_token": csrf, "apply": "yes", "mode": "all-or-nothing"},
            files={"file": ("export.csv", bad, CSV)},
        )
        assert refused.status_code == 400
        assert "1 of 20 rows are refused, so nothing was imported" in refused.text
        assert "No records: import your membership system" in refused.text

        applied = await client.post(
            f"{url}/import",
            data={"csrf_token": csrf, "apply": "yes", "mode": "skip-bad"},
            files={"file": ("export.csv", bad, CSV)},
        )
        assert applied.status_code == 200
        assert "The register was updated." in applied.text and "19 records." in applied.text

        listing = await client.get(url, params={"q": "10000"})
        record_id = re.search(rf'href="{url}/([0-9a-f-]{{36}})"', listing.text).group(1)
        wrong = await client.post(
            f"{url}/{record_id}",
            data={
                "csrf_token": csrf,
                "name": "Given0 Family0",
                "email": "pg0@example.org",
                "membership_class": "Wizard",
                "status": "lapsed",
                "paid_until": "",
                "joined_on": "",
                "country": "AU",
            },
        )
        assert wrong.status_code == 400
        assert "is not one of the association&#39;s classes" in wrong.text
        saved = await client.post(
            f"{url}/{record_id}",
            data={
                "csrf_token": csrf,
                "name": "Given0 Family0",
                "email": "pg0@example.org",
                "membership_class": "Student",
                "status": "lapsed",
                "paid_until": "2026-06-30",
                "joined_on": "",
                "country": "AU",
            },
            follow_redirects=True,
        )
        assert saved.status_code == 200 and "Record 10000 saved." in saved.text
        lapsed = await client.get(url, params={"status": "lapsed", "q": "10000"})
        assert "<td>Student</td>" in lapsed.text

    async with browser_for(live_server, world[Role.COORDINATOR].email) as (client, _):
        page = await client.get(url)
        assert page.status_code == 200 and "19 records." in page.text
        assert "Import an export" not in page.text and "Edit" not in page.text
