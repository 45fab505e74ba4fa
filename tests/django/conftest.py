"""One Django configuration for these tests; each test changes it with override_settings.

Django's settings are global to a process: other test directories never
configure Django in-process (the examples run in a child process).
"""

from __future__ import annotations

import django
from django.conf import settings

if not settings.configured:
    settings.configure(
        SECRET_KEY="tests-only",
        DEBUG=False,
        ALLOWED_HOSTS=["testserver"],
        ROOT_URLCONF="tests.django.urls",
        INSTALLED_APPS=["cors_wsgi.django"],
        MIDDLEWARE=[
            "cors_wsgi.django.CorsMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "tests.django.recorder.Recorder",
        ],
        DATABASES={},
        USE_TZ=True,
        LOGGING_CONFIG=None,
    )
    django.setup()
