"""One HTTP/1.1 exchange over a socket, with the response read as Chromium reads it.

``http.client`` is a strict client: it stops at a header line that is not
``token: value``, keeps a value's trailing white space and obs-folds, refuses
more than 100 headers, a line over 64 KiB or a status outside 100-999, and
takes a ``103 Early Hints`` for the final answer. A browser does none of that,
so ``check`` judged other bytes than the browser's. This module parses the
raw bytes itself, following what Chromium was measured to do (the cases are
in tests/browser/test_raw_judges.py):

- the head ends at the first empty line; CRLF, LF and a bare CR all end a line;
- a line starting with white space continues the previous header (obs-fold),
  joined by one space; after the status line it is ignored;
- a line without a colon, or whose name (trimmed of white space) is not a
  token, is skipped and parsing goes on;
- values are trimmed of spaces and tabs (Fetch "normalize");
- the status is the digits after the version (none: 200), capped at 65535;
- every 1xx response, 101 included, is interim: skipped, its headers ignored;
- a NUL in the head, a head over 256 KiB, a status line not starting with
  ``HTTP/``, or two different Content-Length values make the response
  invalid (a network error for the browser).

The whole exchange runs against one deadline, so a server that trickles
bytes cannot hold the caller longer than the timeout.
"""

from __future__ import annotations

import re
import socket
import ssl
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple

from .tokens import is_token

Header = tuple[str, str]

#: Chromium's limit on a response head (``ERR_RESPONSE_HEADERS_TOO_BIG`` beyond it).
MAX_HEAD = 256 * 1024
#: Most bytes of interim (1xx) heads read before the final one.
MAX_INTERIM = 4 * MAX_HEAD
#: Most bytes of the body kept; the rest is not read.
MAX_BODY = 1 << 16
_STATUS_CAP = 65535
#: The spaces after the version, then the status digits (six are already over the cap).
_STATUS_DIGITS = re.compile(" *([0-9]{1,6})")
#: Bytes asked of the socket per read.
_READ_SIZE = 1 << 16
#: Longest chunk-size line read (extensions included); a longer one ends the body.
_MAX_CHUNK_LINE = 1024
_LINE_BREAK = re.compile(rb"\r\n|\n|\r")
_HEAD_END = re.compile(rb"\n\r?\n")
_WHITESPACE = " \t"


class InvalidResponse(Exception):
    """Bytes a browser refuses to read as a response: for it, a network error."""


class ExchangeTimeout(TimeoutError):
    """The server did not complete its answer before the deadline."""


class RawResponse(NamedTuple):
    status: int
    headers: tuple[Header, ...]
    body: bytes
    interim: tuple[int, ...] = ()
    """The statuses of the 1xx responses skipped before this one."""


