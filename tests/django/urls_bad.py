"""A URLconf with a view whose ``@cors`` options cannot be layered over a project with credentials."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from cors_wsgi.django import cors


@cors(allow_origins="*")
def open_to_all(request: HttpRequest) -> HttpResponse:
    return HttpResponse("open")


urlpatterns = [path("open", open_to_all)]
