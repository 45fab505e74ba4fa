"""Raw HTTP/1 responses are read as Chromium reads them, byte for byte (cors_wsgi.http1).

``check`` judges the status and headers this module reads, so every rule of
its docstring is pinned here: where a head ends, which lines are headers,
how values are trimmed and folded, which status a status line carries, which
1xx heads are skipped, which bodies are read and how far, and when the
response is invalid. Exchanges run against a loopback server that sends
exact bytes (tests/cli/raw_server.py).
"""

from __future__ import annotations

import socket
import ssl
import threading
import time

import pytest

from cors_wsgi import http1
from cors_wsgi.http1 import MAX_BODY, MAX_HEAD, MAX_INTERIM, InvalidResponse, RawResponse
from tests.cli.raw_server import Chunk, RawServer


def fetch(*chunks: Chunk, method: str = "GET", timeout: float = 10) -> RawResponse:
    """The response ``check`` reads from a server that sends ``chunks`` (a float pauses)."""
    with RawServer(lambda request: list(chunks)).running() as server:
        head = http1.request_head(method, "/", f"127.0.0.1:{server.port}", [])
        return http1.exchange("127.0.0.1", server.port, False, head, method, http1.Deadline(timeout))


def invalid(*chunks: Chunk, method: str = "GET") -> str:
    with pytest.raises(InvalidResponse) as raised:
        fetch(*chunks, method=method)
    return str(raised.value)


def status_of(line: bytes) -> int:
    return http1.parse_head(line)[0]


def headers_of(head: bytes) -> tuple[tuple[str, str], ...]:
    return http1.parse_head(head)[1]


# The status line.


@pytest.mark.parametrize(
    ("line", "status"),
    [
        (b"HTTP/1.1 200 OK", 200),
        (b"HTTP/1.1 404", 404),
        (b"HTTP/1.1    404 Not Found", 404),
        (b"HTTP/1.1 099 Odd", 99),
        (b"HTTP/1.1 9", 9),
        (b"HTTP/1.1 2x4", 2),
        (b"HTTP/1.1 12345", 12345),
        (b"HTTP/1.1 65535", 65535),
        (b"HTTP/1.1 65536", 65535),
        (b"HTTP/1.1 99999", 65535),
        (b"HTTP/1.1 123456", 65535),
        (b"HTTP/1.1 1234567890123456789012345", 65535),
        (b"HTTP/1.1", 200),
        (b"HTTP/1.1 ", 200),
        (b"HTTP/1.1 OK", 200),
        (b"HTTP/1.1 X404", 200),
        (b"HTTP/1.1 \t404", 200),
        (b"HTTP/1.0 301 Moved", 301),
        (b"http/1.1 403", 403),
        (b"Http/2 204", 204),
    ],
)
def test_the_status_is_the_digits_after_the_version_capped_and_200_without_any(
    line: bytes, status: int
) -> None:
    assert status_of(line) == status


def test_only_spaces_come_between_the_version_and_the_status() -> None:
    # Chromium skips spaces after the version and reads the digits there; anything else means no status.
    assert status_of(b"HTTP/1.1 \x0b404") == 200


@pytest.mark.parametrize("line", [b"HTTX/1.1 200 OK", b"HTTP", b"", b" HTTP/1.1 200", b"ICY 200 OK"])
def test_a_status_line_not_starting_with_http_slash_is_an_invalid_response(line: bytes) -> None:
    with pytest.raises(InvalidResponse) as raised:
        http1.parse_head(line + b"\r\nA: 1")

    assert str(raised.value) == f"the response does not start with 'HTTP/': {line.decode()!r}"


def test_the_refusal_of_a_long_status_line_quotes_its_first_40_characters() -> None:
    line = "X" * 39 + "YZ"

    with pytest.raises(InvalidResponse) as raised:
        http1.parse_head(line.encode())

    assert str(raised.value) == f"the response does not start with 'HTTP/': {'X' * 39 + 'Y'!r}"


