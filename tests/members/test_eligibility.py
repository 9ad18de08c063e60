"""Eligibility reads the member register: the register's record, not what the applicant
typed, decides membership; without a register the Decision says membership is as
declared; a lapse mid-programme tells the coordinators."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from policies.dates import human_date
from tenants.roles import Role
from tests.factories import Party, TenantWorld
from tests.mentoring.stories import apply, coordinator, person, programme

HEADER = ["Member Number", "Name", "Email", "Class", "Status", "Paid Until", "Joined"]
PAID_UNTIL = date.today() + timedelta(days=400)


def register(*records: tuple[str, Party, str, str]) -> bytes:
    """(number, party, class, status) as a CSV export."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for number, party, membership_class, status in records:
        writer.writerow(
            [
                number,
                f"Member {number}",
                party.email,
                membership_class,
                status,
                PAID_UNTIL.isoformat(),
                "2010-02-01",
            ]
        )
    return buffer.getvalue().encode("utf-8")


async def load_register(api, world: TenantWorld, content: bytes) -> dict:
    response = await api.post(
        f"/api/v1/t/{world.slug}/member-register/imports",
        params={"apply": "true"},
        content=content,
        headers=world[Role.ADMIN].headers,
    )
    assert response.status_code == 200, response.text
    result: dict = response.json()
    return result


async def test_without_a_register_membership_is_as_declared(api, factory):
    world = await factory.tenant("nodecl", rooms=False)
    prog = await programme(api, world)
    mentor = await person(factory, world, "mentor")
    result = await apply(api, prog, mentor, "mentor")
    assert result["status"] == "accepted"
    membership = [r for r in result["decision"]["rules"] if r["kind"] == "membership"]
    assert membership and all("Membership is as declared" in r["reason"] for r in membership)


async def test_the_register_decides_membership_not_the_applicant(api, factory):
    world = await factory.tenant("elig", rooms=False)
    prog = await programme(api, world)
    trusted = await person(factory, world, "mentor")
    claims = await person(factory, world, "mentor")
    stranger = await person(factory, world, "mentor")
    await load_register(
        api,
        world,
        register(
            ("30001", trusted, "Associate", "financial"),
            ("30002", claims, "Student", "financial"),
        ),
    )

    # Eligible only because of the register: the application states no membership.
    passed = await apply(api, prog, trusted, "mentor", membership=None)
    assert passed["status"] == "accepted"
    shown = (
        f"The register shows Associate, financial until {human_date(PAID_UNTIL)} (member 30001)."
    )
    reasons = [r["reason"] for r in passed["decision"]["rules"] if r["kind"] == "membership"]
    assert reasons and all(shown in reason for reason in reasons), reasons
    assert passed["decision"]["outcome"] == "eligible"

    # Refused because the register contradicts what the applicant typed.
    refused = await apply(
        api,
        prog,
        claims,
        "mentor",
        expect=403,
        membership={"class": "Associate", "status": "financial"},
    )
    detail = refused["detail"]
    assert (
        "must be an ALIA Associate or Library Technician member; the register shows Student"
        in detail
    ), detail

    # A member the register does not know is not taken at their word either.
    unknown = await apply(
        api,
        prog,
        stranger,
        "mentor",
        expect=403,
        membership={"class": "Associate", "status": "financial"},
    )
    assert "The member register has no record of the applicant." in unknown["detail"]


async def inbox(api, world: TenantWorld) -> list[dict]:
    response = await api.get(
        f"/api/v1/t/{world.slug}/notifications/",
        params={"limit": 100},
        headers=coordinator(world),
    )
    assert response.status_code == 200, response.text
    return [n for n in response.json()["items"] if n["kind"] == "members.register.not_eligible"]


async def test_a_lapse_mid_programme_tells_the_coordinators(api, factory):
    world = await factory.tenant("lapse", rooms=False)
    prog = await programme(api, world)
    mentee = await person(factory, world, "mentee")
    mentor = await person(factory, world, "mentor")
    content = register(
        ("40001", mentee, "Student", "financial"), ("40002", mentor, "Associate", "current")
    )
    await load_register(api, world, content)
    assert (await apply(api, prog, mentee, "mentee"))["status"] == "accepted"
    assert (await apply(api, prog, mentor, "mentor"))["status"] == "accepted"
    records = await api.get(
        f"/api/v1/t/{world.slug}/member-register/records",
        params={"q": "40001"},
        headers=world[Role.ADMIN].headers,
    )
    record = records.json()["items"][0]

    # A change that leaves the participant eligible tells no one.
    same = await api.patch(
        f"/api/v1/t/{world.slug}/member-register/records/{record['id']}",
        json={"name": "Member 40001 (renamed)"},
        headers=world[Role.ADMIN].headers,
    )
    assert same.status_code == 200, same.text
    assert await inbox(api, world) == []

    lapsed = await api.patch(
        f"/api/v1/t/{world.slug}/member-register/records/{record['id']}",
        json={"status": "lapsed"},
        headers=world[Role.ADMIN].headers,
    )
    assert lapsed.status_code == 200, lapsed.text
    [told] = await inbox(api, world)
    assert told["subject"].endswith("is no longer eligible for Intake")
    assert "the membership is lapsed" in told["body"]
    assert told["link"].startswith(f"/t/{world.slug}/mentoring/applications/")

    # The same through an import: the mentor's record lapses in the next export.
    later = content.replace(b"Associate,current", b"Associate,resigned")
    report = await load_register(api, world, later)
    assert report["counts"]["lapse"] == 1
    told_again = await inbox(api, world)
    assert len(told_again) == 2
    assert any("the membership is resigned" in n["body"] for n in told_again)
