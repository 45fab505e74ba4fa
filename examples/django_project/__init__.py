"""A minimal Django project with cors_wsgi.django.CorsMiddleware in MIDDLEWARE (see settings.py)."""
