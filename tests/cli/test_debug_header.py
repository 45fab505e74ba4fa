"""``debug=True``: the X-CORS-Decision header states the decision and its reason."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from webtest import TestApp

from cors_wsgi import CORSMiddleware

ORIGIN = "https://app.example.com"


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def client(**options: Any) -> TestApp:
    return TestApp(CORSMiddleware(app, allow_origins=[ORIGIN], allow_methods=["GET", "PUT"], **options))


def preflight(
    test_app: TestApp, method: str = "PUT", headers: str | None = None, origin: str = ORIGIN
) -> Any:
    request_headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers is not None:
        request_headers["Access-Control-Request-Headers"] = headers
    return test_app.options("/", headers=request_headers, expect_errors=True)


def test_allowed_request_says_allowed() -> None:
    response = client(debug=True).get("/", headers={"Origin": ORIGIN})

    assert response.headers["X-CORS-Decision"] == "allowed"


def test_allowed_preflight_says_allowed() -> None:
    assert preflight(client(debug=True)).headers["X-CORS-Decision"] == "allowed"


def test_refused_origin_states_the_reason() -> None:
    response = client(debug=True).get("/", headers={"Origin": "https://evil.example"})

    assert response.headers["X-CORS-Decision"] == "refused; reason=origin-not-allowed"


def test_refused_header_names_the_header() -> None:
    response = preflight(client(debug=True), headers="x-foo")

    assert response.status_int == 403
    assert response.headers["X-CORS-Decision"] == "refused; reason=header-not-allowed; header=x-foo"


def test_refused_method_names_the_method() -> None:
    response = preflight(client(debug=True), method="DELETE")

    assert response.headers["X-CORS-Decision"] == "refused; reason=method-not-allowed; method=DELETE"


def test_hostile_origin_never_reaches_the_debug_header() -> None:
    response = client(debug=True).get("/", headers={"Origin": "https://evil.example\tX-Injected: 1"})

    assert response.headers["X-CORS-Decision"] == "refused; reason=origin-malformed"
    assert "X-Injected" not in response.headers


def test_header_is_absent_by_default() -> None:
    test_app = client()

    assert "X-CORS-Decision" not in test_app.get("/", headers={"Origin": ORIGIN}).headers
    assert "X-CORS-Decision" not in test_app.get("/", headers={"Origin": "https://evil.example"}).headers
    assert "X-CORS-Decision" not in preflight(test_app, headers="x-foo").headers
