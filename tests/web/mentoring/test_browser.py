"""The mentoring story in a real browser (Debian's Chromium, headless) against
`accord serve` on SQLite: a coordinator starts a scheme from the ALIA preset and sets
up an intake; a mentor and a mentee apply through the form; the coordinator runs
matching, reviews the draft and publishes it after confirming; both accept the
agreement; the mentor logs a meeting and completes the partnership; the coordinator
issues the certificates; the mentee downloads theirs and checks it on the public page
without signing in. Each main page is saved as a screenshot under
test-artifacts/screenshots/ (the web room's fixtures and helpers, tests/web/)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from registry.audit.ledger import OPERATOR
from tenants.roles import Role
from tenants.service import grant_role
from tests.mentoring.stories import wind_to
from tests.web.browser import ARTIFACTS
from tests.web.helpers import give_password
from tests.web.test_browser import assert_accessible_basics, chromium, shoot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

__all__ = ["chromium"]  # the web room's module fixture, used here


async def as_person(chromium, live_server, email: str, slug: str):
    """A fresh browser context signed in as `email`, on the tenant's dashboard."""
    context = await chromium.new_context(base_url=live_server, accept_downloads=True)
    tab = await context.new_page()
    await sign_in(tab, email)
    await tab.wait_for_url(f"**/t/{slug}/")
    return context, tab


async def apply(tab, slug: str, role: str) -> None:
    """Fill and send the application form of the only open intake."""
    await tab.get_by_role("navigation").get_by_role("link", name="Mentoring").click()
    await tab.get_by_role("link", name=re.compile("Apply to Library Mentoring")).click()
    await tab.get_by_role("heading", name=re.compile("Apply to")).wait_for()
    await assert_accessible_basics(tab)
    mentor = role == "mentor"
    await tab.get_by_label(
        "Mentor: I will mentor" if mentor else "Mentee: I would like a mentor"
    ).check()
    await tab.get_by_label("Leadership").check()
    await tab.get_by_label("Digital libraries").check()
    await tab.get_by_label("Sector").select_option("academic")
    await tab.get_by_label("Career stage").select_option("4" if mentor else "2")
    await tab.get_by_label("Years of experience").fill("10" if mentor else "1")
    await tab.get_by_label("Time zone: hours from UTC").fill("10")
    await tab.get_by_label("Membership class").fill("Associate" if mentor else "Student")
    await tab.get_by_label("agreement to abide by the Code of Conduct").check()
    await tab.get_by_label("a current resume").check()
    await tab.get_by_label("Hours of contact a month you can give").fill("2")
    await tab.get_by_label("Meetings a month").fill("1")
    if mentor:
        await tab.get_by_label("Mentors: how many mentees you take").fill("2")
    else:
        await tab.get_by_label("Hours of preparation a month (mentees)").fill("2")
    await shoot(tab, f"mentoring-apply-{role}")
    await tab.get_by_role("button", name="Send the application").click()
    await tab.get_by_role("heading", name="Your application").wait_for()
    assert "Your application is in" in await tab.get_by_role("status").inner_text()


