"""The refusal log's limiter: which line counts the held-back repeats of a key, and of dropped keys."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest

from cors_wsgi import CORSMiddleware, logs
from tests.fake_clock import FakeClock

APP = "https://app.example.com"


def ok_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


@pytest.fixture
def time_now(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(logs.time, "monotonic", fake)
    return fake


@pytest.fixture
def refuse(caplog: pytest.LogCaptureFixture) -> Callable[[str], None]:
    """``refuse(origin)``: one GET refused for its origin, logged at DEBUG."""
    caplog.set_level(logging.DEBUG, logger="cors_wsgi")
    app = CORSMiddleware(ok_app, allow_origins=[APP])

    def send(origin: str) -> None:
        environ: dict[str, Any] = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_ORIGIN": origin}
        setup_testing_defaults(environ)
        b"".join(app(environ, lambda status, headers, exc_info=None: None))

    return send


def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("CORS refused")]


def notes(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    """(origin, what the line adds after the reason) for each refusal line."""
    result = []
    for line in lines(caplog):
        origin = line.split(" origin='")[1].split("'")[0]
        result.append((origin, line.split("reason=origin-not-allowed")[1]))
    return result


def test_a_keys_repeats_are_counted_on_its_own_next_line_though_a_new_origin_came_meanwhile(
    time_now: FakeClock, refuse: Callable[[str], None], caplog: pytest.LogCaptureFixture
) -> None:
    # The table has room: the expired key is kept, so its next line counts its repeats,
    # and the new origin's line does not claim them as other origins' refusals.
    for _ in range(3):
        refuse("https://a.example")
    time_now.now += 60.0
    refuse("https://b.example")
    refuse("https://a.example")

    assert notes(caplog) == [
        ("https://a.example", ""),
        ("https://b.example", ""),
        ("https://a.example", " (and 2 more like it in the 60 s after the last one logged)"),
    ]


def test_a_line_counting_its_own_repeats_and_those_of_a_dropped_origin_gives_both_notes(
    time_now: FakeClock, refuse: Callable[[str], None], caplog: pytest.LogCaptureFixture
) -> None:
    first = "https://k0.example"
    refuse(first)
    refuse(first)  # held back: counted when the key is dropped
    time_now.now += 1.0
    rest = [f"https://k{n}.example" for n in range(1, logs.MAX_LIMITED_KEYS)]
    for origin in rest:
        refuse(origin)
    refuse(rest[0])  # held back: counted on its own next line
    refuse("https://x.example")  # the table is full of live keys: the overflow line
    time_now.now += 59.0
    # k0's window is over: it is dropped to make room, but the overflow key still holds
    # the table full and is in its window, so this line is held back, k0's repeat not told yet.
    refuse("https://y.example")
    time_now.now += 1.0
    refuse(rest[0])

    told = notes(caplog)
    assert len(told) == logs.MAX_LIMITED_KEYS + 2
    assert told[0] == (first, "")
    assert told[-2] == (
        "https://x.example",
        " (the log limiter is full: this line stands for other origins, 0 more held back)",
    )
    assert told[-1] == (
        rest[0],
        " (and 1 more like it in the 60 s after the last one logged; 1 refusals of other origins not logged)",
    )