class Deadline:
    """A point in time every socket operation of one exchange must finish by."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise self.expired()
        return left

    def expired(self) -> ExchangeTimeout:
        return ExchangeTimeout(f"no complete answer within {self.seconds:g} s (--timeout)")


def _status(line: str) -> int:
    """The digits after the version, as Chromium reads them: none means 200."""
    found = _STATUS_DIGITS.match(line.partition(" ")[2])
    return min(int(found.group(1)), _STATUS_CAP) if found else 200


def parse_head(head: bytes) -> tuple[int, tuple[Header, ...]]:
    """The status and the header lines of one response head (without its ending empty line)."""
    if b"\0" in head:
        raise InvalidResponse("the response head contains a NUL byte")
    lines = [line.decode("latin-1") for line in _LINE_BREAK.split(head)]
    status_line = lines[0]
    if not status_line[:5].upper() == "HTTP/":
        raise InvalidResponse(f"the response does not start with 'HTTP/': {status_line[:40]!r}")
    headers: list[list[str]] = []
    for line in lines[1:]:
        if not line:
            continue
        if line[0] in _WHITESPACE:
            if headers:
                headers[-1][1] = (headers[-1][1] + " " + line.strip(_WHITESPACE)).strip(_WHITESPACE)
            continue
        name, colon, value = line.partition(":")
        name = name.strip(_WHITESPACE)
        if colon and is_token(name):
            headers.append([name, value.strip(_WHITESPACE)])
    lengths = {value for name, value in headers if name.lower() == "content-length"}
    if len(lengths) > 1:
        raise InvalidResponse(f"the response has different Content-Length values: {sorted(lengths)}")
    return _status(status_line), tuple((name, value) for name, value in headers)


class _Reader:
    """Reads from a socket into a buffer, each read bounded by the deadline."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        self.sock = sock
        self.deadline = deadline
        self.buffer = bytearray()
        self.closed = False

    def more(self) -> bool:
        if self.closed:
            return False
        self.sock.settimeout(self.deadline.remaining())
        try:
            chunk = self.sock.recv(_READ_SIZE)
        except TimeoutError:
            raise ExchangeTimeout(
                f"no complete answer within {self.deadline.seconds:g} s (--timeout)"
            ) from None
        if not chunk:
            self.closed = True
        self.buffer += chunk
        return bool(chunk)

    def head(self, limit: int) -> bytes:
        """The next head, without its ending empty line."""
        search_from = 0  # each byte is looked at once, however the head arrives
        while True:
            end = _HEAD_END.search(self.buffer, search_from, limit + 3)
            if end is not None:
                head = bytes(self.buffer[: end.start()])
                del self.buffer[: end.end()]
                return head
            search_from = max(0, len(self.buffer) - 2)  # the end may start in the last two bytes
            if len(self.buffer) > limit:
                raise InvalidResponse(f"the response head is longer than {limit} bytes")
            if not self.more():
                raise InvalidResponse("the connection closed before the response head ended")

    def body(self, headers: Sequence[Header]) -> bytes:
        """Up to MAX_BODY bytes of the body; the framing is not judged, only shown."""
        fields = defaultdict(str, {name.lower(): value for name, value in headers})
        if "chunked" in fields["transfer-encoding"].lower():
            return self._chunked()
        length = fields["content-length"]
        wanted = min(int(length), MAX_BODY) if length.isascii() and length.isdigit() else MAX_BODY
        while len(self.buffer) < wanted and self.more():
            pass
        return bytes(self.buffer[:wanted])

    def _chunked(self) -> bytes:
        body = b""
        while len(body) < MAX_BODY:
            while b"\r\n" not in self.buffer and len(self.buffer) < _MAX_CHUNK_LINE and self.more():
                pass
            size_line, crlf, _ = bytes(self.buffer[:_MAX_CHUNK_LINE]).partition(b"\r\n")
            size_text = size_line.split(b";")[0].strip()
            if not crlf or not size_text or len(size_text) > 8:
                break
            try:
                size = int(size_text, 16)
            except ValueError:
                break
            if size == 0:
                break
            del self.buffer[: len(size_line) + 2]
            while len(self.buffer) < size + 2 and len(body) + len(self.buffer) < MAX_BODY and self.more():
                pass
            body += self.buffer[:size]
            del self.buffer[: size + 2]
        return body[:MAX_BODY]


def read_response(reader: _Reader, method: str) -> RawResponse:
    """The final response: every 1xx before it is skipped, as Chromium does."""
    interim: list[int] = []
    interim_bytes = 0
    while True:
        head = reader.head(MAX_HEAD)
        status, headers = parse_head(head)
        if 100 <= status <= 199:
            interim.append(status)
            interim_bytes += len(head)
            if interim_bytes > MAX_INTERIM:
                raise InvalidResponse(f"more than {MAX_INTERIM} bytes of interim (1xx) responses")
            continue
        no_body = method == "HEAD" or status in (204, 304)
        return RawResponse(status, headers, b"" if no_body else reader.body(headers), tuple(interim))


def _resolve(host: str, port: int, deadline: Deadline) -> list[tuple[Any, ...]]:
    """``getaddrinfo`` in a thread: the resolver has no timeout of its own, the deadline does."""
    found: list[list[tuple[Any, ...]] | OSError] = []

    def lookup() -> None:
        try:
            found.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as error:
            found.append(error)

    thread = threading.Thread(target=lookup, daemon=True)
    thread.start()
    thread.join(deadline.remaining())
    if not found:
        raise deadline.expired()
    if isinstance(found[0], OSError):
        raise found[0]
    return found[0]


def _connect(host: str, port: int, deadline: Deadline) -> socket.socket:
    """A connection to the first address of ``host`` that accepts one, by the deadline."""
    error: OSError = OSError(f"{host} has no address")
    for family, kind, proto, _, address in _resolve(host, port, deadline):
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(deadline.remaining())
            sock.connect(address)
            return sock
        except TimeoutError:
            sock.close()
            raise
        except OSError as refused:
            sock.close()
            error = refused
    raise error


def exchange(
    host: str,
    port: int,
    tls: bool,
    request_head: bytes,
    method: str,
    deadline: Deadline,
) -> RawResponse:
    """Connect, send ``request_head`` (the request line and headers, no body) and read the answer.

    Name resolution, connecting, the TLS handshake, sending and reading all
    count against ``deadline``.
    """
    try:
        sock = _connect(host, port, deadline)
        try:
            if tls:
                sock.settimeout(deadline.remaining())
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
            sock.settimeout(deadline.remaining())
            sock.sendall(request_head)
            return read_response(_Reader(sock, deadline), method)
        finally:
            sock.close()
    except ExchangeTimeout:
        raise
    except TimeoutError:
        raise deadline.expired() from None


def request_head(method: str, target: str, host: str, headers: Sequence[Header]) -> bytes:
    """``METHOD target HTTP/1.1`` with Host, the given headers and ``Connection: close``."""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}", *(f"{n}: {v}" for n, v in headers)]
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
