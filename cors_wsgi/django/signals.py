"""``check_request_enabled``: django-cors-headers' hook for origins kept outside the settings.

A receiver is called as ``receiver(sender=None, request=request)``. If one
returns a truthy value, CORS applies to the request and its Origin is allowed
(with the settings' methods, headers and credentials). The middleware sends it
at most once per request, and only when the answer can change: the request has
a well-formed Origin that the settings do not allow, or its path is outside
``CORS_URLS_REGEX``.
"""

from __future__ import annotations

from django.dispatch import Signal  # type: ignore[import-untyped]

check_request_enabled = Signal()
