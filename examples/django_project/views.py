"""Views of the example project: they know nothing about CORS."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods


@require_GET
def items(request: HttpRequest) -> HttpResponse:
    response = JsonResponse({"items": ["apple", "pear"]})
    response["X-Request-Id"] = "42"
    return response


@csrf_exempt  # an API authenticated by token, not by cookie; CORS is not CSRF protection
@require_http_methods(["PUT", "DELETE"])
def item(request: HttpRequest, name: str) -> HttpResponse:
    return JsonResponse({"stored": name})
