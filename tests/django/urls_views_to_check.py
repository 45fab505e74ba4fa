"""A URLconf for the view checks: two views whose ``@cors`` options fail over a project with
credentials, then one that only a report-only ``allow_origins='*'`` candidate makes fail."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from cors_wsgi.django import cors


@cors(allow_origins="*")
def everyone(request: HttpRequest) -> HttpResponse:
    return HttpResponse("open")


@cors(expose_headers="*")
def every_header(request: HttpRequest) -> HttpResponse:
    return HttpResponse("every header")


@cors(allow_credentials=True)
def with_cookies(request: HttpRequest) -> HttpResponse:
    return HttpResponse("with cookies")


urlpatterns = [
    path("everyone", everyone),
    path("every-header", every_header),
    path("with-cookies", with_cookies),
]
