"""A middleware listed after CorsMiddleware that records every request reaching it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

#: ``(method, path)`` of each request that got past CorsMiddleware, CommonMiddleware and CSRF.
REACHED: list[tuple[str, str]] = []


class Recorder:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        REACHED.append((request.method or "", request.path))
        return self.get_response(request)
