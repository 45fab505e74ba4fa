"""The Chromium fixtures of the browser tests, for the agreement tests here.

Like every browser test, they fail under ``CI`` when Chromium is missing and skip elsewhere.
"""

from tests.browser.conftest import browser, front_port, page

__all__ = ["browser", "front_port", "page"]
