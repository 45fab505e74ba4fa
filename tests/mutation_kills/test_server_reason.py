"""The refusal a cors-wsgi server states is read back exactly, and nothing else is taken from a response.

``check`` and ``explain`` lead with this reason and its fix, so the code,
the detail, where it was read and the fix must all be right; and since the
response comes from an untrusted server, anything that is not a known
refusal code with a short token detail is dropped.
"""

from __future__ import annotations

import pytest
from webtest import TestApp

from cors_wsgi import CORSMiddleware, reasons
from cors_wsgi.server_reason import CORE_FIXES, ServerReason, stated_reason
from tests.core.conftest import text_app

ORIGIN = "https://app.example.com"
BODY = "response body"
HEADER = "X-CORS-Decision header"


def read_back(response: object) -> ServerReason | None:
    status = response.status_int  # type: ignore[attr-defined]
    return stated_reason(status, list(response.headerlist), response.body)  # type: ignore[attr-defined]


@pytest.mark.parametrize("debug", [False, True])
def test_a_refused_preflight_of_our_middleware_reads_back_as_its_reason_detail_and_fix(debug: bool) -> None:
    client = TestApp(CORSMiddleware(text_app(), allow_origins=[ORIGIN], debug=debug))
    response = client.options(
        "/",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "X-Secret",
        },
        status=403,
    )

    found = read_back(response)

    assert found == ServerReason(reasons.HEADER_NOT_ALLOWED, "x-secret", HEADER if debug else BODY)
    assert found.fix == "add the header to allow_headers, or stop sending it"
    assert found.message == "header-not-allowed: x-secret"


def test_a_refused_simple_request_of_our_middleware_is_read_from_its_debug_header() -> None:
    client = TestApp(CORSMiddleware(text_app(), allow_origins=[ORIGIN], debug=True))
    response = client.get("/", headers={"Origin": "https://other.example"})

    found = read_back(response)

    assert found == ServerReason(reasons.ORIGIN_NOT_ALLOWED, "", HEADER)
    assert found.message == "origin-not-allowed"
    assert found.fix == CORE_FIXES[reasons.ORIGIN_NOT_ALLOWED]


def test_a_refused_method_is_named_by_its_method_detail() -> None:
    found = stated_reason(200, [("X-CORS-Decision", "refused; reason=method-not-allowed; method=PATCH")], b"")

    assert found == ServerReason(reasons.METHOD_NOT_ALLOWED, "PATCH", HEADER)
    assert found.message == "method-not-allowed: PATCH"


def test_the_debug_header_is_found_whatever_the_case_of_its_name() -> None:
    for name in ("X-CORS-Decision", "x-cors-decision", "X-Cors-Decision"):
        found = stated_reason(200, [(name, "refused; reason=origin-malformed")], b"")
        assert found == ServerReason(reasons.ORIGIN_MALFORMED, "", HEADER), name


def test_spaces_and_tabs_around_the_debug_headers_fields_are_ignored() -> None:
    value = " refused\t;\treason=header-not-allowed ;  header=x-a\t"

    assert stated_reason(200, [("X-CORS-Decision", value)], b"") == ServerReason(
        reasons.HEADER_NOT_ALLOWED, "x-a", HEADER
    )


def test_a_debug_header_naming_no_reason_states_nothing() -> None:
    assert stated_reason(200, [("X-CORS-Decision", "refused")], b"") is None
    assert stated_reason(200, [("X-CORS-Decision", "refused; header=x-a")], b"") is None


def test_a_no_origin_code_is_not_a_refusal_in_either_format() -> None:
    assert stated_reason(200, [("X-CORS-Decision", "refused; reason=no-origin")], b"") is None
    assert stated_reason(403, [], b"CORS preflight refused: no-origin\n") is None
    assert stated_reason(403, [("X-CORS-Decision", "refused; reason=allowed")], b"") is None


def test_a_header_detail_wins_over_a_method_detail() -> None:
    value = "refused; reason=header-not-allowed; method=PUT; header=x-a"

    found = stated_reason(200, [("X-CORS-Decision", value)], b"")

    assert found is not None
    assert found.detail == "x-a"


def test_other_headers_are_not_read_as_the_debug_header() -> None:
    headers = [("X-Other", "refused; reason=origin-not-allowed"), ("Content-Type", "text/plain")]

    assert stated_reason(200, headers, b"") is None


def test_a_debug_header_that_states_no_refusal_leaves_the_body_to_speak() -> None:
    headers = [("X-CORS-Decision", "allowed"), ("X-CORS-Decision", "refused; reason=<script>")]

    found = stated_reason(403, headers, b"CORS preflight refused: method-not-allowed: PATCH\n")

    assert found == ServerReason(reasons.METHOD_NOT_ALLOWED, "PATCH", BODY)


