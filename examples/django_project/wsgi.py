"""The WSGI callable, wrapped by cors-wsgi with the policy of ``settings.CORS``.

Wrapping the callable (instead of adding a Django middleware) means every
response is covered, including Django's own 404, 400 and 500 pages, and
preflights are answered before Django sees them. Serve it with any WSGI
server, from the repository root::

    waitress-serve --host 127.0.0.1 --port 8002 examples.django_project.wsgi:application
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from cors_wsgi import CORSMiddleware

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_project.settings")

application = CORSMiddleware.from_mapping(get_wsgi_application(), settings.CORS, source="settings.CORS")
