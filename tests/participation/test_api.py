"""Participation over HTTP against a real server: what a participant, a coordinator
and a stranger each see and can do, files (CSV, XLSX, iCalendar, PDF), and the
public certificate check."""

from __future__ import annotations

import io
from datetime import date

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from registry.audit.ledger import OPERATOR
from registry.participation import service
from registry.participation.tables import Certificate
from tenants.database import fetch
from tenants.roles import Role
from tenants.scope import TenantScope
from tests.participation.world import headers_for, partnership, person


@pytest.fixture(scope="module")
async def story(factory):
    """An AASW pair (completed, so certificates can be issued after meetings are
    logged), both parties with tokens, and a member who is not in it."""
    world = await factory.tenant("papi")
    scope = TenantScope(world.tenant.id, world.slug)
    mentor = await person(world.tenant, "mentor")
    mentee = await person(world.tenant, "mentee")
    pair = await partnership(scope, mentor, mentee, state="completed")
    return {
        "world": world,
        "scope": scope,
        "pair": pair,
        "base": f"/api/v1/t/{world.slug}",
        "mentor": await headers_for(world.tenant, mentor),
        "mentee": await headers_for(world.tenant, mentee),
        "stranger": world[Role.MEMBER].headers,
        "coordinator": world[Role.COORDINATOR].headers,
    }


async def test_a_party_logs_meetings_and_both_see_hours_in_their_categories(api, story):
    pair, base = story["pair"], story["base"]
    url = f"{base}/mentoring/partnerships/{pair.id}/meetings"
    first = await api.post(
        url,
        json={"held_on": "2025-03-04", "minutes": 60, "mode": "in_person", "notes": "my secret"},
        headers=story["mentee"],
    )
    assert first.status_code == 201, first.text
    assert first.json()["my_notes"] == "my secret"
    second = await api.post(
        url, json={"held_on": "2025-04-01", "minutes": 90, "mode": "video"}, headers=story["mentor"]
    )
    assert second.status_code == 201, second.text
    # The notes are not in the database in clear.
    rows = await fetch(
        "SELECT ciphertext FROM participation_meeting_note WHERE meeting = {}", first.json()["id"]
    )
    assert rows and "secret" not in rows[0]["ciphertext"]
    # Each sees their own notes only; the coordinator sees the meetings without notes.
    mentor_list = (await api.get(url, headers=story["mentor"])).json()
    mentee_list = (await api.get(url, headers=story["mentee"])).json()
    staff_list = (await api.get(url, headers=story["coordinator"])).json()
    assert [m["my_notes"] for m in mentor_list] == [None, None]
    assert [m["my_notes"] for m in mentee_list] == ["my secret", None]
    assert [m["minutes"] for m in staff_list] == [60, 90]
    hours = (
        await api.get(f"{base}/mentoring/partnerships/{pair.id}/hours", headers=story["mentee"])
    ).json()
    by_role = {h["role"]: h for h in hours}
    assert by_role["mentee"]["hours"] == by_role["mentor"]["hours"] == 2.5
    assert by_role["mentee"]["category"] == "Category 1"
    assert by_role["mentee"]["recommended_min_hours"] == 10
    assert by_role["mentee"]["minimum_met"] is False
    assert by_role["mentor"]["category"] == "Category 3"


async def test_bad_meetings_are_refused_naming_the_field(api, story):
    url = f"{story['base']}/mentoring/partnerships/{story['pair'].id}/meetings"
    cases = [
        ({"held_on": "2025-03-04", "minutes": 0, "mode": "video"}, "minutes"),
        ({"held_on": "2025-03-04", "minutes": 30, "mode": "telepathy"}, "mode"),
        ({"held_on": "2024-03-04", "minutes": 30, "mode": "video"}, "held_on"),
        ({"held_on": "2030-03-04", "minutes": 30, "mode": "video"}, "held_on"),
    ]
    for body, field in cases:
        response = await api.post(url, json=body, headers=story["mentor"])
        assert response.status_code == 400, response.text
        assert field in response.json()["detail"]


async def test_strangers_do_not_see_the_partnership_and_staff_cannot_log(api, story):
    base, pair = story["base"], story["pair"]
    for path in ("meetings", "hours", "surveys", "calendar"):
        response = await api.get(
            f"{base}/mentoring/partnerships/{pair.id}/{path}", headers=story["stranger"]
        )
        assert response.status_code == 404, (path, response.text)
    response = await api.post(
        f"{base}/mentoring/partnerships/{pair.id}/meetings",
        json={"held_on": "2025-03-05", "minutes": 30, "mode": "phone"},
        headers=story["coordinator"],
    )
    assert response.status_code == 403
    assert "only the partnership's two parties" in response.json()["detail"]
    mine = (await api.get(f"{base}/hours", headers=story["stranger"])).json()
    assert all(row["partnership_id"] != str(pair.id) for row in mine)


