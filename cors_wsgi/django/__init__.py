"""cors-wsgi inside Django: ``MIDDLEWARE = ["cors_wsgi.django.CorsMiddleware", ...]``.

``INSTALLED_APPS += ["cors_wsgi.django"]`` adds the system checks. Settings are
django-cors-headers' ``CORS_*`` names or cors-wsgi's ``CORS`` dict; ``@cors``
layers options over them for one view.
"""

from __future__ import annotations

from .decorators import cors
from .middleware import CorsMiddleware

__all__ = ["CorsMiddleware", "cors"]
