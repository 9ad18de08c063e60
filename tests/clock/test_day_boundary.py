"""The association's day at the day boundary, through the HTTP API of a real server.

Each test moves its tenant to a zone that is on another calendar day than UTC right
now (Pacific/Kiritimati, UTC+14, from 10:00 UTC; Pacific/Pago_Pago, UTC-11, before),
so a date rule read on UTC's day would answer differently from one read on the
association's. Nothing in the product is told what time it is: the server reads its
own clock. A test run within five minutes of either midnight is skipped, since the
days could turn while it runs.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from registry.audit.ledger import OPERATOR
from tenants.roles import Role
from tenants.scope import TenantScope
from tenants.service import update_tenant
from tests.board.support import board_of, draft_mou, motion_on, vote
from tests.factories import TenantWorld
from tests.mentoring.stories import application, apply, base, coordinator, person, programme
from tests.participation.world import headers_for, partnership
from tests.participation.world import person as participant
from tests.relationships import stories
from tests.web.helpers import browser_for

DAY = timedelta(days=1)


def another_day() -> tuple[str, date]:
    """A zone whose calendar is on another day than UTC's now, and its today."""
    now = datetime.now(UTC)
    zone = "Pacific/Kiritimati" if now.hour >= 10 else "Pacific/Pago_Pago"
    local = now.astimezone(ZoneInfo(zone))
    for moment in (now, local):
        minutes = moment.hour * 60 + moment.minute
        if minutes < 5 or minutes >= 24 * 60 - 5:
            pytest.skip("within five minutes of midnight: the days could turn during the test")
    assert local.date() != now.date()
    return zone, local.date()


async def move_to(world: TenantWorld, zone: str) -> None:
    await update_tenant(world.slug, time_zone=zone, actor=OPERATOR)


@pytest.fixture
async def un_2026(database):
    """Signatories are screened when named: the list the board's policy binds is stored."""
    await stories.clear_lists()
    yield await stories.load_list("un", stories.UN_2026)
    await stories.clear_lists()


async def test_an_mou_signed_and_in_force_on_the_associations_today(api, factory, un_2026):
    zone, today = another_day()
    board = await board_of(factory, 1, prefix="clock-mou")
    await move_to(board.world, zone)
    mou = await draft_mou(
        api, board, effective_date=str(today), expires_on=str(today + 3 * 365 * DAY)
    )
    motion = await motion_on(api, board, mou["id"])
    for director in board.directors:
        assert (await vote(api, board, motion["id"], director, "for")).status_code == 200
    url = f"{board.base}/mous/{mou['id']}"

    def signing(day: date) -> dict[str, object]:
        return {
            "signatories": [
                {"name": "Chief Executive", "position": "CEO", "signed_on": str(day)},
                {"partner_id": str(board.partner_id), "name": "President", "signed_on": str(day)},
            ],
            "document_sha256": "ab" * 32,
        }

    tomorrow = await api.post(f"{url}/signing", json=signing(today + DAY), headers=board.executive)
    assert tomorrow.status_code == 400, tomorrow.text
    assert "signed_on" in tomorrow.text and "in the future" in tomorrow.text
    signed = await api.post(f"{url}/signing", json=signing(today), headers=board.executive)
    assert signed.status_code == 200, signed.text
    assert signed.json()["state"] == "signed"
    # It takes effect today, the association's today: it can be brought into force.
    active = await api.post(f"{url}/activation", headers=board.executive)
    assert active.status_code == 200, active.text
    assert active.json()["state"] == "active"


