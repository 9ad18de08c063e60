"""End-to-end in a real browser (Debian's Chromium, headless) against `accord serve`
on SQLite: sign in, choose the association, an administrator edits a policy with an
error and then fixes it, an auditor downloads the signed export. Each main page is
saved as a screenshot under test-artifacts/screenshots/.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from registry.audit.bundle import verify_bundle_lines
from registry.audit.ledger import OPERATOR
from tenants.roles import Role
from tenants.service import grant_role
from tests.web.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.web.helpers import PASSWORD, give_password

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
async def chromium() -> AsyncIterator[object]:
    require_chromium()
    from playwright.async_api import async_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        await browser.close()


@pytest.fixture
async def page(chromium, live_server):
    """A tab; at the end, no page may have logged an error (a script that failed, or
    anything the Content-Security-Policy refused)."""
    context = await chromium.new_context(base_url=live_server, accept_downloads=True)
    tab = await context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    yield tab
    await context.close()
    # The sign-in page with a wrong password answers 401, which Chromium logs.
    assert [e for e in errors if "status of 401" not in e and "status of 400" not in e] == []


async def shoot(tab, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    await tab.screenshot(path=str(path), full_page=True)
    return path


async def sign_in(tab, email: str) -> None:
    await tab.goto("/sign-in")
    await tab.get_by_label("E-mail address").fill(email)
    await tab.get_by_label("Password").fill(PASSWORD)
    await tab.get_by_role("button", name="Sign in").click()


async def assert_accessible_basics(tab) -> None:
    """One h1; every visible form control has a label; the skip link comes first."""
    assert await tab.locator("h1").count() == 1
    unlabelled = await tab.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
             .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
             .map(e => e.name)"""
    )
    assert unlabelled == []
    await tab.keyboard.press("Tab")
    focused = await tab.evaluate("() => document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"


async def test_sign_in_choose_association_and_dashboard(page, factory):
    first = await factory.tenant("e2e-one")
    second = await factory.tenant("e2e-two")
    email = first[Role.ADMIN].email
    await grant_role(second.tenant, email, Role.AUDITOR, actor=OPERATOR)
    await give_password(email)

    await page.goto("/")
    assert page.url.endswith("/sign-in?next=/")
    await shoot(page, "sign-in")
    await assert_accessible_basics(page)
    await page.get_by_label("E-mail address").fill(email)
    await page.get_by_label("Password").fill("a wrong password here")
    await page.get_by_role("button", name="Sign in").click()
    error = page.locator("#password-error")
    await error.wait_for(state="visible")
    assert "wrong" in await error.inner_text()
    assert await page.evaluate("() => document.activeElement.className") == "error-summary"
    await shoot(page, "sign-in-error")

    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/tenants")
    await shoot(page, "choose-association")
    await page.get_by_role("link", name=str(second.tenant.name)).click()
    await page.wait_for_url(f"**/t/{second.slug}/")
    await page.get_by_role("heading", name="Audit exports").wait_for()
    assert not await page.get_by_role("heading", name="Administration").is_visible()
    await page.get_by_role("link", name="Switch association").click()
    await page.get_by_role("link", name=str(first.tenant.name)).click()
    await page.wait_for_url(f"**/t/{first.slug}/")
    await page.get_by_role("heading", name="Administration").wait_for()
    await assert_accessible_basics(page)
    await shoot(page, "dashboard-admin")

    await page.get_by_role("link", name="Inbox").first.click()
    await page.wait_for_url(f"**/t/{first.slug}/inbox")
    await shoot(page, "inbox")
    for label, name in (
        ("Members", "members"),
        ("Member register", "member-register"),
        ("Settings", "settings"),
        ("API tokens", "tokens"),
        ("Policies", "policies"),
    ):
        await page.get_by_role("navigation").get_by_role("link", name=label).click()
        await page.wait_for_load_state()
        await assert_accessible_basics(page)
        await shoot(page, name)

    await page.get_by_role("button", name="Sign out").click()
    await page.wait_for_url("**/sign-in?signed_out=true")
    await page.goto(f"/t/{first.slug}/")
    assert "/sign-in" in page.url


async def test_admin_edits_a_policy_with_an_error_then_fixes_it(page, factory):
    world = await factory.tenant("e2e-policy")
    await give_password(world[Role.ADMIN].email)
    await sign_in(page, world[Role.ADMIN].email)
    await page.wait_for_url(f"**/t/{world.slug}/")
    await page.goto(f"/t/{world.slug}/policies/{world.policy_name}")
    await shoot(page, "policy")
    await page.get_by_role("link", name="Edit the document").click()
    document = page.get_by_label("Policy document")
    original = await document.input_value()
    await document.fill(original.replace('version = "2021.1"', 'version = ""', 1))
    await page.get_by_role("button", name="Save as a new version").click()
    error = page.locator("#document-error")
    await error.wait_for(state="visible")
    message = await error.inner_text()
    assert "version" in message
    assert await document.get_attribute("aria-invalid") == "true"
    assert await document.input_value() != original  # what was typed is still there
    await shoot(page, "policy-edit-error")

    await document.fill(original.replace('version = "2021.1"', 'version = "2027.1"', 1))
    await page.get_by_role("button", name="Save as a new version").click()
    await page.wait_for_url(f"**/policies/{world.policy_name}?saved=2")
    assert "Saved as version 2." in await page.get_by_role("status").inner_text()
    await page.get_by_role("link", name="Version 1").click()
    assert '"2021.1"' in await page.locator("pre").inner_text()
    await shoot(page, "policy-version")


async def test_auditor_downloads_a_signed_export(page, factory):
    world = await factory.tenant("e2e-audit")
    await give_password(world[Role.AUDITOR].email)
    await sign_in(page, world[Role.AUDITOR].email)
    await page.wait_for_url(f"**/t/{world.slug}/")
    await page.get_by_role("navigation").get_by_role("link", name="Audit").click()
    await page.wait_for_url(f"**/t/{world.slug}/audit")
    await page.get_by_label("Action").fill("membership.granted")
    await page.get_by_role("button", name="Show events").click()
    await page.wait_for_url("**action=membership.granted**")
    assert await page.locator("tbody tr").count() >= len(Role)
    await assert_accessible_basics(page)
    await shoot(page, "audit")

    async with page.expect_download() as info:
        await page.get_by_role("button", name="Download the export").click()
    download = await info.value
    assert download.suggested_filename == f"{world.slug}-audit.jsonl"
    saved = ARTIFACTS.parent / download.suggested_filename
    await download.save_as(str(saved))
    result = verify_bundle_lines(saved.read_bytes().splitlines(keepends=True))
    assert result.valid, result.summary()


async def test_pages_fit_a_phone(chromium, live_server, factory):
    world = await factory.tenant("e2e-phone")
    await give_password(world[Role.ADMIN].email)
    context = await chromium.new_context(
        base_url=live_server, viewport={"width": 375, "height": 740}, is_mobile=True
    )
    tab = await context.new_page()
    try:
        await sign_in(tab, world[Role.ADMIN].email)
        await tab.wait_for_url(f"**/t/{world.slug}/")
        for path, name in (
            (f"/t/{world.slug}/", "phone-dashboard"),
            (f"/t/{world.slug}/admin/members", "phone-members"),
            (f"/t/{world.slug}/policies/{world.policy_name}/edit", "phone-policy-edit"),
        ):
            await tab.goto(path)
            overflow = await tab.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 1, (path, overflow)
            await shoot(tab, name)
    finally:
        await context.close()
