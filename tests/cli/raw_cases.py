"""Responses as exact bytes, and the verdict Chromium reaches on each (measured, see test_raw_judges.py).

``check`` must reach the same verdict: tests/cli/test_raw_responses.py asserts
it everywhere, tests/browser/test_raw_judges.py also asks Chromium. Where
Chromium disagreed with what the issue expected, the case says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from tests.cli.raw_server import Chunk, RawRequest, response

Build = Callable[[str], list[Chunk]]
"""The chunks of one answer, for the page's origin."""


def final(status: str, lines: list[str], body: bytes = b"x") -> bytes:
    """A complete response: the lines as given, then Content-Length and Connection: close."""
    return response(status, [*lines, f"Content-Length: {len(body)}", "Connection: close"], body)


def interim(status: str, lines: list[str]) -> bytes:
    return response(status, lines)


def acao(origin: str) -> str:
    return f"Access-Control-Allow-Origin: {origin}"


def granting(origin: str) -> list[Chunk]:
    """A plain answer every judge allows, credentials included."""
    return [final("200 OK", [acao(origin), "Access-Control-Allow-Credentials: true"])]


def preflight_ok(origin: str) -> list[str]:
    return [acao(origin), "Access-Control-Allow-Methods: PUT"]


class Case(NamedTuple):
    actual: Build
    verdict: str
    code: str
    preflight: Build | None = None
    """The answer to the preflight; a case with one sends PUT."""
    credentials: bool = False

    @property
    def method(self) -> str:
        return "GET" if self.preflight is None else "PUT"


