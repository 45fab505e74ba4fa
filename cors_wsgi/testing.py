"""Test an application's CORS as a browser sees it, in process: ``Browser(app).fetch(...)``.

Hand-written CORS tests tend to forget the Origin header, assert that a header
is present (which says nothing of what a browser allows) and never send the
preflight. ``Browser`` instead runs the browser's side of the protocol, the
same model ``cors-wsgi check`` runs against a live server: it decides whether a
preflight is needed, sends it, judges it, sends the request, runs the CORS
check and works out which response headers script can read. The application
(WSGI or ASGI) is called in process, through ``cors_wsgi.inprocess``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, NamedTuple

from . import browser, inprocess
from .decision import Header
from .describe import print_outcome
from .errors import ConfigError
from .origins import split_origin
from .tokens import has_control_characters, is_token
from .urls import URL, URLError
from .urls import parse as parse_url

Credentials = Literal["omit", "same-origin", "include"]
_CREDENTIALS = ("omit", "same-origin", "include")


class Result(NamedTuple):
    """What a script gets from ``fetch()``, and why."""

    allowed: bool
    """Script can read the response; False means ``fetch()`` rejects with a TypeError."""
    reason: str
    """The browser-side code, as ``cors-wsgi check`` gives it: ``allowed``, ``acao-missing``, ..."""
    explanation: str
    """In words: preflight, exchanges, verdict and, where the server said why, its reason and fix."""
    status: int
    """The status of the last response the browser got (the preflight's when it failed)."""
    readable_headers: frozenset[str]
    """Lower-case names of the response headers script can read (empty when blocked)."""
    headers: Mapping[str, str]
    """Those readable headers' values, as ``response.headers.get()`` returns them."""
    preflight: browser.Exchange | None
    """The preflight sent (the last one, after redirects), or None when none was needed."""
    body: bytes
    """The response body script reads; empty when blocked."""
    outcome: browser.Outcome
    """Every step, as the browser model recorded it."""

    def __repr__(self) -> str:
        """Short, so that a failed assert shows the verdict and not every exchange."""
        return f"Result(allowed={self.allowed}, reason={self.reason!r}, status={self.status})"


def _check_origin(origin: str) -> str:
    if origin != "null" and split_origin(origin) is None:
        raise ConfigError(
            "origin",
            origin,
            "is not an origin as browsers send it",
            "give scheme://host[:port] in lower case, without a default port, path or trailing slash",
        )
    return origin


def _check_url(option: str, text: str, base: URL | None = None) -> URL:
    try:
        return parse_url(text, base)
    except URLError as error:
        raise ConfigError(
            option, text, str(error), "give an http(s) URL or a path such as /api/items"
        ) from None


def _script_headers(headers: Mapping[str, str] | Sequence[Header] | None) -> tuple[Header, ...]:
    """The headers as ``fetch()`` takes them; a forbidden name or a bad value is an error there too."""
    pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers or ())
    checked = []
    for name, value in pairs:
        if not is_token(name) or has_control_characters(value) or not value.isascii():
            raise ConfigError(
                "headers", (name, value), "is not a header fetch() can send", "use an ASCII name and value"
            )
        if browser.is_forbidden_request_header(name):
            raise ConfigError(
                "headers",
                name,
                "is a forbidden request header: the browser sets it, script cannot",
                "pass cookies= and credentials='include' for cookies"
                if name.lower() == "cookie"
                else "drop it",
            )
        checked.append((name, browser.normalize_value(value)))
    return tuple(checked)


