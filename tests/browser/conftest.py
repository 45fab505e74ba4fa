"""Chromium (Debian's ``/usr/bin/chromium``, never a browser of Playwright's own) and a page.

With ``CI`` set the browser tests must run, so a missing Chromium fails them;
on a developer machine they skip and say how to install it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser.servers import front_page, serve

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))

FETCH = """async ([url, init]) => {
  try {
    const response = await fetch(url, init);
    const headers = Object.fromEntries(response.headers.entries());
    return {ok: true, status: response.status, headers, body: await response.text()};
  } catch (error) {
    return {ok: false, error: String(error)};
  }
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per module: Playwright's event loop must be gone before other
    suites run, or their async code (Flask's async views) finds a running loop."""
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium`"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must run the browser tests)")
        pytest.skip(message)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def front_port() -> Iterator[int]:
    with serve(front_page) as port:
        yield port


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh context per test: its own cookies and its own preflight cache."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


class Script:
    """Runs ``fetch()`` in a page loaded from one origin and returns what script sees."""

    def __init__(self, page: Page, origin: str) -> None:
        self.page = page
        self.origin = origin
        page.goto(origin + "/")

    def fetch(self, url: str, **init: Any) -> dict[str, Any]:
        result: dict[str, Any] = self.page.evaluate(FETCH, [url, init])
        return result
