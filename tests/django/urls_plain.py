"""A URLconf without any ``@cors`` view."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [path("api/items", views.items)]
