"""CORSMiddleware for ASGI 3 applications (FastAPI, Starlette, Django's ASGI handler, Channels, ...).

The same engine and decisions as the WSGI adapter, so the same request gets
the same answer. Preflights are answered without calling the app; other
HTTP responses get our headers in ``http.response.start`` and their body
untouched, message by message. ``lifespan`` and unknown scope types pass
through. WebSocket handshakes pass too, unless ``check_websocket_origin``
asks for their Origin to be checked: CORS does not protect WebSockets, so a
server that trusts cookies on them must refuse foreign pages itself.

Only the standard library is needed.

>>> app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])  # doctest: +SKIP
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from contextvars import ContextVar
from logging import DEBUG, INFO
from typing import Any

from .config import MIDDLEWARE_OPTIONS
from .decision import Decision, Header, RequestFacts, decide_actual, decide_preflight
from .engine import Answer, Engine, Routing, error_answer, is_async_callable, request_facts
from .errors import ConfigError
from .logs import logger
from .policy import CORSPolicy
from .report import Reporter, differs
from .vary import merge_headers

__all__ = ["ASGIApp", "CORSMiddleware", "Scope"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
RawHeaders = list[tuple[bytes, bytes]]

#: The request headers a decision reads (and Host, for a WebSocket's own origin).
_ORIGIN = b"origin"
_ACRM = b"access-control-request-method"
_ACRH = b"access-control-request-headers"
_ACRPN = b"access-control-request-private-network"
_HOST = b"host"
_READ = frozenset({_ORIGIN, _ACRM, _ACRH, _ACRPN, _HOST})

_WEBSOCKET_SCHEMES = {"ws": "http", "wss": "https", "http": "http", "https": "https"}
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}
#: A policy violation: the close code of a refused handshake where no HTTP answer can be sent.
_CLOSE_POLICY_VIOLATION = 1008
_DENIAL_EXTENSION = "websocket.http.response"

#: Answers of the async origin checks for the request being decided (see _AwaitedCheck).
_ANSWERS: ContextVar[dict[_AwaitedCheck, bool | Exception] | None] = ContextVar("cors_answers", default=None)
#: The async checks a decision reached, each with the origin it was asked about.
_PENDING: ContextVar[list[tuple[_AwaitedCheck, str]] | None] = ContextVar("cors_pending", default=None)
#: Resolver policies with async checks, prepared once each: at most this many are kept.
_MAX_PREPARED = 256


class CORSMiddleware(Engine[ASGIApp, Scope]):
    """Wrap an ASGI 3 application so that it answers the browser's CORS protocol.

    It takes the options of :class:`cors_wsgi.CORSMiddleware` (``resolver``
    is then a function of the ASGI scope), plus ``check_websocket_origin``:
    refuse WebSocket handshakes whose Origin the policy does not allow and
    that are not the server's own origin. Origin callables may be ``async def``.
    """

    _request = "scope"

    def __init__(self, app: ASGIApp, *, check_websocket_origin: bool = False, **options: Any) -> None:
        if type(check_websocket_origin) is not bool:
            raise ConfigError("check_websocket_origin", check_websocket_origin, "must be True or False")
        self.check_websocket_origin = check_websocket_origin
        self._prepared: dict[int, tuple[CORSPolicy, CORSPolicy]] = {}
        super().__init__(app, **options)

    @classmethod
    def _options(cls) -> frozenset[str]:
        return MIDDLEWARE_OPTIONS

    @staticmethod
    def _check_app(app: ASGIApp) -> None:
        if not callable(app):
            raise ConfigError("app", app, "is not callable", "pass the ASGI application")
        if not is_async_callable(app) and _is_wsgi_signature(app):
            raise ConfigError(
                "app",
                app,
                "is a WSGI application (environ, start_response), not an ASGI one",
                "use cors_wsgi.CORSMiddleware",
            )

    @staticmethod
    def _path(scope: Scope) -> str:
        """The path below ``root_path``, as PATH_INFO is below SCRIPT_NAME."""
        path: str = scope.get("path", "")
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            return path[len(root) :]
        return path

    @staticmethod
    def _facts(scope: Scope) -> RequestFacts:
        found = _read_headers(scope)
        return request_facts(
            found.get(_ORIGIN),
            scope.get("method", ""),
            found.get(_ACRM),
            found.get(_ACRH),
            found.get(_ACRPN) == "true",
        )

    def _prepare(self, policy: CORSPolicy) -> CORSPolicy:
        """A policy whose async origin checks read the answers awaited for the current request."""
        callables = policy.origins.callables
        if not callables or not any(map(is_async_callable, callables)):
            return policy
        entries = policy.options["allow_origins"]
        listed = [entries] if isinstance(entries, str) or callable(entries) else list(entries)
        return policy.replace(
            allow_origins=[_AwaitedCheck(e) if callable(e) and is_async_callable(e) else e for e in listed]
        )

    def _install(self, routing: Routing) -> None:
        resolver = routing.resolver
        if resolver is not None:
            prepared = self._prepared
            prepared.clear()
            prepare = self._prepare

            def select(scope: Scope) -> CORSPolicy | None:
                policy = resolver(scope)
                if policy is None or not policy.origins.callables:
                    return policy
                entry = prepared.get(id(policy))
                if entry is None or entry[0] is not policy:
                    if len(prepared) >= _MAX_PREPARED:
                        prepared.clear()
                    entry = prepared[id(policy)] = (policy, prepare(policy))
                return entry[1]

            routing = routing._replace(select=select)
        super()._install(routing)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "websocket" and self.check_websocket_origin:
            await self._websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    def _policy(self, scope: Scope) -> tuple[CORSPolicy | None, Reporter | None]:
        select, policy, _, _, report, _ = self._current
        return (policy if select is None else select(scope)), report

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        policy: CORSPolicy | None
        select, policy, _, _, report, _ = self._current
        if select is not None:
            policy = select(scope)
        if policy is None:
            return await self.app(scope, receive, send)
        facts = _read_headers(scope)
        origin = facts.get(_ORIGIN)
        if origin is None:
            decision = policy.no_origin_entry[2]
        elif scope.get("method") == "OPTIONS" and facts.get(_ACRM):
            decision = await _decided(
                decide_preflight, policy, origin, facts[_ACRM], facts.get(_ACRH), facts.get(_ACRPN) == "true"
            )
            if report is not None:
                await self._report(report, policy, decision, scope)
            if not decision.allowed and logger.isEnabledFor(INFO):
                self.log_refusal(decision, facts[_ACRM], scope, INFO)
            if not self.preflight_passthrough:
                if self.on_decision is not None:
                    self.notify(decision, facts[_ACRM], scope)
                return await _send_answer(send, self.preflight_answer(decision))
        else:
            decision = await _decided(decide_actual, policy, origin)
            if report is not None:
                await self._report(report, policy, decision, scope)
            if not decision.allowed and logger.isEnabledFor(DEBUG):
                self.log_refusal(decision, scope.get("method", ""), scope, DEBUG)
        announce = self._announce
        headers = decision.headers if announce is None else announce(decision, scope.get("method", ""), scope)
        started = False

        async def send_with_cors(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": _with_our_headers(message.get("headers", ()), headers)}
            await send(message)

        if not self.catch_exceptions:
            return await self.app(scope, receive, send_with_cors)
        try:
            await self.app(scope, receive, send_with_cors)
        except Exception:
            if started:
                raise
            await _send_answer(send, error_answer(headers))

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse a handshake from a foreign page before the app can accept it."""
        policy, report = self._policy(scope)
        facts = _read_headers(scope)
        origin = facts.get(_ORIGIN)
        if policy is None or origin is None or origin == _own_origin(scope, facts.get(_HOST)):
            return await self.app(scope, receive, send)  # not a browser, or the server's own page
        decision = await _decided(decide_actual, policy, origin)
        if report is not None:
            # A handshake is decided as an actual GET request is.
            await self._report(report, policy, decision, scope, RequestFacts(origin), "WebSocket handshake")
        if self.on_decision is not None:
            self.notify(decision, "GET", scope)
        if decision.allowed:
            return await self.app(scope, receive, send)
        self.log_refusal(decision, "GET", scope, INFO, "WebSocket handshake")
        message = await receive()
        if message["type"] != "websocket.connect":
            return None
        if _DENIAL_EXTENSION in scope.get("extensions", {}):
            body = f"WebSocket handshake refused: {decision.message}\n".encode("ascii")
            denial = [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode("ascii")),
                *_encoded(decision.headers),
            ]
            await send({"type": "websocket.http.response.start", "status": 403, "headers": denial})
            await send({"type": "websocket.http.response.body", "body": body})
        else:
            await send({"type": "websocket.close", "code": _CLOSE_POLICY_VIOLATION})
        return None

    async def _report(
        self,
        reporter: Reporter,
        policy: CORSPolicy,
        decision: Decision,
        scope: Scope,
        facts: RequestFacts | None = None,
        what: str = "",
    ) -> None:
        """The engine's ``report``, with the candidate's async origin checks awaited as the policy's are.

        ``facts``, when given, stand for the request's in the report (a handshake's are a GET's).
        """
        found = reporter.candidate(policy)
        if found is not None:
            call, args, read = self._candidate_call(found[0], decision, scope)
            decided = await _decided(call, *args)
            if differs(decision, decided):
                self._tell(reporter, decision, decided, found[1], scope, facts or read, what)


