"""The three programmes end to end through the HTTP API: ALIA (mentor-mentee, 12 months,
$150 mentee fee), AASW (March to September, informal pairs formalised) and ILN (peer
rounds, partners in different countries, members-only fortnight, country cap)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date, timedelta

import openpyxl

from policies.dates import add_months, human_date
from tenants.roles import Role
from tests.mentoring.stories import (
    accept_both,
    act,
    applicants,
    apply,
    business_today,
    coordinator,
    members_only_start,
    partnerships,
    person,
    programme,
    publish,
    run_matching,
    wind_to,
)


async def _inbox(api, world, party):
    response = await api.get(f"/api/v1/t/{world.slug}/notifications/", headers=party.headers)
    assert response.status_code == 200, response.text
    return [item["kind"] for item in response.json()["items"]]


async def _application(api, prog, app_id, headers):
    response = await api.get(f"{prog.base}/applications/{app_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _charge_fees(slug: str, as_of: date, *, apply: bool = True) -> str:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "registry.cli",
            "mentoring",
            "charge-fees",
            "--tenant",
            slug,
            "--as-of",
            as_of.isoformat(),
            *(["--apply"] if apply else []),
        ],
        capture_output=True,
        text=True,
        env=os.environ,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_alia_scheme_end_to_end(api, factory):
    world = await factory.tenant("alia")
    prog = await programme(api, world, "alia-mentoring")
    start = date.fromisoformat(prog.intake["starts_on"])
    assert prog.intake["ends_on"] == (add_months(start, 12) - timedelta(days=1)).isoformat()
    assert (
        prog.intake["evaluation_due_on"] == (add_months(start, 12) + timedelta(days=13)).isoformat()
    )
    assert prog.intake["applications_close"] == (start - timedelta(days=7)).isoformat()

    # Ineligible data is refused with the policy's reasons, and nothing is stored.
    novice = await person(factory, world, "novice")
    refused = await apply(api, prog, novice, "mentor", expect=403, years=2, experience={})
    assert "at least 4 years" in refused["detail"]
    student = await person(factory, world, "student")
    refused = await apply(
        api,
        prog,
        student,
        "mentor",
        expect=403,
        membership={"class": "Student", "status": "financial"},
    )
    assert "Associate or Library Technician" in refused["detail"]
    bad = await apply(api, prog, novice, "mentee", expect=400, interests=["knitting"])
    assert bad["errors"][0]["field"] == "interests"
    # A missing resume refers the application to a coordinator instead.
    referred = await apply(api, prog, student, "mentee", declarations=["code-of-conduct"])
    assert referred["status"] == "referred" and "a current resume" in " ".join(referred["reasons"])

    # Out of the window: an intake a year away is not open yet.
    later = await api.post(
        f"{prog.base}/schemes/{prog.scheme_id}/intakes",
        json={"name": "Next year", "starts_on": (start + timedelta(days=365)).isoformat()},
        headers=coordinator(world),
    )
    assert later.status_code == 201, later.text
    early = await api.post(
        f"{prog.base}/intakes/{later.json()['id']}/applications",
        json={**(await _body("alia-mentoring", "mentee"))},
        headers=novice.headers,
    )
    assert early.status_code == 403 and "before they open" in early.json()["detail"]

    mentors = await applicants(api, factory, prog, "mentor", 2)
    mentees = await applicants(api, factory, prog, "mentee", 3)
    assert all(app["status"] == "accepted" for _, app in mentors + mentees)
    assert mentors[0][1]["decision"]["policy"]["name"] == "alia-mentoring"

    run = await run_matching(api, prog)
    assert run["status"] == "draft" and len(run["pairs"]) == 2
    assert all(pair["score"] > 0 and pair["breakdown"] for pair in run["pairs"])
    (left_out,) = run["unmatched"]
    assert left_out["reason"] == "capacity exhausted"

    # Review: two mentees swap mentors; both new pairs are pinned.
    first, second = run["pairs"]
    swapped = await api.post(
        f"{prog.base}/match-runs/{run['id']}/swap",
        json={"first": first["a"], "second": second["a"]},
        headers=coordinator(world),
    )
    assert swapped.status_code == 200, swapped.text
    pairs = {(p["a"], p["b"]) for p in swapped.json()["pairs"]}
    assert pairs == {(first["a"], second["b"]), (second["a"], first["b"])}
    assert all(p["pinned"] for p in swapped.json()["pairs"])

    await publish(api, prog, run["id"])
    again = await api.post(
        f"{prog.base}/match-runs/{run['id']}/publish", headers=coordinator(world)
    )
    assert again.status_code == 409
    proposed = await partnerships(api, prog)
    assert [p["state"] for p in proposed] == ["proposed", "proposed"]
    parties = {str(who.person_id): who for who, _ in mentors + mentees}
    waiting = next(who for who, app in mentees if app["id"] == left_out["application"])
    assert "mentoring.matched" in await _inbox(api, world, parties[proposed[0]["person_a"]])
    assert "mentoring.matched" in await _inbox(api, world, parties[proposed[0]["person_b"]])
    assert "mentoring.waitlisted" in await _inbox(api, world, waiting)
    waiting_app = await _application(api, prog, left_out["application"], waiting.headers)
    assert waiting_app["status"] == "waitlisted"
    waitlist = await api.get(
        f"{prog.base}/intakes/{prog.intake_id}/applications",
        params={"status": "waitlisted"},
        headers=coordinator(world),
    )
    assert [a["id"] for a in waitlist.json()] == [left_out["application"]]
    own = await api.get(f"{prog.base}/applications", headers=waiting.headers)
    assert [a["id"] for a in own.json()] == [left_out["application"]]
    assert waiting_app["waitlist_reason"] == "capacity exhausted"

    # A participant sees only their own partnership and application.
    pair, other = proposed
    mentee = parties[pair["person_b"]]
    mine = await api.get(f"{prog.base}/partnerships/", headers=mentee.headers)
    assert [p["id"] for p in mine.json()] == [pair["id"]]
    assert mine.json()[0]["email_a"] == parties[pair["person_a"]].email  # who the mentor is
    hidden = await api.get(f"{prog.base}/partnerships/{other['id']}", headers=mentee.headers)
    assert hidden.status_code == 404
    hidden = await api.get(
        f"{prog.base}/applications/{other['application_b']}", headers=mentee.headers
    )
    assert hidden.status_code == 404

    # Acceptance: each party's recorded with its time; the fee falls due only then.
    half = await act(api, prog, pair["id"], "accept", mentee.headers)
    assert half["state"] == "proposed" and half["accepted_b_at"] and not half["accepted_a_at"]
    twice = await act(api, prog, pair["id"], "accept", mentee.headers, expect=409)
    assert "already" in twice["detail"] or "accepted this partnership" in twice["detail"]
    fee = (await _application(api, prog, pair["application_b"], mentee.headers))["fee"]
    assert fee["state"] == "not_due"
    accepted = await act(api, prog, pair["id"], "accept", parties[pair["person_a"]].headers)
    assert accepted["state"] == "accepted" and accepted["accepted_at"]
    fee = (await _application(api, prog, pair["application_b"], mentee.headers))["fee"]
    assert (fee["state"], fee["amount"], fee["currency"]) == ("due", 150.0, "AUD")
    assert fee["due_from"] == add_months(date.today(), 2).isoformat()
    assert fee["due_by"] == add_months(date.today(), 3).isoformat()
    mentor_fee = (await _application(api, prog, pair["application_a"], coordinator(world)))["fee"]
    assert mentor_fee["state"] == "not_due"

    # The unmatched mentee is never charged.
    never = await api.post(
        f"{prog.base}/applications/{left_out['application']}/fee",
        json={"state": "charged"},
        headers=coordinator(world),
    )
    assert never.status_code == 409 and "only a fee that is due" in never.json()["detail"]
    assert "0 fees charged" in _charge_fees(world.slug, date.today())
    # Run as another day without --apply, it says what it would charge and charges nothing.
    assert "1 fees charged" in _charge_fees(world.slug, add_months(date.today(), 2), apply=False)
    dry = await _application(api, prog, pair["application_b"], coordinator(world))
    assert dry["fee"]["state"] == "due"
    assert "1 fees charged" in _charge_fees(world.slug, add_months(date.today(), 2))
    fee = (await _application(api, prog, pair["application_b"], mentee.headers))["fee"]
    assert fee["state"] == "charged"
    waiting_app = await _application(api, prog, left_out["application"], waiting.headers)
    assert waiting_app["fee"]["state"] == "not_due"

    # Transitions check state and role.
    early = await act(api, prog, pair["id"], "evaluate", mentee.headers, expect=409)
    assert "cannot evaluate a partnership that is accepted" in early["detail"]
    refused = await act(
        api, prog, pair["id"], "terminate", mentee.headers, expect=403, body={"reason": "x"}
    )
    assert "needs one of the roles" in refused["detail"]
    # The lifecycle follows the intake's calendar: nothing is active before its start.
    waits = await act(api, prog, pair["id"], "activate", mentee.headers, expect=409)
    assert f"the intake starts on {human_date(start)}" in waits["detail"]
    # Time passes (the record is wound back): the midway date is today.
    await wind_to(world, prog.intake_id, "midway_review_on")
    active = await act(api, prog, pair["id"], "activate", mentee.headers)
    assert active["active_from"] == (await business_today(world)).isoformat()
    reviewed = await act(api, prog, pair["id"], "midway-review", parties[pair["person_a"]].headers)
    assert reviewed["state"] == "midway_review_done"

    # A formal withdrawal: the mentor goes on the rematch list and is matched first.
    await accept_both(api, prog, other, parties)
    gone = await act(
        api,
        prog,
        other["id"],
        "withdraw",
        parties[other["person_b"]].headers,
        body={"reason": "moving overseas"},
    )
    assert gone["state"] == "withdrawn" and gone["end_reason"] == "moving overseas"
    stayer = await _application(api, prog, other["application_a"], coordinator(world))
    assert stayer["rematch"] is True
    assert "mentoring.partner_left" in await _inbox(api, world, parties[other["person_a"]])
    rerun = await run_matching(api, prog)
    assert [(p["a"], p["b"]) for p in rerun["pairs"]] == [
        (left_out["application"], other["application_a"])
    ]
    await publish(api, prog, rerun["id"])
    stayer = await _application(api, prog, other["application_a"], coordinator(world))
    assert stayer["rematch"] is False and stayer["status"] == "matched"
    withdrawn = await _application(api, prog, other["application_b"], coordinator(world))
    assert withdrawn["status"] == "withdrawn"

    # Exports of the pairs.
    csv_export = await api.get(
        f"{prog.base}/intakes/{prog.intake_id}/pairs.csv", headers=coordinator(world)
    )
    assert csv_export.status_code == 200
    text = csv_export.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("partnership,state,role_a")
    assert len(text.splitlines()) == 4 and mentee.email in text
    xlsx = await api.get(
        f"{prog.base}/intakes/{prog.intake_id}/pairs.xlsx", headers=world[Role.AUDITOR].headers
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 2 + 3
    denied = await api.get(
        f"{prog.base}/intakes/{prog.intake_id}/pairs.csv", headers=mentee.headers
    )
    assert denied.status_code == 403


async def _body(preset: str, role: str) -> dict:
    from tests.mentoring.stories import application

    return application(preset, role)


async def test_aasw_program_formalises_informal_pairs(api, factory):
    world = await factory.tenant("aasw")
    prog = await programme(api, world, "aasw-mentoring")
    assert prog.intake["starts_on"].endswith("-03-01")
    assert prog.intake["ends_on"].endswith("-09-30")
    assert prog.intake["evaluation_due_on"].endswith("-10-14")

    junior = await person(factory, world, "junior")
    refused = await apply(api, prog, junior, "mentor", expect=403, years=3)
    assert "at least 5 years practising social work" in refused["detail"]
    lapsed = await apply(
        api,
        prog,
        junior,
        "mentee",
        expect=403,
        membership={"class": "Full", "status": "unfinancial"},
    )
    assert "financial" in lapsed["detail"]

    # A March intake only; and one whose applications have not opened yet.
    april = await api.post(
        f"{prog.base}/schemes/{prog.scheme_id}/intakes",
        json={"name": "April", "starts_on": prog.intake["starts_on"].replace("-03-", "-04-")},
        headers=coordinator(world),
    )
    assert april.status_code == 400 and april.json()["errors"][0]["field"] == "starts_on"
    # The program runs once a year.
    twice = await api.post(
        f"{prog.base}/schemes/{prog.scheme_id}/intakes",
        json={
            "name": "Again",
            "starts_on": prog.intake["starts_on"],
            "applications_open": prog.intake["applications_open"],
        },
        headers=coordinator(world),
    )
    assert twice.status_code == 400 and "1 intake(s) a year" in twice.json()["detail"]
    next_year = str(int(prog.intake["starts_on"][:4]) + 1)
    closed = await api.post(
        f"{prog.base}/schemes/{prog.scheme_id}/intakes",
        json={
            "name": "Next",
            "starts_on": f"{next_year}-03-01",
            "applications_open": f"{next_year}-01-01",
        },
        headers=coordinator(world),
    )
    assert closed.status_code == 201, closed.text
    early = await api.post(
        f"{prog.base}/intakes/{closed.json()['id']}/applications",
        json=await _body("aasw-mentoring", "mentee"),
        headers=junior.headers,
    )
    assert early.status_code == 403 and "before they open" in early.json()["detail"]

    # An existing informal relationship, formalised by both applying together.
    mentor = await person(factory, world, "mentor")
    mentee = await person(factory, world, "mentee")
    m_app = await apply(
        api,
        prog,
        mentor,
        "mentor",
        pair_with=str(mentee.person_id),
        interests=["advocacy"],
        sector="health",
    )
    e_app = await apply(
        api,
        prog,
        mentee,
        "mentee",
        pair_with=str(mentor.person_id),
        interests=["leadership"],
        sector="education",
    )
    others = await applicants(api, factory, prog, "mentor", 2)
    more = await applicants(api, factory, prog, "mentee", 2)
    run = await run_matching(api, prog)
    informal = [p for p in run["pairs"] if p["a"] == e_app["id"]]
    assert informal and informal[0]["b"] == m_app["id"] and informal[0]["pinned"]

    # The coordinator pins a pair of their choosing, and the run is computed around it.
    choice = (more[0][1]["id"], others[1][1]["id"])
    pinned = await api.post(
        f"{prog.base}/match-runs/{run['id']}/pins",
        json={"a": choice[1], "b": choice[0]},
        headers=coordinator(world),
    )
    assert pinned.status_code == 200, pinned.text
    assert choice in {(p["a"], p["b"]) for p in pinned.json()["pairs"] if p["pinned"]}
    unpinned = await api.post(
        f"{prog.base}/match-runs/{run['id']}/unpin",
        json={"a": choice[0], "b": choice[1]},
        headers=coordinator(world),
    )
    assert unpinned.status_code == 200 and unpinned.json()["pins"] == []
    not_pinned = await api.post(
        f"{prog.base}/match-runs/{run['id']}/unpin",
        json={"a": choice[0], "b": choice[1]},
        headers=coordinator(world),
    )
    assert not_pinned.status_code == 409
    pinned = await api.post(
        f"{prog.base}/match-runs/{run['id']}/pins",
        json={"a": choice[1], "b": choice[0]},
        headers=coordinator(world),
    )
    assert pinned.status_code == 200, pinned.text
    wrong = await api.post(
        f"{prog.base}/match-runs/{run['id']}/pins",
        json={"a": more[0][1]["id"], "b": more[1][1]["id"]},
        headers=coordinator(world),
    )
    assert wrong.status_code == 409 and "one mentee and one mentor" in wrong.json()["detail"]
    await publish(api, prog, run["id"])
    made = await partnerships(api, prog)
    assert len(made) == 3
    parties = {str(p.person_id): p for p in [mentor, mentee, *prog.people]}
    pair = next(p for p in made if p["application_b"] == e_app["id"])
    accepted = await accept_both(api, prog, pair, parties)
    assert accepted["state"] == "accepted"
    # AASW charges no fee.
    fee = (await _application(api, prog, e_app["id"], mentee.headers))["fee"]
    assert fee["state"] == "not_due"

    # A code-of-conduct breach: the coordinator terminates; the mentee is rematched.
    ended = await act(
        api,
        prog,
        pair["id"],
        "terminate",
        coordinator(world),
        body={"reason": "breach of confidentiality", "in_breach": str(mentor.person_id)},
    )
    assert ended["state"] == "terminated"
    assert (await _application(api, prog, e_app["id"], mentee.headers))["rematch"] is True
    removed = await _application(api, prog, m_app["id"], coordinator(world))
    assert removed["status"] == "removed"
    after = await act(api, prog, pair["id"], "activate", mentee.headers, expect=409)
    assert "terminated" in after["detail"]


async def test_iln_peer_round_pairs_across_borders(api, factory):
    world = await factory.tenant("iln")
    prog = await programme(api, world, "iln-peer")
    assert prog.intake["mode"] == "peer"

    # Members only during the first fortnight of a round's nominations.
    fortnight = await api.post(
        f"{prog.base}/schemes/{prog.scheme_id}/intakes",
        json={"name": "Members first", "starts_on": members_only_start().isoformat()},
        headers=coordinator(world),
    )
    assert fortnight.status_code == 201, fortnight.text
    outsider = await person(factory, world, "outsider")
    body = {**(await _body("iln-peer", "peer")), "country": "NZ"}
    body.pop("membership")
    refused = await api.post(
        f"{prog.base}/intakes/{fortnight.json()['id']}/applications",
        json=body,
        headers=outsider.headers,
    )
    assert refused.status_code == 403 and "only members may apply" in refused.json()["detail"]
    mentor_role = await apply(api, prog, outsider, "mentor", expect=400)
    assert mentor_role["errors"][0]["field"] == "role"

    peers = await applicants(api, factory, prog, "peer", 6)
    second_au = await applicants(api, factory, prog, "peer", 1, country="AU")
    run = await run_matching(api, prog)
    countries = {app["id"]: app["country"] for _, app in peers + second_au}
    assert len(run["pairs"]) == 3
    assert all(countries[p["a"]] != countries[p["b"]] for p in run["pairs"])
    (odd,) = run["unmatched"]
    assert countries[odd["application"]] == "AU"
    assert odd["reason"] in ("country cap", "no eligible partner")

    first, second = run["pairs"][:2]
    swapped = await api.post(
        f"{prog.base}/match-runs/{run['id']}/swap",
        json={"first": first["a"], "second": second["a"]},
        headers=coordinator(world),
    )
    # Everyone matched is from a different country, so any swap stays cross-border.
    assert swapped.status_code == 200, swapped.text
    assert all(countries[p["a"]] != countries[p["b"]] for p in swapped.json()["pairs"])
    (odd,) = swapped.json()["unmatched"]  # computed again: the AU left out may change
    await publish(api, prog, run["id"])
    made = await partnerships(api, prog)
    assert {p["role_a"] for p in made} == {"peer"}
    parties = {str(p.person_id): p for p in prog.people}
    pair = made[0]
    await accept_both(api, prog, pair, parties)
    fee = (await _application(api, prog, pair["application_a"], coordinator(world)))["fee"]
    assert fee["state"] == "not_due"  # the ILN is free

    # A withdrawal: the other peer is rematched first with the one left over, unless
    # the round's cap (one per country in a round of six) still holds the AU back: the
    # cap counts the partnerships the round published already.
    await act(
        api,
        prog,
        pair["id"],
        "withdraw",
        parties[pair["person_a"]].headers,
        body={"reason": "new job"},
    )
    rerun = await run_matching(api, prog)
    stayer, left_over = pair["application_b"], odd["application"]
    still_placed = {
        countries[p[side]] for p in made[1:] for side in ("application_a", "application_b")
    }
    if countries[stayer] != countries[left_over] and countries[left_over] not in still_placed:
        assert {rerun["pairs"][0]["a"], rerun["pairs"][0]["b"]} == {stayer, left_over}
    else:
        assert rerun["pairs"] == []
        assert {u["application"] for u in rerun["unmatched"]} == {stayer, left_over}
