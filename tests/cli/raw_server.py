"""A loopback server that answers with exact bytes, for responses no HTTP library would write.

Each connection reads one request head, asks the ``answer`` function for the
bytes to send (a list of chunks; a float in the list pauses that many seconds,
so a server can trickle), sends them and closes the connection. Requests are
recorded so that tests can say what reached the server.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import NamedTuple

#: Most bytes of a request head read; browsers send a few hundred.
_MAX_HEAD = 1 << 16


class RawRequest(NamedTuple):
    method: str
    target: str
    headers: dict[str, str]
    """Lower-cased names; the last value wins."""

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


Chunk = bytes | float
Answer = Callable[[RawRequest], Sequence[Chunk]]


def _read_head(connection: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data and len(data) < _MAX_HEAD:
        chunk = connection.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\r\n\r\n", 1)[0]


def _parse(head: bytes) -> RawRequest | None:
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        return None
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return RawRequest(parts[0], parts[1], headers)


class RawServer:
    """Serves ``answer`` on 127.0.0.1 at a free port, one thread per connection."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.received: list[RawRequest] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.port: int = self._listener.getsockname()[1]

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    @property
    def methods(self) -> list[str]:
        return [request.method for request in self.received]

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._handle, args=(connection,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _handle(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(10)
            # Each chunk leaves at once, as its own segment: no Nagle delay while trickling.
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                request = _parse(_read_head(connection))
                if request is None:
                    return
                self.received.append(request)
                for chunk in self.answer(request):
                    if self._stop.is_set():
                        return
                    if isinstance(chunk, float):
                        self._stop.wait(chunk)
                    else:
                        connection.sendall(chunk)
                connection.shutdown(socket.SHUT_WR)
                # Let the client read everything before the close resets the connection.
                deadline = time.monotonic() + 2
                while time.monotonic() < deadline and connection.recv(4096):
                    pass
            except OSError:
                return

    @contextmanager
    def running(self) -> Iterator[RawServer]:
        thread = threading.Thread(target=self._serve, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join()
            self._listener.close()
            for handler in self._threads:
                handler.join(timeout=5)


def response(status: str, headers: Sequence[str | tuple[str, str]], body: bytes = b"") -> bytes:
    """Exact bytes of a response: ``headers`` are raw lines or (name, value) pairs, sent as given."""
    lines = [f"HTTP/1.1 {status}"]
    lines += [item if isinstance(item, str) else f"{item[0]}: {item[1]}" for item in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
