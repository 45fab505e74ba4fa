"""The browser model's outcome in words (``Result.explanation``, ``cors-wsgi check``/``explain``).

Most tests read ``cors_wsgi.testing.Browser``'s explanation of a request to a
small app behind ``CORSMiddleware``; the expected lines are built from the
request, the app's response and the outcome the browser model recorded.
Responses an in-process app cannot give (invalid, with interim responses)
and ``--preflight-only`` go through ``browser.run`` with a fake server, as
``cors-wsgi check`` does with a raw socket.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from cors_wsgi import CORSMiddleware, browser
from cors_wsgi.describe import SHOWN_BODY, print_outcome
from cors_wsgi.server_reason import stated_reason
from cors_wsgi.testing import Browser
from cors_wsgi.urls import parse as parse_url

APP = "https://app.example.com"
Header = tuple[str, str]


def app_answering(
    body: bytes = b"hello",
    headers: Iterable[Header] = (("Content-Type", "text/plain"),),
    status: str = "200 OK",
) -> Callable[..., Any]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response(status, list(headers))
        return [body]

    return app


def api(app: Callable[..., Any], **options: Any) -> CORSMiddleware:
    return CORSMiddleware(app, **{"allow_origins": [APP], "allow_methods": ["PUT"], **options})


def exchange_lines(exchange: browser.Exchange, label: str, answer: str, body: str) -> list[str]:
    """What verbose output shows of one exchange, its headers as sent and received."""
    return [
        f"{label}: {exchange.method} -> {answer}",
        *[f"  > {name}: {value}" for name, value in exchange.headers],
        *[f"  < {name}: {value}" for name, value in exchange.response.headers],
        *([f"  < (body) {body}"] if body else []),
    ]


def test_an_allowed_simple_request_reads_verdict_exchange_and_readable_headers() -> None:
    r = Browser(api(app_answering(headers=[("Content-Type", "text/plain"), ("X-Total", "3")]))).fetch("/a")

    assert r.outcome.actual is not None
    assert r.explanation.splitlines() == [
        "preflight: not needed (safelisted method and headers)",
        *exchange_lines(r.outcome.actual, "request", "200", "hello"),
        "script can read these response headers: content-type",
        "allowed: a browser lets the script read the response",
    ]


def test_the_readable_headers_are_all_listed_and_none_is_said_when_there_is_none() -> None:
    exposed = Browser(
        api(
            app_answering(headers=[("Content-Type", "text/plain"), ("X-Total", "3")]),
            expose_headers=["X-Total"],
        )
    ).fetch("/a")
    bare = Browser(api(app_answering(headers=[]))).fetch("/a")

    assert "script can read these response headers: content-type, x-total" in exposed.explanation.splitlines()
    assert "script can read these response headers: none" in bare.explanation.splitlines()


def test_a_preflighted_request_lists_each_reason_then_both_exchanges() -> None:
    r = Browser(api(app_answering(), allow_headers=["X-Token"])).fetch(
        "/a", method="PUT", headers={"X-Token": "t"}
    )

    assert r.outcome.preflight is not None
    assert r.outcome.actual is not None
    assert len(r.outcome.preflight_reasons) == 2
    preflight_status = str(r.outcome.preflight.response.status)
    assert r.explanation.splitlines() == [
        "preflight: needed, because",
        *[f"  - {reason}" for reason in r.outcome.preflight_reasons],
        *exchange_lines(r.outcome.preflight, "preflight", preflight_status, ""),
        *exchange_lines(r.outcome.actual, "request", "200", "hello"),
        "script can read these response headers: content-type",
        "allowed: a browser lets the script read the response",
    ]


def test_a_failed_preflight_says_the_request_was_not_sent_and_gives_the_servers_reason_first() -> None:
    r = Browser(api(app_answering())).fetch("/a", method="DELETE")

    outcome = r.outcome
    assert outcome.preflight is not None
    assert outcome.problem is not None
    assert outcome.actual is None
    response = outcome.preflight.response
    stated = stated_reason(response.status, response.headers, response.body)
    assert stated is not None
    lines = r.explanation.splitlines()
    assert lines[-3:] == [
        "request: not sent (a browser stops at a failed preflight)",
        f"blocked [{stated.reason}]: the server refused the preflight ({stated.message}, "
        f"stated in its {stated.source}); fix: {stated.fix}",
        f"browser [{outcome.problem.code}]: {outcome.problem.message}",
    ]
    assert not any(line.startswith("script can read") for line in lines)


def test_a_refused_request_with_a_stated_reason_names_the_request_as_the_step() -> None:
    r = Browser(api(app_answering(), debug=True), origin="https://evil.example").fetch("/a")

    outcome = r.outcome
    assert outcome.actual is not None
    assert outcome.problem is not None
    response = outcome.actual.response
    stated = stated_reason(response.status, response.headers, response.body)
    assert stated is not None
    assert r.explanation.splitlines()[-2:] == [
        f"blocked [{stated.reason}]: the server refused the request ({stated.message}, "
        f"stated in its {stated.source}); fix: {stated.fix}",
        f"browser [{outcome.problem.code}]: {outcome.problem.message}",
    ]


def test_a_refusal_the_server_does_not_explain_gives_the_browsers_code_message_and_fix() -> None:
    r = Browser(api(app_answering()), origin="https://evil.example").fetch("/a")

    problem = r.outcome.problem
    assert problem is not None
    lines = r.explanation.splitlines()
    assert lines[-1] == f"blocked [{problem.code}]: {problem.message}; {problem.fix}"
    assert not any(line.startswith(("script can read", "allowed:", "browser [")) for line in lines)


def test_a_body_is_cut_after_the_shown_length_and_marked() -> None:
    def body_line(body: bytes) -> list[str]:
        r = Browser(api(app_answering(body=body))).fetch("/a")
        return [line for line in r.explanation.splitlines() if line.startswith("  < (body)")]

    assert body_line(b"a" * SHOWN_BODY) == ["  < (body) " + "a" * SHOWN_BODY]
    assert body_line(b"b" * (SHOWN_BODY + 1)) == ["  < (body) " + "b" * SHOWN_BODY + "..."]
    assert body_line(b"") == []


def test_values_from_the_server_are_escaped_before_they_are_shown() -> None:
    r = Browser(api(app_answering(body=b"caf\xe9\x1b[2J", headers=[("X-Note", "a\x01b\x7f")]))).fetch("/a")

    lines = r.explanation.splitlines()
    assert "  < X-Note: a\\x01b\\x7f" in lines
    assert "  < (body) caf\\xe9\\x1b[2J" in lines


def test_a_followed_redirect_shows_the_new_url_on_the_exchanges_after_the_first() -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        if environ["PATH_INFO"] == "/old":
            start_response("307 Temporary Redirect", [("Location", "/new")])
            return [b""]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"moved"]

    r = Browser(api(app)).fetch("/old")

    first, second = r.outcome.exchanges
    assert r.allowed
    assert second.url is not None
    assert second.url != first.url
    lines = r.explanation.splitlines()
    assert "request: GET -> 307" in lines
    assert f"request: GET {second.url} -> 200" in lines


def fake_server(*responses: browser.Response) -> Callable[..., browser.Response]:
    answers = list(responses)

    def transport(to: object, method: str, headers: object) -> browser.Response:
        return answers.pop(0)

    return transport


def described(outcome: browser.Outcome, verbose: bool = False) -> list[str]:
    text = io.StringIO()
    print_outcome(outcome, verbose, text)
    return text.getvalue().splitlines()


ALLOWING = (("Access-Control-Allow-Origin", APP),)
URL = parse_url("https://api.example.net/a")


def test_notes_of_the_browser_model_are_printed_each_on_a_note_line() -> None:
    redirect = browser.Response(307, (*ALLOWING, ("Location", "/elsewhere")))
    outcome = browser.run(browser.Request(APP), fake_server(redirect))  # no URL: not followed, noted

    assert outcome.notes
    assert [line for line in described(outcome) if line.startswith("note: ")] == [
        f"note: {note}" for note in outcome.notes
    ]


def test_an_invalid_response_is_named_so_instead_of_a_status() -> None:
    outcome = browser.run(
        browser.Request(APP), fake_server(browser.Response(0, (), invalid="no status line"))
    )

    assert described(outcome)[1] == "request: GET -> an invalid response"


def test_interim_responses_are_listed_as_skipped_after_the_status() -> None:
    outcome = browser.run(
        browser.Request(APP), fake_server(browser.Response(200, ALLOWING, interim=(100, 103)))
    )

    assert described(outcome)[1] == "request: GET -> 200 (after interim 100, 103, skipped)"


def test_without_verbose_only_the_exchange_lines_are_shown() -> None:
    outcome = browser.run(browser.Request(APP), fake_server(browser.Response(200, ALLOWING, b"body")))

    assert outcome.allowed
    assert described(outcome) == [
        "preflight: not needed (safelisted method and headers)",
        "request: GET -> 200",
        "script can read these response headers: none",
        "allowed: a browser lets the script read the response",
    ]


def test_preflight_only_with_a_passed_preflight_says_the_request_was_not_checked() -> None:
    granting = browser.Response(204, (*ALLOWING, ("Access-Control-Allow-Methods", "PUT")))
    outcome = browser.run(browser.Request(APP, "PUT"), fake_server(granting), URL, preflight_only=True)

    lines = described(outcome)
    assert lines[-2:] == [
        "request: not sent (--preflight-only)",
        "preflight passed: a browser would send the request; its response was not checked",
    ]
    assert not any(line.startswith("script can read") for line in lines)


def test_preflight_only_without_a_needed_preflight_says_none_is_needed() -> None:
    outcome = browser.run(browser.Request(APP), fake_server(), URL, preflight_only=True)

    assert described(outcome)[-2:] == [
        "request: not sent (--preflight-only)",
        "preflight is not needed: a browser would send the request; its response was not checked",
    ]
