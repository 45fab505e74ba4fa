"""``python -m benchmarks --parts django``: cors_wsgi.django against django-cors-headers.

Instructions per request, side by side in one run. Each case is a fresh
process under callgrind that sets Django up with the same settings
(``CORS_ALLOWED_ORIGINS``, ``CORS_ALLOW_CREDENTIALS``, then
CommonMiddleware and one view), warms up, and sends N requests through
Django's WSGI handler; the same process sending none is subtracted.
"added" is the cost over Django without any CORS middleware.
"""

from __future__ import annotations

import io
import sys
from typing import Any

from .measure import added_over_baseline, worker_main

#: The first middleware of each variant; "none" is the baseline.
FIRST = {
    "none": [],
    "cors_wsgi": ["cors_wsgi.django.CorsMiddleware"],
    "django_cors_headers": ["corsheaders.middleware.CorsMiddleware"],
}
ALLOWED = "https://app.example.com"
SCENARIOS: dict[str, dict[str, str]] = {
    "allowed": {"HTTP_ORIGIN": ALLOWED},
    "preflight": {
        "REQUEST_METHOD": "OPTIONS",
        "HTTP_ORIGIN": ALLOWED,
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
        "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "content-type",
    },
    "refused": {"HTTP_ORIGIN": "https://evil.example.net"},
    "no_origin": {},
}
COUNT, WARMUP = 1000, 300


def _worker(variant: str, scenario: str, count: int) -> None:
    """Set Django up with one CORS middleware (or none) and answer ``count`` requests."""
    import django  # type: ignore[import-untyped]
    from django.conf import settings  # type: ignore[import-untyped]
    from django.core.handlers.wsgi import WSGIHandler  # type: ignore[import-untyped]
    from django.http import HttpResponse  # type: ignore[import-untyped]
    from django.urls import path  # type: ignore[import-untyped]

    def view(request: Any) -> HttpResponse:
        return HttpResponse("ok")

    module = sys.modules[__name__]
    module.urlpatterns = [path("api/items", view)]  # type: ignore[attr-defined]
    settings.configure(
        SECRET_KEY="bench",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[*FIRST[variant], "django.middleware.common.CommonMiddleware"],
        CORS_ALLOWED_ORIGINS=[ALLOWED],
        CORS_ALLOW_CREDENTIALS=True,
        INSTALLED_APPS=[],
        DATABASES={},
        USE_TZ=True,
    )
    django.setup()
    handler = WSGIHandler()
    base = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/api/items",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "HTTP_HOST": "api.example.com",
        **SCENARIOS[scenario],
    }

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        return None

    for _ in range(WARMUP + count):
        body = handler({**base, "wsgi.input": io.BytesIO()}, start_response)
        b"".join(body)
        body.close()


def measure(jobs: int = 2) -> dict[str, dict[str, float]]:
    """Added instructions per request over the Django without CORS, per scenario and middleware."""
    return added_over_baseline("benchmarks.django", tuple(FIRST), SCENARIOS, COUNT, jobs)


def main(argv: list[str] | None = None) -> int:
    return worker_main("django", FIRST, SCENARIOS, _worker, argv)


if __name__ == "__main__":
    raise SystemExit(main())
