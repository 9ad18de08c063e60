"""Languages as ISO 639 codes, the partner background a peer asks for, and coordinators
correcting their set-up (schemes and intakes edited and deleted, a window moved, a fee
refunded, pins that can work), all through the HTTP API."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tenants.roles import Role
from tests.mentoring.stories import (
    Programme,
    applicants,
    apply,
    base,
    coordinator,
    matched_pair,
    partnerships,
    person,
    programme,
    publish,
    run_matching,
)
from tests.web.helpers import browser_for


async def _events(api, world, object_id: str) -> list[str]:
    response = await api.get(
        f"/api/v1/t/{world.slug}/audit/events",
        params={"object_id": object_id},
        headers=world[Role.AUDITOR].headers,
    )
    assert response.status_code == 200, response.text
    return [event["action"] for event in response.json()["items"]]


# --- languages --------------------------------------------------------------------------


async def test_language_names_and_codes_match_each_other(api, factory):
    world = await factory.tenant("langs")
    prog = await programme(api, world, "alia-mentoring")
    ((_, mentor_app),) = await applicants(
        api, factory, prog, "mentor", 1, languages=["English"], capacity=2
    )
    assert mentor_app["languages"] == ["en"]
    (_, by_code), (_, by_three) = [
        *await applicants(api, factory, prog, "mentee", 1, languages=["en"]),
        *await applicants(api, factory, prog, "mentee", 1, languages=["eng", "french"]),
    ]
    assert by_three["languages"] == ["en", "fr"]

    run = await run_matching(api, prog)
    assert run["unmatched"] == [], run["unmatched"]
    assert {(p["a"], p["b"]) for p in run["pairs"]} == {
        (by_code["id"], mentor_app["id"]),
        (by_three["id"], mentor_app["id"]),
    }


async def test_languages_stored_as_free_text_are_read_as_codes(api, factory):
    """Rows from before codes were enforced ("english") match "en" without a rewrite."""
    from registry.mentoring.tables import MentoringApplication
    from tenants.scope import TenantScope

    world = await factory.tenant("legacy-langs")
    prog = await programme(api, world, "alia-mentoring")
    ((_, mentor),) = await applicants(api, factory, prog, "mentor", 1)
    ((_, mentee),) = await applicants(api, factory, prog, "mentee", 1)
    scope = TenantScope(world.tenant.id, str(world.tenant.slug))
    await scope.update(
        MentoringApplication, {MentoringApplication.languages: '["english", "Elvish"]'}
    ).where(MentoringApplication.id == mentor["id"])
    shown = await api.get(f"{prog.base}/applications/{mentor['id']}", headers=coordinator(world))
    assert shown.json()["languages"] == ["en", "elvish"]
    run = await run_matching(api, prog)
    assert [(p["a"], p["b"]) for p in run["pairs"]] == [(mentee["id"], mentor["id"])]


async def test_an_unknown_language_is_refused_naming_it(api, factory):
    world = await factory.tenant("klingon")
    prog = await programme(api, world, "alia-mentoring")
    who = await person(factory, world)
    refused = await apply(api, prog, who, "mentee", expect=400, languages=["English", "Klingonese"])
    assert "Klingonese" in refused["detail"], refused
    mine = await api.get(f"{prog.base}/applications", headers=who.headers)
    assert mine.json() == []  # nothing stored


# --- the partner background a peer asks for ---------------------------------------------


#: French-speaking peers elsewhere: they make the round big enough for ILN's 20% country
#: cap to leave one place a country, and cannot be paired with the English speakers.
FILLER_COUNTRIES = ["IN", "US", "ZA", "PH", "SG", "JP", "FR"]


async def _round(api, factory, name: str, peers: list[dict[str, Any]]):
    """An ILN round of `peers` (English speakers) and seven fillers; the run's pairs
    among `peers` only."""
    world = await factory.tenant(name)
    prog = await programme(api, world, "iln-peer")
    apps = []
    for overrides in peers:
        who = await person(factory, world)
        apps.append(await apply(api, prog, who, "peer", **overrides))
    for country in FILLER_COUNTRIES:
        await apply(
            api, prog, await person(factory, world), "peer", country=country, languages=["fr"]
        )
    run = await run_matching(api, prog)
    ours = {a["id"] for a in apps}
    pairs = {frozenset((p["a"], p["b"])) for p in run["pairs"]}
    return apps, {pair for pair in pairs if pair <= ours}, run


async def test_a_peer_wanting_a_different_background_is_paired_across_sectors(api, factory):
    apps, pairs, run = await _round(
        api,
        factory,
        "different",
        [
            {
                "country": "AU",
                "sector": "public",
                "career_stage": 1,
                "partner_background": "different",
            },
            {
                "country": "NZ",
                "sector": "public",
                "career_stage": 3,
                "partner_background": "similar",
            },
            {"country": "FJ", "sector": "academic", "career_stage": 5},
        ],
    )
    wants_different, _, academic = apps
    assert wants_different["partner_background"] == "different"
    assert academic["partner_background"] == "either"  # the default
    assert pairs == {frozenset((wants_different["id"], academic["id"]))}, run
    (pair,) = [p for p in run["pairs"] if wants_different["id"] in (p["a"], p["b"])]
    assert pair["breakdown"]["sector"] == 1.0  # both wishes met: the full sector weight


async def test_a_peer_wanting_someone_similar_is_paired_within_the_sector(api, factory):
    apps, pairs, run = await _round(
        api,
        factory,
        "similar",
        [
            {"country": "GB", "sector": "public", "partner_background": "similar"},
            {"country": "CA", "sector": "academic", "partner_background": "similar"},
            {"country": "KE", "sector": "public"},
        ],
    )
    public_similar, _, public_either = apps
    assert pairs == {frozenset((public_similar["id"], public_either["id"]))}, run


# --- schemes and intakes ----------------------------------------------------------------


async def _scheme(api, world, preset: str = "aasw-mentoring", name: str = "AASW mentoring"):
    response = await api.post(
        f"{base(world)}/schemes",
        json={
            "name": name,
            "mode": "mentor-mentee",
            "preset": preset,
            "interests": ["clinical practice", "community work"],
        },
        headers=coordinator(world),
    )
    assert response.status_code == 201, response.text
    return response.json()


async def _intake(api, world, scheme_id: str, opens: date, expect: int = 201, **more):
    today = date.today()
    year = today.year + 1 if today.month >= 3 else today.year
    body = {
        "name": "2027 intake",
        "starts_on": date(year, 3, 1).isoformat(),
        "applications_open": opens.isoformat(),
        **more,
    }
    response = await api.post(
        f"{base(world)}/schemes/{scheme_id}/intakes", json=body, headers=coordinator(world)
    )
    assert response.status_code == expect, response.text
    return response.json()


async def test_a_scheme_and_its_intake_are_corrected_and_deleted_while_empty(api, factory):
    world = await factory.tenant("correct")
    boss = coordinator(world)
    scheme = await _scheme(api, world, name="AASW mentorng")
    path = f"{base(world)}/schemes/{scheme['id']}"

    renamed = await api.patch(
        path, json={"name": "AASW mentoring", "interests": ["ethics"]}, headers=boss
    )
    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["name"], renamed.json()["interests"]) == ("AASW mentoring", ["ethics"])
    member = world[Role.MEMBER].headers
    assert (await api.patch(path, json={"name": "Mine"}, headers=member)).status_code == 403
    bad = await api.patch(path, json={"mode": "peer"}, headers=boss)
    assert bad.status_code == 400 and "mode" in bad.text

    # AASW runs one intake a year: one created with a wrong window is moved, or deleted
    # so that the year's intake can be made again.
    opens = date.today() + timedelta(days=20)
    intake = await _intake(api, world, scheme["id"], opens)
    intake_path = f"{base(world)}/intakes/{intake['id']}"
    later = opens + timedelta(days=7)
    moved = await api.patch(
        intake_path, json={"applications_open": later.isoformat()}, headers=boss
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["applications_open"] == later.isoformat()
    assert moved.json()["starts_on"] == intake["starts_on"]
    assert moved.json()["ends_on"] == intake["ends_on"]
    wrong_month = await api.patch(intake_path, json={"starts_on": "2031-05-01"}, headers=boss)
    assert wrong_month.status_code == 400 and "starts_on" in wrong_month.text

    with_intake = await api.patch(path, json={"preset": "alia-mentoring"}, headers=boss)
    assert with_intake.status_code == 409 and "2027 intake" in with_intake.json()["detail"]
    kept = await api.delete(path, headers=boss)
    assert kept.status_code == 409, kept.text
    assert "1 intake (2027 intake)" in kept.json()["detail"]
    assert (await _intake(api, world, scheme["id"], opens, expect=400))["detail"]  # one a year

    assert (await api.delete(intake_path, headers=boss)).status_code == 204
    assert (await api.get(intake_path, headers=boss)).status_code == 404
    again = await _intake(api, world, scheme["id"], opens)
    assert (
        await api.delete(f"{base(world)}/intakes/{again['id']}", headers=boss)
    ).status_code == 204
    assert (await api.delete(path, headers=boss)).status_code == 204
    assert (await api.get(path, headers=boss)).status_code == 404

    assert await _events(api, world, scheme["id"]) == [
        "mentoring.scheme.created",
        "mentoring.scheme.updated",
        "mentoring.scheme.deleted",
    ]
    assert await _events(api, world, intake["id"]) == [
        "mentoring.intake.created",
        "mentoring.intake.updated",
        "mentoring.intake.deleted",
    ]


async def test_nothing_is_corrected_once_the_window_opened_or_someone_applied(api, factory):
    world = await factory.tenant("locked")
    boss = coordinator(world)
    scheme = await _scheme(api, world)
    intake = await _intake(api, world, scheme["id"], date.today())  # open today
    intake_path = f"{base(world)}/intakes/{intake['id']}"
    later = (date.today() + timedelta(days=10)).isoformat()

    opened = await api.patch(intake_path, json={"applications_open": later}, headers=boss)
    assert opened.status_code == 409, opened.text
    assert "opened on" in opened.json()["detail"] and "moved" in opened.json()["detail"]
    renamed = await api.patch(intake_path, json={"name": "2027 round"}, headers=boss)
    assert renamed.status_code == 200 and renamed.json()["name"] == "2027 round"

    prog = Programme(world, "aasw-mentoring", scheme["id"], intake["id"], intake)
    await apply(api, prog, await person(factory, world), "mentee")
    refused = await api.patch(intake_path, json={"name": "Another"}, headers=boss)
    assert refused.status_code == 409 and "1 application" in refused.json()["detail"]
    assert (await api.delete(intake_path, headers=boss)).status_code == 409
    scheme_path = f"{base(world)}/schemes/{scheme['id']}"
    refused = await api.patch(scheme_path, json={"name": "Renamed"}, headers=boss)
    assert refused.status_code == 409 and "1 application" in refused.json()["detail"]
    assert (await api.delete(scheme_path, headers=boss)).status_code == 409
    assert (await api.get(intake_path, headers=boss)).json()["name"] == "2027 round"


# --- fees -------------------------------------------------------------------------------


async def test_a_charged_fee_is_refunded_with_a_reason(api, factory):
    world = await factory.tenant("refund")
    story = await matched_pair(api, factory, world, "alia-mentoring")
    prog = story.programme
    (pair,) = await partnerships(api, prog)
    fee_path = f"{prog.base}/applications/{pair['application_b']}/fee"
    boss = coordinator(world)

    early = await api.post(f"{fee_path}/refund", json={"reason": "x"}, headers=boss)
    assert early.status_code == 409 and "only a charged fee" in early.json()["detail"]
    charged = await api.post(fee_path, json={"state": "charged"}, headers=boss)
    assert charged.status_code == 200 and charged.json()["fee"]["state"] == "charged"
    no_reason = await api.post(f"{fee_path}/refund", json={}, headers=boss)
    assert no_reason.status_code == 400
    by_mentee = await api.post(
        f"{fee_path}/refund", json={"reason": "please"}, headers=story.mentee.headers
    )
    assert by_mentee.status_code == 403

    refunded = await api.post(
        f"{fee_path}/refund", json={"reason": "the mentor left in week one"}, headers=boss
    )
    assert refunded.status_code == 200, refunded.text
    fee = refunded.json()["fee"]
    assert (fee["state"], fee["note"]) == ("refunded", "the mentor left in week one")
    again = await api.post(fee_path, json={"state": "charged"}, headers=boss)
    assert again.status_code == 409 and "refunded" in again.json()["detail"]
    twice = await api.post(f"{fee_path}/refund", json={"reason": "again"}, headers=boss)
    assert twice.status_code == 409
    actions = await _events(api, world, pair["application_b"])
    assert actions[-2:] == ["mentoring.fee.charged", "mentoring.fee.refunded"]


# --- pins -------------------------------------------------------------------------------


async def test_pins_offered_are_the_pool_and_a_refusal_names_the_people(live_server, api, factory):
    world = await factory.tenant("pins")
    story = await matched_pair(api, factory, world, "alia-mentoring")
    prog = story.programme
    ((late, late_app), (_, later_app)) = await applicants(api, factory, prog, "mentee", 2)
    ((free, free_mentor),) = await applicants(api, factory, prog, "mentor", 1)
    run = await run_matching(api, prog)
    boss = coordinator(world)

    choices = await api.get(f"{prog.base}/match-runs/{run['id']}/pin-choices", headers=boss)
    assert choices.status_code == 200, choices.text
    first = [c["application"] for c in choices.json()["first"]]
    second = [c["application"] for c in choices.json()["second"]]
    assert sorted(first) == sorted([late_app["id"], later_app["id"]])  # not the matched one
    assert free_mentor["id"] in second
    assert any(late.email in c["name"] for c in choices.json()["first"])

    (pair,) = await partnerships(api, prog)
    taken = await api.post(
        f"{prog.base}/match-runs/{run['id']}/pins",
        json={"a": pair["application_b"], "b": free_mentor["id"]},
        headers=boss,
    )
    assert taken.status_code == 409, taken.text
    detail = taken.json()["detail"]
    assert story.mentee.email in detail and "is matched already" in detail
    assert pair["application_b"] not in detail

    async with browser_for(live_server, world[Role.COORDINATOR].email) as (staff, _):
        page = await staff.get(f"/t/{world.slug}/mentoring/match-runs/{run['id']}")
    assert page.status_code == 200, page.text
    assert f'value="{late_app["id"]}"' in page.text
    assert f'value="{pair["application_b"]}"' not in page.text

    pinned = await api.post(
        f"{prog.base}/match-runs/{run['id']}/pins",
        json={"a": late_app["id"], "b": free_mentor["id"]},
        headers=boss,
    )
    assert pinned.status_code == 200, pinned.text
    # The free mentor's one place is pinned now: the engine's refusal names her too.
    over = await api.post(
        f"{prog.base}/match-runs/{run['id']}/pins",
        json={"a": later_app["id"], "b": free_mentor["id"]},
        headers=boss,
    )
    assert over.status_code == 409, over.text
    assert (
        free.email in over.json()["detail"] and "more pins than capacity" in over.json()["detail"]
    )
    assert free_mentor["id"] not in over.json()["detail"]
    await publish(api, prog, run["id"])


# --- pages ------------------------------------------------------------------------------


async def test_pages_pick_languages_and_refund_a_fee(live_server, api, factory):
    from tests.web.mentoring.test_pages import location, mentee_form
    from tests.web.test_pages import field_error

    world = await factory.tenant("pages")
    prog = await programme(api, world, "alia-mentoring")
    who = await person(factory, world)
    apply_url = f"/t/{world.slug}/mentoring/intakes/{prog.intake_id}/apply"
    async with browser_for(live_server, who.email) as (member, csrf):
        form = await member.get(apply_url)
        assert '<select id="languages" name="languages" multiple' in form.text
        assert '<option value="en" selected>English</option>' in form.text
        assert '<option value="fr">French</option>' in form.text
        assert 'name="partner_background"' in form.text
        unknown = await member.post(apply_url, data=mentee_form(csrf, languages="Elvish"))
        assert unknown.status_code == 400
        assert "Elvish" in field_error(unknown.text, "languages")
        picked = mentee_form(csrf, partner_background="different")
        picked["languages"] = ["en", "fr"]
        await member.get(location(await member.post(apply_url, data=picked)))
    (mine,) = (await api.get(f"{prog.base}/applications", headers=who.headers)).json()
    assert (mine["languages"], mine["partner_background"]) == (["en", "fr"], "different")

    story = await matched_pair(api, factory, await factory.tenant("pages-fee"), "alia-mentoring")
    prog, fee_world = story.programme, story.programme.world
    (pair,) = await partnerships(api, prog)
    boss = coordinator(fee_world)
    app_id = pair["application_b"]
    charged = await api.post(
        f"{prog.base}/applications/{app_id}/fee", json={"state": "charged"}, headers=boss
    )
    assert charged.status_code == 200, charged.text
    page_url = f"/t/{fee_world.slug}/mentoring/applications/{app_id}"
    async with browser_for(live_server, fee_world[Role.COORDINATOR].email) as (staff, csrf):
        assert "Refund the fee" in (await staff.get(page_url)).text
        empty = await staff.post(f"{page_url}/fee/refund", data={"csrf_token": csrf})
        assert empty.status_code == 400
        assert "Say why" in field_error(empty.text, "refund_reason")
        done = await staff.get(
            location(
                await staff.post(
                    f"{page_url}/fee/refund",
                    data={"csrf_token": csrf, "refund_reason": "paid twice"},
                )
            )
        )
        assert "The fee is now refunded." in done.text
        assert "refunded (paid twice)" in done.text
        assert "Refund the fee" not in done.text


async def test_pages_correct_and_delete_an_empty_intake_and_scheme(live_server, api, factory):
    from tests.web.mentoring.test_pages import location, text_of

    world = await factory.tenant("pages-correct")
    scheme = await _scheme(api, world, name="AASW mentorng")
    opens = date.today() + timedelta(days=20)
    intake = await _intake(api, world, scheme["id"], opens)
    slug = world.slug
    intake_url = f"/t/{slug}/mentoring/intakes/{intake['id']}"
    scheme_url = f"/t/{slug}/mentoring/schemes/{scheme['id']}"
    async with browser_for(live_server, world[Role.COORDINATOR].email) as (staff, csrf):
        assert "Correct or delete this intake" in (await staff.get(intake_url)).text
        form = await staff.get(f"{intake_url}/correct")
        assert f'value="{opens.isoformat()}"' in form.text
        later = (opens + timedelta(days=5)).isoformat()
        shown = await staff.get(
            location(
                await staff.post(
                    f"{intake_url}/correct",
                    data={"csrf_token": csrf, "applications_open": later, "name": "2027 intake"},
                )
            )
        )
        assert (opens + timedelta(days=5)).strftime("%d %b %Y") in shown.text

        full = await staff.post(f"{scheme_url}/delete", data={"csrf_token": csrf})
        assert full.status_code == 409
        assert "delete them first" in text_of(full.text)
        renamed = await staff.get(
            location(
                await staff.post(
                    f"{scheme_url}/correct", data={"csrf_token": csrf, "name": "AASW mentoring"}
                )
            )
        )
        assert "<h1>AASW mentoring</h1>" in renamed.text
        assert location(await staff.post(f"{intake_url}/delete", data={"csrf_token": csrf})) == (
            scheme_url
        )
        assert location(await staff.post(f"{scheme_url}/delete", data={"csrf_token": csrf})) == (
            f"/t/{slug}/mentoring"
        )
    assert (
        await api.get(f"{base(world)}/schemes/{scheme['id']}", headers=coordinator(world))
    ).status_code == 404