class _AwaitedCheck:
    """Stands in the policy for an ``async def`` origin check: a sync call reading the awaited answer.

    The matcher calls checks synchronously. A first decision notes which
    async checks it reached; the adapter awaits them and decides again,
    with their answers (or exceptions) in hand.
    """

    __slots__ = ("check",)

    def __init__(self, check: Callable[[str], Awaitable[object]]) -> None:
        self.check = check

    def __call__(self, origin: str) -> bool:
        answers = _ANSWERS.get()
        if answers is not None and self in answers:
            answer = answers[self]
            if isinstance(answer, Exception):
                raise answer
            return answer
        pending = _PENDING.get()
        if pending is None:
            raise RuntimeError(f"the async origin check {self.check!r} can only run in cors_wsgi.asgi")
        pending.append((self, origin))
        return False

    def __repr__(self) -> str:
        return repr(self.check)


async def _decided(decide: Callable[..., Decision], *args: Any) -> Decision:
    """``decide(*args)``, awaiting first the async origin checks the decision reaches."""
    pending: list[tuple[_AwaitedCheck, str]] = []
    token = _PENDING.set(pending)
    try:
        decision = decide(*args)
    finally:
        _PENDING.reset(token)
    if not pending:
        return decision
    answers: dict[_AwaitedCheck, bool | Exception] = {}
    for check, origin in pending:
        try:
            answers[check] = bool(await check.check(origin))
        except Exception as error:
            answers[check] = error
    answered = _ANSWERS.set(answers)
    try:
        return decide(*args)
    finally:
        _ANSWERS.reset(answered)


