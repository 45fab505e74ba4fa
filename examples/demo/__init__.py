"""``make demo``: a front page and a CORS-guarded API on two loopback origins.

The page (``http://localhost:FRONT``) runs a matrix of cross-origin calls
against the API (``http://localhost:API``) and shows what the browser decided
for each: green where it let the page read the answer, red where it blocked it.
Both origins are on the site ``localhost``, so the API's cookie is sent with
``credentials: 'include'`` without any third-party cookie rule in the way.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cors_wsgi import CORSMiddleware

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

#: Each case: name, what the policy intends, and the JavaScript that runs it.
#: A case "passes" in the browser when its promise resolves; CORS failures reject.
CASES = [
    ("Simple GET", True, "fetch(API + '/api/items')"),
    (
        "JSON POST (sends a preflight)",
        True,
        "fetch(API + '/api/items', {method: 'POST', headers: {'Content-Type': 'application/json'},"
        " body: JSON.stringify({name: 'new'})})",
    ),
    (
        "PUT with Authorization and a cookie (credentials)",
        True,
        "fetch(API + '/api/login', {credentials: 'include'}).then(() => fetch(API + '/api/items/1',"
        " {method: 'PUT', credentials: 'include', headers: {'Authorization': 'Bearer demo',"
        " 'Content-Type': 'application/json'}, body: '{}'})).then(r => r.json()).then(j => {"
        " if (j.cookie !== 'session=demo' || j.authorization !== 'Bearer demo')"
        " throw new Error('cookie or Authorization did not arrive'); })",
    ),
    (
        "Read the exposed X-Total-Count header",
        True,
        "fetch(API + '/api/items').then(r => { if (r.headers.get('X-Total-Count') === null)"
        " throw new Error('X-Total-Count is not readable'); })",
    ),
    ("DELETE (method not allowed)", False, "fetch(API + '/api/items/1', {method: 'DELETE'})"),
    (
        "X-Secret header (header not allowed)",
        False,
        "fetch(API + '/api/items', {headers: {'X-Secret': '1'}})",
    ),
]


def api_app(front_origin: str) -> WSGIApp:
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

    return CORSMiddleware(
        api,
        allow_origins=[front_origin],
        allow_methods=["GET", "POST", "PUT"],
        allow_headers=["Content-Type", "Authorization"],
        expose_headers=["X-Total-Count"],
        allow_credentials=True,
        max_age=600,
    )


def front_app(api_origin: str) -> WSGIApp:
    """The page that runs every case in the visitor's browser and shows the verdicts."""
    rows = ",\n".join(
        f"  [{json.dumps(name)}, {'true' if expected else 'false'}, () => {script}]"
        for name, expected, script in CASES
    )
    page = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>cors-wsgi demo</title>
<style>
 body {{ font-family: system-ui, sans-serif; margin: 2rem; }}
 td, th {{ padding: .4rem .8rem; text-align: left; }}
 .allowed {{ background: #c8f7c5; }} .blocked {{ background: #f7c5c5; }}
</style></head>
<body>
<h1>cors-wsgi demo</h1>
<p>This page is on <code id="front"></code>; the API is on <code>{api_origin}</code>.
Each row is a cross-origin call; the colour is what your browser decided.</p>
<table><thead><tr><th>call</th><th>browser verdict</th><th>policy intends</th></tr></thead>
<tbody id="rows"></tbody></table>
<script>
const API = {json.dumps(api_origin)};
document.getElementById("front").textContent = location.origin;
const cases = [
{rows}
];
(async () => {{
  for (const [name, expected, run] of cases) {{
    let verdict = "allowed", error = "";
    try {{ await run(); }} catch (e) {{ verdict = "blocked"; error = String(e); }}
    const row = document.createElement("tr");
    row.className = verdict;
    row.dataset.expected = expected ? "allowed" : "blocked";
    row.innerHTML = "<td></td><td></td><td></td>";
    row.cells[0].textContent = name;
    row.cells[1].textContent = verdict + (error ? " (" + error + ")" : "");
    row.cells[2].textContent = (expected ? "allowed" : "blocked")
      + ((verdict === "allowed") === expected ? " \\u2713" : " \\u2717 unexpected");
    document.getElementById("rows").appendChild(row);
  }}
  document.body.dataset.done = "true";
}})();
</script></body></html>
""".encode()

    def front(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [page]

    return front


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the terminal for the URL to open."""


@contextmanager
def serving(front_port: int = 8000, api_port: int = 8001) -> Iterator[tuple[str, str]]:
    """Run both servers on loopback until the block ends; yields (front URL, API origin).

    Port 0 picks a free port. The API's origin is known only once it is bound,
    and the front page's origin must be in the API's policy, so both sockets
    are bound before either app is built.
    """
    front_server = make_server("127.0.0.1", front_port, _placeholder, _ThreadingServer, _QuietHandler)
    api_server = make_server("127.0.0.1", api_port, _placeholder, _ThreadingServer, _QuietHandler)
    front_origin = f"http://localhost:{front_server.server_port}"
    api_origin = f"http://localhost:{api_server.server_port}"
    front_server.set_app(front_app(api_origin))
    api_server.set_app(api_app(front_origin))
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
