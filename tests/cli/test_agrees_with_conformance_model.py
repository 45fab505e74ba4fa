"""``check`` and the conformance suite's browser model agree on every shared case.

Two independent transcriptions of the Fetch standard: where they disagree, one
of them misreads it. The only known difference is excluded and documented:
empty list elements (``GET,, PUT``), which browser.py skips as Chromium does.
"""

from __future__ import annotations

import itertools

from cors_wsgi import browser
from tests.conformance import fetch_model

ORIGIN = "https://app.example.com"

ALLOW_ORIGIN = [[], [ORIGIN], ["*"], [ORIGIN + "/"], ["https://APP.example.com"], [ORIGIN, ORIGIN]]
ALLOW_CREDENTIALS = [[], ["true"], ["True"]]
ALLOW_METHODS = [[], ["PUT"], ["*"], ["PUT, GET;"], ["put"], ["GET", "PUT"]]
ALLOW_HEADERS = [[], ["x-foo"], ["*"], ["*, Authorization"], ["x foo"], ["X-FOO, authorization"]]
REQUEST_HEADERS = [
    (),
    (("X-Foo", "1"),),
    (("Authorization", "Bearer x"),),
    (("Content-Type", "application/json"),),
]


def response_headers(*pairs: tuple[str, list[str]]) -> tuple[tuple[str, str], ...]:
    return tuple((name, value) for name, values in pairs for value in values)


def test_preflight_verdicts_agree() -> None:
    cases = itertools.product(
        [200, 204, 301, 403],
        ALLOW_ORIGIN,
        ALLOW_CREDENTIALS,
        ALLOW_METHODS,
        ALLOW_HEADERS,
        [False, True],
        ["GET", "PUT", "patch"],
        REQUEST_HEADERS,
    )
    disagreements = []
    count = 0
    for status, acao, acac, acam, acah, credentials, method, headers in cases:
        response = browser.Response(
            status,
            response_headers(
                ("Access-Control-Allow-Origin", acao),
                ("Access-Control-Allow-Credentials", acac),
                ("Access-Control-Allow-Methods", acam),
                ("Access-Control-Allow-Headers", acah),
            ),
        )
        request = browser.Request(ORIGIN, method, headers, credentials)
        ours = browser.preflight_check(request, response) is None
        theirs = fetch_model.preflight_passes(
            status,
            response.headers,
            ORIGIN,
            method,
            browser.unsafe_request_header_names(headers),
            credentials,
        )
        count += 1
        if ours != theirs:
            disagreements.append((status, acao, acac, acam, acah, credentials, method, headers, ours))
    assert count == 4 * 6 * 3 * 6 * 6 * 2 * 3 * 4
    assert disagreements == []


def test_cors_check_verdicts_agree() -> None:
    for acao, acac, credentials in itertools.product(ALLOW_ORIGIN, ALLOW_CREDENTIALS, [False, True]):
        headers = response_headers(
            ("Access-Control-Allow-Origin", acao), ("Access-Control-Allow-Credentials", acac)
        )
        ours = browser.cors_check(
            browser.Request(ORIGIN, credentials=credentials), browser.Response(200, headers)
        )

        assert (ours is None) == fetch_model.cors_check(headers, ORIGIN, credentials), (
            acao,
            acac,
            credentials,
        )


def test_readable_headers_agree() -> None:
    present = [("Content-Type", "text/plain"), ("X-Total", "1"), ("Set-Cookie", "a=b"), ("X-Other", "2")]
    for exposed, credentials in itertools.product(
        [[], ["X-Total"], ["*"], ["*, x-other"], ["x total"]], [False, True]
    ):
        headers = (*present, *response_headers(("Access-Control-Expose-Headers", exposed)))
        ours = browser.readable_response_headers(
            browser.Request(ORIGIN, credentials=credentials), browser.Response(200, headers)
        )

        assert set(ours) == fetch_model.exposed_headers(headers, credentials), (exposed, credentials)
