"""The ASGI callable: plain Django, since CorsMiddleware runs inside Django's handler (async here).

From the repository root::

    uvicorn --host 127.0.0.1 --port 8002 examples.django_project.asgi:application
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_project.settings")

application = get_asgi_application()
