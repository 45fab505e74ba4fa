"""Report lines are deduplicated per (origin, method, rule, reasons) over a window, in a bounded table."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from cors_wsgi import logs
from tests.report.conftest import APP, EVIL, FakeClock, Reports, call, ok_app, preflight, report_lines

WATCHED: dict[str, Any] = {"allow_origins": "*", "report_only": {"allow_origins": [APP]}}


def test_repeats_in_the_window_are_held_back_and_the_next_line_counts_them(
    adapter: Callable[..., Any], clock: FakeClock, caught: pytest.LogCaptureFixture
) -> None:
    app = adapter(ok_app, **WATCHED)
    for _ in range(4):
        call(app, origin=EVIL)
    clock.now += 59.999
    call(app, origin=EVIL)
    assert len(report_lines(caught)) == 1

    clock.now += 0.001
    call(app, origin=EVIL)

    first, second = report_lines(caught)
    assert not first.endswith(")")
    assert second.endswith("path='/' (and 4 more like it in the 60 s after the last one logged)")


def test_the_callback_sees_every_report_even_those_whose_line_is_held_back(
    adapter: Callable[..., Any], clock: FakeClock, caught: pytest.LogCaptureFixture, reports: Reports
) -> None:
    app = adapter(ok_app, **WATCHED, on_report=reports)
    for _ in range(5):
        call(app, origin=EVIL)

    assert len(report_lines(caught)) == 1
    assert len(reports) == 5


def test_the_window_is_the_module_setting_read_at_each_report(
    adapter: Callable[..., Any],
    clock: FakeClock,
    caught: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = adapter(ok_app, **WATCHED)
    monkeypatch.setattr(logs, "REPORT_LOG_WINDOW", 5.0)
    call(app, origin=EVIL)
    call(app, origin=EVIL)
    clock.now += 5.0
    call(app, origin=EVIL)

    assert len(report_lines(caught)) == 2
    assert report_lines(caught)[1].endswith("(and 1 more like it in the 5 s after the last one logged)")


def test_the_report_window_is_independent_of_the_refusal_window(
    adapter: Callable[..., Any],
    clock: FakeClock,
    caught: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(logs, "REFUSAL_LOG_WINDOW", 0.0)
    app = adapter(ok_app, **WATCHED)
    for _ in range(3):
        call(app, origin=EVIL)

    assert len(report_lines(caught)) == 1


def test_each_origin_method_rule_and_reason_pair_has_its_own_line(
    adapter: Callable[..., Any], clock: FakeClock, caught: pytest.LogCaptureFixture
) -> None:
    app = adapter(
        ok_app,
        allow_origins="*",
        allow_methods=["GET", "PUT", "DELETE"],
        resources={"/a/*": {}, "/b/*": {}},
        report_only={"allow_origins": [APP], "allow_methods": ["GET"]},
    )
    for _ in range(3):
        call(app, "GET", "/a/x", origin=EVIL)
        call(app, "POST", "/a/x", origin=EVIL)  # another method
        call(app, "GET", "/a/x", origin="https://other.example")  # another origin
        call(app, "GET", "/b/x", origin=EVIL)  # another rule
        preflight(app, APP, "PUT", "/a/x")  # another reason (the method)
        preflight(app, APP, "DELETE", "/a/x")  # another method, same reasons

    heads = [line.split(" origin=")[1] for line in report_lines(caught)]
    assert heads == [
        "'https://evil.example' method='GET' path='/a/x' rule='/a/*'",
        "'https://evil.example' method='POST' path='/a/x' rule='/a/*'",
        "'https://other.example' method='GET' path='/a/x' rule='/a/*'",
        "'https://evil.example' method='GET' path='/b/x' rule='/b/*'",
        "'https://app.example.com' method='PUT' path='/a/x' rule='/a/*'",
        "'https://app.example.com' method='DELETE' path='/a/x' rule='/a/*'",
    ]


def test_a_flood_of_distinct_hostile_origins_keeps_the_report_table_bounded(
    clock: FakeClock, caught: pytest.LogCaptureFixture
) -> None:
    from cors_wsgi import CORSMiddleware

    app = CORSMiddleware(ok_app, **WATCHED)
    flood = 30_000
    warm = 2 * logs.MAX_LIMITED_KEYS
    for n in range(warm):
        call(app, origin=f"https://{n}.evil.example\r\n")
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n in range(warm, flood):
            call(app, origin=f"https://{n}.evil.example\r\n")
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # One line per remembered key, and one standing for every origin beyond them.
    assert len(report_lines(caught)) == logs.MAX_LIMITED_KEYS + 1
    # The table (and the decision memos) are bounded: 16 bytes kept per request would exceed this.
    assert grown < 16 * (flood - warm)
    assert report_lines(caught)[-1].endswith(
        "(the log limiter is full: this line stands for other origins, 0 more held back)"
    )

    clock.now += 60.0
    call(app, origin="https://late.evil.example")

    unlogged = flood - logs.MAX_LIMITED_KEYS - 1
    assert report_lines(caught)[-1].endswith(f"path='/' ({unlogged} reports of other origins not logged)")


def test_refusal_lines_and_report_lines_are_limited_apart(
    adapter: Callable[..., Any], clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    app = adapter(ok_app, allow_origins=[APP], report_only={"allow_origins": [APP, EVIL]})
    with caplog.at_level("INFO", logger="cors_wsgi"):
        preflight(app, EVIL, "POST")
        preflight(app, EVIL, "POST")

    refusals = [r.getMessage() for r in caplog.records if r.getMessage().startswith("CORS refused")]
    assert len(refusals) == 1
    assert len(report_lines(caplog)) == 1
