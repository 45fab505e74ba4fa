"""CORSMiddleware: reads the facts from the WSGI environ and applies decisions.

It answers preflights itself and wraps ``start_response`` for everything else;
it never buffers or iterates the application's body, so streaming responses
stay streaming and the server still calls the iterable's ``close()``. What is
not about WSGI (configuration, policy selection, logging, our own answers)
is the engine's, shared with the ASGI adapter and flask_ext.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from logging import DEBUG, INFO
from types import MethodType, TracebackType
from typing import Any, Union

from .decision import Decision, Header, RequestFacts, actual_entry, preflight_entry, unremembered_entry
from .engine import Engine, Resolver, ResourceRules, error_answer, is_async_callable, request_facts
from .errors import ConfigError
from .logs import is_enabled_for
from .origins import MAX_ORIGIN_LENGTH
from .vary import merge_headers

__all__ = ["CORSMiddleware", "Environ", "Resolver", "ResourceRules", "WSGIApp"]

Environ = dict[str, Any]
ExcInfo = Union[tuple[type[BaseException], BaseException, TracebackType], tuple[None, None, None]]
StartResponse = Callable[..., Callable[[bytes], object]]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]


class CORSMiddleware(Engine[WSGIApp, Environ]):
    """Wrap a WSGI application so that it answers the browser's CORS protocol.

    Policy options (``allow_origins``, ``allow_methods``, ...) are those of
    :class:`CORSPolicy`. ``resources`` maps path patterns to policies or to
    option dicts that override the top-level options; paths that no rule
    matches then pass through untouched. ``resolver`` is the general form used
    by framework adapters: a function of the environ returning the policy,
    or None to pass the request through.
    """

    @staticmethod
    def _check_app(app: WSGIApp) -> None:
        check_wsgi_app(app)

    @staticmethod
    def _path(environ: Environ) -> str:
        return environ.get("PATH_INFO", "")  # type: ignore[no-any-return]

    @staticmethod
    def _facts(environ: Environ) -> RequestFacts:
        return request_facts(
            environ.get("HTTP_ORIGIN"),
            environ.get("REQUEST_METHOD", ""),
            environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
            environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
            environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK") == "true",
        )

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        select, policy, announce, catch_exceptions, report, _ = self._current
        if select is not None:
            selected = select(environ)
            if selected is None:
                return self.app(environ, start_response)
            policy = selected
        origin = environ.get("HTTP_ORIGIN")
        # Entries, unpacked: see cors_wsgi.facts.Entry.
        if origin is None:
            allowed, headers, decision = policy.no_origin_entry
        elif environ.get("REQUEST_METHOD") == "OPTIONS" and environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"):
            requested = environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"]
            allowed, headers, decision = preflight_entry(
                policy,
                origin,
                requested,
                environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
                environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK") == "true",
            )
            if report is not None:
                self.report(report, policy, decision, environ)
            if not allowed and is_enabled_for(INFO):
                self.log_refusal(decision, requested, environ, INFO)
            if not self.preflight_passthrough:
                return self._answer_preflight(allowed, headers, decision, requested, environ, start_response)
        else:
            # The memo first (length checked before hashing): a call to actual_entry
            # costs a request about as much as the lookup it makes.
            if len(origin) <= MAX_ORIGIN_LENGTH:
                allowed, headers, decision = policy.memo.get(origin) or unremembered_entry(policy, origin)
            else:
                allowed, headers, decision = actual_entry(policy, origin)
            if report is not None:
                self.report(report, policy, decision, environ)
            # A refused actual request may well be same-origin: DEBUG only.
            if not allowed and is_enabled_for(DEBUG):
                self.log_refusal(decision, environ.get("REQUEST_METHOD", ""), environ, DEBUG)
        if announce is not None:
            headers = announce(decision, environ.get("REQUEST_METHOD", ""), environ)
        # A bound method is cheaper to make per request than a closure.
        cors_start_response = MethodType(_add_headers, (start_response, headers))
        if catch_exceptions:
            return self._call_catching(environ, start_response, cors_start_response, headers)
        # Read, then called: CPython 3.11 cannot specialize ``self.app(...)`` (a method lookup
        # that finds an instance attribute), and in a large app its type lookups miss the cache.
        app = self.app
        return app(environ, cors_start_response)

    def _answer_preflight(
        self,
        allowed: bool,
        headers: tuple[Header, ...],
        decision: Decision,
        requested: str,
        environ: Environ,
        start_response: StartResponse,
    ) -> Iterable[bytes]:
        """Our answer to a preflight. Out of ``__call__`` so that its jumps stay short (no
        EXTENDED_ARG on the path of every other request)."""
        if self.on_decision is not None:
            self.notify(decision, requested, environ)
        plain = self.plain_grant_status
        if plain is not None and allowed:
            start_response(plain, list(headers))
            return []
        _, status, answer_headers, body = self.preflight_answer(decision)
        start_response(status, answer_headers)
        return [body] if body else []

    def _call_catching(
        self,
        environ: Environ,
        start_response: StartResponse,
        cors_start_response: StartResponse,
        headers: tuple[Header, ...],
    ) -> Iterable[bytes]:
        """Turn an exception raised before the body's first chunk into a 500 with CORS headers."""
        try:
            result = self.app(environ, cors_start_response)
            if isinstance(result, (list, tuple)):
                return result
            # A generator app fails only when iterated: read its first chunk inside the guard.
            rest = iter(result)
            try:
                first = [next(rest)]
            except StopIteration:
                first = []
            except BaseException:
                _close(result)
                raise
            return _PrimedBody(first, rest, result)
        except Exception:
            _, status, error_headers, body = error_answer(headers)
            start_response(status, error_headers, sys.exc_info())
            return [body]


