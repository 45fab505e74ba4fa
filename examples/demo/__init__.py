"""``make demo``: a front page and a CORS-guarded API on two loopback origins.

The page (``http://localhost:FRONT``) runs a matrix of cross-origin calls
against the API (``http://localhost:API``) and shows what the browser decided
for each: green where it let the page read the answer, red where it blocked it.
Both origins are on the site ``localhost``, so the API's cookie is sent with
``credentials: 'include'`` without any third-party cookie rule in the way.

Each row also shows the server's reason and the fix. A refused response is
unreadable to the page (that is the point of CORS), so the demo uses a side
channel: every call carries a ``demo`` query parameter, the API records each
decision of its CORSMiddleware under it through ``on_decision``, and the
front server, same-origin to the page, hands the recorded decisions back.
"""

from __future__ import annotations

import errno
import html
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cors_wsgi import CORSMiddleware, Decision
from cors_wsgi.server_reason import CORE_FIXES

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

#: Each case: name, what the policy intends, and the JavaScript that runs it.
#: ``at(path)`` is the API's URL for ``path``, tagged with the case's id.
#: A case "passes" in the browser when its promise resolves; CORS failures reject.
CASES = [
    ("Simple GET", True, "fetch(at('/api/items'))"),
    (
        "JSON POST (sends a preflight)",
        True,
        "fetch(at('/api/items'), {method: 'POST', headers: {'Content-Type': 'application/json'},"
        " body: JSON.stringify({name: 'new'})})",
    ),
    (
        "PUT with Authorization and a cookie (credentials)",
        True,
        "fetch(at('/api/login'), {credentials: 'include'}).then(() => fetch(at('/api/items/1'),"
        " {method: 'PUT', credentials: 'include', headers: {'Authorization': 'Bearer demo',"
        " 'Content-Type': 'application/json'}, body: '{}'})).then(r => r.json()).then(j => {"
        " if (j.cookie !== 'session=demo' || j.authorization !== 'Bearer demo')"
        " throw new Error('cookie or Authorization did not arrive'); })",
    ),
    (
        "Read the exposed X-Total-Count header",
        True,
        "fetch(at('/api/items')).then(r => { if (r.headers.get('X-Total-Count') === null)"
        " throw new Error('X-Total-Count is not readable'); })",
    ),
    ("DELETE (method not allowed)", False, "fetch(at('/api/items/1'), {method: 'DELETE'})"),
    (
        "X-Secret header (header not allowed)",
        False,
        "fetch(at('/api/items'), {headers: {'X-Secret': '1'}})",
    ),
]

#: The API's policy, but for its one origin: the front page's, known once its port is bound.
API_OPTIONS: dict[str, Any] = {
    "allow_methods": ["GET", "POST", "PUT"],
    "allow_headers": ["Authorization"],
    "expose_headers": ["X-Total-Count"],
    "allow_credentials": True,
    "max_age": 600,
}

#: What a call id may look like: the page makes them, anyone could send others.
_CALL_ID = re.compile(r"[a-z0-9-]{1,40}")


