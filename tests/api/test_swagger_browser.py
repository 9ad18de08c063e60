"""The Swagger page in a real browser (Debian's Chromium): it draws the API from the
app's own copy of Swagger UI, under its Content-Security-Policy, and asks nothing of
another site."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium

pytestmark = [pytest.mark.browser]


async def test_swagger_renders_from_local_assets_only(live_server):
    require_chromium()
    from playwright.async_api import async_playwright

    requested: list[str] = []
    errors: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            tab = await browser.new_page(base_url=live_server)
            tab.on("request", lambda request: requested.append(request.url))
            tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            tab.on("pageerror", lambda e: errors.append(str(e)))
            await tab.goto("/schema/swagger")
            # Swagger UI drew the document: its title and an operation of ours.
            await tab.get_by_text("/api/v1/t/{tenant}/members", exact=True).first.wait_for()
            assert "Accord" in await tab.locator(".info .title").inner_text()
        finally:
            await browser.close()
    own = urlsplit(live_server).netloc
    assert requested and {urlsplit(url).netloc for url in requested} == {own}
    assert errors == []