class Browser:
    """A browser page at ``origin`` fetching from ``app``, called in process.

    ``base_url`` is where the app is served; relative URLs given to ``fetch``
    resolve against it, and it must not share the page's origin (CORS would
    not apply). ``asgi`` overrides the detection of ASGI apps (coroutine
    functions, or objects with an ``async def __call__``).
    """

    def __init__(
        self,
        app: Callable[..., Any],
        origin: str = "https://app.example.com",
        base_url: str = "http://localhost",
        asgi: bool | None = None,
    ) -> None:
        self.app = app
        self.origin = _check_origin(origin)
        self.base_url = _check_url("base_url", base_url)
        if self.base_url.origin == self.origin:
            raise ConfigError(
                "base_url",
                base_url,
                f"has the page's origin {origin}, so the browser would not use CORS at all",
                "serve the app from another origin than the page's",
            )
        self.asgi = inprocess.is_asgi(app) if asgi is None else asgi

    def _send(self, url: URL, method: str, headers: Sequence[Header], body: bytes) -> browser.Response:
        if self.asgi:
            return inprocess.call_asgi(self.app, url, method, headers, body)
        return inprocess.call_wsgi(self.app, url, method, headers, body)

    def fetch(
        self,
        url: str = "/",
        method: str = "GET",
        headers: Mapping[str, str] | Sequence[Header] | None = None,
        credentials: Credentials = "same-origin",
        body: bytes | str | None = None,
        cookies: Mapping[str, str] | None = None,
        private_network: bool = False,
    ) -> Result:
        """What ``fetch(url, {method, headers, credentials, body})`` in the page gets.

        ``cookies`` are the cookies the browser holds for the app: sent with
        the request only when ``credentials="include"``, never with a preflight.
        A ``str`` body gets ``Content-Type: text/plain;charset=UTF-8`` unless
        a Content-Type is given, as ``fetch()`` does.
        """
        if credentials not in _CREDENTIALS:
            raise ConfigError(
                "credentials",
                credentials,
                "is not a fetch() credentials mode",
                "use 'omit', 'same-origin' or 'include'",
            )
        if not is_token(method) or browser.is_forbidden_method(method):
            raise ConfigError(
                "method", method, "is not a method fetch() can send", "use a method such as GET or PUT"
            )
        target = _check_url("url", url, self.base_url)
        if target.origin == self.origin:
            raise ConfigError(
                "url",
                url,
                f"has the page's origin {self.origin}, so CORS does not apply",
                "fetch the app's URL",
            )
        method = browser.normalize_method(method)
        script_headers = _script_headers(headers)
        payload = body.encode("utf-8") if isinstance(body, str) else body or b""
        if isinstance(body, str) and browser.get_header(script_headers, "Content-Type") is None:
            script_headers = (*script_headers, ("Content-Type", "text/plain;charset=UTF-8"))
        include = credentials == "include"
        cookie = "; ".join(f"{name}={value}" for name, value in (cookies or {}).items())
        request = browser.Request(self.origin, method, script_headers, include, private_network)

        def transport(to: URL | None, sent_method: str, sent: Sequence[Header]) -> browser.Response:
            is_preflight = browser.get_header(sent, "Access-Control-Request-Method") is not None
            extra: list[Header] = [("Cookie", cookie)] if include and cookie and not is_preflight else []
            # A redirect that turns the request into a GET drops the body, as fetch() does.
            sent_body = b"" if is_preflight or sent_method in ("GET", "HEAD") else payload
            response = self._send(to or target, sent_method, [*sent, *extra], sent_body)
            # A server sends no body in answer to HEAD, whatever the app returns (RFC 9110).
            return response._replace(body=b"") if sent_method == "HEAD" else response

        outcome = browser.run(request, transport, target)
        return _result(outcome)


def _result(outcome: browser.Outcome) -> Result:
    text = io.StringIO()
    print_outcome(outcome, True, text)
    last = outcome.exchanges[-1].response
    actual = outcome.actual.response if outcome.allowed and outcome.actual else None
    readable = frozenset(outcome.readable_headers)
    values = {
        name: value
        for name in readable
        if actual is not None and (value := browser.get_header(actual.headers, name)) is not None
    }
    preflights = [exchange for exchange in outcome.exchanges if exchange.preflight]
    return Result(
        allowed=outcome.allowed,
        reason=outcome.code,
        explanation=text.getvalue().rstrip("\n"),
        status=last.status,
        readable_headers=readable,
        headers=values,
        preflight=preflights[-1] if preflights else None,
        body=actual.body if actual is not None else b"",
        outcome=outcome,
    )


__all__ = ["Browser", "Result"]
