"""Instructions per request: Django + cors_wsgi.django against Django + django-cors-headers, in one run.

``python -m tests.django.bench_vs_corsheaders`` (needs valgrind and the bench
extra). Each case is a fresh process under callgrind that sets Django up with
the same settings (``CORS_ALLOWED_ORIGINS``, ``CORS_ALLOW_CREDENTIALS``, then
CommonMiddleware), warms up, and sends N requests through Django's WSGI
handler; the same process sending none is subtracted. "added" is the cost
over Django without any CORS middleware. Not a test: it takes minutes.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FIRST = {
    "none": [],
    "cors_wsgi": ["cors_wsgi.django.CorsMiddleware"],
    "django-cors-headers": ["corsheaders.middleware.CorsMiddleware"],
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
    "no-origin": {},
}
COUNT = 1000
WARMUP = 300


def worker(variant: str, scenario: str, count: int) -> None:
    """Set Django up with one CORS middleware (or none) and answer ``count`` requests."""
    import django
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.http import HttpResponse
    from django.urls import path

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


def instructions(variant: str, scenario: str, count: int) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-django-") as tmp:
        out = Path(tmp) / "callgrind.out"
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--dump-instr=no"]
        command += ["--dump-line=no", sys.executable, "-m", __spec__.name, "worker", variant, scenario]
        env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(ROOT)}
        subprocess.run(
            [*command, str(count)], cwd=ROOT, env=env, check=True, capture_output=True, timeout=900
        )
        line = next(line for line in out.read_text().splitlines() if line.startswith("summary:"))
        return int(line.split()[1])


def main() -> None:
    cases = [(variant, scenario) for scenario in SCENARIOS for variant in FIRST]

    def per_request(case: tuple[str, str]) -> float:
        return (instructions(*case, COUNT) - instructions(*case, 0)) / COUNT

    with ThreadPoolExecutor(max_workers=2) as pool:
        cost = dict(zip(cases, pool.map(per_request, cases), strict=True))
    print(f"{'scenario':<10} {'cors_wsgi added':>16} {'django-cors-headers added':>26} {'ratio':>6}")
    for scenario in SCENARIOS:
        ours = cost["cors_wsgi", scenario] - cost["none", scenario]
        theirs = cost["django-cors-headers", scenario] - cost["none", scenario]
        print(f"{scenario:<10} {ours:>16,.0f} {theirs:>26,.0f} {ours / theirs:>6.2f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        worker(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
