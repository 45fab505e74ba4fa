"""Redirect chains as exact bytes, and the verdict Chromium reaches on each (see test_raw_judges.py).

The raw server answers ``/NAME/STEP``. Its port is the same on 127.0.0.1 and
localhost, which are two origins: a hop from one to the other is cross-origin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from tests.cli.raw_cases import acao, final
from tests.cli.raw_server import Chunk, RawRequest


def redirect(status: str, location: str, lines: list[str]) -> list[Chunk]:
    return [final(status, [f"Location: {location}", *lines], b"")]


def other_host(request: RawRequest) -> str:
    """The server's base URL under its other host name: a different origin, the same server."""
    host, _, port = request.headers["host"].partition(":")
    return f"http://{'localhost' if host == '127.0.0.1' else '127.0.0.1'}:{port}"


def step(request: RawRequest) -> int:
    return int(request.path.rsplit("/", 1)[1])


Answer = Callable[[str, RawRequest], list[Chunk]]


class RedirectCase(NamedTuple):
    answer: Answer
    """Answers a request for ``/NAME/STEP`` (STEP from 0), for the page's origin."""
    verdict: str
    code: str


def _chain(length: int) -> Answer:
    def answer(origin: str, request: RawRequest) -> list[Chunk]:
        if step(request) < length:
            return redirect("302 Found", str(step(request) + 1), [acao(origin)])
        return [final("200 OK", [acao(origin)])]

    return answer


def _cross_origin_then(final_allow_origin: Callable[[str], str]) -> Answer:
    def answer(origin: str, request: RawRequest) -> list[Chunk]:
        if step(request) == 0:
            return redirect(
                "307 Temporary Redirect", f"{other_host(request)}{request.path[:-1]}1", [acao(origin)]
            )
        return [final("200 OK", [acao(final_allow_origin(origin))])]

    return answer


def _redirect_without_acao(origin: str, request: RawRequest) -> list[Chunk]:
    if step(request) == 0:
        return redirect("302 Found", "1", [])
    return [final("200 OK", [acao(origin)])]


def _to_ftp(origin: str, request: RawRequest) -> list[Chunk]:
    return redirect("302 Found", "ftp://127.0.0.1/file", [acao(origin)])


def _with_credentials(origin: str, request: RawRequest) -> list[Chunk]:
    host = request.headers["host"]
    return redirect("302 Found", f"http://user:pw@{host}{request.path[:-1]}1", [acao(origin)])


def _no_location(origin: str, request: RawRequest) -> list[Chunk]:
    return [final("302 Found", [acao(origin)])]


REDIRECT_CASES: dict[str, RedirectCase] = {
    "same-origin-hop": RedirectCase(_chain(1), "allowed", "allowed"),
    "twenty-redirects": RedirectCase(_chain(20), "allowed", "allowed"),
    "twenty-one-redirects": RedirectCase(_chain(21), "blocked", "redirect-limit"),
    "redirect-without-acao": RedirectCase(_redirect_without_acao, "blocked", "acao-missing"),
    "cross-origin-hop-then-the-page-origin": RedirectCase(
        _cross_origin_then(str), "blocked", "acao-mismatch"
    ),
    "cross-origin-hop-then-null": RedirectCase(
        _cross_origin_then(lambda origin: "null"), "allowed", "allowed"
    ),
    "cross-origin-hop-then-star": RedirectCase(_cross_origin_then(lambda origin: "*"), "allowed", "allowed"),
    "redirect-to-ftp": RedirectCase(_to_ftp, "blocked", "redirect-invalid"),
    "redirect-with-credentials": RedirectCase(_with_credentials, "blocked", "redirect-invalid"),
    "302-without-location": RedirectCase(_no_location, "allowed", "allowed"),
}


def redirect_answer_for(origin: str) -> Callable[[RawRequest], list[Chunk]]:
    def answer(request: RawRequest) -> list[Chunk]:
        return REDIRECT_CASES[request.path.split("/")[1]].answer(origin, request)

    return answer
