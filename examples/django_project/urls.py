"""Routes of the example project."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [path("api/items", views.items), path("api/items/<str:name>", views.item)]
