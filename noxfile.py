"""``nox -s tests``: the test suite on every supported Python found on the machine.

Not run in CI (each session builds its own virtualenv from PyPI); run it before
a release. Interpreters that are not installed are skipped, not failed, unless
``--error-on-missing-interpreters`` is given. ``tests/release/`` checks that
PYTHONS matches the classifiers in pyproject.toml.
"""

from __future__ import annotations

import nox

#: Every Python version cors-wsgi supports (pyproject: requires-python >= 3.11).
PYTHONS = ["3.11", "3.12", "3.13"]

nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Install the test extra with the pinned versions, then run pytest (arguments pass through).

    The real-browser suite needs Chromium and Playwright's driver; without
    them those tests skip as they do elsewhere.
    """
    session.env["PIP_CONSTRAINT"] = "constraints.txt"
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", *session.posargs)
