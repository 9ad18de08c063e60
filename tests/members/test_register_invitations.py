"""Every current member on the register without a role here is invited at once: lapsed
and resigned members are not, people already holding a role are not, and a second
run sends nothing twice (their invitations are still open)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from tenants.roles import Role
from tests.cli.test_errors import accord
from tests.members.test_eligibility import HEADER, load_register
from tests.web.outbox import mails_to


def _export(slug: str, existing_member: str) -> bytes:
    paid = (date.today() + timedelta(days=300)).isoformat()
    rows = [
        ("101", "Current Person", f"current.{slug}@example.org", "Associate", "current"),
        ("102", "Financial Person", f"financial.{slug}@example.org", "Associate", "financial"),
        ("103", "Lapsed Person", f"lapsed.{slug}@example.org", "Associate", "lapsed"),
        ("104", "Resigned Person", f"resigned.{slug}@example.org", "Associate", "resigned"),
        ("105", "Already Here", existing_member, "Associate", "current"),
    ]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for number, name, email, membership_class, status in rows:
        writer.writerow([number, name, email, membership_class, status, paid, "2012-03-01"])
    return buffer.getvalue().encode("utf-8")


async def test_the_register_is_invited_once_through_the_api(api, factory):
    world = await factory.tenant("reg-invite", rooms=False)
    await load_register(api, world, _export(world.slug, world[Role.MEMBER].email))
    url = f"/api/v1/t/{world.slug}/invitations/register"

    refused = await api.post(url, json={}, headers=world[Role.COORDINATOR].headers)
    assert refused.status_code == 403

    sent = await api.post(url, json={"role": "member"}, headers=world[Role.ADMIN].headers)
    assert sent.status_code == 201, sent.text
    assert sorted(i["email"] for i in sent.json()) == [
        f"current.{world.slug}@example.org",
        f"financial.{world.slug}@example.org",
    ]
    for kind in ("lapsed", "resigned"):
        assert await mails_to(f"{kind}.{world.slug}@example.org", "invitation.created") == 0
    assert await mails_to(world[Role.MEMBER].email, "invitation.created") == 0

    again = await api.post(url, json={"role": "member"}, headers=world[Role.ADMIN].headers)
    assert again.status_code == 201 and again.json() == []
    assert await mails_to(f"current.{world.slug}@example.org", "invitation.created") == 1


async def test_the_cli_invites_the_register_and_refuses_both_forms(api, factory):
    world = await factory.tenant("reg-invite-cli", rooms=False)
    await load_register(api, world, _export(world.slug, world[Role.MEMBER].email))

    both = accord("members", "invite", "--tenant", world.slug, "x@example.org", "--register")
    assert both.returncode == 2 and len(both.stderr.strip().splitlines()) == 1

    sent = accord("members", "invite", "--tenant", world.slug, "--register")
    assert sent.returncode == 0, sent.stderr
    assert sorted(line.split("\t")[0] for line in sent.stdout.splitlines()) == [
        f"current.{world.slug}@example.org",
        f"financial.{world.slug}@example.org",
    ]
    assert "2 invited from the register" in sent.stderr
