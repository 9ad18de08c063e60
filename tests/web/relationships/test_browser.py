"""The board approval story in a real browser (Debian's Chromium, headless) against
`accord serve` on SQLite: a coordinator adjudicates the screening case; the executive
refers the request; three directors vote, one recused; the request is approved and
its MOU approved through that motion. Each main page is saved as a screenshot under
test-artifacts/screenshots/ (the web room's fixtures and helpers, tests/web/)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tenants.roles import Role
from tests.relationships import stories
from tests.web.helpers import give_password
from tests.web.relationships.world import held_request, relationships_world
from tests.web.test_browser import assert_accessible_basics, chromium, shoot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

__all__ = ["chromium"]  # the web room's module fixture, used here


async def as_person(chromium, live_server, email: str, slug: str):
    """A fresh browser context signed in as `email`, on the tenant's dashboard."""
    context = await chromium.new_context(base_url=live_server)
    tab = await context.new_page()
    await sign_in(tab, email)
    await tab.wait_for_url(f"**/t/{slug}/")
    return context, tab


async def test_board_approval_story(chromium, live_server, factory, api, un_list):
    world = await relationships_world(factory, api, "e2e-board")
    request = await held_request(api, world)
    await stories.complete_due_diligence(api, world, request["id"])
    people = [world[Role.COORDINATOR], world[Role.EXECUTIVE], *world.directors]
    for person in people:
        await give_password(person.email)

    # The coordinator adjudicates the namesake's case, side by side, after confirming.
    context, tab = await as_person(chromium, live_server, world[Role.COORDINATOR].email, world.slug)
    await tab.get_by_role("heading", name="Open screening cases").wait_for()
    await shoot(tab, "relationships-dashboard-coordinator")
    await tab.get_by_role("link", name=re.compile("Eric Badege ~ ERIC BADEGE")).click()
    await tab.get_by_role("heading", name="The listed entry").wait_for()
    await assert_accessible_basics(tab)
    await shoot(tab, "screening-case")
    await tab.get_by_role("radio", name=re.compile("False positive")).check()
    await tab.get_by_role("button", name="Continue").click()
    error = tab.locator("#reason-error")
    await error.wait_for(state="visible")
    assert "false positive" in await error.inner_text()
    await tab.get_by_role("radio", name=re.compile("False positive")).check()
    await tab.get_by_label("Reason").fill("Born 1990; the listed person was born in 1971")
    await tab.get_by_role("button", name="Continue").click()
    await tab.get_by_role("button", name="Yes, record the finding").click()
    await tab.get_by_text("Your finding was recorded.").wait_for()
    await context.close()

    # The executive takes the request from the queue and refers it to the board.
    context, tab = await as_person(chromium, live_server, world[Role.EXECUTIVE].email, world.slug)
    await shoot(tab, "relationships-dashboard-executive")
    await tab.get_by_role(
        "link", name="Library and information education partnership", exact=True
    ).click()
    await tab.get_by_role("heading", name="The policy's Decision").wait_for()
    await assert_accessible_basics(tab)
    await shoot(tab, "relationship-request")
    await tab.get_by_role("link", name="Refer to the board").click()
    await tab.get_by_label("Anything you add to the board papers (optional)").fill(
        "Recommended by the executive."
    )
    await shoot(tab, "relationship-request-refer")
    await tab.get_by_role("button", name="Yes, refer to the board").click()
    await tab.get_by_text("Referred to the board: a motion is open.").wait_for()
    await context.close()

    # Three directors: the first declares a conflict, the other two vote for.
    first, second, third = world.directors
    context, tab = await as_person(chromium, live_server, first.email, world.slug)
    await tab.get_by_text("your vote is awaited").first.wait_for()
    await tab.get_by_role("link", name=re.compile("^Relationship with Fiji")).click()
    await tab.get_by_role("heading", name="The papers").wait_for()
    await assert_accessible_basics(tab)
    await shoot(tab, "board-motion")
    await tab.get_by_label("The conflict of interest").fill("I sit on its advisory council")
    await tab.get_by_role("button", name="Declare the conflict").click()
    await tab.get_by_role("button", name="Yes, recuse me").click()
    await tab.get_by_text("you are recused").first.wait_for()
    await context.close()
    for director in (second, third):
        context, tab = await as_person(chromium, live_server, director.email, world.slug)
        await tab.get_by_role("link", name=re.compile("^Relationship with Fiji")).click()
        await tab.get_by_role("radio", name="For", exact=True).check()
        await tab.get_by_role("button", name="Vote").click()
        await tab.get_by_role("button", name="Yes, cast my vote").click()
        await tab.wait_for_url("**done=voted")
        if director is third:
            await tab.get_by_role("heading", name="The signed decision").wait_for()
            decision = await tab.locator("#decision").inner_text()
            assert "Verified" in decision and re.search(r"[0-9a-f]{64}", decision)
            assert "carried" in await tab.locator(".lede").inner_text()
            await shoot(tab, "board-motion-decided")
        await context.close()

    # The executive sees the request approved, and approves its MOU through the motion.
    context, tab = await as_person(chromium, live_server, world[Role.EXECUTIVE].email, world.slug)
    await tab.goto(f"/t/{world.slug}/requests/{request['id']}")
    assert "approved" in await tab.locator(".lede").inner_text()
    await tab.get_by_role("link", name="Draft the MOU it asked for").click()
    assert await tab.get_by_label("Title").input_value() == "MOU with Fiji Library Association"
    # The board sanctions the understanding the MOU states, so it is written down first.
    await tab.get_by_label("Working relationships").fill("Joint webinars for new graduates.")
    await tab.get_by_label("Shared interests").fill("Library education in the Pacific.")
    await tab.get_by_label("Common understanding").fill("Each party bears its own costs.")
    await tab.get_by_label("Expires on").fill("2020-01-01")  # before it takes effect
    await tab.get_by_role("button", name="Save the draft").click()
    await tab.locator("#expires_on-error").wait_for(state="visible")
    # The summary of the errors takes the focus, so a screen reader reads it first.
    assert await tab.evaluate("() => document.activeElement.className") == "error-summary"
    await shoot(tab, "mou-draft-error")
    await tab.get_by_label("Expires on").fill(f"{date.today().year + 3}-12-31")
    await tab.get_by_role("button", name="Save the draft").click()
    await tab.get_by_role("heading", name="Approval").wait_for()
    mou_url = tab.url
    await tab.get_by_role("navigation").get_by_role("link", name="MOUs").click()
    await tab.get_by_role("heading", name="Reviews coming due").wait_for()
    await assert_accessible_basics(tab)
    await shoot(tab, "mou-register")
    await tab.goto(mou_url)
    await tab.get_by_role("button", name="Approve through the board's motion").click()
    await tab.get_by_role("button", name="Yes, approve the MOU").click()
    await tab.get_by_text("The MOU is approved").wait_for()
    assert await tab.locator("#mou-state").inner_text() == "approved"
    mou_id = tab.url.split("/mous/", 1)[1].split("?", 1)[0]
    await assert_accessible_basics(tab)
    await shoot(tab, "mou")
    await context.close()

    # The same pages on a phone: nothing wider than the screen.
    context = await chromium.new_context(
        base_url=live_server, viewport={"width": 375, "height": 740}, is_mobile=True
    )
    tab = await context.new_page()
    await sign_in(tab, world[Role.EXECUTIVE].email)
    await tab.wait_for_url(f"**/t/{world.slug}/")
    motion_id = (await stories.get_request(api, world, request["id"]))["motion_id"]
    case_id = request["cases"][0]["id"]
    for path, name in (
        (f"/requests/{request['id']}", "phone-relationship-request"),
        (f"/screening-cases/{case_id}", "phone-screening-case"),
        (f"/motions/{motion_id}", "phone-board-motion"),
        (f"/mous/{mou_id}", "phone-mou"),
    ):
        await tab.goto(f"/t/{world.slug}{path}")
        overflow = await tab.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth"
        )
        await shoot(tab, name)
        assert overflow <= 1, (path, overflow)
    await context.close()
