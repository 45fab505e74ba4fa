"""The WSGI callable: plain Django, since CorsMiddleware runs inside Django's handler.

Serve it with any WSGI server, from the repository root::

    waitress-serve --host 127.0.0.1 --port 8002 examples.django_project.wsgi:application

A server that must be given CORS outside Django (a WSGI component in front
of Django that answers requests itself) can wrap the callable instead, and
then leave CorsMiddleware out of MIDDLEWARE; never both::

    application = CORSMiddleware.from_mapping(get_wsgi_application(), settings.CORS, source="settings.CORS")

Django's test client, ``runserver`` under ``asgi.py`` and ``LiveServerTestCase``
never call this file, so only the MIDDLEWARE setup covers them.
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_project.settings")

application = get_wsgi_application()
