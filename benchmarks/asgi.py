"""``python -m benchmarks --parts asgi``: the ASGI adapter's added cost against Starlette's CORSMiddleware.

Side by side in one run, callgrind instructions per request over a bare ASGI
app, for allowed, preflight, refused and no-Origin requests (target: at most
Starlette's in each case). The coroutine is driven without an event loop (the
app and both middlewares never suspend), so the counts are the middlewares'
own work. Each request's scope is built from fresh objects, as a server does.
"""

from __future__ import annotations

import gc
from typing import Any

from .measure import added_over_baseline, worker_main

ORIGIN = "https://app.example.com"
OPTIONS: dict[str, Any] = {
    "allow_origins": [ORIGIN],
    "allow_methods": ["GET", "PUT"],
    "allow_headers": ["content-type"],
    "allow_credentials": True,
}
SCENARIOS: dict[str, tuple[str, dict[str, str]]] = {
    "allowed": ("GET", {"origin": ORIGIN}),
    "preflight": (
        "OPTIONS",
        {
            "origin": ORIGIN,
            "access-control-request-method": "PUT",
            "access-control-request-headers": "content-type",
        },
    ),
    "refused": ("GET", {"origin": "https://evil.example.net"}),
    "no_origin": ("GET", {}),
}
VARIANTS = ("bare", "cors_wsgi", "starlette")
COUNT, WARMUP = 1000, 200


async def hello(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"hello"})


def build(variant: str) -> Any:
    if variant == "bare":
        return hello
    if variant == "cors_wsgi":
        from cors_wsgi.asgi import CORSMiddleware

        return CORSMiddleware(hello, **OPTIONS)
    from starlette.middleware.cors import CORSMiddleware as StarletteCORS

    return StarletteCORS(hello, **OPTIONS)


def run(app: Any, scenario: str, count: int) -> None:
    method, headers = SCENARIOS[scenario]

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        return None

    for _ in range(count):
        scope = {
            "type": "http",
            "method": method,
            "path": "/",
            "root_path": "",
            "scheme": "http",
            "query_string": b"",
            "headers": [(b"host", b"api.example.com")]
            + [(name.encode(), value.encode()) for name, value in headers.items()],
        }
        coroutine = app(scope, receive, send)
        try:
            coroutine.send(None)
        except StopIteration:
            continue
        raise RuntimeError("the app suspended: this driver has no event loop")


def _worker(variant: str, scenario: str, count: int) -> None:
    app = build(variant)
    run(app, scenario, WARMUP)
    gc.collect()
    gc.freeze()
    run(app, scenario, count)


def measure(jobs: int = 2) -> dict[str, dict[str, float]]:
    """Added instructions per request over the bare app, per scenario and middleware."""
    return added_over_baseline("benchmarks.asgi", VARIANTS, SCENARIOS, COUNT, jobs)


def main(argv: list[str] | None = None) -> int:
    return worker_main("asgi", VARIANTS, SCENARIOS, _worker, argv)


if __name__ == "__main__":
    raise SystemExit(main())