CASES: dict[str, Case] = {
    # 1xx interim responses: skipped, their headers ignored.
    "103-with-acao-then-200-without": Case(
        lambda o: [interim("103 Early Hints", [acao(o)]), final("200 OK", [])], "blocked", "acao-missing"
    ),
    "103-without-then-200-with-acao": Case(
        lambda o: [interim("103 Early Hints", ["Link: </s.css>; rel=preload"]), final("200 OK", [acao(o)])],
        "allowed",
        "allowed",
    ),
    "two-103-then-200-with-acao": Case(
        lambda o: [
            interim("103 Early Hints", []),
            interim("103 Early Hints", []),
            final("200 OK", [acao(o)]),
        ],
        "allowed",
        "allowed",
    ),
    "199-with-acao-then-200-without": Case(
        lambda o: [interim("199 Odd", [acao(o)]), final("200 OK", [])], "blocked", "acao-missing"
    ),
    # The issue said "every 1xx except 101"; Chromium skips a 101 as well in fetch().
    "101-then-200-with-acao": Case(
        lambda o: [interim("101 Switching Protocols", []), final("200 OK", [acao(o)])], "allowed", "allowed"
    ),
    "101-with-acao-then-200-without": Case(
        lambda o: [interim("101 Switching Protocols", [acao(o)]), final("200 OK", [])],
        "blocked",
        "acao-missing",
    ),
    "preflight-103-then-204": Case(
        granting,
        "allowed",
        "allowed",
        preflight=lambda o: [interim("103 Early Hints", []), final("204 No Content", preflight_ok(o), b"")],
    ),
    "preflight-103-with-acao-then-204-without": Case(
        granting,
        "blocked",
        "acao-missing",
        preflight=lambda o: [
            interim("103 Early Hints", [acao(o)]),
            final("204 No Content", ["Access-Control-Allow-Methods: PUT"], b""),
        ],
    ),
    # Odd header lines: skipped, and parsing goes on.
    "bad-name-then-second-acao": Case(
        lambda o: [final("200 OK", [acao(o), "X Bad Name: 1", acao(o)])], "blocked", "acao-multiple"
    ),
    "at-sign-name-then-second-acao": Case(
        lambda o: [final("200 OK", [acao(o), "X@Y: 1", acao(o)])], "blocked", "acao-multiple"
    ),
    "bad-name-then-acao": Case(lambda o: [final("200 OK", ["X Bad Name: 1", acao(o)])], "allowed", "allowed"),
    "line-without-colon-then-acao": Case(
        lambda o: [final("200 OK", ["garbage line", acao(o)])], "allowed", "allowed"
    ),
    "empty-name-then-acao": Case(lambda o: [final("200 OK", [": x", acao(o)])], "allowed", "allowed"),
    "space-before-colon": Case(
        lambda o: [final("200 OK", [f"Access-Control-Allow-Origin : {o}"])], "allowed", "allowed"
    ),
    "tab-before-colon": Case(
        lambda o: [final("200 OK", [f"Access-Control-Allow-Origin\t: {o}"])], "allowed", "allowed"
    ),
    "no-space-after-colon": Case(
        lambda o: [final("200 OK", [f"Access-Control-Allow-Origin:{o}"])], "allowed", "allowed"
    ),
    "non-token-name-is-not-acao": Case(
        lambda o: [final("200 OK", [f"Access-Control-Allow-Origin{{: {o}"])], "blocked", "acao-missing"
    ),
    "white-space-line-after-status-line": Case(
        lambda o: [final("200 OK", [" " + acao(o)])], "blocked", "acao-missing"
    ),
    "second-acac-after-bad-line": Case(
        lambda o: [
            final(
                "200 OK",
                [
                    acao(o),
                    "Access-Control-Allow-Credentials: true",
                    "X Bad: 1",
                    "Access-Control-Allow-Credentials: true",
                ],
            )
        ],
        "blocked",
        "acac-missing",
        credentials=True,
    ),
    "150-headers": Case(
        lambda o: [final("200 OK", [*(f"X-H{i}: {i}" for i in range(150)), acao(o)])], "allowed", "allowed"
    ),
    "64-kib-header-line": Case(
        lambda o: [final("200 OK", ["X-Big: " + "a" * 65536, acao(o)])], "allowed", "allowed"
    ),
    "300-kib-head": Case(
        lambda o: [final("200 OK", ["X-Big: " + "a" * 300_000, acao(o)])], "blocked", "response-invalid"
    ),
    "status-099": Case(lambda o: [final("099 Odd", [acao(o)])], "allowed", "allowed"),
    "status-600": Case(lambda o: [final("600 Odd", [acao(o)])], "allowed", "allowed"),
    "status-without-code": Case(lambda o: [final("", [acao(o)])], "allowed", "allowed"),
    "lower-case-version": Case(
        lambda o: [final("200 OK", [acao(o)]).replace(b"HTTP/1.1", b"http/1.1")], "allowed", "allowed"
    ),
    "not-http-status-line": Case(
        lambda o: [final("200 OK", [acao(o)]).replace(b"HTTP/1.1", b"ICY")], "blocked", "response-invalid"
    ),
    "lf-line-endings": Case(
        lambda o: [f"HTTP/1.1 200 OK\n{acao(o)}\nContent-Length: 1\n\nx".encode()], "allowed", "allowed"
    ),
    "bare-cr-ends-a-line": Case(
        lambda o: [f"HTTP/1.1 200 OK\r\nX-A: a\r{acao(o)}\r\nContent-Length: 1\r\n\r\nx".encode()],
        "allowed",
        "allowed",
    ),
    "nul-in-head": Case(lambda o: [final("200 OK", ["X-A: a\0b", acao(o)])], "blocked", "response-invalid"),
    "two-different-content-lengths": Case(
        lambda o: [final("200 OK", [acao(o), "Content-Length: 5"])], "blocked", "response-invalid"
    ),
    # White space in values: trimmed (Fetch "normalize"); an obs-fold is one space.
    "acao-trailing-spaces-and-tabs": Case(
        lambda o: [final("200 OK", [acao(o) + " \t "])], "allowed", "allowed"
    ),
    "acao-obs-fold": Case(
        lambda o: [final("200 OK", ["Access-Control-Allow-Origin:", " " + o])], "allowed", "allowed"
    ),
    "acao-obs-fold-tab": Case(
        lambda o: [final("200 OK", ["Access-Control-Allow-Origin:", "\t" + o])], "allowed", "allowed"
    ),
    "acao-obs-fold-inside-the-value": Case(
        lambda o: [final("200 OK", [acao(o[:10]), " " + o[10:]])], "blocked", "acao-mismatch"
    ),
    "acao-no-break-space-is-not-white-space": Case(
        lambda o: [final("200 OK", [acao(o) + "\xa0"])], "blocked", "acao-mismatch"
    ),
    "acac-trailing-tab": Case(
        lambda o: [final("200 OK", [acao(o), "Access-Control-Allow-Credentials: true\t "])],
        "allowed",
        "allowed",
        credentials=True,
    ),
    "acac-obs-fold": Case(
        lambda o: [final("200 OK", [acao(o), "Access-Control-Allow-Credentials:", " true"])],
        "allowed",
        "allowed",
        credentials=True,
    ),
    "preflight-acao-trailing-white-space": Case(
        granting,
        "allowed",
        "allowed",
        preflight=lambda o: [
            final("204 No Content", [acao(o) + "\t ", "Access-Control-Allow-Methods: PUT \t"], b"")
        ],
    ),
    "preflight-acao-obs-fold": Case(
        granting,
        "allowed",
        "allowed",
        preflight=lambda o: [
            final(
                "204 No Content",
                ["Access-Control-Allow-Origin:", "  " + o, "Access-Control-Allow-Methods: PUT"],
                b"",
            )
        ],
    ),
    "preflight-acam-obs-fold": Case(
        granting,
        "allowed",
        "allowed",
        preflight=lambda o: [
            final("204 No Content", [acao(o), "Access-Control-Allow-Methods: GET,", " PUT"], b"")
        ],
    ),
    "preflight-second-acao-after-bad-line": Case(
        granting,
        "blocked",
        "acao-multiple",
        preflight=lambda o: [final("204 No Content", [*preflight_ok(o), "Bad Name: 1", acao(o)], b"")],
    ),
    "preflight-status-099": Case(
        granting, "blocked", "preflight-status", preflight=lambda o: [final("099 Odd", preflight_ok(o), b"")]
    ),
}


def answer_for(origin: str) -> Callable[[RawRequest], list[Chunk]]:
    """The raw server's answer: ``/NAME`` gets that case's preflight or actual bytes."""

    def answer(request: RawRequest) -> list[Chunk]:
        case = CASES[request.path.strip("/")]
        if request.method == "OPTIONS" and case.preflight is not None:
            return case.preflight(origin)
        return case.actual(origin)

    return answer
