"""The text policy through the HTTP API (issue 18, item 5): control characters and a
bidirectional override in each affected field are a 400 naming the field, text is
stored as NFC, multi-line fields keep their lines, and the MOU register and intake
pairs exports still answer after a legacy value with control characters is written
straight into the database."""

from __future__ import annotations

import csv
import html
import io
import itertools
import re
from datetime import date, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook

from registry.mentoring.tables import MentoringIntake, MentoringScheme
from registry.mous.tables import Mou
from tenants.roles import Role
from tenants.tables import Person
from tests.board.support import mou_body
from tests.factories import TenantWorld
from tests.web.helpers import browser_for

CHARACTERS = {
    "NUL": "\x00",
    "SOH": "\x01",
    "VT": "\x0b",
    "ESC": "\x1b",
    "C1 NEL": "\x85",
    "RLO": "\u202e",
}
_numbers = itertools.count(1)


@pytest.fixture(scope="module")
async def world(factory) -> TenantWorld:
    return await factory.tenant("txt")


def base(world: TenantWorld) -> str:
    return f"/api/v1/t/{world.slug}"


def _bodies(world: TenantWorld) -> dict[str, tuple[Role, str, Any, str]]:
    """Per affected field: (who, path, body with `bad` as the field's value, field)."""
    partner = str(world.relationships["partner_id"])
    scheme = world.mentoring["scheme_id"]
    return {
        "member name": (
            Role.ADMIN,
            "/members",
            lambda bad: {
                "email": f"new.{next(_numbers)}@example.org",
                "role": "member",
                "name": bad,
            },
            "name",
        ),
        "MOU title": (Role.EXECUTIVE, "/mous", lambda bad: mou_body(partner, title=bad), "title"),
        "scheme name": (
            Role.COORDINATOR,
            "/mentoring/schemes",
            lambda bad: {
                "name": bad,
                "mode": "mentor-mentee",
                "preset": "alia-mentoring",
                "interests": ["leadership"],
            },
            "name",
        ),
        "intake name": (
            Role.COORDINATOR,
            f"/mentoring/schemes/{scheme}/intakes",
            lambda bad: {"name": bad, "starts_on": str(date.today() + timedelta(days=60))},
            "name",
        ),
        "token label": (Role.MEMBER, "/tokens", lambda bad: {"label": bad}, "label"),
        "partner name": (
            Role.COORDINATOR,
            "/partners",
            lambda bad: {"name": bad, "country": "FJ", "kind": "library_association"},
            "name",
        ),
    }


FIELDS = [
    "member name",
    "MOU title",
    "scheme name",
    "intake name",
    "token label",
    "partner name",
]


@pytest.mark.parametrize("what", FIELDS)
@pytest.mark.parametrize("char", list(CHARACTERS), ids=list(CHARACTERS))
async def test_a_control_character_or_override_is_refused_naming_the_field(api, world, what, char):
    role, path, body, field = _bodies(world)[what]
    value = f"Pacific{CHARACTERS[char]}Library"
    response = await api.post(base(world) + path, json=body(value), headers=world[role].headers)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert [e["field"] for e in problem["errors"]] == [field]
    assert f"U+{ord(CHARACTERS[char]):04X}" in problem["detail"]


async def test_names_are_stored_as_nfc(api, world):
    admin = world[Role.ADMIN].headers
    email = f"rene.{next(_numbers)}@example.org"
    added = await api.post(
        base(world) + "/members",
        json={"email": email, "role": "member", "name": "Rene\u0301e Dupre\u0301"},
        headers=admin,
    )
    assert added.status_code == 201, added.text
    members = await api.get(base(world) + "/members?limit=200", headers=admin)
    names = {m["email"]: m["name"] for m in members.json()["items"]}
    assert names[email] == "Renée Dupré"

    partner = await api.post(
        base(world) + "/partners",
        json={"name": "Bibliothe\u0300que nationale", "country": "FR", "kind": "library"},
        headers=world[Role.COORDINATOR].headers,
    )
    assert partner.status_code == 201, partner.text
    shown = await api.get(
        base(world) + f"/partners/{partner.json()['id']}", headers=world[Role.COORDINATOR].headers
    )
    assert shown.json()["name"] == "Bibliothèque nationale"


