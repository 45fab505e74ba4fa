"""The Django app: ``INSTALLED_APPS += ["cors_wsgi.django"]`` turns on the system checks."""

from __future__ import annotations

from django.apps import AppConfig  # type: ignore[import-untyped]


class CorsWsgiConfig(AppConfig):  # type: ignore[misc]
    name = "cors_wsgi.django"
    label = "cors_wsgi"
    verbose_name = "cors-wsgi"

    def ready(self) -> None:
        from django.core.checks import Tags, register  # type: ignore[import-untyped]

        from . import checks

        register(checks.check_settings)
        register(checks.check_middleware)
        register(checks.check_views, Tags.urls)
