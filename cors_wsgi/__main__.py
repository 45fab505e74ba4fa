"""``python -m cors_wsgi``: the ``cors-wsgi`` command."""

from __future__ import annotations

from .cli import main

raise SystemExit(main())
