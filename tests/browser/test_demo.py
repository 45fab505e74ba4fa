"""``make demo`` works in a real browser: every call gets the verdict the policy intends."""

from __future__ import annotations

from playwright.sync_api import Page

from examples.demo import CASES, serving


def test_demo_page_shows_the_intended_verdict_for_every_call(page: Page) -> None:
    with serving(0, 0) as (front_url, _):
        page.goto(front_url)
        page.wait_for_selector("body[data-done='true']", timeout=30_000)
        rows = page.eval_on_selector_all(
            "#rows tr", "rows => rows.map(r => [r.cells[0].textContent, r.className, r.dataset.expected])"
        )
    assert [name for name, _, _ in rows] == [name for name, _, _ in CASES]
    for name, verdict, expected in rows:
        assert verdict == expected, name
    assert {verdict for _, verdict, _ in rows} == {"allowed", "blocked"}
