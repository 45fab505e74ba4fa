"""``cors-wsgi check``: what a browser decides about live servers, right and wrong."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from typing import Any

import pytest

from cors_wsgi import CORSMiddleware
from tests.cli.servers import Result, ScriptedServer

ORIGIN = "https://app.example.com"
ALLOW = [("Access-Control-Allow-Origin", ORIGIN)]

Scripted = Callable[..., ScriptedServer]
Cli = Callable[..., Result]


def blocked_with(result: Result, code: str) -> None:
    """The verdict line names ``code``; it is the last line unless the server stated its own reason."""
    assert result.status == 1, result.out + result.err
    verdict = next(line for line in result.out.splitlines() if line.startswith("blocked ["))
    assert verdict.startswith(f"blocked [{code}]: "), verdict


def test_simple_get_with_matching_origin_is_allowed_without_preflight(scripted: Scripted, cli: Cli) -> None:
    server = scripted(actual=(200, ALLOW))

    result = cli("check", server.url, "--origin", ORIGIN)

    assert result.status == 0
    assert "allowed: a browser lets the script read the response" in result.out
    assert server.methods == ["GET"]
    assert server.received[0].headers["origin"] == ORIGIN


def test_preflight_is_sent_as_browsers_send_it_then_the_request(scripted: Scripted, cli: Cli) -> None:
    server = scripted(
        preflight=(
            204,
            [*ALLOW, ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "X-B, X-A")],
        ),
        actual=(200, ALLOW),
    )

    result = cli(
        "check", server.url, "--origin", ORIGIN, "--method", "put", "--header", "X-B: 1", "--header", "x-a: 2"
    )

    assert result.status == 0, result.out
    assert server.methods == ["OPTIONS", "PUT"]
    preflight = server.received[0].headers
    assert preflight["access-control-request-method"] == "PUT"
    assert preflight["access-control-request-headers"] == "x-a,x-b"
    assert "access-control-request-private-network" not in preflight
    assert server.received[1].headers["x-b"] == "1"


def test_missing_allow_origin_blocks(scripted: Scripted, cli: Cli) -> None:
    server = scripted(actual=(200, []))

    result = cli("check", server.url, "--origin", ORIGIN)

    blocked_with(result, "acao-missing")
    assert "no Access-Control-Allow-Origin header" in result.out


def test_allow_origin_for_another_origin_blocks(scripted: Scripted, cli: Cli) -> None:
    server = scripted(actual=(200, [("Access-Control-Allow-Origin", "https://other.example.com")]))

    blocked_with(cli("check", server.url, "--origin", ORIGIN), "acao-mismatch")


def test_allow_origin_with_trailing_slash_blocks_and_says_why(scripted: Scripted, cli: Cli) -> None:
    server = scripted(actual=(200, [("Access-Control-Allow-Origin", ORIGIN + "/")]))

    result = cli("check", server.url, "--origin", ORIGIN)

    blocked_with(result, "acao-mismatch")
    assert "never ends with a slash" in result.out


def test_two_allow_origin_headers_block_even_when_both_match(scripted: Scripted, cli: Cli) -> None:
    server = scripted(actual=(200, [*ALLOW, *ALLOW]))

    result = cli("check", server.url, "--origin", ORIGIN)

    blocked_with(result, "acao-multiple")
    assert f"'{ORIGIN}, {ORIGIN}'" in result.out


def test_wildcard_origin_passes_without_credentials(scripted: Scripted, cli: Cli) -> None:
    server = scripted(actual=(200, [("Access-Control-Allow-Origin", "*")]))

    assert cli("check", server.url, "--origin", ORIGIN).status == 0


def test_wildcard_origin_is_refused_with_credentials(scripted: Scripted, cli: Cli) -> None:
    server = scripted(
        actual=(200, [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")])
    )

    result = cli("check", server.url, "--origin", ORIGIN, "--credentials")

    blocked_with(result, "acao-wildcard-credentials")
    assert "Access-Control-Allow-Origin is '*'; list the origin instead" in result.out


@pytest.mark.parametrize("value", [None, "True", "yes", "true, true"])
def test_credentials_need_allow_credentials_exactly_true(
    scripted: Scripted, cli: Cli, value: str | None
) -> None:
    headers = [*ALLOW] if value is None else [*ALLOW, ("Access-Control-Allow-Credentials", value)]
    server = scripted(actual=(200, headers))

    blocked_with(cli("check", server.url, "--origin", ORIGIN, "--credentials"), "acac-missing")


def test_credentials_with_listed_origin_and_true_pass(scripted: Scripted, cli: Cli) -> None:
    server = scripted(actual=(200, [*ALLOW, ("Access-Control-Allow-Credentials", "true")]))

    assert cli("check", server.url, "--origin", ORIGIN, "--credentials").status == 0


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirected_preflight_blocks_and_the_request_is_never_sent(
    scripted: Scripted, cli: Cli, status: int
) -> None:
    server = scripted(preflight=(status, [*ALLOW, ("Location", "/api/items/")]))

    result = cli("check", server.url, "--origin", ORIGIN, "--method", "DELETE")

    blocked_with(result, "preflight-redirect")
    assert server.methods == ["OPTIONS"]
    assert "request: not sent" in result.out


@pytest.mark.parametrize("status", [401, 403, 404, 405, 500])
def test_preflight_without_ok_status_blocks(scripted: Scripted, cli: Cli, status: int) -> None:
    server = scripted(preflight=(status, [*ALLOW, ("Access-Control-Allow-Methods", "DELETE")]))

    result = cli("check", server.url, "--origin", ORIGIN, "--method", "DELETE")

    blocked_with(result, "preflight-status")
    assert f"status is {status}" in result.out


def test_preflight_needs_allow_origin_too(scripted: Scripted, cli: Cli) -> None:
    server = scripted(preflight=(204, [("Access-Control-Allow-Methods", "DELETE")]))

    result = cli("check", server.url, "--origin", ORIGIN, "--method", "DELETE")

    blocked_with(result, "acao-missing")
    assert "preflight:" in result.out.splitlines()[-1]


def test_preflight_with_credentials_needs_allow_credentials(scripted: Scripted, cli: Cli) -> None:
    server = scripted(preflight=(204, [*ALLOW, ("Access-Control-Allow-Methods", "DELETE")]))

    blocked_with(
        cli("check", server.url, "--origin", ORIGIN, "--method", "DELETE", "--credentials"), "acac-missing"
    )


def test_one_bad_token_in_allow_methods_fails_the_preflight(scripted: Scripted, cli: Cli) -> None:
    server = scripted(
        preflight=(204, [*ALLOW, ("Access-Control-Allow-Methods", "DELETE, GET;")]), actual=(200, ALLOW)
    )

    blocked_with(cli("check", server.url, "--origin", ORIGIN, "--method", "DELETE"), "acam-invalid")


def test_one_bad_token_in_allow_headers_fails_the_preflight(scripted: Scripted, cli: Cli) -> None:
    server = scripted(
        preflight=(204, [*ALLOW, ("Access-Control-Allow-Headers", "x-foo, x bar")]), actual=(200, ALLOW)
    )

    blocked_with(cli("check", server.url, "--origin", ORIGIN, "--header", "X-Foo: 1"), "acah-invalid")


def test_method_not_listed_blocks(scripted: Scripted, cli: Cli) -> None:
    server = scripted(preflight=(204, [*ALLOW, ("Access-Control-Allow-Methods", "GET, POST")]))

    result = cli("check", server.url, "--origin", ORIGIN, "--method", "DELETE")

    blocked_with(result, "method-not-listed")
    assert "add 'DELETE' to Access-Control-Allow-Methods" in result.out


def test_lower_case_patch_is_not_covered_by_upper_case_patch(scripted: Scripted, cli: Cli) -> None:
    server = scripted(
        preflight=(204, [*ALLOW, ("Access-Control-Allow-Methods", "PATCH")]), actual=(200, ALLOW)
    )

    result = cli("check", server.url, "--origin", ORIGIN, "--method", "patch")

    blocked_with(result, "method-not-listed")
    assert "case-sensitive" in result.out
    assert server.received[0].headers["access-control-request-method"] == "patch"


def test_method_wildcard_covers_any_method_without_credentials(scripted: Scripted, cli: Cli) -> None:
    server = scripted(preflight=(204, [*ALLOW, ("Access-Control-Allow-Methods", "*")]), actual=(200, ALLOW))

    assert cli("check", server.url, "--origin", ORIGIN, "--method", "DELETE").status == 0
    assert server.methods == ["OPTIONS", "DELETE"]


def test_method_wildcard_does_not_cover_credentialed_requests(scripted: Scripted, cli: Cli) -> None:
    grant = [*ALLOW, ("Access-Control-Allow-Credentials", "true")]
    server = scripted(preflight=(204, [*grant, ("Access-Control-Allow-Methods", "*")]), actual=(200, grant))

    result = cli("check", server.url, "--origin", ORIGIN, "--method", "DELETE", "--credentials")

    blocked_with(result, "method-wildcard-credentials")


def test_header_not_listed_blocks(scripted: Scripted, cli: Cli) -> None:
    server = scripted(preflight=(204, [*ALLOW, ("Access-Control-Allow-Headers", "x-other")]))

    result = cli("check", server.url, "--origin", ORIGIN, "--header", "X-Foo: 1")

    blocked_with(result, "header-not-listed")
    assert "'x-foo'" in result.out


def test_header_wildcard_covers_headers_without_credentials(scripted: Scripted, cli: Cli) -> None:
    server = scripted(preflight=(204, [*ALLOW, ("Access-Control-Allow-Headers", "*")]), actual=(200, ALLOW))

    assert cli("check", server.url, "--origin", ORIGIN, "--header", "X-Foo: 1").status == 0


def test_header_wildcard_does_not_cover_credentialed_requests(scripted: Scripted, cli: Cli) -> None:
    grant = [*ALLOW, ("Access-Control-Allow-Credentials", "true")]
    server = scripted(preflight=(204, [*grant, ("Access-Control-Allow-Headers", "*")]), actual=(200, grant))

    result = cli("check", server.url, "--origin", ORIGIN, "--header", "X-Foo: 1", "--credentials")

    blocked_with(result, "header-wildcard-credentials")


def test_header_wildcard_never_covers_authorization_and_the_chromium_difference_is_noted(
    scripted: Scripted, cli: Cli
) -> None:
    server = scripted(preflight=(204, [*ALLOW, ("Access-Control-Allow-Headers", "*")]), actual=(200, ALLOW))

    result = cli("check", server.url, "--origin", ORIGIN, "--header", "Authorization: Bearer x")

    blocked_with(result, "authorization-wildcard")
    assert "note: Chromium" in result.out
    assert server.methods == ["OPTIONS"]


def test_authorization_listed_by_name_passes(scripted: Scripted, cli: Cli) -> None:
    server = scripted(
        preflight=(204, [*ALLOW, ("Access-Control-Allow-Headers", "*, Authorization")]), actual=(200, ALLOW)
    )

    assert cli("check", server.url, "--origin", ORIGIN, "--header", "Authorization: Bearer x").status == 0


def test_private_network_preflights_even_a_simple_get(scripted: Scripted, cli: Cli) -> None:
    server = scripted(
        preflight=(204, [*ALLOW, ("Access-Control-Allow-Private-Network", "true")]), actual=(200, ALLOW)
    )

    result = cli("check", server.url, "--origin", ORIGIN, "--private-network")

    assert result.status == 0, result.out
    assert server.methods == ["OPTIONS", "GET"]
    assert server.received[0].headers["access-control-request-private-network"] == "true"


def test_private_network_without_allow_private_network_blocks(scripted: Scripted, cli: Cli) -> None:
    server = scripted(preflight=(204, ALLOW), actual=(200, ALLOW))

    blocked_with(cli("check", server.url, "--origin", ORIGIN, "--private-network"), "acapn-missing")


def test_passing_preflight_then_actual_response_without_allow_origin_blocks(
    scripted: Scripted, cli: Cli
) -> None:
    server = scripted(preflight=(204, [*ALLOW, ("Access-Control-Allow-Methods", "DELETE")]), actual=(500, []))

    result = cli("check", server.url, "--origin", ORIGIN, "--method", "DELETE")

    blocked_with(result, "acao-missing")
    assert server.methods == ["OPTIONS", "DELETE"]
    assert "status was 500" in result.out


@pytest.mark.parametrize(
    ("content_type", "preflight"),
    [
        ("text/plain;charset=UTF-8", False),
        ("multipart/form-data; boundary=x", False),
        ("application/json", True),
    ],
)
def test_content_type_decides_whether_a_post_is_preflighted(
    scripted: Scripted, cli: Cli, content_type: str, preflight: bool
) -> None:
    server = scripted(
        preflight=(204, [*ALLOW, ("Access-Control-Allow-Headers", "content-type")]), actual=(200, ALLOW)
    )

    result = cli(
        "check",
        server.url,
        "--origin",
        ORIGIN,
        "--method",
        "POST",
        "--header",
        f"Content-Type: {content_type}",
    )

    assert result.status == 0, result.out
    assert server.methods == (["OPTIONS", "POST"] if preflight else ["POST"])


def test_safelisted_headers_over_1024_bytes_in_total_are_preflighted(scripted: Scripted, cli: Cli) -> None:
    server = scripted(
        preflight=(204, [*ALLOW, ("Access-Control-Allow-Headers", "accept")]), actual=(200, ALLOW)
    )
    accept = ["--header", "Accept: " + "a" * 120] * 9

    result = cli("check", server.url, "--origin", ORIGIN, *accept)

    assert result.status == 0, result.out
    assert server.received[0].headers["access-control-request-headers"] == "accept"
    assert "over 1024" in result.out


def test_exposed_headers_are_reported_as_readable(scripted: Scripted, cli: Cli) -> None:
    server = scripted(
        actual=(
            200,
            [*ALLOW, ("X-Total", "3"), ("X-Secret", "s"), ("Access-Control-Expose-Headers", "X-Total")],
        )
    )

    result = cli("check", server.url, "--origin", ORIGIN)

    readable = next(line for line in result.out.splitlines() if line.startswith("script can read"))
    assert "x-total" in readable
    assert "x-secret" not in readable


def test_json_output_carries_verdict_code_and_exchanges(scripted: Scripted, cli: Cli) -> None:
    server = scripted(preflight=(204, [*ALLOW, ("Access-Control-Allow-Methods", "GET")]))

    result = cli("check", server.url, "--origin", ORIGIN, "--method", "PUT", "--json")

    report: dict[str, Any] = json.loads(result.out)
    assert result.status == 1
    assert report["verdict"] == "blocked"
    assert report["code"] == "method-not-listed"
    assert report["fix"]
    assert report["preflight"]["response"]["status"] == 204
    assert ["Access-Control-Request-Method", "PUT"] in report["preflight"]["headers"]
    assert report["request"] is None


def test_verbose_shows_raw_headers(scripted: Scripted, cli: Cli) -> None:
    server = scripted(actual=(200, [*ALLOW, ("X-Trace", "abc")]))

    result = cli("check", server.url, "--origin", ORIGIN, "-v")

    assert f"  > Origin: {ORIGIN}" in result.out
    assert "  < X-Trace: abc" in result.out


def test_control_characters_from_the_server_are_escaped_in_the_output(scripted: Scripted, cli: Cli) -> None:
    hostile = "https://x.example\x1b[2J\x07"
    server = scripted(
        actual=(200, [("Access-Control-Allow-Origin", hostile), ("X-Evil", "\x1b]0;owned\x07")])
    )

    result = cli("check", server.url, "--origin", ORIGIN, "-v")

    blocked_with(result, "acao-mismatch")
    assert "\x1b" not in result.out
    assert "\x07" not in result.out
    assert "\\x1b[2J" in result.out


def test_same_origin_request_is_allowed_without_cors(scripted: Scripted, cli: Cli) -> None:
    server = scripted(actual=(200, []))
    origin = server.url.rsplit("/api", 1)[0]

    result = cli("check", server.url, "--origin", origin)

    assert result.status == 0
    assert (
        result.out
        == "same-origin: the page and the URL share an origin, so CORS does not apply; nothing was sent\n"
    )
    assert server.methods == []


def test_cors_wsgi_server_passes_check_end_to_end(wsgi_server: Callable[[Any], str], cli: Cli) -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    base = wsgi_server(
        CORSMiddleware(
            app,
            allow_origins=[ORIGIN],
            allow_methods=["PUT"],
            allow_headers=["X-Foo"],
            allow_credentials=True,
        )
    )

    result = cli(
        "check", base + "/", "--origin", ORIGIN, "--method", "PUT", "--header", "X-Foo: 1", "--credentials"
    )

    assert result.status == 0, result.out


def test_unreachable_server_exits_2(cli: Cli) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port once the probe is closed.
    result = cli("check", f"http://127.0.0.1:{port}/", "--origin", ORIGIN)

    assert result.status == 2
    assert "network error" in result.err


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "http://127.0.0.1:9/"],
        ["check", "http://127.0.0.1:9/", "--origin", "https://app.example.com/"],
        ["check", "http://127.0.0.1:9/", "--origin", "app.example.com"],
        ["check", "http://127.0.0.1:9/", "--origin", "https://app.example.com:443"],
        ["check", "http://127.0.0.1:9/", "--origin", ORIGIN, "--header", "X-Foo"],
        ["check", "http://127.0.0.1:9/", "--origin", ORIGIN, "--header", "Cookie: a=b"],
        ["check", "http://127.0.0.1:9/", "--origin", ORIGIN, "--header", "Sec-Fetch-Mode: cors"],
        ["check", "http://127.0.0.1:9/", "--origin", ORIGIN, "--method", "TRACE"],
        ["check", "http://127.0.0.1:9/", "--origin", ORIGIN, "--method", "GE T"],
        ["check", "ftp://127.0.0.1/", "--origin", ORIGIN],
        ["check", "/relative", "--origin", ORIGIN],
        ["nonsense"],
        [],
    ],
)
def test_argument_errors_exit_2_without_sending_anything(cli: Cli, argv: list[str]) -> None:
    result = cli(*argv)

    assert result.status == 2
    assert result.err
    assert "Traceback" not in result.err
