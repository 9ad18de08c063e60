"""A status per partnership and per person in the scheme, over the HTTP API: a
withdrawal ends one partnership only, a termination for a breach ends every live
partnership of the person in breach and puts each partner first on the rematch list,
a withdrawn application may be made again, and the ILN country cap holds for the round
across every run."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from tests.mentoring.stories import (
    Programme,
    act,
    applicants,
    apply,
    coordinator,
    partnerships,
    programme,
    publish,
    run_matching,
)


async def _application(api, prog: Programme, app_id: str) -> dict[str, Any]:
    response = await api.get(f"{prog.base}/applications/{app_id}", headers=coordinator(prog.world))
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def _inbox(api, prog: Programme, party) -> list[str]:
    response = await api.get(f"/api/v1/t/{prog.world.slug}/notifications/", headers=party.headers)
    assert response.status_code == 200, response.text
    return [item["kind"] for item in response.json()["items"]]


async def _mentor_with_three(api, factory, world_name: str):
    """An ALIA intake with one mentor offering three places and three mentees, matched
    and published: three proposed partnerships with the one mentor."""
    world = await factory.tenant(world_name)
    prog = await programme(api, world, "alia-mentoring")
    ((mentor, mentor_app),) = await applicants(api, factory, prog, "mentor", 1, capacity=3)
    mentees = await applicants(api, factory, prog, "mentee", 3)
    run = await run_matching(api, prog)
    assert len(run["pairs"]) == 3, run
    await publish(api, prog, run["id"])
    made = await partnerships(api, prog)
    assert {p["application_a"] for p in made} == {mentor_app["id"]}
    return prog, mentor, mentor_app, mentees, made


async def test_withdrawing_from_one_partnership_leaves_the_others_live(api, factory):
    prog, mentor, mentor_app, mentees, made = await _mentor_with_three(api, factory, "wone")
    first, *others = made
    gone = await act(
        api, prog, first["id"], "withdraw", mentor.headers, body={"reason": "too many mentees"}
    )
    assert gone["state"] == "withdrawn"

    # Only that partnership changed: the other two are live and still move on.
    states = {p["id"]: p["state"] for p in await partnerships(api, prog)}
    assert states == {first["id"]: "withdrawn", **{p["id"]: "proposed" for p in others}}
    parties = {str(who.person_id): who for who, _ in mentees}
    kept = others[0]
    await act(api, prog, kept["id"], "accept", mentor.headers)
    accepted = await act(api, prog, kept["id"], "accept", parties[kept["person_b"]].headers)
    assert accepted["state"] == "accepted"

    # The mentor is still matched, to two, with one place free for a rematch.
    mine = await _application(api, prog, mentor_app["id"])
    assert mine["status"] == "matched"
    assert (mine["partnerships"], mine["free_places"]) == (2, 1)
    # The mentee she left is back in the pool, first on the rematch list.
    left = await _application(api, prog, first["application_b"])
    assert (left["status"], left["rematch"], left["free_places"]) == ("accepted", True, 1)
    assert "mentoring.partner_left" in await _inbox(api, prog, parties[first["person_b"]])

    # The free place is taken by the next run (never by the mentee she left).
    ((_, late_app),) = await applicants(api, factory, prog, "mentee", 1)
    run = await run_matching(api, prog)
    assert [(p["a"], p["b"]) for p in run["pairs"]] == [(late_app["id"], mentor_app["id"])]
    assert [u["application"] for u in run["unmatched"]] == [first["application_b"]]
    await publish(api, prog, run["id"])
    full = await _application(api, prog, mentor_app["id"])
    assert (full["status"], full["partnerships"], full["free_places"]) == ("matched", 3, 0)


async def test_termination_for_a_breach_ends_every_live_partnership(api, factory):
    prog, mentor, mentor_app, mentees, made = await _mentor_with_three(api, factory, "breach")
    parties = {str(who.person_id): who for who, _ in mentees}
    # The mentor also mentors in a second intake of the scheme, and has applied to a
    # third that has not been matched yet.
    intakes = []
    for name, days in (("Second", 31), ("Third", 32)):
        created = await api.post(
            f"{prog.base}/schemes/{prog.scheme_id}/intakes",
            json={"name": name, "starts_on": (date.today() + timedelta(days=days)).isoformat()},
            headers=coordinator(prog.world),
        )
        assert created.status_code == 201, created.text
        intake = created.json()
        intakes.append(replace(prog, intake_id=intake["id"], intake=intake, people=[]))
    second, third = intakes
    second_app = await apply(api, second, mentor, "mentor")
    ((other_mentee, _),) = await applicants(api, factory, second, "mentee", 1)
    run = await run_matching(api, second)
    await publish(api, second, run["id"])
    (elsewhere,) = await partnerships(api, second)
    third_app = await apply(api, third, mentor, "mentor")
    ended = await act(
        api,
        prog,
        made[0]["id"],
        "terminate",
        coordinator(prog.world),
        body={"reason": "harassment of a mentee", "in_breach": str(mentor.person_id)},
    )
    assert ended["state"] == "terminated"

    # Termination from the scheme: none of the mentor's partnerships is left live.
    after = await partnerships(api, prog)
    assert {p["state"] for p in after} == {"terminated"}
    assert {p["end_reason"] for p in after} == {"harassment of a mentee"}
    removed = await _application(api, prog, mentor_app["id"])
    assert (removed["status"], removed["partnerships"], removed["free_places"]) == (
        "removed",
        0,
        0,
    )
    for pair in after:
        mentee = await _application(api, prog, pair["application_b"])
        assert (mentee["status"], mentee["rematch"]) == ("accepted", True)
        assert "mentoring.partner_left" in await _inbox(api, prog, parties[pair["person_b"]])
    for pair in after[1:]:
        refused = await act(api, prog, pair["id"], "accept", mentor.headers, expect=409)
        assert "terminated" in refused["detail"]
    # In the other intakes of the scheme too: the partnership ends, its partner is told
    # and on the rematch list, and the open application is removed.
    (there,) = await partnerships(api, second)
    assert (there["id"], there["state"]) == (elsewhere["id"], "terminated")
    assert (await _application(api, second, there["application_b"]))["rematch"] is True
    assert "mentoring.partner_left" in await _inbox(api, prog, other_mentee)
    for app in (second_app, third_app):
        assert (await _application(api, prog, app["id"]))["status"] == "removed"
    # The removed mentor cannot apply to the intake again.
    again = await apply(api, prog, mentor, "mentor", expect=409)
    assert "already applied" in again["detail"] and "removed" in again["detail"]

    # The partners are first on the rematch list: a new mentor with one place takes one
    # of them, not a mentee who applied later; the removed mentor is in no pair.
    await applicants(api, factory, prog, "mentor", 1, capacity=1)
    await applicants(api, factory, prog, "mentee", 1)
    run = await run_matching(api, prog)
    rematched = {p["application_b"] for p in after}
    assert len(run["pairs"]) == 1 and run["pairs"][0]["a"] in rematched
    assert all(mentor_app["id"] not in (p["a"], p["b"]) for p in run["pairs"])


async def test_a_withdrawn_application_may_be_made_again(api, factory):
    world = await factory.tenant("reapply")
    prog = await programme(api, world, "alia-mentoring")
    ((who, first),) = await applicants(api, factory, prog, "mentee", 1)
    withdrawn = await api.post(
        f"{prog.base}/applications/{first['id']}/withdraw",
        json={"reason": "exams this term"},
        headers=who.headers,
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    second = await apply(api, prog, who, "mentee")
    assert second["status"] == "accepted" and second["id"] != first["id"]
    # The earlier application stays, as history; only one may be open at a time.
    mine = await api.get(f"{prog.base}/intakes/{prog.intake_id}/applications", headers=who.headers)
    assert [(a["id"], a["status"]) for a in mine.json()] == [
        (first["id"], "withdrawn"),
        (second["id"], "accepted"),
    ]
    third = await apply(api, prog, who, "mentee", expect=409)
    assert "already applied to the intake (accepted)" in third["detail"]

    # Someone who withdrew from their only partnership is out, and may apply again.
    await applicants(api, factory, prog, "mentor", 1)
    run = await run_matching(api, prog)
    await publish(api, prog, run["id"])
    (pair,) = await partnerships(api, prog)
    await act(api, prog, pair["id"], "withdraw", who.headers, body={"reason": "changed jobs"})
    assert (await _application(api, prog, second["id"]))["status"] == "withdrawn"
    third = await apply(api, prog, who, "mentee")
    assert third["status"] == "accepted"


def _shares(made: list[dict[str, Any]], country: dict[str, str]) -> dict[str, float]:
    placed = Counter(
        country[p[side]]
        for p in made
        if p["state"] not in ("withdrawn", "terminated")
        for side in ("application_a", "application_b")
    )
    total = sum(placed.values())
    return {c: n / total for c, n in placed.items()}


async def test_the_iln_country_cap_holds_across_runs_of_a_round(api, factory):
    world = await factory.tenant("ilncap")
    prog = await programme(api, world, "iln-peer")
    country: dict[str, str] = {}
    # The first run: ten peers, two from each of five countries, all placed at 20%.
    for code in ("AU", "NZ", "FJ", "GB", "CA"):
        for _, app in await applicants(api, factory, prog, "peer", 2, country=code):
            country[app["id"]] = code
    run = await run_matching(api, prog)
    assert len(run["pairs"]) == 5 and run["unmatched"] == []
    await publish(api, prog, run["id"])
    assert max(_shares(await partnerships(api, prog), country).values()) == 0.2

    # Late applicants: three more from Australia and seven from seven other countries.
    late = await applicants(api, factory, prog, "peer", 3, country="AU")
    late_au = [app["id"] for _, app in late]
    country.update(dict.fromkeys(late_au, "AU"))
    for code in ("KE", "IN", "US", "ZA", "PH", "SG", "JP"):
        for _, app in await applicants(api, factory, prog, "peer", 1, country=code):
            country[app["id"]] = code
    second = await run_matching(api, prog)
    # A round of 18 allows three from one country: one more Australian, the other two
    # turned away by the cap (without the earlier run counted, all three would be
    # placed: five of twenty, 25%).
    assert len(second["pairs"]) == 4
    placed_au = [a for p in second["pairs"] for a in (p["a"], p["b"]) if a in late_au]
    assert len(placed_au) == 1
    capped = {u["application"]: u["reason"] for u in second["unmatched"]}
    assert capped == {a: "country cap" for a in late_au if a not in placed_au}
    await publish(api, prog, second["id"])

    made = await partnerships(api, prog)
    shares = _shares(made, country)
    assert sum(1 for p in made if p["state"] == "proposed") == 9
    assert shares["AU"] == 3 / 18
    assert max(shares.values()) <= 0.2
    waiting = await api.get(
        f"{prog.base}/intakes/{prog.intake_id}/applications",
        params={"status": "waitlisted"},
        headers=coordinator(world),
    )
    assert {(a["country"], a["waitlist_reason"]) for a in waiting.json()} == {("AU", "country cap")}


async def test_a_refused_application_may_be_made_again(api, factory):
    world = await factory.tenant("refuse")
    prog = await programme(api, world, "alia-mentoring")
    ((who, first),) = await applicants(api, factory, prog, "mentor", 1, capacity=5)
    assert first["status"] == "referred"  # five mentees is more than the policy's three
    # Only a coordinator refuses, and only what was referred.
    url = f"{prog.base}/applications/{first['id']}/refuse"
    mine = await api.post(url, json={"reason": "no"}, headers=who.headers)
    assert mine.status_code == 403
    refused = await api.post(
        url, json={"reason": "Five mentees is too many."}, headers=coordinator(world)
    )
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    again = await api.post(url, json={"reason": "twice"}, headers=coordinator(world))
    assert again.status_code == 409 and "refused" in again.json()["detail"]
    assert "mentoring.application.refused" in await _inbox(api, prog, who)
    second = await apply(api, prog, who, "mentor", capacity=2)
    assert second["status"] == "accepted"