def test_a_nul_anywhere_in_the_head_is_an_invalid_response() -> None:
    with pytest.raises(InvalidResponse, match=r"^the response head contains a NUL byte$"):
        http1.parse_head(b"HTTP/1.1 200 OK\r\nA: x\0y")


# Header lines.


def test_names_keep_their_case_and_values_lose_surrounding_spaces_and_tabs() -> None:
    assert headers_of(b"HTTP/1.1 200 OK\r\nX-One: \t a b \t\r\nx-two:c\r\nX-Three :  d") == (
        ("X-One", "a b"),
        ("x-two", "c"),
        ("X-Three", "d"),
    )


def test_other_white_space_is_part_of_the_value() -> None:
    assert headers_of(b"HTTP/1.1 200 OK\r\nA: \x0bv\x0c\r\nB: \xa0w") == (("A", "\x0bv\x0c"), ("B", "\xa0w"))


def test_a_value_may_be_empty_or_hold_colons() -> None:
    assert headers_of(b"HTTP/1.1 200 OK\r\nA:\r\nB: \t\r\nC: http://x:1") == (
        ("A", ""),
        ("B", ""),
        ("C", "http://x:1"),
    )


def test_lines_without_a_colon_or_a_token_name_are_skipped_and_reading_goes_on() -> None:
    head = (
        b"HTTP/1.1 200 OK\r\nno colon\r\n: empty name\r\nBad Name: 1\r\n(x): 2\r\nA: 1\r\n\xe9: 3\r\n"
        b"C\x0b: 4\r\nB: 2"
    )

    assert headers_of(head) == (("A", "1"), ("B", "2"))


@pytest.mark.parametrize("separator", [b"\r\n", b"\n", b"\r", b"\r\r", b"\n\r"])
def test_crlf_lf_and_a_bare_cr_all_end_a_line(separator: bytes) -> None:
    head = separator.join([b"HTTP/1.1 204 No Content", b"A: 1", b"B: 2"])

    assert http1.parse_head(head) == (204, (("A", "1"), ("B", "2")))


@pytest.mark.parametrize(
    ("continuation", "value"),
    [
        (b" b", "a b"),
        (b"\t\tb", "a b"),
        (b"  b  \t", "a b"),
        (b" \t", "a"),
        (b" b\r\n c", "a b c"),
        (b" \x0bb\x0c", "a \x0bb\x0c"),
    ],
)
def test_a_line_starting_with_white_space_continues_the_value_joined_by_one_space(
    continuation: bytes, value: str
) -> None:
    assert headers_of(b"HTTP/1.1 200 OK\r\nA: a\r\n" + continuation + b"\r\nB: 2") == (
        ("A", value),
        ("B", "2"),
    )


def test_a_continuation_of_an_empty_value_is_the_value() -> None:
    assert headers_of(b"HTTP/1.1 200 OK\r\nA:\r\n b") == (("A", "b"),)


def test_a_continuation_right_after_the_status_line_is_ignored() -> None:
    assert headers_of(b"HTTP/1.1 200 OK\r\n A: 1\r\nB: 2") == (("B", "2"),)


def test_repeated_headers_are_all_kept_in_order() -> None:
    assert headers_of(b"HTTP/1.1 200 OK\r\nVary: a\r\nX: 1\r\nVary: b") == (
        ("Vary", "a"),
        ("X", "1"),
        ("Vary", "b"),
    )


