"""Invitations over HTTP against the real server: an administrator invites, the link
arrives in the outbox, the person accepts once; an existing account keeps itself."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx

from registry.audit.ledger import OPERATOR
from registry.invitations.service import invite_many
from registry.notifications.tables import NotificationEmail
from tenants.roles import Role
from tenants.scope import TenantScope
from tenants.service import grant_role
from tenants.tables import Invitation, Membership, Person
from tests.audit.ledger_helpers import events_of
from tests.cli.test_errors import accord
from tests.web.helpers import PASSWORD, browser_for, give_password, sign_in
from tests.web.outbox import last_mail, link_in_mail, mails_to, submit_public_form

NEW_PASSWORD = "a quiet library at dawn"


def _scope(world) -> TenantScope:
    return TenantScope(world.tenant.id, world.slug)


async def test_an_invited_person_chooses_a_password_and_joins_once(live_server, api, factory):
    world = await factory.tenant("inv", rooms=False)
    email = f"invitee.{world.slug}@example.org"
    created = await api.post(
        f"/api/v1/t/{world.slug}/invitations",
        json={"email": email, "role": "coordinator", "name": "Dr Invitee"},
        headers=world[Role.ADMIN].headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["role"] == "coordinator"
    assert created.json()["accepted_at"] is None
    expires = datetime.fromisoformat(created.json()["expires_at"])
    assert timedelta(days=6, hours=23) < expires - datetime.now(UTC) <= timedelta(days=7)
    # The link's secret is only in the mail, never in the answer or the table.
    link = await link_in_mail(email, "invitation.created")
    secret = link.rsplit("/", 1)[1]
    assert secret not in created.text
    assert not await Invitation.exists().where(Invitation.token_hash == secret)
    mail = await last_mail(email, "invitation.created")
    assert f"{world.tenant.name} invites you" in mail.subject

    async with httpx.AsyncClient(base_url=live_server, timeout=30) as browser:
        page = await browser.get(link)
        assert page.status_code == 200
        assert "Choose a password" in page.text and "coordinator" in page.text
        short = await submit_public_form(
            browser, link, {"password": "short one", "password_again": "short one"}
        )
        assert short.status_code == 400
        assert "at least 12 characters" in short.text
        common = await submit_public_form(
            browser, link, {"password": "qwerty123456", "password_again": "qwerty123456"}
        )
        assert common.status_code == 400
        assert "commonly used" in common.text
        accepted = await submit_public_form(
            browser, link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
        )
        assert accepted.status_code == 303, accepted.text
        assert accepted.headers["location"] == f"/t/{world.slug}/"
        home = await browser.get(accepted.headers["location"])
        assert home.status_code == 200
        assert "Dr Invitee" in home.text

        reused = await browser.get(link)
        assert reused.status_code == 410
        assert "already been used" in reused.text
        again = await browser.post(link, data={"password": NEW_PASSWORD})
        assert again.status_code == 410

    async with browser_for(live_server, world[Role.ADMIN].email) as (admin, _):
        listed = await admin.get(f"/t/{world.slug}/admin/members")
        assert re.search(rf"<td>{re.escape(email)}</td>\s*<td>coordinator</td>", listed.text)
        assert "accepted " in listed.text
    person = await Person.objects().where(Person.email == email).first()
    assert person is not None and person.name == "Dr Invitee"
    assert await Membership.exists().where(
        (Membership.tenant == world.tenant.id)
        & (Membership.person == person.id)
        & (Membership.role == "coordinator")
    )
    actions = [event["action"] for event in await events_of(world.tenant.id)]
    for action in ("invitation.created", "invitation.accepted", "membership.granted"):
        assert action in actions
    async with httpx.AsyncClient(base_url=live_server) as fresh:
        assert (await sign_in(fresh, email, NEW_PASSWORD)).status_code == 303


async def test_an_expired_link_is_refused(live_server, api, factory):
    world = await factory.tenant("inv-exp", rooms=False)
    email = f"late.{world.slug}@example.org"
    created = await api.post(
        f"/api/v1/t/{world.slug}/invitations",
        json={"email": email, "role": "member", "expires_days": 1},
        headers=world[Role.ADMIN].headers,
    )
    assert created.status_code == 201, created.text
    link = await link_in_mail(email, "invitation.created")
    await Invitation.update(
        {Invitation.expires_at: datetime.now(UTC) - timedelta(minutes=1)}
    ).where(Invitation.email == email)
    async with httpx.AsyncClient(base_url=live_server) as browser:
        page = await browser.get(link)
        assert page.status_code == 410
        assert "expired" in page.text
        refused = await browser.post(
            link, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
        )
        assert refused.status_code == 410
        unknown = await browser.get("/invitations/not-a-real-secret")
        assert unknown.status_code == 404
    async with browser_for(live_server, world[Role.ADMIN].email) as (admin, _):
        listed = await admin.get(f"/t/{world.slug}/admin/members")
        assert "expired " in listed.text and "waiting, until" not in listed.text
    assert not await Membership.exists().where(
        (Membership.tenant == world.tenant.id) & (Membership.person.email == email)
    )


async def test_an_existing_account_accepts_and_keeps_its_name_and_password(
    live_server, api, factory
):
    home, other = (
        await factory.tenant("inv-home", rooms=False),
        await factory.tenant("inv-other", rooms=False),
    )
    person = home[Role.MEMBER]
    await give_password(person.email)
    before = await Person.objects().where(Person.id == person.person_id).first()
    assert before is not None
    # Adding an existing account answers with an invitation (202), naming nothing else.
    invited = await api.post(
        f"/api/v1/t/{other.slug}/members",
        json={"email": person.email, "role": "board", "name": "Renamed By Other"},
        headers=other[Role.ADMIN].headers,
    )
    assert invited.status_code == 202, invited.text
    assert home.slug not in invited.text and "Member person" not in invited.text
    link = await link_in_mail(person.email, "invitation.created")
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as browser:
        page = await browser.get(link)
        assert "You already have an Accord account" in page.text
        assert "password_again" not in page.text
        wrong = await submit_public_form(browser, link, {"password": "not my password at all"})
        assert wrong.status_code == 401
        assert "The password is wrong" in wrong.text
        accepted = await submit_public_form(browser, link, {"password": PASSWORD})
        assert accepted.status_code == 303, accepted.text
        assert accepted.headers["location"] == f"/t/{other.slug}/"
    after = await Person.objects().where(Person.id == person.person_id).first()
    assert after is not None
    assert (after.name, after.email, after.password_hash) == (
        before.name,
        before.email,
        before.password_hash,
    )
    assert await Membership.exists().where(
        (Membership.tenant == other.tenant.id)
        & (Membership.person == person.person_id)
        & (Membership.role == "board")
    )
    # The other association lists its own name for the member; the account is untouched.
    me = await api.get("/api/v1/me", headers=person.headers)
    assert me.json()["name"] == "Member person"
    assert {m["tenant"] for m in me.json()["memberships"]} == {home.slug, other.slug}


async def test_only_administrators_invite_and_only_their_own_tenant(api, factory):
    first, second = (
        await factory.tenant("inv-a", rooms=False),
        await factory.tenant("inv-b", rooms=False),
    )
    body = {"email": f"x.{first.slug}@example.org", "role": "member"}
    as_member = await api.post(
        f"/api/v1/t/{first.slug}/invitations", json=body, headers=first[Role.MEMBER].headers
    )
    assert as_member.status_code == 403
    across = await api.post(
        f"/api/v1/t/{first.slug}/invitations", json=body, headers=second[Role.ADMIN].headers
    )
    assert across.status_code in (403, 404)
    made = await api.post(
        f"/api/v1/t/{first.slug}/invitations", json=body, headers=first[Role.ADMIN].headers
    )
    assert made.status_code == 201
    listed = await api.get(
        f"/api/v1/t/{second.slug}/invitations", headers=second[Role.ADMIN].headers
    )
    assert listed.json() == []
    held = await api.post(
        f"/api/v1/t/{first.slug}/invitations",
        json={"email": first[Role.BOARD].email, "role": "board"},
        headers=first[Role.ADMIN].headers,
    )
    assert held.status_code == 409
    assert "already holds the role board" in held.json()["detail"]


async def test_bulk_invitation_skips_members(factory, database):
    world = await factory.tenant("inv-bulk", rooms=False)
    people = [
        (world[Role.MEMBER].email, "Already a member"),
        (f"one.{world.slug}@example.org", "One"),
        (f"two.{world.slug}@example.org", "Two"),
    ]
    issued = await invite_many(_scope(world), people, "member", actor=OPERATOR)
    assert sorted(i.invitation.email for i in issued) == [
        f"one.{world.slug}@example.org",
        f"two.{world.slug}@example.org",
    ]
    assert await mails_to(world[Role.MEMBER].email, "invitation.created") == 0
    assert await mails_to(f"two.{world.slug}@example.org", "invitation.created") == 1


async def test_the_cli_invites_into_the_outbox(factory, database):
    world = await factory.tenant("inv-cli", rooms=False)
    email = f"cli.{world.slug}@example.org"
    result = accord("members", "invite", "--tenant", world.slug, email, "--role", "auditor")
    assert result.returncode == 0, result.stderr
    assert f"{email}\t{world.slug}\tauditor\tinvited" in result.stdout
    assert await mails_to(email, "invitation.created") == 1
    refused = accord("members", "invite", "--tenant", world.slug, email, "--role", "king")
    assert refused.returncode == 1
    assert len(refused.stderr.splitlines()) == 1
    await grant_role(world.tenant, email, Role.AUDITOR, actor=OPERATOR)
    held = accord("members", "invite", "--tenant", world.slug, email, "--role", "auditor")
    assert held.returncode == 1 and "already holds the role auditor" in held.stderr


async def test_the_demo_leaves_invitations_in_the_outbox(database):
    first = accord("demo")
    assert first.returncode == 0, first.stderr
    assert "invitations waiting in the outbox" in first.stdout
    assert "/invitations/" in first.stdout
    mails = await NotificationEmail.count().where(NotificationEmail.kind == "invitation.created")
    assert mails >= 5
    second = accord("demo")
    assert second.returncode == 0, second.stderr
    # Run again, nothing is invited twice; the same links are shown.
    assert (
        await NotificationEmail.count().where(NotificationEmail.kind == "invitation.created")
        == mails
    )
    links = sorted(line for line in first.stdout.splitlines() if "/invitations/" in line)
    assert links == sorted(line for line in second.stdout.splitlines() if "/invitations/" in line)