class DecisionLog:
    """The decisions of the API's middleware, by call id, for the page to fetch.

    Bounded: the ids come from requests, so only the latest ``max_calls`` ids
    and ``max_per_call`` decisions of each are kept.
    """

    def __init__(self, max_calls: int = 256, max_per_call: int = 8) -> None:
        self.max_calls = max_calls
        self.max_per_call = max_per_call
        self._calls: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()
        self._current: ContextVar[tuple[str, str] | None] = ContextVar("demo_call", default=None)

    def tagging(self, app: WSGIApp) -> WSGIApp:
        """Wrap the middleware so that ``record`` knows which call and request it decides about."""

        def tagged(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            call_id = call_id_of(environ)
            if call_id is None:
                return app(environ, start_response)
            request = f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')}"
            token = self._current.set((call_id, request))
            try:
                return app(environ, start_response)
            finally:
                self._current.reset(token)

        return tagged

    def record(self, decision: Decision) -> None:
        """The ``on_decision`` callback: keep the decision under the current call's id."""
        current = self._current.get()
        if current is None:
            return
        call_id, request = current
        entry = {
            "request": request,
            "preflight": decision.preflight,
            "allowed": decision.allowed,
            "reason": decision.message,
            "fix": CORE_FIXES[decision.reason] if not decision.allowed else "",
        }
        with self._lock:
            entries = self._calls.setdefault(call_id, [])
            self._calls.move_to_end(call_id)
            if len(entries) < self.max_per_call:
                entries.append(entry)
            while len(self._calls) > self.max_calls:
                self._calls.popitem(last=False)

    def of(self, call_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._calls.get(call_id, ()))


def call_id_of(environ: dict[str, Any]) -> str | None:
    """The ``demo`` query parameter, if it is a well-formed call id."""
    values = parse_qs(environ.get("QUERY_STRING", "")).get("demo", [])
    return values[0] if len(values) == 1 and _CALL_ID.fullmatch(values[0]) else None


def api_app(front_origin: str, log: DecisionLog | None = None) -> WSGIApp:
    """The API, guarded by CORSMiddleware for the front page's origin only."""

    def api(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        headers = [("Content-Type", "application/json"), ("X-Total-Count", "2")]
        if environ.get("PATH_INFO") == "/api/login":
            headers.append(("Set-Cookie", "session=demo; Path=/; SameSite=Lax; HttpOnly"))
        body = {
            "method": environ["REQUEST_METHOD"],
            "path": environ.get("PATH_INFO", ""),
            "cookie": environ.get("HTTP_COOKIE"),
            "authorization": environ.get("HTTP_AUTHORIZATION"),
        }
        start_response("200 OK", headers)
        return [json.dumps(body).encode()]

    middleware = CORSMiddleware(
        api,
        allow_origins=[front_origin],
        on_decision=log.record if log is not None else None,
        **API_OPTIONS,
    )
    return log.tagging(middleware) if log is not None else middleware


def front_app(api_origin: str, log: DecisionLog | None = None) -> WSGIApp:
    """The page that runs every case in the visitor's browser and shows the verdicts and reasons."""
    rows = ",\n".join(
        f"  [{json.dumps(name)}, {'true' if expected else 'false'}, (at) => {script}]"
        for name, expected, script in CASES
    )
    policy = html.escape(", ".join(f"{name}={value!r}" for name, value in API_OPTIONS.items()))
    page = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>cors-wsgi demo</title>
<style>
 body {{ font-family: system-ui, sans-serif; margin: 2rem; }}
 td, th {{ padding: .4rem .8rem; text-align: left; vertical-align: top; }}
 .allowed {{ background: #c8f7c5; }} .blocked {{ background: #f7c5c5; }}
 .reason div {{ font-family: ui-monospace, monospace; font-size: .9em; }}
</style></head>
<body>
<h1>cors-wsgi demo</h1>
<p>This page is on <code id="front"></code>; the API is on <code>{api_origin}</code>.
Each row is a cross-origin call; the colour is what your browser decided.</p>
<p>The API's policy: <code id="policy">CORSMiddleware(api, allow_origins=[this page's origin],
{policy})</code></p>
<p>A blocked response is unreadable to this page, so the reason comes through a side
channel: the API records each decision of its <code>CORSMiddleware</code>
(through <code>on_decision</code>) under the call's <code>?demo=</code> id, and this
page's own server hands it back. The terminal running the demo shows the
<code>cors_wsgi</code> log.</p>
<table><thead><tr><th>call</th><th>browser verdict</th><th>server's reason</th>
<th>fix</th><th>policy intends</th></tr></thead>
<tbody id="rows"></tbody></table>
<script>
const API = {json.dumps(api_origin)};
document.getElementById("front").textContent = location.origin;
const run_id = Math.random().toString(36).slice(2, 10);
const cases = [
{rows}
];
(async () => {{
  for (const [index, [name, expected, run]] of cases.entries()) {{
    const id = run_id + "-" + index;
    const at = (path) => API + path + "?demo=" + id;
    let verdict = "allowed", error = "";
    try {{ await run(at); }} catch (e) {{ verdict = "blocked"; error = String(e); }}
    const decisions = await (await fetch("/decisions?demo=" + id)).json();
    const row = document.createElement("tr");
    row.className = verdict;
    row.dataset.expected = expected ? "allowed" : "blocked";
    row.innerHTML = "<td></td><td></td><td class='reason'></td><td class='fix'></td><td></td>";
    row.cells[0].textContent = name;
    row.cells[1].textContent = verdict + (error ? " (" + error + ")" : "");
    for (const d of decisions) {{
      const line = document.createElement("div");
      line.textContent = (d.preflight ? "preflight " : "") + d.request + ": "
        + (d.allowed ? "allowed" : "refused, " + d.reason);
      row.cells[2].appendChild(line);
    }}
    if (decisions.length === 0) row.cells[2].textContent = "(the API saw no request)";
    row.cells[3].textContent = [...new Set(decisions.map(d => d.fix).filter(f => f))].join("; ");
    row.cells[4].textContent = (expected ? "allowed" : "blocked")
      + ((verdict === "allowed") === expected ? " \\u2713" : " \\u2717 unexpected");
    document.getElementById("rows").appendChild(row);
  }}
  document.body.dataset.done = "true";
}})();
</script></body></html>
""".encode()

    def front(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        if environ.get("PATH_INFO") == "/decisions":
            call_id = call_id_of(environ)
            body = json.dumps(log.of(call_id) if log is not None and call_id is not None else []).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Cache-Control", "no-store")])
            return [body]
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [page]

    return front


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the terminal for the URL to open and the cors_wsgi log."""


class PortUnavailable(Exception):
    """A demo port cannot be listened on; the message names it and how to pick another."""

    def __init__(self, option: str, port: int, error: OSError) -> None:
        if error.errno == errno.EADDRINUSE:
            problem = f"is busy: another program is listening on 127.0.0.1:{port}"
        else:
            problem = f"cannot be used: {error.strerror}"
        other = 8100 if port < 8100 else port + 100
        super().__init__(
            f"port {port} ({option}) {problem}.\n"
            f'Pick another: make demo DEMO_ARGS="{option} {other}"\n'
            f"  (or: python -m examples.demo {option} {other}; {option} 0 picks a free port)"
        )
        self.option = option
        self.port = port


def _listen(option: str, port: int) -> WSGIServer:
    try:
        return make_server("127.0.0.1", port, _placeholder, _ThreadingServer, _QuietHandler)
    except OSError as error:
        raise PortUnavailable(option, port, error) from error


@contextmanager
def serving(front_port: int = 8000, api_port: int = 8001) -> Iterator[tuple[str, str]]:
    """Run both servers on loopback until the block ends; yields (front URL, API origin).

    Port 0 picks a free port. The API's origin is known only once it is bound,
    and the front page's origin must be in the API's policy, so both sockets
    are bound before either app is built. A port that cannot be bound raises
    PortUnavailable, naming the option that sets it.
    """
    front_server = _listen("--front-port", front_port)
    try:
        api_server = _listen("--api-port", api_port)
    except PortUnavailable:
        front_server.server_close()
        raise
    front_origin = f"http://localhost:{front_server.server_port}"
    api_origin = f"http://localhost:{api_server.server_port}"
    log = DecisionLog()
    front_server.set_app(front_app(api_origin, log))
    api_server.set_app(api_app(front_origin, log))
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (front_server, api_server)]
    for thread in threads:
        thread.start()
    try:
        yield front_origin + "/", api_origin
    finally:
        for server in (front_server, api_server):
            server.shutdown()
            server.server_close()
        for thread in threads:
            thread.join()


def _placeholder(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"starting\n"]
