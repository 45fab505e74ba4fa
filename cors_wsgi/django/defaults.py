"""django-cors-headers' default lists, importable from the same place in cors-wsgi.

``CORS_ALLOW_HEADERS = (*default_headers, "x-api-key")`` keeps working
unchanged after the import moves to ``cors_wsgi.django.defaults``. They apply
only to django-cors-headers' settings; the ``CORS`` dict has cors-wsgi's defaults.
"""

from __future__ import annotations

#: ``CORS_ALLOW_HEADERS`` when it is not set.
default_headers: tuple[str, ...] = (
    "accept",
    "authorization",
    "content-type",
    "user-agent",
    "x-csrftoken",
    "x-requested-with",
)

#: ``CORS_ALLOW_METHODS`` when it is not set.
default_methods: tuple[str, ...] = ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")

#: ``CORS_PREFLIGHT_MAX_AGE`` when it is not set (browsers cap it: Chromium at 2 h).
default_preflight_max_age = 86400

#: ``CORS_URLS_REGEX`` when it is not set: every path.
default_urls_regex = r"^.*$"
