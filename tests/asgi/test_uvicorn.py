"""Through a real server: uvicorn on loopback, a bounded burst with reconfigure() swaps, disconnects."""

from __future__ import annotations

import asyncio
import random
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

uvicorn = pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")

from cors_wsgi.asgi import CORSMiddleware  # noqa: E402

ORIGINS = [f"https://site{index}.example" for index in range(20)]
#: The two configurations swapped during the burst: each allows a different half of the origins.
HALVES = (frozenset(ORIGINS[:10]), frozenset(ORIGINS[10:]))
REQUESTS = 2000
CONCURRENCY = 50


@contextmanager
def serve(app: Any) -> Iterator[int]:
    """uvicorn serving ``app`` on 127.0.0.1 at a free port until the block ends; yields the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    # A long keep-alive: a connection the server closes while idle would fail a request of the burst.
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False, timeout_keep_alive=60)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(500):
        if server.started:
            break
        threading.Event().wait(0.01)
    assert server.started, "uvicorn did not start"
    try:
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


async def hello(scope: Any, receive: Any, send: Any) -> None:
    headers = [(b"content-type", b"text/plain"), (b"content-length", b"5")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"hello"})


def test_a_burst_with_reconfigure_swaps_gets_only_answers_of_a_policy_in_force() -> None:
    middleware = CORSMiddleware(hello, allow_origins=sorted(HALVES[0]), allow_methods=["GET", "PUT"])
    version = [0]  # which half is in force: HALVES[version % 2]
    results: list[tuple[int, int, str, bool, httpx.Response]] = []
    rng = random.Random(15)
    plan = [(rng.choice(ORIGINS), rng.random() < 0.3) for _ in range(REQUESTS)]

    async def burst(port: int) -> None:
        limits = httpx.Limits(max_connections=CONCURRENCY)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30
        ) as client:
            gate = asyncio.Semaphore(CONCURRENCY)

            async def one(origin: str, preflight: bool) -> None:
                async with gate:
                    before = version[0]
                    if preflight:
                        headers = {"Origin": origin, "Access-Control-Request-Method": "PUT"}
                        response = await client.options("/", headers=headers)
                    else:
                        response = await client.get("/", headers={"Origin": origin})
                    results.append((before, version[0], origin, preflight, response))

            async def swapper() -> None:
                for _ in range(40):
                    await asyncio.sleep(0.005)
                    version[0] += 1  # announced before the swap: a request may see either side
                    middleware.reconfigure(allow_origins=sorted(HALVES[version[0] % 2]))

            await asyncio.gather(swapper(), *(one(origin, preflight) for origin, preflight in plan))

    with serve(middleware) as port:
        asyncio.run(asyncio.wait_for(burst(port), timeout=300))

    assert len(results) == REQUESTS  # nothing lost
    swaps_seen = {before for before, *_ in results}
    assert len(swaps_seen) > 1, "the burst must overlap reconfigure() swaps"
    for before, after, origin, preflight, response in results:
        in_force = [HALVES[v % 2] for v in range(max(before - 1, 0), after + 1)]
        allowed = {origin in half for half in in_force}
        granted = response.headers.get("access-control-allow-origin")
        assert granted in (None, origin)
        assert granted is None or True in allowed, (origin, before, after)
        assert granted is not None or False in allowed, (origin, before, after)
        if preflight:
            assert response.status_code == (204 if granted else 403)
            if granted:
                assert response.headers["access-control-allow-methods"] == "GET, PUT"
        else:
            assert response.status_code == 200
            assert response.text == "hello"
        assert "Origin" in response.headers["vary"]


def test_http_disconnect_in_the_middle_of_a_stream_reaches_the_app() -> None:
    disconnected = threading.Event()
    sent = [0]

    async def stream(scope: Any, receive: Any, send: Any) -> None:
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
        )

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            disconnected.set()

        watcher = asyncio.ensure_future(watch())
        try:
            for _ in range(2000):  # bounded: the client leaves long before the end
                if disconnected.is_set():
                    return
                sent[0] += 1
                await send({"type": "http.response.body", "body": b"x" * 1024, "more_body": True})
                await asyncio.sleep(0.005)
            await send({"type": "http.response.body", "body": b""})
        finally:
            watcher.cancel()

    middleware = CORSMiddleware(stream, allow_origins=[ORIGINS[0]])
    with serve(middleware) as port:
        with (
            httpx.Client(timeout=10) as client,
            client.stream("GET", f"http://127.0.0.1:{port}/", headers={"Origin": ORIGINS[0]}) as response,
        ):
            assert response.headers["access-control-allow-origin"] == ORIGINS[0]
            next(response.iter_bytes())
        assert disconnected.wait(timeout=10)
    assert sent[0] < 2000