async def test_mentoring_story(chromium, live_server, factory):
    world = await factory.tenant("e2e-mentoring")
    slug = world.slug
    mentor_email, mentee_email = f"mentor.{slug}@example.org", f"mentee.{slug}@example.org"
    for email, name in ((mentor_email, "Maria Mentor"), (mentee_email, "Mei Mentee")):
        await grant_role(world.tenant, email, Role.MEMBER, name=name, actor=OPERATOR)
        await give_password(email)
    await give_password(world[Role.COORDINATOR].email)

    # The coordinator starts a scheme from the ALIA preset and sets up an intake.
    staff_context, staff = await as_person(
        chromium, live_server, world[Role.COORDINATOR].email, slug
    )
    await staff.get_by_role("heading", name="Mentoring intakes").wait_for()
    await staff.get_by_role("navigation").get_by_role("link", name="Mentoring").click()
    await staff.get_by_role("heading", name="Start a scheme from a preset").wait_for()
    await assert_accessible_basics(staff)
    await staff.get_by_label("Scheme name").fill("Library Mentoring")
    await staff.get_by_label("Preset policy").select_option("alia-mentoring")
    await staff.get_by_label("Interests applicants choose from").fill(
        "leadership\ndigital libraries\ncataloguing"
    )
    await shoot(staff, "mentoring-start-scheme")
    await staff.get_by_role("button", name="Start the scheme").click()
    await staff.get_by_role("heading", name="Set up an intake").wait_for()
    await staff.get_by_label("Intake name").fill("2027")
    await staff.get_by_label("Starts on").fill((date.today() + timedelta(days=30)).isoformat())
    await staff.get_by_label("Applications close (optional)").fill(date.today().isoformat())
    await staff.get_by_role("button", name="Set up the intake").click()
    error = staff.locator("#applications_close-error")
    await error.wait_for(state="visible")
    assert "leave it out" in await error.inner_text()
    await shoot(staff, "mentoring-intake-error")
    await staff.get_by_label("Applications close (optional)").fill("")
    await staff.get_by_role("button", name="Set up the intake").click()
    await staff.get_by_role("heading", name="Library Mentoring: 2027").wait_for()
    await assert_accessible_basics(staff)
    await shoot(staff, "mentoring-intake")
    intake_url = staff.url.split("?")[0]

    # A mentor and a mentee apply through the form.
    for email, role in ((mentor_email, "mentor"), (mentee_email, "mentee")):
        context, tab = await as_person(chromium, live_server, email, slug)
        await apply(tab, slug, role)
        if role == "mentee":
            await shoot(tab, "mentoring-application")
        await context.close()

    # The coordinator sees the applications on the dashboard, runs matching, reviews
    # the draft and publishes it.
    await staff.goto(f"/t/{slug}/")
    panel = staff.locator("section", has=staff.get_by_role("heading", name="Mentoring intakes"))
    assert "2 applications" in await panel.inner_text()
    await shoot(staff, "mentoring-dashboard-coordinator")
    await staff.goto(intake_url)
    await staff.get_by_role("button", name="Run matching over the pool").click()
    await staff.get_by_role("heading", name="Review the draft").wait_for()
    row = staff.locator("tbody tr").first
    assert "Mei Mentee" in await row.inner_text() and "Maria Mentor" in await row.inner_text()
    assert "Shared interests" in await row.inner_text()
    await assert_accessible_basics(staff)
    await shoot(staff, "mentoring-match-run")
    await staff.get_by_role("link", name="Publish…").click()
    await staff.get_by_role("heading", name="Publish this matching?").wait_for()
    await shoot(staff, "mentoring-publish-confirm")
    await staff.get_by_role("button", name="Yes, publish and tell everyone").click()
    assert "Published" in await staff.get_by_role("status").inner_text()

    # Both accept the agreement from their dashboard's partnership panel.
    for email in (mentee_email, mentor_email):
        context, tab = await as_person(chromium, live_server, email, slug)
        await tab.get_by_role("heading", name="Your partnership").wait_for()
        if email == mentee_email:
            await shoot(tab, "mentoring-dashboard-participant")
        await tab.get_by_role("link", name=re.compile("^With ")).click()
        await tab.get_by_role("heading", name="The partnership agreement").wait_for()
        await tab.get_by_role("button", name="Accept the agreement").click()
        error = tab.locator("#agree-error")
        await error.wait_for(state="visible")  # the box was not ticked
        await tab.get_by_label("I accept the partnership agreement and the plan").check()
        await tab.get_by_role("button", name="Accept the agreement").click()
        await tab.get_by_role("status").wait_for()
        if email == mentee_email:
            await assert_accessible_basics(tab)
            await shoot(tab, "mentoring-partnership-accepted")
            await context.close()
    partnership_url = tab.url.split("?")[0]
    # A year passes (the record is wound back): the intake ends today.
    await wind_to(world, intake_url.rsplit("/", 1)[1], "ends_on")
    await tab.reload()

    # The mentor logs a meeting, then completes the partnership and records the
    # evaluation (ALIA's certificate waits for it).
    assert "Accepted by both" in await tab.locator("#state").inner_text()
    await tab.get_by_label("How long, in minutes").fill("75")
    await tab.get_by_label("How you met").select_option("video")
    await tab.get_by_label("Private notes (optional)").fill("agreed goals for the year")
    await tab.get_by_role("button", name="Log the meeting").click()
    await tab.get_by_role("status").wait_for()
    meetings = await tab.locator("#meetings + .table-wrap").inner_text()
    assert "75" in meetings and "agreed goals for the year" in meetings
    await shoot(tab, "mentoring-partnership-meeting")
    await tab.get_by_role("button", name="Mark the partnership completed").click()
    await tab.wait_for_url("**done=complete")
    assert "Completed" in await tab.locator("#state").inner_text()
    await tab.get_by_role("button", name="Record the evaluation").click()
    await tab.wait_for_url("**done=evaluate")
    await context.close()

    # The coordinator issues the certificates.
    await staff.goto(partnership_url)
    await staff.get_by_role("button", name="Issue the certificates").click()
    await staff.wait_for_url("**done=issued**")
    await shoot(staff, "mentoring-certificates")
    await staff_context.close()

    # The mentee downloads the certificate and checks it on the public page.
    context, tab = await as_person(chromium, live_server, mentee_email, slug)
    await tab.goto(partnership_url)
    async with tab.expect_download() as info:
        await tab.get_by_role("link", name="Download the certificate (PDF)").click()
    download = await info.value
    saved = ARTIFACTS.parent / download.suggested_filename
    await download.save_as(str(saved))
    assert saved.read_bytes().startswith(b"%PDF")
    code = re.search(r"ACC(-[A-Z0-9]{4}){4}", download.suggested_filename)
    assert code, download.suggested_filename
    await context.close()

    public = await chromium.new_context(base_url=live_server)
    anyone = await public.new_page()
    await anyone.goto("/verify/")
    await anyone.get_by_label("Certificate code").fill(code.group(0).lower())
    await anyone.get_by_role("button", name="Check the certificate").click()
    await anyone.wait_for_url(f"**/verify/{code.group(0)}")
    assert "Valid." in await anyone.get_by_role("status").inner_text()
    facts = await anyone.locator("dl.facts").inner_text()
    assert "Mei Mentee" in facts and "Library Mentoring" in facts
    await assert_accessible_basics(anyone)
    await shoot(anyone, "mentoring-verify")
    await public.close()


async def test_mentoring_pages_fit_a_phone(chromium, live_server, factory):
    """The pages a participant opens on a phone do not scroll sideways (wide tables
    scroll inside their own box)."""
    world = await factory.tenant("e2e-mentoring-phone")
    slug = world.slug
    member = world[Role.MEMBER]
    await give_password(member.email)
    seeded = world.mentoring
    context = await chromium.new_context(
        base_url=live_server, viewport={"width": 375, "height": 740}, is_mobile=True
    )
    tab = await context.new_page()
    try:
        await sign_in(tab, member.email)
        await tab.wait_for_url(f"**/t/{slug}/")
        for path, name in (
            (f"/t/{slug}/mentoring", "phone-mentoring"),
            (f"/t/{slug}/mentoring/intakes/{seeded['intake_id']}/apply", "phone-mentoring-apply"),
            (f"/t/{slug}/mentoring/partnerships/{seeded['partnership_id']}", "phone-partnership"),
            ("/verify/", "phone-verify"),
        ):
            await tab.goto(path)
            overflow = await tab.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 1, (path, overflow)
            await shoot(tab, name)
    finally:
        await context.close()
