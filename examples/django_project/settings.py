"""Settings of the example project: CorsMiddleware in MIDDLEWARE, its policy in the ``CORS`` dict."""

from __future__ import annotations

import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-only-not-secret")
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
INSTALLED_APPS = ["cors_wsgi.django"]  # the system checks: manage.py check validates CORS
MIDDLEWARE = [
    "cors_wsgi.django.CorsMiddleware",  # first: preflights never reach CSRF or APPEND_SLASH
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
ROOT_URLCONF = "examples.django_project.urls"
WSGI_APPLICATION = "examples.django_project.wsgi.application"
USE_TZ = True

# cors-wsgi's own options (django-cors-headers' CORS_* settings work too, but not both).
# The front ends come from the environment, so that production needs no code change.
CORS = {
    "allow_origins": os.environ.get(
        "FRONT_END_ORIGINS", "http://localhost:3000 https://app.example.com"
    ).split(),
    "allow_methods": ["GET", "POST", "PUT", "DELETE"],
    "allow_headers": ["Content-Type", "X-CSRFToken"],
    "expose_headers": ["X-Request-Id"],
    "allow_credentials": True,
    "max_age": 600,
    "resources": {"/api/*": {}},
}
