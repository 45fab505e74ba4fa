"""The browser model's outcome in words: what ``check``, ``explain`` and ``cors_wsgi.testing`` print.

One text for all three, so that a test's ``Result.explanation`` reads exactly
as ``cors-wsgi check`` does against a live server. Every value shown came from
a request or a response, so each one is escaped before it is printed.
"""

from __future__ import annotations

from typing import TextIO

from . import browser
from .server_reason import ServerReason, stated_reason

__all__ = ["SHOWN_BODY", "escape", "print_outcome", "server_reason"]

#: How much of a response body the verbose text shows.
SHOWN_BODY = 200


def escape(value: str) -> str:
    """Make an untrusted value safe to print: controls and non-ASCII become escapes."""
    return value.encode("unicode_escape").decode("ascii")


def server_reason(outcome: browser.Outcome) -> ServerReason | None:
    """The refusal the server states in the response the browser blocked, if it states one."""
    if outcome.allowed:
        return None
    exchange = outcome.actual or outcome.preflight
    if exchange is None:
        return None
    response = exchange.response
    return stated_reason(response.status, response.headers, response.body)


def _print_exchange(exchange: browser.Exchange, first: browser.Exchange, verbose: bool, out: TextIO) -> None:
    response = exchange.response
    answer = "an invalid response" if response.invalid else str(response.status)
    if response.interim:
        answer += " (after interim " + ", ".join(map(str, response.interim)) + ", skipped)"
    label = "preflight" if exchange.preflight else "request"
    where = "" if exchange.url == first.url else f" {escape(str(exchange.url))}"
    print(f"{label}: {escape(exchange.method)}{where} -> {answer}", file=out)
    if verbose:
        for name, value in exchange.headers:
            print(f"  > {escape(name)}: {escape(value)}", file=out)
        for name, value in exchange.response.headers:
            print(f"  < {escape(name)}: {escape(value)}", file=out)
        body = exchange.response.body[:SHOWN_BODY].decode("latin-1")
        if body:
            more = "..." if len(exchange.response.body) > SHOWN_BODY else ""
            print(f"  < (body) {escape(body)}{more}", file=out)


def print_outcome(outcome: browser.Outcome, verbose: bool, out: TextIO) -> None:
    if outcome.preflight_reasons:
        print("preflight: needed, because", file=out)
        for reason in outcome.preflight_reasons:
            print(f"  - {reason}", file=out)
    else:
        print("preflight: not needed (safelisted method and headers)", file=out)
    for exchange in outcome.exchanges:
        _print_exchange(exchange, outcome.exchanges[0], verbose, out)
    if not outcome.completed:
        print("request: not sent (--preflight-only)", file=out)
    elif outcome.preflight is not None and outcome.actual is None:
        print("request: not sent (a browser stops at a failed preflight)", file=out)
    if outcome.allowed and outcome.completed:
        readable = ", ".join(outcome.readable_headers) or "none"
        print(f"script can read these response headers: {readable}", file=out)
    for note in outcome.notes:
        print(f"note: {note}", file=out)
    problem = outcome.problem
    stated = server_reason(outcome)
    if not outcome.completed:
        passed = "passed" if outcome.preflight is not None else "is not needed"
        print(f"preflight {passed}: a browser would send the request; its response was not checked", file=out)
    elif problem is None:
        print("allowed: a browser lets the script read the response", file=out)
    elif stated is None:
        print(f"blocked [{problem.code}]: {problem.message}; {problem.fix}", file=out)
    else:
        # The server knows the cause; the browser only sees its effect (often "status 403").
        step = "request" if outcome.actual is not None else "preflight"
        print(
            f"blocked [{stated.reason}]: the server refused the {step} ({escape(stated.message)}, "
            f"stated in its {stated.source}); fix: {stated.fix}",
            file=out,
        )
        print(f"browser [{problem.code}]: {problem.message}", file=out)
