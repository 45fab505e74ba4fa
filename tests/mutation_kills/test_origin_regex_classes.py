"""A ``.`` inside a character class of ``allow_origin_regex`` is a literal dot, never warned about.

``[a-z.0-9-]`` matches a dot and nothing else in that position, so the
warning about unescaped dots between host labels must not fire for it: a
false warning tells the user to "fix" a regex that is already right. The
warning for a dot after the class has closed is pinned in
``tests/core/test_broad_patterns.py``.
"""

from __future__ import annotations

import logging

import pytest

from cors_wsgi import CORSPolicy, decide_actual


@pytest.mark.parametrize(
    "regex",
    [
        r"https://[a-z.0-9-]+\.example\.com",
        r"https://[.a-z0-9-]+\.example\.com",
        r"https://[-.a-z0-9]+\.example\.com",
    ],
)
def test_a_dot_inside_a_character_class_followed_by_a_letter_is_not_warned_about(
    regex: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="cors_wsgi"):
        policy = CORSPolicy(allow_origin_regex=regex)
    assert caplog.records == []
    assert decide_actual(policy, "https://a.b.example.com").allowed
    assert not decide_actual(policy, "https://a.b-example.com").allowed