async def test_hours_export_and_calendar(api, story):
    base, pair = story["base"], story["pair"]
    csv_file = await api.get(f"{base}/hours/export", headers=story["coordinator"])
    assert csv_file.status_code == 200, csv_file.text
    assert csv_file.headers["content-type"].startswith("text/csv")
    text = csv_file.content.decode("utf-8-sig")
    assert "Category 1" in text and "Category 3" in text
    xlsx = await api.get(
        f"{base}/hours/export",
        params={"format": "xlsx", "scheme_id": str(pair.scheme_id)},
        headers=story["coordinator"],
    )
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "person" and len(rows) == 3  # header, mentor, mentee
    own = await api.get(f"{base}/hours/export", headers=story["mentee"])
    assert len(own.content.decode("utf-8-sig").strip().splitlines()) == 2  # header and self
    bad = await api.get(f"{base}/hours/export", params={"format": "pdf"}, headers=story["mentee"])
    assert bad.status_code == 400
    ics = await api.get(
        f"{base}/mentoring/partnerships/{pair.id}/calendar", headers=story["mentor"]
    )
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(ics.content).walk("VEVENT")
    assert [e.decoded("dtstart") for e in events] == [date(2025, 3, 4), date(2025, 4, 1)]
    assert b"secret" not in ics.content


async def test_evaluation_survey_is_answered_once_by_each_party(api, story):
    scope, pair, base = story["scope"], story["pair"], story["base"]
    await service.run_daily(scope, actor=OPERATOR, today=date(2025, 9, 30))
    surveys = (
        await api.get(f"{base}/mentoring/partnerships/{pair.id}/surveys", headers=story["mentee"])
    ).json()
    evaluation = next(s for s in surveys if s["kind"] == "evaluation")
    assert evaluation["id"] and evaluation["due_on"] == "2025-10-14"
    answers = {"goals_met": 5, "satisfaction": 4, "recommend": True, "cpd_claimed": True}
    url = f"{base}/surveys/{evaluation['id']}/responses"
    bad = await api.post(
        url, json={"answers": {**answers, "goals_met": 7}}, headers=story["mentee"]
    )
    assert bad.status_code == 400 and "answers.goals_met" in bad.json()["detail"]
    done = await api.post(url, json={"answers": answers}, headers=story["mentee"])
    assert done.status_code == 201, done.text
    assert done.json()["status"] == "answered"
    again = await api.post(url, json={"answers": answers}, headers=story["mentee"])
    assert again.status_code == 409
    staff = (
        await api.get(f"{base}/surveys/{evaluation['id']}", headers=story["coordinator"])
    ).json()
    assert len(staff["responses"]) == 1 and staff["responses"][0]["answers"] == answers


async def test_certificate_download_and_public_verification(api, story):
    base, pair = story["base"], story["pair"]
    refused = await api.post(
        f"{base}/mentoring/partnerships/{pair.id}/certificates", headers=story["mentee"]
    )
    assert refused.status_code == 403
    issued = await api.post(
        f"{base}/mentoring/partnerships/{pair.id}/certificates", headers=story["coordinator"]
    )
    assert issued.status_code == 201, issued.text
    mentee_cert = next(c for c in issued.json() if c["role"] == "mentee")
    assert mentee_cert["hours"] == "2.5" and "Category 1" in mentee_cert["cpd"]
    pdf = await api.get(f"{base}/certificates/{mentee_cert['id']}/pdf", headers=story["mentee"])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and mentee_cert["code"].encode() in pdf.content
    assert b"/verify/certificates/" + mentee_cert["code"].encode() in pdf.content
    # The mentor cannot fetch the mentee's certificate.
    other = await api.get(f"{base}/certificates/{mentee_cert['id']}", headers=story["mentor"])
    assert other.status_code == 404
    # Anyone checks the code, without signing in.
    check = await api.get(mentee_cert["verify_path"])
    assert check.status_code == 200, check.text
    body = check.json()
    assert (body["valid"], body["status"], body["hours"]) == (True, "valid", "2.5")
    assert body["scheme"] == "AASW Mentoring Program" and body["role"] == "mentee"
    unknown = await api.get("/verify/certificates/ACC-AAAA-AAAA-AAAA-AAAA")
    assert unknown.status_code == 404
    garbage = await api.get("/verify/certificates/not-a-code")
    assert garbage.status_code == 404
    # Tampered: the stored person's name changed behind the signature's back.
    row = await Certificate.objects().where(Certificate.id == mentee_cert["id"]).first()
    forged = row.facts.replace('"role":"mentee"', '"role":"mentor"')
    await Certificate.update({Certificate.facts: forged}).where(Certificate.id == row.id)
    tampered = (await api.get(mentee_cert["verify_path"])).json()
    assert (tampered["valid"], tampered["status"]) == (False, "tampered")
    # Revoked.
    mentor_cert = next(c for c in issued.json() if c["role"] == "mentor")
    revoke = await api.post(
        f"{base}/certificates/{mentor_cert['id']}/revoke",
        json={"reason": "issued in error"},
        headers=story["coordinator"],
    )
    assert revoke.status_code == 200, revoke.text
    revoked = (await api.get(mentor_cert["verify_path"])).json()
    assert (revoked["valid"], revoked["status"]) == (False, "revoked")
    assert "issued in error" in revoked["detail"]
