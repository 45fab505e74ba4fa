"""What every test of the project shares."""

from __future__ import annotations

import pytest

from cors_wsgi.memo import forget_all


@pytest.fixture(autouse=True)
def _empty_memos() -> None:
    """Each test decides from scratch: a policy shared by several tests (a module constant)
    would otherwise answer later tests from its memo, so that a test could pass or fail
    by the order it runs in, and mutation testing could not tell which tests reach which code."""
    forget_all()
