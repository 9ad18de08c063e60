"""Debian's Chromium driven by Playwright, for the browser tests (marked `browser`).

`make test` installs the `playwright` package and, as root, the `chromium` package;
Playwright's own browser download is never used. Without /usr/bin/chromium the tests
are skipped with the reason, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("ACCORD_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
#: Screenshots of the main pages land here (git-ignored), one file per page.
ARTIFACTS = Path(os.environ.get("ACCORD_TEST_ARTIFACTS", "test-artifacts")) / "screenshots"


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: `apt-get install -y chromium` (make test does, as root)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