async def test_a_meeting_held_on_the_associations_today_is_logged(api, factory):
    zone, today = another_day()
    world = await factory.tenant("clock-meet")
    await move_to(world, zone)
    scope = TenantScope(world.tenant.id, world.slug)
    mentor = await participant(world.tenant, "mentor")
    mentee = await participant(world.tenant, "mentee")
    pair = await partnership(
        scope,
        mentor,
        mentee,
        starts_on=today - 30 * DAY,
        midway_review_on=today + 30 * DAY,
        ends_on=today + 60 * DAY,
        evaluation_due_on=today + 74 * DAY,
    )
    url = f"/api/v1/t/{world.slug}/mentoring/partnerships/{pair.id}/meetings"
    headers = await headers_for(world.tenant, mentee)
    meeting = {"minutes": 45, "mode": "video"}
    early = await api.post(url, json={**meeting, "held_on": str(today + DAY)}, headers=headers)
    assert early.status_code == 400, early.text
    assert "held_on" in early.text and "in the future" in early.text
    held = await api.post(url, json={**meeting, "held_on": str(today)}, headers=headers)
    assert held.status_code == 201, held.text
    assert held.json()["held_on"] == str(today)


async def test_applications_close_at_the_end_of_the_associations_day(api, factory):
    zone, today = another_day()
    world = await factory.tenant("clock-apply")
    await move_to(world, zone)
    window = {"applications_open": str(today - 10 * DAY)}
    closing_today = await programme(
        api, world, "aasw-mentoring", **window, applications_close=str(today)
    )
    response = await api.post(
        f"{base(world)}/schemes/{closing_today.scheme_id}/intakes",
        json={
            "name": "Closed yesterday",
            # AASW runs one intake a year: this one is the next year's.
            "starts_on": str(
                date.fromisoformat(closing_today.intake["starts_on"]).replace(
                    year=int(closing_today.intake["starts_on"][:4]) + 1
                )
            ),
            **window,
            "applications_close": str(today - DAY),
        },
        headers=coordinator(world),
    )
    assert response.status_code == 201, response.text
    closed_yesterday = response.json()["id"]

    who = await person(factory, world, "mentee")
    late = await api.post(
        f"{base(world)}/intakes/{closed_yesterday}/applications",
        json=application(closing_today.preset, "mentee"),
        headers=who.headers,
    )
    assert late.status_code == 403, late.text
    assert "after they close" in late.json()["detail"]
    accepted = await apply(api, closing_today, who, "mentee")
    assert accepted["status"] in ("accepted", "referred")


async def test_times_on_pages_and_in_exports_are_the_associations(api, live_server, factory):
    """An association in Canberra reads its audit events and its register export in
    Canberra time, the zone named (AEDT in summer, AEST in winter), not UTC."""
    world = await factory.tenant("clock-show")
    await move_to(world, "Australia/Canberra")
    canberra = ZoneInfo("Australia/Canberra")
    async with browser_for(live_server, world[Role.AUDITOR].email) as (client, _):
        events = await client.get(f"/t/{world.slug}/audit", params={"action": "policy.changed"})
    assert events.status_code == 200
    assert (
        "Time (UTC)" not in events.text
        and "Days and times are in Australia/Canberra" in events.text
    )
    # The policy stored when the tenant was set up: its event shows in Canberra time.
    start = events.text.index('<time datetime="')
    stamp = events.text[start + len('<time datetime="') :].split('"', 1)[0]
    local = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(canberra)
    assert local.tzname() in ("AEDT", "AEST")
    shown = f"{local.day} {local:%b %Y %H:%M} {local.tzname()}"
    assert shown in events.text

    before = datetime.now(canberra).replace(second=0, microsecond=0)
    export = await api.get(
        f"/api/v1/t/{world.slug}/relationships/export",
        params={"format": "xlsx"},
        headers=world[Role.COORDINATOR].headers,
    )
    assert export.status_code == 200, export.text
    title = load_workbook(io.BytesIO(export.content)).active["A1"].value
    stamp, zone_named = title.rsplit(", ", 1)[1].rsplit(" ", 1)
    assert zone_named == before.tzname()  # AEDT or AEST, not UTC
    made = datetime.strptime(stamp, "%Y-%m-%d %H:%M").replace(tzinfo=canberra)
    assert before <= made <= datetime.now(canberra)
