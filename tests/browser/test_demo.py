"""``make demo`` works in a real browser: every call gets the verdict the policy intends,
and every row says why, with the fix."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

from cors_wsgi import reasons
from cors_wsgi.server_reason import CORE_FIXES
from examples.demo import CASES, serving

#: What the API's middleware decided for each call, as the row lists it in order, and the fix shown.
SERVER_SAYS = {
    "Simple GET": (["GET /api/items: allowed"], ""),
    "JSON POST (sends a preflight)": (
        ["preflight OPTIONS /api/items: allowed", "POST /api/items: allowed"],
        "",
    ),
    "PUT with Authorization and a cookie (credentials)": (
        ["GET /api/login: allowed", "preflight OPTIONS /api/items/1: allowed", "PUT /api/items/1: allowed"],
        "",
    ),
    "Read the exposed X-Total-Count header": (["GET /api/items: allowed"], ""),
    "DELETE (method not allowed)": (
        ["preflight OPTIONS /api/items/1: refused, method-not-allowed: DELETE"],
        CORE_FIXES[reasons.METHOD_NOT_ALLOWED],
    ),
    "X-Secret header (header not allowed)": (
        ["preflight OPTIONS /api/items: refused, header-not-allowed: x-secret"],
        CORE_FIXES[reasons.HEADER_NOT_ALLOWED],
    ),
}

ROWS = """rows => rows.map(r => ({
  name: r.cells[0].textContent,
  verdict: r.className,
  expected: r.dataset.expected,
  reasons: [...r.querySelectorAll('td.reason div')].map(d => d.textContent),
  fix: r.querySelector('td.fix').textContent,
}))"""


def _rows(page: Page) -> list[dict[str, Any]]:
    with serving(0, 0) as (front_url, _):
        page.goto(front_url)
        page.wait_for_selector("body[data-done='true']", timeout=30_000)
        rows: list[dict[str, Any]] = page.eval_on_selector_all("#rows tr", ROWS)
    return rows


def test_demo_page_shows_the_intended_verdict_for_every_call(page: Page) -> None:
    rows = _rows(page)
    assert [row["name"] for row in rows] == [name for name, _, _ in CASES]
    for row in rows:
        assert row["verdict"] == row["expected"], row["name"]
    assert {row["verdict"] for row in rows} == {"allowed", "blocked"}


def test_every_demo_row_shows_the_servers_reason_and_the_fix(page: Page) -> None:
    rows = _rows(page)
    assert [row["name"] for row in rows] == list(SERVER_SAYS)
    for row in rows:
        assert (row["reasons"], row["fix"]) == SERVER_SAYS[row["name"]], row["name"]
