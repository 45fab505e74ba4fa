"""The ``cors_wsgi`` logger, and making request values safe to log."""

from __future__ import annotations

import logging

logger = logging.getLogger("cors_wsgi")

#: How much of a request value a log line shows.
MAX_LOGGED_LENGTH = 200


def loggable(value: object) -> str:
    """Escape and truncate a request value so that it cannot forge log lines.

    ``ascii()`` turns CR, LF, NUL, other controls and non-ASCII characters
    into escapes and quotes the result, so a hostile Origin stays one field.
    """
    if isinstance(value, str) and len(value) > MAX_LOGGED_LENGTH:
        return ascii(value[:MAX_LOGGED_LENGTH]) + f"...({len(value)} chars)"
    return ascii(value)
