"""The browser model (``cors_wsgi.browser``): every problem a browser reports, word for word,
and every step of ``run`` (mutation kills).

``cors-wsgi check`` and ``explain`` print a Problem's message and fix as they
are, so the tests compare whole values; the requests are the ones whose
answers sit on either side of each rule of the Fetch standard.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from cors_wsgi import browser
from cors_wsgi.browser import Exchange, Outcome, Problem, Request, Response
from cors_wsgi.urls import URL
from cors_wsgi.urls import parse as parse_url

APP = "https://app.example.com"
API = "https://api.example.net"
Header = tuple[str, str]


def preflight_ok(*extra: Header, origin: str = APP) -> Response:
    return Response(204, (("Access-Control-Allow-Origin", origin), *extra))


class Server:
    """Answers each (method, URL) with a scripted response; records what was sent."""

    def __init__(self, answers: dict[tuple[str, str], Response], default: Response | None = None) -> None:
        self.answers = answers
        self.default = default
        self.sent: list[tuple[str, str, tuple[Header, ...]]] = []

    def __call__(self, url: URL | None, method: str, headers: Sequence[Header]) -> Response:
        where = "" if url is None else str(url)
        self.sent.append((method, where, tuple(headers)))
        answer = self.answers.get((method, where), self.default)
        assert answer is not None, (method, where)
        return answer


# -- which request headers are safelisted, and why not -------------------------


@pytest.mark.parametrize(
    ("name", "value", "why"),
    [
        ("Accept", "text/(html)", "its value contains '()', which the standard calls unsafe"),
        ("Content-Type", "text/<plain>@", "its value contains '<>@', which the standard calls unsafe"),
        (
            "Content-Type",
            "application/json",
            "'application/json' is not application/x-www-form-urlencoded, multipart/form-data or text/plain",
        ),
        (
            "Accept-Language",
            "en_US!",
            "its value contains '!_'; only letters, digits and ' *,-.;=' are safe",
        ),
        ("Range", "bytes=-5", "'bytes=-5' is not a single range 'bytes=start-' or 'bytes=start-end'"),
        ("X-Trace", "1", "it is not one of Accept, Accept-Language, Content-Language, Content-Type, Range"),
        ("Accept", "a" * 129, "its value is longer than 128 bytes (129)"),
    ],
)
def test_a_header_that_is_not_safelisted_says_why(name: str, value: str, why: str) -> None:
    assert browser.unsafelisted_because(name, value) == why


@pytest.mark.parametrize(
    ("value", "safelisted"),
    [
        ("text/plain ; charset=utf-8", True),
        ("text/plain;charset=a/b", True),
        ("\ttext/plain\t", True),
        ("text/plain\xa0", False),
        ("\xa0text/plain", False),
    ],
)
def test_content_type_is_parsed_as_fetch_parses_a_mime_type(value: str, safelisted: bool) -> None:
    # Only HTTP white space (space, tab, CR, LF) is stripped; a parameter may hold a slash.
    assert browser.is_safelisted_request_header("Content-Type", value) is safelisted


@pytest.mark.parametrize(
    ("value", "safelisted"), [("bytes=5-5", True), ("bytes=6-5", False), ("bytes=0-", True)]
)
def test_a_range_of_one_byte_is_safelisted(value: str, safelisted: bool) -> None:
    assert browser.is_safelisted_request_header("Range", value) is safelisted


def test_proxy_and_sec_headers_are_forbidden_whatever_their_case() -> None:
    assert browser.is_forbidden_request_header("Proxy-Foo")
    assert browser.is_forbidden_request_header("Sec-Fetch-Mode")
    assert not browser.is_forbidden_request_header("X-Proxy-Foo")


def test_normalizing_a_value_strips_only_http_white_space() -> None:
    assert browser.normalize_value(" \t\xa0value\x0b\r\n") == "\xa0value\x0b"


def test_preflight_reasons_name_the_method_each_header_and_the_private_network() -> None:
    request = Request(
        APP,
        "PUT",
        (("X-Trace", "1"), ("Accept", "a" * 128), ("Content-Language", "de")),
        private_network=True,
    )
    over = [("Accept", "a" * 128)] * 7 + [("Accept-Language", "e" * 128), ("Content-Language", "d" * 6)]

    assert browser.preflight_reasons(request) == [
        "the method 'PUT' is not GET, HEAD or POST",
        "the header 'x-trace' is not CORS-safelisted: it is not one of Accept, Accept-Language, "
        "Content-Language, Content-Type, Range",
        "the target is on a private network (Private Network Access)",
    ]
    assert browser.preflight_reasons(Request(APP, "GET", tuple(over))) == [
        f"the header {name!r} is not CORS-safelisted: the safelisted headers' values add up to 1030 "
        "bytes, over 1024"
        for name in ("accept", "accept-language", "content-language")
    ]


def test_the_request_itself_carries_origin_first_then_the_scripts_headers() -> None:
    request = Request(APP, "GET", (("X-Trace", "1"),))

    assert browser.actual_request_headers(request) == [("Origin", APP), ("X-Trace", "1")]


# -- the CORS check ------------------------------------------------------------


def test_no_allow_origin_asks_for_the_origin_on_every_status() -> None:
    assert browser.cors_check(Request(APP), Response(200, ())) == Problem(
        "acao-missing",
        "the response has no Access-Control-Allow-Origin header",
        f"send 'Access-Control-Allow-Origin: {APP}' for this origin (on every status, errors included)",
    )


def test_no_allow_origin_for_a_null_origin_asks_for_the_final_url_instead() -> None:
    problem = browser.cors_check(Request("null"), Response(200, ()))

    assert problem is not None
    assert problem.fix.startswith("request the final URL directly, so that no cross-origin redirect")


def test_two_allow_origin_headers_fail_even_when_one_matches() -> None:
    response = Response(200, (("access-control-allow-origin", APP), ("Access-Control-Allow-Origin", APP)))

    assert browser.cors_check(Request(APP), response) == Problem(
        "acao-multiple",
        f"the response has 2 Access-Control-Allow-Origin headers, which the browser combines into "
        f"'{APP}, {APP}'",
        "send exactly one; often both the application and a proxy or middleware add it",
    )


def test_a_wildcard_with_credentials_fails() -> None:
    response = Response(200, (("Access-Control-Allow-Origin", "*"),))

    assert browser.cors_check(Request(APP, credentials=True), response) == Problem(
        "acao-wildcard-credentials",
        "the request carries credentials but Access-Control-Allow-Origin is '*'",
        "list the origin instead of '*' (and send Vary: Origin)",
    )


@pytest.mark.parametrize(
    ("allowed", "hint"),
    [
        (APP + "/", "; an origin never ends with a slash"),
        ("https://APP.example.com", "; the comparison is case-sensitive"),
        ("https://other.example.com", ""),
        ("//" + APP, ""),
        (APP + " ", ""),
        (APP + "X", ""),
    ],
)
def test_a_different_allow_origin_fails_with_a_hint_for_near_misses(allowed: str, hint: str) -> None:
    response = Response(200, (("Access-Control-Allow-Origin", allowed),))

    assert browser.cors_check(Request(APP), response) == Problem(
        "acao-mismatch",
        f"Access-Control-Allow-Origin is {allowed!r}, not the request's origin '{APP}'{hint}",
        f"send exactly '{APP}' for this origin, or allow it in the server policy",
    )


def test_a_null_origin_that_is_not_granted_is_told_to_avoid_the_redirect() -> None:
    problem = browser.cors_check(Request("null"), Response(200, (("Access-Control-Allow-Origin", APP),)))

    assert problem is not None
    assert problem.code == "acao-mismatch"
    assert problem.fix.startswith("request the final URL directly")


@pytest.mark.parametrize(("value", "found"), [(None, "is missing"), ("True", "is 'True'")])
def test_credentials_need_allow_credentials_exactly_true(value: str | None, found: str) -> None:
    headers: tuple[Header, ...] = (("Access-Control-Allow-Origin", APP),)
    if value is not None:
        headers += (("Access-Control-Allow-Credentials", value),)

    assert browser.cors_check(Request(APP, credentials=True), Response(200, headers)) == Problem(
        "acac-missing",
        f"the request carries credentials but Access-Control-Allow-Credentials {found}",
        "send 'Access-Control-Allow-Credentials: true' (exactly that, lower case), or make the "
        "request without credentials",
    )


# -- the preflight check -------------------------------------------------------


def test_a_preflight_that_cannot_be_read_is_a_network_error() -> None:
    response = Response(0, (), invalid="no status line")

    assert browser.preflight_check(Request(APP, "PUT"), response) == Problem(
        "response-invalid",
        "preflight: the browser cannot read the response (no status line), a network error for script",
        "send a well-formed HTTP/1.1 response",
    )


@pytest.mark.parametrize("status", [300, 301, 399])
def test_a_redirected_preflight_fails(status: int) -> None:
    assert browser.preflight_check(Request(APP, "PUT"), preflight_ok()._replace(status=status)) == Problem(
        "preflight-redirect",
        f"the preflight was answered with a redirect ({status}); browsers never follow one",
        "answer OPTIONS at the final URL (check trailing slashes and http-to-https redirects), "
        "or request the final URL",
    )


@pytest.mark.parametrize("status", [199, 400, 500])
def test_a_preflight_status_outside_2xx_fails(status: int) -> None:
    assert browser.preflight_check(Request(APP, "PUT"), preflight_ok()._replace(status=status)) == Problem(
        "preflight-status",
        f"the preflight response status is {status}; a browser needs 200-299",
        "answer OPTIONS requests for this path with 204 or 200 (route OPTIONS to the CORS "
        "middleware; check that authentication does not demand credentials a preflight never sends)",
    )


@pytest.mark.parametrize("status", [200, 299])
def test_any_2xx_preflight_status_passes(status: int) -> None:
    response = preflight_ok(("Access-Control-Allow-Methods", "PUT"))._replace(status=status)

    assert browser.preflight_check(Request(APP, "PUT"), response) is None


def test_a_failed_cors_check_on_the_preflight_says_preflight() -> None:
    assert browser.preflight_check(Request(APP, "PUT"), Response(204, ())) == Problem(
        "acao-missing",
        "preflight: the response has no Access-Control-Allow-Origin header",
        f"send 'Access-Control-Allow-Origin: {APP}' for this origin (on every status, errors included)",
    )


def test_a_private_network_preflight_needs_allow_private_network() -> None:
    request = Request(APP, "GET", private_network=True)
    granted = preflight_ok(("access-control-allow-private-network", "true"))

    assert browser.preflight_check(request, preflight_ok()) == Problem(
        "acapn-missing",
        "the target is on a private network and the preflight response lacks "
        "'Access-Control-Allow-Private-Network: true'",
        "opt in to Private Network Access on the server (allow_private_network=True) if intended",
        "Chrome now asks the user for a permission instead; the header still matters to older versions",
    )
    assert browser.preflight_check(request, granted) is None


def test_an_allow_methods_that_is_not_a_token_list_fails_the_preflight() -> None:
    response = preflight_ok(("Access-Control-Allow-Methods", "PUT\x0b"))

    assert browser.preflight_check(Request(APP, "PUT"), response) == Problem(
        "acam-invalid",
        "Access-Control-Allow-Methods 'PUT\\x0b' is not a comma-separated list of methods; one bad "
        "element fails the whole preflight",
        "send method names separated by commas, e.g. 'GET, POST, PUT'",
    )


def test_an_allow_headers_that_is_not_a_token_list_fails_the_preflight() -> None:
    response = preflight_ok(("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "x/y"))

    assert browser.preflight_check(Request(APP, "PUT"), response) == Problem(
        "acah-invalid",
        "Access-Control-Allow-Headers 'x/y' is not a comma-separated list of header names; one bad "
        "element fails the whole preflight",
        "send header names separated by commas, e.g. 'Content-Type, X-Requested-With'",
    )


def test_a_wildcard_method_does_not_cover_a_credentialed_request() -> None:
    request = Request(APP, "PUT", credentials=True)
    response = preflight_ok(
        ("Access-Control-Allow-Methods", "*"), ("Access-Control-Allow-Credentials", "true")
    )

    assert browser.preflight_check(request, response) == Problem(
        "method-wildcard-credentials",
        "Access-Control-Allow-Methods is '*', which does not cover 'PUT' on a request with credentials",
        "list 'PUT' by name",
    )
    assert browser.preflight_check(request._replace(credentials=False), response) is None


@pytest.mark.parametrize(
    ("listed", "shown"),
    [
        (None, "''"),
        ("GET, POST", "'GET, POST'"),
        ("get, Put", "'get, Put'; method names are case-sensitive"),
    ],
)
def test_a_method_not_listed_fails_with_a_hint_for_its_case(listed: str | None, shown: str) -> None:
    headers = () if listed is None else (("Access-Control-Allow-Methods", listed),)
    request = Request(APP, "PUT")

    assert browser.preflight_check(request, preflight_ok(*headers)) == Problem(
        "method-not-listed",
        f"the method 'PUT' is not in Access-Control-Allow-Methods {shown}",
        "add 'PUT' to Access-Control-Allow-Methods",
    )


def test_a_lower_case_method_is_not_covered_by_its_upper_case_name() -> None:
    problem = browser.preflight_check(
        Request(APP, "patch"), preflight_ok(("Access-Control-Allow-Methods", "PATCH"))
    )

    assert problem is not None
    assert problem.message == (
        "the method 'patch' is not in Access-Control-Allow-Methods 'PATCH'; method names are case-sensitive"
    )


def test_a_wildcard_header_never_covers_authorization() -> None:
    request = Request(APP, "GET", (("Authorization", "Bearer x"),))
    response = preflight_ok(("Access-Control-Allow-Headers", "*"))

    assert browser.preflight_check(request, response) == Problem(
        "authorization-wildcard",
        "Access-Control-Allow-Headers is '*', which never covers Authorization",
        "list Authorization by name in Access-Control-Allow-Headers",
        browser.CHROMIUM_AUTHORIZATION_NOTE,
    )


@pytest.mark.parametrize(("listed", "found"), [(None, "is absent"), ("X-Trace", "is 'X-Trace'")])
def test_authorization_not_listed_fails_by_name(listed: str | None, found: str) -> None:
    request = Request(APP, "GET", (("Authorization", "Bearer x"), ("X-Trace", "1")))
    headers = () if listed is None else (("Access-Control-Allow-Headers", listed),)

    assert browser.preflight_check(request, preflight_ok(*headers)) == Problem(
        "header-not-listed",
        f"the request header 'authorization' is not allowed: Access-Control-Allow-Headers {found}",
        "add 'authorization' to Access-Control-Allow-Headers, or do not send it",
    )


def test_every_unsafe_header_must_be_listed_not_only_the_first() -> None:
    request = Request(APP, "GET", (("X-A", "1"), ("X-B", "2")))
    response = preflight_ok(("Access-Control-Allow-Headers", "x-a"))

    assert browser.preflight_check(request, response) == Problem(
        "header-not-listed",
        "the request header 'x-b' is not allowed: Access-Control-Allow-Headers is 'x-a'",
        "add 'x-b' to Access-Control-Allow-Headers, or do not send it",
    )


def test_a_wildcard_header_does_not_cover_a_credentialed_request() -> None:
    request = Request(APP, "GET", (("X-A", "1"), ("X-B", "2")), credentials=True)
    response = preflight_ok(
        ("Access-Control-Allow-Headers", "x-a, *"), ("Access-Control-Allow-Credentials", "true")
    )

    assert browser.preflight_check(request, response) == Problem(
        "header-wildcard-credentials",
        "Access-Control-Allow-Headers is '*', which does not cover 'x-b' on a request with credentials",
        "list 'x-b' by name",
    )
    assert browser.preflight_check(request._replace(credentials=False), response) is None


# -- run: the whole fetch ------------------------------------------------------


def test_a_preflight_only_run_stops_before_the_request() -> None:
    request = Request(APP, "PUT")
    answer = preflight_ok(("Access-Control-Allow-Methods", "PUT"))
    server = Server({}, answer)
    url = parse_url(API + "/items")

    outcome = browser.run(request, server, url, preflight_only=True)

    preflight = Exchange("OPTIONS", tuple(browser.preflight_request_headers(request)), answer, url, True)
    assert outcome == Outcome(
        True,
        None,
        ("the method 'PUT' is not GET, HEAD or POST",),
        preflight,
        None,
        (),
        (),
        (preflight,),
        False,
    )
    assert [method for method, _, _ in server.sent] == ["OPTIONS"]


def test_a_preflight_only_run_without_preflight_sends_nothing() -> None:
    server = Server({})

    outcome = browser.run(Request(APP), server, parse_url(API + "/items"), preflight_only=True)

    assert outcome == Outcome(True, None, (), None, None, (), (), (), False)
    assert server.sent == []


def test_a_blocked_request_keeps_its_passed_preflight_and_the_note_of_its_problem() -> None:
    request = Request(APP, "PUT", (("Authorization", "Bearer x"),))
    preflight_response = preflight_ok(
        ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "*")
    )
    server = Server({}, preflight_response)

    outcome = browser.run(request, server)

    assert outcome.problem is not None
    assert outcome.problem.code == "authorization-wildcard"
    assert outcome.notes == (browser.CHROMIUM_AUTHORIZATION_NOTE,)


@pytest.mark.parametrize(
    ("status", "notes"),
    [
        (
            400,
            (
                "the response status was 400: servers often leave CORS headers off error responses, so the "
                "browser hides the error from script too",
            ),
        ),
        (399, ()),
        (200, ()),
        (302, ("the browser runs the CORS check on a redirect before following it",)),
    ],
)
def test_a_failed_cors_check_notes_errors_and_redirects(status: int, notes: tuple[str, ...]) -> None:
    request = Request(APP, "PUT")
    answers = {
        ("OPTIONS", ""): preflight_ok(("Access-Control-Allow-Methods", "PUT")),
        ("PUT", ""): Response(status, (("Location", "/elsewhere"),)),
    }
    server = Server(answers)

    outcome = browser.run(request, server)

    assert outcome.code == "acao-missing"
    assert outcome.notes == notes
    assert outcome.preflight is not None
    assert outcome.preflight.response == answers[("OPTIONS", "")]
    assert outcome.actual is not None
    assert outcome.actual.response == answers[("PUT", "")]


def test_a_redirect_without_a_url_is_noted_not_followed() -> None:
    server = Server({}, Response(307, (("Access-Control-Allow-Origin", "*"), ("Location", "/b"))))

    outcome = browser.run(Request(APP), server)

    assert outcome.allowed
    assert outcome.notes == ("the response is a redirect (307); a browser would follow it",)


def granted(*extra: Header) -> Response:
    return Response(200, (("Access-Control-Allow-Origin", "*"), *extra))


def redirect(location: str, status: int = 302, name: str = "Location") -> Response:
    return Response(status, (("Access-Control-Allow-Origin", "*"), (name, location)))


def test_the_twenty_first_redirect_is_a_network_error() -> None:
    server = Server({}, redirect("/again"))

    outcome = browser.run(Request(APP), server, parse_url(API + "/again"))

    assert outcome.problem == Problem(
        "redirect-limit",
        "the request was redirected more than 20 times; a browser gives up (network error)",
        "look for a redirect loop (http to https and back, a trailing slash added and removed)",
    )
    assert len(outcome.exchanges) == 21
    assert outcome.actual == outcome.exchanges[-1]


def test_a_location_that_is_not_a_url_cannot_be_followed() -> None:
    request = Request(APP, "PUT")
    answers = {
        ("OPTIONS", API + "/a"): preflight_ok(("Access-Control-Allow-Methods", "PUT")),
        ("PUT", API + "/a"): redirect("ftp://files.example/", 307, "location"),
    }

    outcome = browser.run(request, Server(answers), parse_url(API + "/a"))

    assert outcome.problem == Problem(
        "redirect-invalid",
        "the redirect to 'ftp://files.example/' cannot be followed: the scheme 'ftp' is not http or https",
        "send a Location that is an http or https URL",
    )
    assert outcome.preflight is not None
    assert outcome.preflight.method == "OPTIONS"
    assert outcome.actual is not None
    assert outcome.actual.method == "PUT"


def test_a_location_with_credentials_is_refused() -> None:
    answers = {("GET", API + "/a"): redirect("https://user:pw@api.example.net/b")}

    outcome = browser.run(Request(APP), Server(answers), parse_url(API + "/a"))

    assert outcome.problem == Problem(
        "redirect-invalid",
        "the redirect to 'https://user:pw@api.example.net/b' has a user name or password, which a CORS "
        "request refuses",
        "redirect to a URL without credentials",
    )


@pytest.mark.parametrize(
    ("method", "status", "then"),
    [
        ("POST", 301, "GET"),
        ("POST", 302, "GET"),
        ("POST", 307, "POST"),
        ("PUT", 303, "GET"),
        ("GET", 303, "GET"),
        ("HEAD", 303, "HEAD"),
        ("PUT", 301, "PUT"),
    ],
)
def test_a_redirect_changes_the_method_as_fetch_does(method: str, status: int, then: str) -> None:
    body_header = ("Content-Type", "text/plain")
    request = Request(APP, method, (body_header,))
    first, second = API + "/a", API + "/b"
    answers = {
        ("OPTIONS", first): preflight_ok(("Access-Control-Allow-Methods", method)),
        (method, first): redirect("/b", status),
        ("OPTIONS", second): preflight_ok(("Access-Control-Allow-Methods", method)),
        (then, second): granted(),
    }

    outcome = browser.run(request, Server(answers), parse_url(first))

    assert outcome.allowed
    assert outcome.actual is not None
    assert outcome.actual.method == then
    kept = then == method
    assert (body_header in outcome.actual.headers) is kept


def test_a_cross_origin_hop_from_another_origin_taints_the_origin_and_still_changes_the_method() -> None:
    request = Request(APP, "PUT", (("Content-Type", "text/plain"),))
    first, second = API + "/a", "https://cdn.example.org/b"
    answers = {
        ("OPTIONS", first): preflight_ok(("Access-Control-Allow-Methods", "PUT")),
        ("PUT", first): redirect(second, 303),
        ("GET", second): granted(),
    }

    outcome = browser.run(request, Server(answers), parse_url(first))

    assert outcome.allowed
    assert outcome.actual is not None
    assert outcome.actual.method == "GET"
    assert outcome.actual.headers == (("Origin", "null"),)
    assert outcome.notes == (
        f"the redirect from {API} to https://cdn.example.org crosses origins, so from there on the browser "
        "sends Origin: null, and only 'Access-Control-Allow-Origin: null' or '*' passes",
    )
