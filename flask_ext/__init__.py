"""flask-cors's interface (``CORS``, ``cross_origin``) on the cors_wsgi core.

Migrating is a one-line change: ``from flask_ext import CORS, cross_origin``.
The differences, all deliberate, are listed in docs/flask.rst.
"""

from __future__ import annotations

from cors_wsgi import ConfigError

from .extension import CORS, cross_origin

__all__ = ["CORS", "ConfigError", "cross_origin"]
