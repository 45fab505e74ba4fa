"""The ``cors_wsgi`` logger, making request values safe to log, and keeping a flood out of the log."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

logger = logging.getLogger("cors_wsgi")

#: ``logger.isEnabledFor``, bound once: looking the method up costs a refused request ~5%.
is_enabled_for = logger.isEnabledFor

#: How much of a request value a log line shows.
MAX_LOGGED_LENGTH = 200

#: Seconds during which one refusal line stands for every repeat of its (origin, reason).
#: A module setting, read at each event: it is logging configuration, shared by every adapter
#: (WSGI, ASGI, Django) like the logger itself, so no loader or Django setting has to carry it.
REFUSAL_LOG_WINDOW = 60.0

#: Seconds during which one report-only line stands for every repeat of its (origin, method,
#: rule, reasons): configured like REFUSAL_LOG_WINDOW, and for the same reasons.
REPORT_LOG_WINDOW = 60.0

#: Most keys one limiter remembers at once: its memory is bounded by it.
MAX_LIMITED_KEYS = 256

#: Where events go when the table is full of live keys: one key for all of them.
_OVERFLOW = ("", "other origins")


def loggable(value: object) -> str:
    """Escape and truncate a request value so that it cannot forge log lines.

    ``ascii()`` turns CR, LF, NUL, other controls and non-ASCII characters
    into escapes and quotes the result, so a hostile Origin stays one field.
    """
    if isinstance(value, str) and len(value) > MAX_LOGGED_LENGTH:
        return ascii(value[:MAX_LOGGED_LENGTH]) + f"...({len(value)} chars)"
    return ascii(value)


def refusal_log_window() -> float:
    """The refusal lines' window, read at each event so that setting the module value takes effect."""
    return REFUSAL_LOG_WINDOW


def report_log_window() -> float:
    """The report-only lines' window, read at each event like the refusals'."""
    return REPORT_LOG_WINDOW


class LogLimiter:
    """At most one line per key and window; the next line logged for a key counts what was held back.

    ``window`` returns the window's length in seconds; ``what`` names the
    events in the lines' notes. A hostile client chooses the origin (and
    more of the key), so the table holds at most
    ``MAX_LIMITED_KEYS`` keys: when it is full of keys still in their window,
    a new key's events share one overflow key, logged once per window too.
    Time is ``time.monotonic()`` read at each event; no thread runs in the
    background, and expired keys are dropped only when room is needed,
    oldest first (a key is moved to the end whenever its window reopens).
    """

    __slots__ = ("_lock", "_overflow", "_seen", "_what", "_window")

    def __init__(self, window: Callable[[], float] = refusal_log_window, what: str = "refusals") -> None:
        self._window = window
        self._what = what
        self._lock = threading.Lock()
        #: key -> [when its window opened, events held back since]
        self._seen: OrderedDict[Hashable, list[float]] = OrderedDict()
        #: Events of dropped keys not yet reported: told with the overflow key's next line.
        self._overflow = 0

    def admit(self, key: Hashable) -> tuple[int, int, bool] | None:
        """None to hold the event back; else (held, others, full): how many like it were held back
        before it, how many of dropped or overflowing keys no line has counted yet, and whether the
        table was full (the line stands for other keys)."""
        now = time.monotonic()
        window = self._window()
        with self._lock:
            seen = self._seen
            entry = seen.get(key)
            if entry is None and len(seen) >= MAX_LIMITED_KEYS:
                while seen:
                    start, dropped = next(iter(seen.values()))
                    if now - start < window:
                        break
                    seen.popitem(last=False)
                    self._overflow += int(dropped)
                if len(seen) >= MAX_LIMITED_KEYS:
                    key = _OVERFLOW
                    entry = seen.get(key)
            if entry is not None and now - entry[0] < window:
                entry[1] += 1
                return None
            held = int(entry[1]) if entry is not None else 0
            others, self._overflow = self._overflow, 0
            seen[key] = [now, 0]
            seen.move_to_end(key)
            return held, others, key == _OVERFLOW

    def note(self, held: int, others: int, full: bool) -> str:
        """What a line adds about the events it stands for, so that no held-back event goes uncounted."""
        notes = []
        if full:
            notes.append(
                f"the log limiter is full: this line stands for other origins, {held} more held back"
            )
        elif held:
            notes.append(f"and {held} more like it in the {self._window():g} s after the last one logged")
        if others:
            notes.append(f"{others} {self._what} of other origins not logged")
        return f" ({'; '.join(notes)})" if notes else ""
