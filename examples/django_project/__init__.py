"""A minimal Django project whose WSGI callable is wrapped by cors-wsgi (see wsgi.py)."""
