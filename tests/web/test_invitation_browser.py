"""The invitation flow end to end in a real browser (Debian's Chromium, headless):
an administrator invites from the members page, the invitee follows the link from
the outbox, is refused a short password, chooses a good one and lands in the
association; the used link and an expired one each say why they no longer work.
A person with an account elsewhere accepts with their own password. Screenshots go
to test-artifacts/screenshots/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from registry.audit.ledger import OPERATOR
from registry.invitations.service import invite
from tenants.roles import Role
from tenants.scope import TenantScope
from tenants.tables import Invitation, Person
from tests.web.helpers import PASSWORD, give_password
from tests.web.outbox import link_in_mail
from tests.web.test_browser import assert_accessible_basics, chromium, shoot, sign_in

pytestmark = [pytest.mark.browser]
__all__ = ["chromium"]  # the web room's module fixture, used here

CHOSEN = "lantern over the harbour"


async def _tab(chromium, live_server):
    context = await chromium.new_context(base_url=live_server)
    tab = await context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    return context, tab, errors


async def test_invite_accept_reuse_and_expiry_in_the_browser(chromium, live_server, factory):
    world = await factory.tenant("e2e-invite", rooms=False)
    email = f"newcomer.{world.slug}@example.org"
    await give_password(world[Role.ADMIN].email)

    admin_context, admin, admin_errors = await _tab(chromium, live_server)
    await sign_in(admin, world[Role.ADMIN].email)
    await admin.wait_for_url(f"**/t/{world.slug}/")
    await admin.goto(f"/t/{world.slug}/admin/members")
    form = admin.locator("form[action$='/admin/members/invite']")
    await form.get_by_label("E-mail address").fill(email)
    await form.get_by_label("Name (optional)").fill("Nia Newcomer")
    await form.get_by_label("Role").select_option("coordinator")
    await form.get_by_role("button", name="Send the invitation").click()
    notice = admin.get_by_role("status")
    await notice.wait_for()
    assert f"An invitation is on its way to {email}" in await notice.inner_text()
    invitations = admin.get_by_role("table").last
    row = invitations.get_by_role("row").filter(has_text=email)
    assert "waiting, until" in await row.inner_text()
    await shoot(admin, "invitation-sent")
    await admin_context.close()
    assert admin_errors == []

    link = await link_in_mail(email, "invitation.created")
    context, tab, errors = await _tab(chromium, live_server)
    await tab.goto(link)
    await tab.get_by_role("heading", name=f"Join {world.tenant.name}").wait_for()
    await assert_accessible_basics(tab)
    await shoot(tab, "invitation-accept")
    await tab.get_by_label("Choose a password").fill("too short")
    await tab.get_by_label("The password again").fill("too short")
    await tab.get_by_role("button", name="Accept the invitation").click()
    error = tab.locator("#password-error")
    await error.wait_for(state="visible")
    assert "at least 12 characters" in await error.inner_text()
    await tab.get_by_label("Choose a password").fill(CHOSEN)
    await tab.get_by_label("The password again").fill(CHOSEN)
    await tab.get_by_role("button", name="Accept the invitation").click()
    await tab.wait_for_url(f"**/t/{world.slug}/")
    assert "Nia Newcomer" in await tab.locator("header").inner_text()
    await shoot(tab, "invitation-accepted")

    # The same link again: used.
    await tab.goto(link)
    assert "already been used" in await tab.locator("main").inner_text()
    await context.close()
    assert errors == []

    # An expired link.
    late = await invite(
        TenantScope(world.tenant.id, world.slug),
        f"late.{world.slug}@example.org",
        "member",
        actor=OPERATOR,
    )
    await Invitation.update({Invitation.expires_at: datetime.now(UTC) - timedelta(hours=1)}).where(
        Invitation.id == late.invitation.id
    )
    context, tab, errors = await _tab(chromium, live_server)
    response = await tab.goto(late.link)
    assert response is not None and response.status == 410
    assert "expired" in await tab.locator("main").inner_text()
    await shoot(tab, "invitation-expired")
    await context.close()


async def test_an_existing_account_accepts_with_its_own_password(chromium, live_server, factory):
    home = await factory.tenant("e2e-inv-home", rooms=False)
    other = await factory.tenant("e2e-inv-other", rooms=False)
    person = home[Role.MEMBER]
    await give_password(person.email)
    before = await Person.objects().where(Person.id == person.person_id).first()
    await invite(
        TenantScope(other.tenant.id, other.slug),
        person.email,
        "board",
        "Renamed by the other association",
        actor=OPERATOR,
    )
    link = await link_in_mail(person.email, "invitation.created")
    context, tab, errors = await _tab(chromium, live_server)
    await tab.goto(link)
    await tab.get_by_text("You already have an Accord account").wait_for()
    await tab.get_by_label("Your Accord password").fill(PASSWORD)
    await tab.get_by_role("button", name="Accept the invitation").click()
    await tab.wait_for_url(f"**/t/{other.slug}/")
    await tab.goto("/account")
    main = await tab.locator("main").inner_text()
    assert str(home.tenant.name) in main and str(other.tenant.name) in main
    assert await tab.get_by_label("Name").input_value() == "Member person"
    await context.close()
    assert errors == []
    after = await Person.objects().where(Person.id == person.person_id).first()
    assert before is not None and after is not None
    assert (after.name, after.password_hash) == (before.name, before.password_hash)