def test_the_first_stated_refusal_among_several_debug_headers_wins() -> None:
    headers = [
        ("X-CORS-Decision", "refused; reason=origin-malformed"),
        ("X-CORS-Decision", "refused; reason=origin-not-allowed"),
    ]

    found = stated_reason(403, headers, b"CORS preflight refused: method-not-allowed: PATCH\n")

    assert found == ServerReason(reasons.ORIGIN_MALFORMED, "", HEADER)


def test_the_debug_header_wins_over_the_body() -> None:
    headers = [("X-CORS-Decision", "refused; reason=header-not-allowed; header=x-b")]

    found = stated_reason(403, headers, b"CORS preflight refused: header-not-allowed: x-a\n")

    assert found == ServerReason(reasons.HEADER_NOT_ALLOWED, "x-b", HEADER)


def test_only_the_first_line_of_the_body_is_the_refusal() -> None:
    body = b"CORS preflight refused: header-not-allowed: x-a\nheader-not-allowed: x-b\r\n"

    found = stated_reason(403, [], body)

    assert found == ServerReason(reasons.HEADER_NOT_ALLOWED, "x-a", BODY)


def test_a_crlf_ended_refusal_body_keeps_its_detail() -> None:
    found = stated_reason(403, [], b"CORS preflight refused: header-not-allowed: x-a\r\n")

    assert found == ServerReason(reasons.HEADER_NOT_ALLOWED, "x-a", BODY)


def test_a_body_without_a_trailing_newline_is_read_too() -> None:
    assert stated_reason(403, [], b"CORS preflight refused: origin-not-allowed") == ServerReason(
        reasons.ORIGIN_NOT_ALLOWED, "", BODY
    )


def test_a_refusal_body_with_non_ascii_bytes_is_not_an_error() -> None:
    found = stated_reason(403, [], b"CORS preflight refused: header-not-allowed: x-\xe9\xff\n")

    assert found == ServerReason(reasons.HEADER_NOT_ALLOWED, "", BODY)


def test_the_refusal_text_must_start_the_body() -> None:
    assert stated_reason(403, [], b"Forbidden. CORS preflight refused: origin-not-allowed\n") is None
    assert stated_reason(403, [], b"cors preflight refused: origin-not-allowed\n") is None


@pytest.mark.parametrize(
    ("length", "kept"),
    [(1, True), (128, True), (129, False)],
)
def test_a_detail_is_kept_up_to_128_characters(length: int, kept: bool) -> None:
    name = "x" * length

    from_body = stated_reason(403, [], f"CORS preflight refused: header-not-allowed: {name}\n".encode())
    from_header = stated_reason(
        200, [("X-CORS-Decision", f"refused; reason=header-not-allowed; header={name}")], b""
    )

    expected = name if kept else ""
    assert from_body == ServerReason(reasons.HEADER_NOT_ALLOWED, expected, BODY)
    assert from_header == ServerReason(reasons.HEADER_NOT_ALLOWED, expected, HEADER)


@pytest.mark.parametrize("status", [200, 204, 400, 401, 404, 500])
def test_only_a_403_body_states_a_refusal(status: int) -> None:
    assert stated_reason(status, [], b"CORS preflight refused: origin-not-allowed\n") is None


@pytest.mark.parametrize("code", sorted(set(reasons.ALL) - {reasons.ALLOWED, reasons.NO_ORIGIN}))
def test_every_refusal_code_is_read_and_has_a_fix(code: str) -> None:
    found = stated_reason(403, [], f"CORS preflight refused: {code}\n".encode())

    assert found == ServerReason(code, "", BODY)
    assert found.fix
    assert found.fix == CORE_FIXES[code]


def test_a_detail_keeps_its_case_and_every_character() -> None:
    value = "refused; reason=header-not-allowed; header=X-Custom-X"

    found = stated_reason(200, [("X-CORS-Decision", value)], b"")

    assert found == ServerReason(reasons.HEADER_NOT_ALLOWED, "X-Custom-X", HEADER)


@pytest.mark.parametrize("junk", ["\x0b", "\x0c", "\xa0", "\u2003"])
def test_a_reason_with_anything_but_spaces_and_tabs_around_it_is_not_taken(junk: str) -> None:
    assert stated_reason(200, [("X-CORS-Decision", f"refused; reason=origin-not-allowed{junk}")], b"") is None
    assert stated_reason(200, [("X-CORS-Decision", f"refused{junk}; reason=origin-not-allowed")], b"") is None


def test_a_header_detail_that_is_not_a_token_is_dropped_not_replaced_by_another_field() -> None:
    value = "refused; reason=header-not-allowed; header=x=y; method=PUT"

    found = stated_reason(200, [("X-CORS-Decision", value)], b"")

    assert found == ServerReason(reasons.HEADER_NOT_ALLOWED, "", HEADER)
