"""A ``time.monotonic`` the test moves, for the log limiters' windows (refusal and report lines)."""

from __future__ import annotations

import pytest

from cors_wsgi import logs


class FakeClock:
    """``time.monotonic`` for the limiters, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(logs.time, "monotonic", fake)
    return fake
