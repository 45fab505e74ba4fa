"""The request in every decision: refusal lines and ``on_decision`` name the method and path, and a
flood of refusals can neither flood the log nor grow memory (WSGI and ASGI adapters alike)."""

from __future__ import annotations

import logging
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from cors_wsgi import CORSMiddleware, Decision, DecisionContext, logs
from cors_wsgi.asgi import CORSMiddleware as ASGIMiddleware
from tests.asgi.driver import http_scope, run
from tests.fake_clock import FakeClock

ORIGIN = "https://app.example.com"
EVIL = "https://evil.example"


def ok_app(environ: Any, start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


async def ok_asgi(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def wsgi_call(
    app: CORSMiddleware, method: str, path: str, headers: dict[str, str], script_name: str = ""
) -> None:
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": script_name}
    environ.update({"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()})
    body = app(environ, lambda status, headers, exc_info=None: None)
    list(body)


def asgi_call(
    app: ASGIMiddleware, method: str, path: str, headers: dict[str, str], script_name: str = ""
) -> None:
    raw = [(name.lower().encode(), value.encode("latin-1")) for name, value in headers.items()]
    run(app, http_scope(method, script_name + path, raw, root_path=script_name))


Call = Callable[..., None]
ADAPTERS: dict[str, tuple[Callable[..., Any], Call]] = {
    "wsgi": (lambda **options: CORSMiddleware(ok_app, **options), wsgi_call),
    "asgi": (lambda **options: ASGIMiddleware(ok_asgi, **options), asgi_call),
}


@pytest.fixture(params=sorted(ADAPTERS))
def adapter(request: pytest.FixtureRequest) -> tuple[Callable[..., Any], Call]:
    return ADAPTERS[request.param]


def preflight(origin: str, method: str = "PUT") -> dict[str, str]:
    return {"Origin": origin, "Access-Control-Request-Method": method}


def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "cors_wsgi"]


# Refusal lines


def test_a_refused_preflight_line_names_the_requested_method_and_the_path_below_the_mount(
    adapter: tuple[Callable[..., Any], Call], caplog: pytest.LogCaptureFixture
) -> None:
    make, call = adapter
    app = make(allow_origins=[ORIGIN])
    with caplog.at_level(logging.INFO, logger="cors_wsgi"):
        call(app, "OPTIONS", "/api/items", preflight(EVIL, "DELETE"), script_name="/mounted")
    assert lines(caplog) == [
        f"CORS refused preflight: origin='{EVIL}' method='DELETE' path='/api/items' reason=origin-not-allowed"
    ]


def test_a_refused_actual_request_line_names_its_own_method_and_path(
    adapter: tuple[Callable[..., Any], Call], caplog: pytest.LogCaptureFixture
) -> None:
    make, call = adapter
    app = make(allow_origins=[ORIGIN])
    with caplog.at_level(logging.DEBUG, logger="cors_wsgi"):
        call(app, "POST", "/orders/7", {"Origin": EVIL})
    assert lines(caplog) == [
        f"CORS refused request: origin='{EVIL}' method='POST' path='/orders/7' reason=origin-not-allowed"
    ]


@pytest.mark.parametrize(
    ("method", "path", "shown_method", "shown_path"),
    [
        ("PUT\r\nINFO forged", "/a", r"'PUT\r\nINFO forged'", "'/a'"),
        ("PUT", "/a\nINFO:cors_wsgi:forged", "'PUT'", r"'/a\nINFO:cors_wsgi:forged'"),
        ("PUT", "/\x00\x1b[31m\u00e9", "'PUT'", r"'/\x00\x1b[31m\xe9'"),
        (
            "X" * 500,
            "/" + "p" * 999,
            "'" + "X" * 200 + "'...(500 chars)",
            "'/" + "p" * 199 + "'...(1000 chars)",
        ),
    ],
    ids=["crlf-in-method", "lf-in-path", "controls-and-non-ascii", "too-long"],
)
def test_hostile_methods_and_paths_are_escaped_and_truncated_like_the_origin(
    method: str, path: str, shown_method: str, shown_path: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = CORSMiddleware(ok_app, allow_origins=[ORIGIN], allow_methods=["GET"])
    with caplog.at_level(logging.INFO, logger="cors_wsgi"):
        wsgi_call(app, "OPTIONS", path, preflight(ORIGIN, method))
    (line,) = lines(caplog)
    assert f"method={shown_method} path={shown_path} reason=" in line
    assert not {"\n", "\r", "\x00"} & set(line)


# on_decision


def test_a_two_argument_on_decision_sees_the_method_and_path_of_every_decision(
    adapter: tuple[Callable[..., Any], Call],
) -> None:
    seen: list[tuple[Decision, DecisionContext]] = []

    def record(decision: Decision, context: DecisionContext) -> None:
        seen.append((decision, context))

    make, call = adapter
    app = make(allow_origins=[ORIGIN], allow_methods=["PUT"], on_decision=record)
    call(app, "OPTIONS", "/api/items", preflight(ORIGIN, "PUT"), script_name="/v1")
    call(app, "DELETE", "/api/items/3", {"Origin": EVIL})
    call(app, "GET", "/health", {})
    assert [(d.allowed, d.reason, d.preflight, c) for d, c in seen] == [
        (True, "allowed", True, DecisionContext("PUT", "/api/items")),
        (False, "origin-not-allowed", False, DecisionContext("DELETE", "/api/items/3")),
        (False, "no-origin", False, DecisionContext("GET", "/health")),
    ]


class OneArgument:
    def __init__(self) -> None:
        self.seen: list[object] = []

    def __call__(self, decision: Decision) -> None:
        self.seen.append(decision)


@pytest.mark.parametrize("kind", ["list.append", "function", "callable object", "optional second"])
def test_a_one_argument_on_decision_still_gets_the_decision_alone(
    adapter: tuple[Callable[..., Any], Call], kind: str
) -> None:
    seen: list[object] = []
    callbacks: dict[str, Callable[..., object]] = {
        "list.append": seen.append,
        "function": lambda decision: seen.append(decision),
        "callable object": OneArgument(),
        "optional second": lambda decision, *, extra=None: seen.append(decision),
    }
    callback = callbacks[kind]
    make, call = adapter
    app = make(allow_origins=[ORIGIN], on_decision=callback)
    call(app, "GET", "/", {"Origin": ORIGIN})
    got = callback.seen if isinstance(callback, OneArgument) else seen
    assert [(type(d), d.allowed) for d in got] == [(Decision, True)]  # type: ignore[attr-defined]


def test_a_failing_two_argument_on_decision_is_logged_and_the_request_still_answered(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(decision: Decision, context: DecisionContext) -> None:
        raise RuntimeError(context.path)

    statuses: list[str] = []
    app = CORSMiddleware(ok_app, allow_origins=[ORIGIN], on_decision=broken)
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/x", "HTTP_ORIGIN": ORIGIN}
    with caplog.at_level(logging.ERROR, logger="cors_wsgi"):
        assert list(app(environ, lambda status, headers, exc_info=None: statuses.append(status))) == [b"ok"]
    assert statuses == ["200 OK"]
    assert [r.exc_info[1].args for r in caplog.records if r.exc_info] == [("/x",)]  # type: ignore[index]


# Rate limiting


def test_repeats_of_one_refusal_are_held_back_for_the_window_then_counted_in_the_next_line(
    adapter: tuple[Callable[..., Any], Call], clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    make, call = adapter
    app = make(allow_origins=[ORIGIN])
    with caplog.at_level(logging.INFO, logger="cors_wsgi"):
        for _ in range(42):
            call(app, "OPTIONS", "/a", preflight(EVIL))
            clock.now += 1.0  # 42 refusals over 42 s: all in the first line's window but the first
        assert len(lines(caplog)) == 1
        clock.now += 60.0
        call(app, "OPTIONS", "/a", preflight(EVIL))
        call(app, "OPTIONS", "/a", preflight(EVIL))
    first, second = lines(caplog)
    assert "(and" not in first
    assert second.endswith(
        "reason=origin-not-allowed (and 41 more like it in the 60 s after the last one logged)"
    )


def test_a_refusal_just_inside_the_window_is_held_back_and_one_at_its_end_is_logged(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    app = CORSMiddleware(ok_app, allow_origins=[ORIGIN])
    with caplog.at_level(logging.INFO, logger="cors_wsgi"):
        wsgi_call(app, "OPTIONS", "/a", preflight(EVIL))
        clock.now += 59.999
        wsgi_call(app, "OPTIONS", "/a", preflight(EVIL))
        assert len(lines(caplog)) == 1
        clock.now += 0.001
        wsgi_call(app, "OPTIONS", "/a", preflight(EVIL))
    assert len(lines(caplog)) == 2


def test_the_window_is_the_module_setting_read_at_each_refusal(
    clock: FakeClock, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = CORSMiddleware(ok_app, allow_origins=[ORIGIN])
    monkeypatch.setattr(logs, "REFUSAL_LOG_WINDOW", 5.0)
    with caplog.at_level(logging.INFO, logger="cors_wsgi"):
        wsgi_call(app, "OPTIONS", "/a", preflight(EVIL))
        wsgi_call(app, "OPTIONS", "/a", preflight(EVIL))
        clock.now += 5.0
        wsgi_call(app, "OPTIONS", "/a", preflight(EVIL))
    assert len(lines(caplog)) == 2
    assert lines(caplog)[1].endswith("(and 1 more like it in the 5 s after the last one logged)")


def test_each_origin_and_each_reason_has_its_own_line(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    app = CORSMiddleware(ok_app, allow_origins=[ORIGIN], allow_methods=["GET"])
    with caplog.at_level(logging.INFO, logger="cors_wsgi"):
        for _ in range(3):
            wsgi_call(app, "OPTIONS", "/a", preflight(EVIL))
            wsgi_call(app, "OPTIONS", "/a", preflight("https://other.example"))
            wsgi_call(app, "OPTIONS", "/a", preflight(ORIGIN, "DELETE"))
            wsgi_call(
                app,
                "OPTIONS",
                "/a",
                preflight(
                    ORIGIN,
                    "GET",
                )
                | {"Access-Control-Request-Headers": "x-no"},
            )
    assert [line.split(" reason=")[1] for line in lines(caplog)] == [
        "origin-not-allowed",
        "origin-not-allowed",
        "method-not-allowed: DELETE",
        "header-not-allowed: x-no",
    ]


def test_a_flood_of_distinct_origins_neither_floods_the_log_nor_grows_memory(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    app = CORSMiddleware(ok_app, allow_origins=[ORIGIN])
    flood = 100_000
    warm = 2 * logs.MAX_LIMITED_KEYS
    with caplog.at_level(logging.INFO, logger="cors_wsgi"):
        for n in range(warm):
            wsgi_call(app, "OPTIONS", "/a", preflight(f"https://{n}.evil.example"))
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for n in range(warm, flood):
                wsgi_call(app, "OPTIONS", "/a", preflight(f"https://{n}.evil.example"))
            grown = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        # One line per remembered key, and one for every origin beyond them.
        assert len(lines(caplog)) == logs.MAX_LIMITED_KEYS + 1
        # The limiter's table and the decision memo (at most memo.MAX_ENTRIES entries) are
        # bounded; a leak of even 16 bytes per refused request would exceed this.
        assert grown < 16 * (flood - warm)
        clock.now += 60.0
        wsgi_call(app, "OPTIONS", "/a", preflight("https://late.evil.example"))
    overflow, late = lines(caplog)[-2:]
    # The first MAX_LIMITED_KEYS origins had a line each; the next one stands for all the others.
    assert overflow.endswith(
        "(the log limiter is full: this line stands for other origins, 0 more held back)"
    )
    assert late.startswith("CORS refused preflight: origin='https://late.evil.example'")
    # The window over, the line of a new origin counts every refusal no line stood for.
    unlogged = flood - logs.MAX_LIMITED_KEYS - 1
    assert late.endswith(f"reason=origin-not-allowed ({unlogged} refusals of other origins not logged)")


def test_refusals_held_back_under_a_dropped_key_are_counted_by_the_next_line_logged(
    clock: FakeClock, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logs, "MAX_LIMITED_KEYS", 2)
    app = CORSMiddleware(ok_app, allow_origins=[ORIGIN])
    with caplog.at_level(logging.INFO, logger="cors_wsgi"):
        for name in ["a", "a", "b", "c", "d", "d", "e"]:  # a held once; c stands for d, d, e
            wsgi_call(app, "OPTIONS", "/", preflight(f"https://{name}.evil.example"))
        clock.now += 60.0
        wsgi_call(app, "OPTIONS", "/", preflight("https://f.evil.example"))  # drops a, b and the overflow
        wsgi_call(app, "OPTIONS", "/", preflight("https://g.evil.example"))
    notes = [line.split("reason=origin-not-allowed")[1] for line in lines(caplog)]
    assert notes == [
        "",
        "",
        " (the log limiter is full: this line stands for other origins, 0 more held back)",
        " (4 refusals of other origins not logged)",
        "",
    ]