async def test_multi_line_fields_keep_newlines_and_tabs_one_line_fields_refuse_them(api, world):
    executive = world[Role.EXECUTIVE].headers
    partner = world.relationships["partner_id"]
    terms = "Staff exchanges:\n\t- joint webinars\r\n\t- shared training"
    created = await api.post(
        base(world) + "/mous",
        json=mou_body(partner, working_relationships=terms),
        headers=executive,
    )
    assert created.status_code == 201, created.text
    shown = await api.get(base(world) + f"/mous/{created.json()['id']}", headers=executive)
    assert shown.json()["working_relationships"] == (
        "Staff exchanges:\n\t- joint webinars\n\t- shared training"
    )
    for title in ("Two\nlines", "A\ttab"):
        refused = await api.post(
            base(world) + "/mous", json=mou_body(partner, title=title), headers=executive
        )
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["field"] == "title"


def _legacy(engine: str) -> str:
    """A value as stored before the policy: PostgreSQL never could hold NUL."""
    return ("\x00" if engine == "sqlite" else "") + "Legacy\x01\x0b\x1b[31m"


def _shown(legacy: str) -> str:
    """The legacy value as an export shows it: each control character as U+FFFD."""
    return "".join("\ufffd" if ord(c) < 0x20 else c for c in legacy)


async def test_mou_register_exports_after_a_legacy_control_character(api, world, database):
    legacy = _legacy(database)
    await Mou.update({Mou.title: legacy + " title"}).where(Mou.id == world.mou_id)
    headers = world[Role.EXECUTIVE].headers
    xlsx = await api.get(base(world) + "/mous/export?format=xlsx", headers=headers)
    assert xlsx.status_code == 200, xlsx.text
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert _shown(legacy) + " title" in cells
    exported = await api.get(base(world) + "/mous/export?format=csv", headers=headers)
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert any("\ufffd[31m title" in cell for row in rows for cell in row)
    assert "\x1b" not in exported.text


async def test_intake_pairs_export_after_legacy_control_characters(api, world, database):
    legacy = _legacy(database)
    intake_id = world.mentoring["intake_id"]
    await MentoringIntake.update({MentoringIntake.name: legacy + " intake"}).where(
        MentoringIntake.id == intake_id
    )
    await MentoringScheme.update({MentoringScheme.name: legacy + " scheme"}).where(
        MentoringScheme.id == world.mentoring["scheme_id"]
    )
    await Person.update({Person.name: legacy + " mentee"}).where(
        Person.id == world[Role.MEMBER].person_id
    )
    path = base(world) + f"/mentoring/intakes/{intake_id}/pairs.xlsx"
    xlsx = await api.get(path, headers=world[Role.COORDINATOR].headers)
    assert xlsx.status_code == 200, xlsx.text
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    text = " ".join(
        c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)
    )
    assert "\ufffd[31m scheme" in text and "\ufffd[31m intake" in text
    assert "\ufffd[31m mentee" in text


# -- pages -------------------------------------------------------------------------


def _beside(html: str, field: str) -> str:
    """The error shown next to a form field."""
    match = re.search(rf'<p class="error-message" id="{field}-error">(.*?)</p>', html, re.S)
    assert match, f"no error next to {field}"
    return re.sub(r"<[^>]+>", "", match.group(1))


async def test_pages_refuse_control_characters_and_overrides_naming_the_field(live_server, world):
    slug = world.slug
    async with browser_for(live_server, world[Role.ADMIN].email) as (client, csrf):
        for value in ("Evil\x1b[31m", "Evil\u202eName"):
            added = await client.post(
                f"/t/{slug}/admin/members",
                data={"csrf_token": csrf, "email": "page.new@example.org", "role": "member"}
                | {"name": value},
            )
            assert added.status_code == 400
            assert "name: must not contain" in html.unescape(added.text)
        members = await client.get(f"/t/{slug}/admin/members")
        assert "page.new@example.org" not in members.text
    async with browser_for(live_server, world[Role.COORDINATOR].email) as (client, csrf):
        partner = {"csrf_token": csrf, "country": "VU", "kind": "library_association"}
        override = await client.post(
            f"/t/{slug}/partners", data=partner | {"name": "Vanuatu\u202eLibrary"}
        )
        assert override.status_code == 400
        assert "bidirectional control U+202E" in _beside(override.text, "name")
        nul = await client.post(f"/t/{slug}/partners", data=partner | {"notes": "a\x00b"})
        assert nul.status_code == 400
        assert "notes: must not contain the control character U+0000" in html.unescape(nul.text)
        scheme = await client.post(
            f"/t/{slug}/mentoring/schemes",
            data={
                "csrf_token": csrf,
                "name": "Scheme\u202e",
                "preset": "alia-mentoring",
                "interests": "leadership",
            },
        )
        assert scheme.status_code == 400
        assert "bidirectional control U+202E" in _beside(scheme.text, "name")
