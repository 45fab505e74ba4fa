"""A small thread-safe TTL cache for callable origin checks, such as origins kept in a database.

The check runs without the lock held, so one slow lookup never stalls the
requests of other origins; two concurrent misses for the same origin may both
run it. Refusals are cached too, so a flood of unknown origins costs one
lookup each per period, and ``maxsize`` bounds the memory they can take.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from .engine import is_async_callable
from .errors import ConfigError
from .origins import OriginCheck


class TTLCache:
    """An origin check whose answers are remembered for ``seconds``.

    Call :meth:`invalidate` when the data behind the check changes: an answer
    computed while it ran is then not stored, so nothing stale outlives it.
    """

    __slots__ = ("_check", "_clock", "_entries", "_generation", "_lock", "maxsize", "seconds")

    def __init__(
        self,
        check: OriginCheck,
        seconds: float,
        maxsize: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not callable(check):
            raise ConfigError("check", check, "is not callable", "pass a function of the origin")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds > 0:
            raise ConfigError("seconds", seconds, "must be a number > 0", "for example 60")
        if type(maxsize) is not int or maxsize < 1:
            raise ConfigError("maxsize", maxsize, "must be an int >= 1", "for example 1024")
        self._check = check
        self._clock = clock
        self.seconds = seconds
        self.maxsize = maxsize
        self._entries: OrderedDict[str, tuple[float, bool]] = OrderedDict()
        self._generation = 0
        self._lock = threading.Lock()

    def __call__(self, origin: str) -> bool:
        cached, since = self._lookup(origin)
        if cached is not None:
            return cached
        # An exception propagates uncached: the middleware refuses and logs it.
        allowed = bool(self._check(origin))
        self._store(origin, allowed, since)
        return allowed

    def _lookup(self, origin: str) -> tuple[bool | None, tuple[float, int]]:
        """The cached answer (None: ask the check) and when it was asked, for ``_store``."""
        now = self._clock()
        with self._lock:
            entry = self._entries.get(origin)
            if entry is not None and entry[0] > now:
                self._entries.move_to_end(origin)
                return entry[1], (now, self._generation)
            return None, (now, self._generation)

    def _store(self, origin: str, allowed: bool, since: tuple[float, int]) -> None:
        """Keep the answer unless an invalidation ran while the check did."""
        now, generation = since
        with self._lock:
            if generation == self._generation:
                self._entries[origin] = (now + self.seconds, allowed)
                self._entries.move_to_end(origin)
                while len(self._entries) > self.maxsize:
                    self._entries.popitem(last=False)

    def invalidate(self, origin: str | None = None) -> None:
        """Forget one origin's answer, or all of them (None)."""
        with self._lock:
            self._generation += 1
            if origin is None:
                self._entries.clear()
            else:
                self._entries.pop(origin, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __repr__(self) -> str:
        return f"ttl_cache({self._check!r}, seconds={self.seconds!r}, maxsize={self.maxsize!r})"


class AsyncTTLCache(TTLCache):
    """The cache of an ``async def`` check, for the ASGI adapter: awaiting it is the only change."""

    __slots__ = ()

    async def __call__(self, origin: str) -> bool:  # type: ignore[override]
        cached, since = self._lookup(origin)
        if cached is not None:
            return cached
        allowed = bool(await self._check(origin))  # type: ignore[misc]
        self._store(origin, allowed, since)
        return allowed


def ttl_cache(
    check: OriginCheck | Callable[[str], Awaitable[bool]],
    seconds: float = 60,
    maxsize: int = 1024,
    clock: Callable[[], float] = time.monotonic,
) -> TTLCache:
    """Wrap ``check`` (a function of a canonical origin) so each answer is reused for ``seconds``.

    ``check`` may be ``async def`` (for cors_wsgi.asgi): the cache is then awaited too.

    >>> allow_origins = [ttl_cache(origin_in_database, seconds=60)]  # doctest: +SKIP
    """
    if is_async_callable(check):
        return AsyncTTLCache(check, seconds, maxsize, clock)  # type: ignore[arg-type]
    return TTLCache(check, seconds, maxsize, clock)  # type: ignore[arg-type]