def _read_headers(scope: Scope) -> dict[bytes, str]:
    """The request headers a decision reads, latin-1 decoded; repeated ones joined with ", "."""
    found: dict[bytes, str] = {}
    for name, value in scope.get("headers", ()):
        name = name.lower()
        if name in _READ:
            text = value.decode("latin-1")
            found[name] = f"{found[name]}, {text}" if name in found else text
    return found


def _own_origin(scope: Scope, host: str | None) -> str | None:
    """The origin of the page the server itself serves: the scope's scheme and the Host header."""
    scheme = _WEBSOCKET_SCHEMES.get(scope.get("scheme", "ws"))
    if scheme is None or not host:
        return None
    host = host.lower().removesuffix(_DEFAULT_PORTS[scheme])
    return f"{scheme}://{host}"


def _encoded(headers: Iterable[Header]) -> RawHeaders:
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]


def _with_our_headers(app_headers: Iterable[tuple[bytes, bytes]], ours: tuple[Header, ...]) -> RawHeaders:
    """The app's headers and ours, merged exactly as the WSGI adapter merges them."""
    listed = list(app_headers)
    for name, _ in listed:
        if name[:1] in b"vVaA":
            break
    else:
        return [*listed, *_encoded(ours)]
    text = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in listed]
    merged = merge_headers(text, ours)
    # merge_headers keeps the app's headers first, in order, one for one (a Vary value may grow).
    count = len(listed)
    app_part = [
        raw if new == old else (raw[0], new[1].encode("latin-1"))
        for raw, old, new in zip(listed, text, merged[:count], strict=True)
    ]
    return [*app_part, *_encoded(merged[count:])]


async def _send_answer(send: Send, answer: Answer) -> None:
    status, _, headers, body = answer
    await send({"type": "http.response.start", "status": status, "headers": _encoded(headers)})
    await send({"type": "http.response.body", "body": body})


def _is_wsgi_signature(app: object) -> bool:
    """Takes (environ, start_response) but not (scope, receive, send): a WSGI callable."""
    try:
        signature = inspect.signature(app)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    try:
        signature.bind(None, None)
    except TypeError:
        return False
    try:
        signature.bind(None, None, None)
    except TypeError:
        return True
    return False