def test_two_different_content_lengths_make_the_response_invalid() -> None:
    with pytest.raises(InvalidResponse) as raised:
        http1.parse_head(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\ncontent-length: 10")

    assert str(raised.value) == "the response has different Content-Length values: ['10', '2']"


def test_a_repeated_equal_content_length_is_fine() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nCONTENT-LENGTH:  2"

    assert http1.parse_head(head) == (200, (("Content-Length", "2"), ("CONTENT-LENGTH", "2")))


# Where the head ends, read from a socket.


@pytest.mark.parametrize("end", [b"\r\n\r\n", b"\n\n", b"\n\r\n"])
def test_the_head_ends_at_the_first_empty_line(end: bytes) -> None:
    response = fetch(b"HTTP/1.1 200 OK\r\nA: 1" + end + b"B: 2" + end + b"body")

    assert (response.status, response.headers, response.body) == (200, (("A", "1"),), b"B: 2" + end + b"body")


@pytest.mark.parametrize("empty_line", [b"\n", b"\r\n"])
def test_an_empty_first_line_is_an_empty_head_not_skipped(empty_line: bytes) -> None:
    # The head ends at the first empty line, even the very first: the response has no status line.
    assert (
        invalid(b"\n" + empty_line + b"HTTP/1.1 200 OK\r\n") == "the response does not start with 'HTTP/': ''"
    )


def test_an_empty_line_right_after_a_1xx_head_is_an_empty_head() -> None:
    message = invalid(b"HTTP/1.1 103 Early Hints\r\n\r\n\n\nHTTP/1.1 200 OK\r\n")

    assert message == "the response does not start with 'HTTP/': ''"


def test_an_empty_line_trickled_at_the_start_is_an_empty_head() -> None:
    assert invalid(b"\n", 0.05, b"\nHTTP/1.1 200 OK\r\n") == "the response does not start with 'HTTP/': ''"


@pytest.mark.parametrize("cut", [1, 2, 3, 4])
def test_a_head_end_split_across_packets_is_found(cut: int) -> None:
    data = b"HTTP/1.1 200 OK\r\nA: 1\r\n\r\nok"
    at = data.index(b"\r\n\r\n") + cut

    response = fetch(data[:at], 0.05, data[at:])

    assert (response.status, response.headers, response.body) == (200, (("A", "1"),), b"ok")


def test_a_head_trickled_byte_by_byte_is_read() -> None:
    data = b"HTTP/1.1 201 Created\r\nA: 1\r\nB: 2\r\n\r\n"
    chunks: list[Chunk] = []
    for byte in data:
        chunks += [bytes([byte]), 0.002]

    response = fetch(*chunks)

    assert (response.status, response.headers) == (201, (("A", "1"), ("B", "2")))


def big_head(length: int, status: str = "200 OK") -> bytes:
    """A response head of ``length`` bytes up to and including its last line break."""
    start = f"HTTP/1.1 {status}\r\nX-Pad: ".encode()
    return start + b"p" * (length - len(start) - 2) + b"\r\n"


#: The longest head read: 256 KiB before the line feed that ends its last line.
LONGEST = MAX_HEAD + 1


def test_a_head_of_256_kib_is_read() -> None:
    response = fetch(big_head(LONGEST) + b"\r\n")

    assert response.status == 200
    assert len(response.headers[0][1]) == LONGEST - len(b"HTTP/1.1 200 OK\r\nX-Pad: \r\n")


def test_a_head_over_256_kib_is_an_invalid_response() -> None:
    assert invalid(big_head(LONGEST + 1) + b"\r\n") == f"the response head is longer than {MAX_HEAD} bytes"


def test_a_head_over_256_kib_sent_in_pieces_is_an_invalid_response() -> None:
    head = big_head(MAX_HEAD + 10_000)

    assert invalid(head[:100_000], 0.02, head[100_000:200_000], 0.02, head[200_000:] + b"\r\n") == (
        f"the response head is longer than {MAX_HEAD} bytes"
    )


@pytest.mark.parametrize("data", [b"", b"HTTP/1.1 200 OK\r\nA: 1\r\n", b"HTTP/1.1 200 OK"])
def test_a_connection_closed_before_the_head_ended_is_an_invalid_response(data: bytes) -> None:
    assert invalid(data) == "the connection closed before the response head ended"


# 1xx responses.


@pytest.mark.parametrize("interim", [100, 101, 102, 103, 150, 199])
def test_every_1xx_head_is_skipped_with_its_headers(interim: int) -> None:
    response = fetch(
        f"HTTP/1.1 {interim} Interim\r\nA: interim\r\n\r\n".encode(),
        b"HTTP/1.1 200 OK\r\nB: final\r\nContent-Length: 2\r\n\r\nok",
    )

    assert response == RawResponse(200, (("B", "final"), ("Content-Length", "2")), b"ok", (interim,))


def test_the_skipped_statuses_are_listed_in_order() -> None:
    response = fetch(
        b"HTTP/1.1 100 Continue\r\n\r\n",
        b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n",
        b"HTTP/1.1 103 Early Hints\r\n\r\n",
        b"HTTP/1.1 204 No Content\r\n\r\n",
    )

    assert (response.status, response.interim) == (204, (100, 103, 103))


@pytest.mark.parametrize("status", [b"099", b"200", b"0"])
def test_a_status_outside_1xx_is_final(status: bytes) -> None:
    response = fetch(b"HTTP/1.1 " + status + b" X\r\nContent-Length: 1\r\n\r\nx")

    assert (response.status, response.interim, response.body) == (int(status), (), b"x")


def test_interim_heads_of_1_mib_in_all_are_skipped() -> None:
    longest_interim = big_head(LONGEST, "103 Hints") + b"\r\n"

    response = fetch(*[longest_interim] * 4, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")

    assert MAX_INTERIM == 4 * MAX_HEAD
    assert (response.status, response.interim) == (200, (103, 103, 103, 103))


def test_more_than_1_mib_of_interim_heads_is_an_invalid_response() -> None:
    longest_interim = big_head(LONGEST, "103 Hints") + b"\r\n"

    message = invalid(*[longest_interim] * 4, b"HTTP/1.1 100 C\r\n\r\n", b"HTTP/1.1 200 OK\r\n\r\n")

    assert message == f"more than {MAX_INTERIM} bytes of interim (1xx) responses"


# Bodies.


def test_the_body_is_content_length_bytes() -> None:
    assert fetch(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef").body == b"abc"


def test_a_body_split_across_packets_is_read_whole() -> None:
    response = fetch(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabc", 0.05, b"def")

    assert response.body == b"abcdef"


def test_a_body_shorter_than_its_content_length_is_what_arrived() -> None:
    assert fetch(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc").body == b"abc"


@pytest.mark.parametrize("length", ["", "abc", "+3", "-1", "3 4", "\xb2", "0x3"])
def test_without_a_usable_content_length_the_body_runs_to_the_close(length: str) -> None:
    lines = b"" if not length else f"Content-Length: {length}\r\n".encode("latin-1")

    response = fetch(b"HTTP/1.1 200 OK\r\n" + lines + b"\r\nabc", 0.02, b"def")

    assert response.body == b"abcdef"


def test_a_body_is_kept_up_to_64_kib() -> None:
    data = bytes(range(256)) * (MAX_BODY // 256 + 10)

    unframed = fetch(b"HTTP/1.1 200 OK\r\n\r\n" + data)
    framed = fetch(f"HTTP/1.1 200 OK\r\nContent-Length: {len(data)}\r\n\r\n".encode() + data)

    assert unframed.body == framed.body == data[:MAX_BODY]


def test_a_body_of_exactly_64_kib_is_kept_whole() -> None:
    data = b"z" * MAX_BODY

    assert fetch(b"HTTP/1.1 200 OK\r\n\r\n" + data).body == data


@pytest.mark.parametrize(
    ("method", "status"), [("HEAD", b"200 OK"), ("GET", b"204 No Content"), ("GET", b"304 Not Modified")]
)
def test_head_requests_204_and_304_have_no_body_whatever_follows(method: str, status: bytes) -> None:
    response = fetch(b"HTTP/1.1 " + status + b"\r\nContent-Length: 5\r\n\r\nextra", method=method)

    assert response.body == b""


@pytest.mark.parametrize(
    ("encoding", "chunks", "body"),
    [
        ("chunked", [b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"], b"hello world"),
        ("Chunked", [b"5\r\nhello\r\n0\r\n\r\n"], b"hello"),
        ("gzip, chunked", [b"5\r\nhello\r\n0\r\n\r\n"], b"hello"),
        ("chunked", [b"5;ext=1\r\nhello\r\n0\r\n\r\n"], b"hello"),
        ("chunked", [b"5 \r\nhello\r\n0\r\n\r\n"], b"hello"),
        ("chunked", [b"A\r\n0123456789\r\n0\r\n\r\n"], b"0123456789"),
        ("chunked", [b"a\r\n0123456789\r\n0\r\n\r\n"], b"0123456789"),
        ("chunked", [b"0000000a\r\n0123456789\r\n0\r\n\r\n"], b"0123456789"),
        ("chunked", [b"000000005\r\nhello\r\n0\r\n\r\n"], b""),
        ("chunked", [b"5\r\nhello\r\nzz\r\nmore\r\n"], b"hello"),
        ("chunked", [b"5\r\nhello\r\n\r\nmore\r\n"], b"hello"),
        ("chunked", [b"5\r\nhello\r\n0\r\n\r\n5\r\nafter\r\n"], b"hello"),
        ("chunked", [b"5\r\nhello\r\n3"], b"hello"),
        ("chunked", [b"5\r\nhello\r\n5\r\nwor"], b"hellowor"),
        ("chunked", [b"5\r\nhel", 0.05, b"lo\r\n3\r", 0.05, b"\nabc\r\n0\r\n\r\n"], b"helloabc"),
        ("chunked", [b"5\r\nhello\r\n" + b"9" * 1100 + b"\r\n"], b"hello"),
        ("chunked", [b"5\r\nhello\r\n3;" + b"x" * 1100], b"hello"),
    ],
)
def test_a_chunked_body_is_read_chunk_by_chunk_and_stops_at_the_first_bad_or_last_chunk(
    encoding: str, chunks: list[Chunk], body: bytes
) -> None:
    head = f"HTTP/1.1 200 OK\r\nTransfer-Encoding: {encoding}\r\n\r\n".encode()

    assert fetch(head, *chunks).body == body


def test_a_chunked_body_is_kept_up_to_64_kib() -> None:
    chunk = b"y" * 40_000
    framed = b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(3)) + b"0\r\n\r\n"

    response = fetch(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + framed)

    assert response.body == b"y" * MAX_BODY


def test_a_chunked_body_ignores_content_length() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n"

    assert fetch(head + b"5\r\nhello\r\n0\r\n\r\n").body == b"hello"


# The request and the connection.


def test_the_request_head_is_the_request_line_host_the_headers_and_connection_close() -> None:
    head = http1.request_head(
        "PUT", "/x?y=1", "api.example:8080", [("Origin", "https://a.example"), ("X-A", "1")]
    )

    assert head == (
        b"PUT /x?y=1 HTTP/1.1\r\nHost: api.example:8080\r\nOrigin: https://a.example\r\nX-A: 1\r\n"
        b"Connection: close\r\n\r\n"
    )


def test_the_request_reaches_the_server_as_sent() -> None:
    with RawServer(lambda request: [b"HTTP/1.1 204 No Content\r\n\r\n"]).running() as server:
        head = http1.request_head("OPTIONS", "/p?q", "h.example", [("Origin", "https://a.example")])
        response = http1.exchange("127.0.0.1", server.port, False, head, "OPTIONS", http1.Deadline(10))

    assert response.status == 204
    (request,) = server.received
    assert (request.method, request.target) == ("OPTIONS", "/p?q")
    assert request.headers == {"host": "h.example", "origin": "https://a.example", "connection": "close"}


def test_a_name_with_several_addresses_is_tried_until_one_accepts_over_tcp(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as closed:
        refused = closed.getsockname()[1]
    with RawServer(lambda request: [b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"]).running() as server:
        looked_up: list[tuple[object, ...]] = []

        def two_addresses(host: str, port: int, family: int = 0, type: int = 0) -> list[tuple[object, ...]]:
            # As getaddrinfo answers: every socket type of each address unless one type is asked for.
            looked_up.append((host, port))
            stream = (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "")
            datagram = (socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP, "")
            found = [
                (*stream, ("127.0.0.1", refused)),
                (*datagram, ("127.0.0.1", refused)),
                (*stream, ("127.0.0.1", server.port)),
                (*datagram, ("127.0.0.1", server.port)),
            ]
            return [address for address in found if type in (0, address[1])]

        monkeypatch.setattr(socket, "getaddrinfo", two_addresses)
        head = http1.request_head("GET", "/", "api.example", [])
        response = http1.exchange("api.example", 8443, False, head, "GET", http1.Deadline(10))

    assert response.body == b"ok"
    assert looked_up == [("api.example", 8443)]


def test_a_name_none_of_whose_addresses_accepts_is_the_last_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.create_server(("127.0.0.1", 0)) as closed:
        refused = closed.getsockname()[1]
    stream = (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "")
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *args, **kwargs: [(*stream, ("127.0.0.1", refused))] * 2
    )

    with pytest.raises(ConnectionRefusedError):
        http1.exchange("api.example", 80, False, b"GET / HTTP/1.1\r\n\r\n", "GET", http1.Deadline(10))


def test_a_name_with_no_address_is_an_os_error_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: [])

    with pytest.raises(OSError, match=r"^api\.example has no address$"):
        http1.exchange("api.example", 80, False, b"GET / HTTP/1.1\r\n\r\n", "GET", http1.Deadline(10))


def test_a_name_that_does_not_resolve_is_the_resolvers_error() -> None:
    with pytest.raises(socket.gaierror):
        http1.exchange(
            "no-such-host.invalid", 80, False, b"GET / HTTP/1.1\r\n\r\n", "GET", http1.Deadline(10)
        )


def test_a_resolver_that_hangs_is_a_timeout_at_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    def hanging(*args: object, **kwargs: object) -> list[tuple[object, ...]]:
        time.sleep(3)
        return []

    monkeypatch.setattr(socket, "getaddrinfo", hanging)
    started = time.monotonic()

    with pytest.raises(http1.ExchangeTimeout, match=r"^no complete answer within 0.2 s \(--timeout\)$"):
        http1.exchange("api.example", 80, False, b"GET / HTTP/1.1\r\n\r\n", "GET", http1.Deadline(0.2))
    assert time.monotonic() - started < 2


def test_a_connection_never_accepted_is_a_timeout_at_the_deadline() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        started = time.monotonic()
        # One connection fills the accept queue: the next one's SYN is left waiting.
        with socket.create_connection(("127.0.0.1", port)), pytest.raises(http1.ExchangeTimeout) as raised:
            http1.exchange("127.0.0.1", port, False, b"GET / HTTP/1.1\r\n\r\n", "GET", http1.Deadline(0.3))

    assert str(raised.value) == "no complete answer within 0.3 s (--timeout)"
    assert time.monotonic() - started < 5


def test_a_tls_handshake_never_answered_is_a_timeout_at_the_deadline() -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(http1.ExchangeTimeout, match=r"^no complete answer within 0.3 s \(--timeout\)$"):
            http1.exchange("127.0.0.1", port, True, b"GET / HTTP/1.1\r\n\r\n", "GET", http1.Deadline(0.3))
    assert time.monotonic() - started < 5


def test_sending_to_a_server_that_never_reads_is_a_timeout_at_the_deadline() -> None:
    huge = http1.request_head("GET", "/", "h", [("X-Big", "b" * (32 << 20))])
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(http1.ExchangeTimeout, match=r"^no complete answer within 0.5 s \(--timeout\)$"):
            http1.exchange("127.0.0.1", port, False, huge, "GET", http1.Deadline(0.5))
    assert time.monotonic() - started < 5


def test_a_refused_connection_is_an_os_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]

    with pytest.raises(ConnectionRefusedError):
        http1.exchange("127.0.0.1", port, False, b"GET / HTTP/1.1\r\n\r\n", "GET", http1.Deadline(10))


def test_tls_to_a_plain_http_server_fails_instead_of_reading_plain_text() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]

        def answer_in_plain_text() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")

        server = threading.Thread(target=answer_in_plain_text, daemon=True)
        server.start()
        with pytest.raises(ssl.SSLError):
            http1.exchange("127.0.0.1", port, True, b"GET / HTTP/1.1\r\n\r\n", "GET", http1.Deadline(10))
        server.join(5)


# The deadline.


def test_a_deadline_counts_down_from_its_seconds() -> None:
    deadline = http1.Deadline(30)

    assert 29 < deadline.remaining() <= 30


def test_a_passed_deadline_raises_the_timeout_naming_the_option() -> None:
    deadline = http1.Deadline(0.01)
    time.sleep(0.03)

    with pytest.raises(http1.ExchangeTimeout) as raised:
        deadline.remaining()

    assert str(raised.value) == "no complete answer within 0.01 s (--timeout)"


def test_a_silent_server_is_a_timeout_at_the_deadline() -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(http1.ExchangeTimeout) as raised:
            http1.exchange("127.0.0.1", port, False, b"GET / HTTP/1.1\r\n\r\n", "GET", http1.Deadline(0.3))

    assert str(raised.value) == "no complete answer within 0.3 s (--timeout)"
    assert 0.25 < time.monotonic() - started < 5


def test_a_trickling_server_is_a_timeout_at_the_deadline_not_per_read() -> None:
    chunks: list[Chunk] = []
    for byte in b"HTTP/1.1 200 OK\r\nA: 1\r\n\r\n":
        chunks += [bytes([byte]), 0.05]

    with pytest.raises(http1.ExchangeTimeout, match=r"^no complete answer within 0.3 s \(--timeout\)$"):
        fetch(*chunks, timeout=0.3)


def test_a_body_that_never_ends_is_a_timeout() -> None:
    with pytest.raises(http1.ExchangeTimeout):
        fetch(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 3.0, timeout=0.3)


# Reading stops as soon as the answer is complete: a server that keeps the connection open
# (ignoring Connection: close) is not waited for.

HOLD = 5.0


def held(*chunks: Chunk) -> RawResponse:
    """The response read from a server that sends ``chunks`` and then holds the connection open."""
    started = time.monotonic()
    response = fetch(*chunks, HOLD, timeout=2)
    assert time.monotonic() - started < 2
    return response


def test_a_body_complete_by_its_content_length_is_not_waited_on() -> None:
    assert held(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc").body == b"abc"


def test_a_complete_chunked_body_is_not_waited_on() -> None:
    response = held(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")

    assert response.body == b"abc"


def test_once_64_kib_of_an_unframed_body_arrived_the_rest_is_not_waited_on() -> None:
    assert held(b"HTTP/1.1 200 OK\r\n\r\n" + b"u" * MAX_BODY).body == b"u" * MAX_BODY


def test_once_64_kib_of_a_longer_body_arrived_the_rest_is_not_waited_on() -> None:
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {2 * MAX_BODY}\r\n\r\n".encode()

    assert held(head + b"l" * MAX_BODY).body == b"l" * MAX_BODY


def test_once_64_kib_of_a_longer_chunk_arrived_the_rest_is_not_waited_on() -> None:
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

    assert held(head + b"%x\r\n" % (2 * MAX_BODY) + b"c" * MAX_BODY).body == b"c" * MAX_BODY


def test_once_64_kib_of_chunks_arrived_the_next_chunk_is_not_waited_on() -> None:
    half = MAX_BODY // 2
    chunks = (b"%x\r\n" % half + b"h" * half + b"\r\n") * 2

    assert held(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks).body == b"h" * MAX_BODY
