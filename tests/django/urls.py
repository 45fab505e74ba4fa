"""Routes of the test project."""

from __future__ import annotations

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("api/items", views.items),
    path("api/items/", views.items),
    path("api/slash/", views.items),
    path("admin/users", views.items),
    path("failing", views.failing),
    path("marker", views.marker),
    path("api/marker", views.marker),
    path("varying", views.varying),
    path("own", views.answers_cors_itself),
    path("partner", views.partner),
    path("opted-in", views.opted_in),
    path("partner-async", views.partner_async),
    path("class", views.ClassDecorated.as_view()),
    path("dispatch", views.DispatchDecorated.as_view()),
    path("method", views.MethodDecorated.as_view()),
    re_path(r"^public/.*$", views.items),
]
