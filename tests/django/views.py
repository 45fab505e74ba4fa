"""Views of the test project: they know nothing about CORS unless decorated."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View

from cors_wsgi.django import cors

#: Every view appends the request it served, so that tests can see which requests reached a view.
SEEN: list[tuple[str, str]] = []


def items(request: HttpRequest) -> HttpResponse:
    SEEN.append((request.method or "", request.path))
    response = JsonResponse({"items": ["apple", "pear"]})
    response["X-Request-Id"] = "42"
    return response


def marker(request: HttpRequest) -> HttpResponse:
    """Shows how CorsMiddleware marked the request, as django-cors-headers marks it."""
    return HttpResponse(repr(getattr(request, "_cors_enabled", "unmarked")))


def failing(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the view failed")


def varying(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("by language")
    response["Vary"] = "Accept-Language"
    return response


def answers_cors_itself(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("mine")
    response["Access-Control-Allow-Origin"] = "https://own.example.com"
    return response


@cors(allow_origins=["https://partner.example.org"], allow_credentials=True, allow_methods=["GET", "PUT"])
def partner(request: HttpRequest) -> HttpResponse:
    SEEN.append((request.method or "", request.path))
    return HttpResponse("partner")


@cors
def opted_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse("opted in")


@cors(allow_origins=["https://partner.example.org"])
async def partner_async(request: HttpRequest) -> HttpResponse:
    return HttpResponse("async partner")


@cors(allow_origins=["https://class.example.org"], allow_methods=["GET", "DELETE"])
class ClassDecorated(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("class")

    def delete(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("deleted")


@method_decorator(cors(allow_origins=["https://dispatch.example.org"]), name="dispatch")
class DispatchDecorated(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("dispatch")


class MethodDecorated(View):
    @method_decorator(cors(allow_origins=["https://writer.example.org"], allow_methods=["PUT"]))
    def put(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("put")

    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("get")