def _add_headers(
    bound: tuple[StartResponse, tuple[Header, ...]],
    status: str,
    app_headers: list[Header],
    exc_info: ExcInfo | None = None,
) -> Callable[[bytes], object]:
    """The ``start_response`` the app sees: ``bound`` is the server's and our headers."""
    start_response, headers = bound
    # Only a Vary or Access-Control-* header of the app's needs merging; a set of
    # ordinary names, then the first letter, is the cheapest way to rule both out.
    try:
        for name, _ in app_headers:
            if name not in ORDINARY_HEADER_NAMES and name[0] in "vVaA":
                break
        else:
            return start_response(status, [*app_headers, *headers], exc_info)
    except IndexError:
        pass  # an empty name: an invalid header for the server to refuse, not our crash
    return start_response(status, merge_headers(app_headers, headers), exc_info)


#: Header names apps send most, none a Vary or an Access-Control-* header: a set lookup rules
#: one of them out for about half of what the first-letter test costs (CPython 3.11 specializes
#: neither ``name[0]`` nor ``in`` on a string).
ORDINARY_HEADER_NAMES = frozenset(
    spelling
    for name in (
        "Cache-Control",
        "Content-Disposition",
        "Content-Encoding",
        "Content-Language",
        "Content-Length",
        "Content-Security-Policy",
        "Content-Type",
        "Date",
        "ETag",
        "Expires",
        "Last-Modified",
        "Location",
        "Referrer-Policy",
        "Server",
        "Set-Cookie",
        "Strict-Transport-Security",
        "Transfer-Encoding",
        "X-Content-Type-Options",
        "X-Frame-Options",
    )
    for spelling in (name, name.lower())
)


class _PrimedBody:
    """The app's body with its first chunk already read; streams the rest and closes the original."""

    __slots__ = ("_body", "_first", "_rest")

    def __init__(self, first: list[bytes], rest: Iterator[bytes], body: Iterable[bytes]) -> None:
        self._first = first
        self._rest = rest
        self._body = body

    def __iter__(self) -> Iterator[bytes]:
        yield from self._first
        yield from self._rest

    def close(self) -> None:
        _close(self._body)


def _close(body: Iterable[bytes]) -> None:
    close = getattr(body, "close", None)
    if close is not None:
        close()


def check_wsgi_app(app: object) -> None:
    """An ASGI app would build fine and then fail every request: refuse it at start-up."""
    if not callable(app):
        raise ConfigError("app", app, "is not callable", "pass the WSGI application")
    if is_async_callable(app):
        raise ConfigError(
            "app",
            app,
            "is an ASGI application (a coroutine function), not a WSGI one",
            "use cors_wsgi.asgi.CORSMiddleware",
        )
