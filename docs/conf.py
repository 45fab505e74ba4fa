"""Sphinx configuration for the cors-wsgi documentation.

Built with warnings as errors (``make docs``, and ``tests/release/test_docs_build.py``).
Nothing here needs the network: no intersphinx, no remote images.

Code samples: every ``.. code-block:: python`` in these pages is compiled by
``tests/release/test_docs_examples.py`` and, unless it carries
``:class: fragment``, executed too, each block in a fresh namespace. A fragment
is code that needs something the page only implies (your app, a database, a
package we do not install). Literal ``::`` blocks (shell sessions, ini files,
output) are not checked.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))

import cors_wsgi  # noqa: E402  (needs the path above when the package is not installed)

project = "cors-wsgi"
author = "cors-wsgi developers"
copyright = "cors-wsgi developers"
version = release = cors_wsgi.__version__

extensions = ["sphinx.ext.autodoc"]
exclude_patterns = ["_build"]

# Types in the description, not the signature: the aliases there (WSGIApp,
# OriginEntry, ...) have no page of their own, and nitpicky stays off.
autodoc_typehints = "description"
autodoc_member_order = "bysource"
# flask_ext is documented without Flask installed: `make docs` installs only the docs extra.
autodoc_mock_imports = ["flask", "werkzeug"]
nitpicky = False

html_theme = "furo"
html_title = f"cors-wsgi {release}"


def _without_missing_benchmarks(app: Sphinx, docname: str, source: list[str]) -> None:
    """Drop ``benchmarks`` from the index's toctree while that page is not written yet.

    docs/benchmarks.rst and its charts come from ``make bench``; until they are
    committed the build must still pass with -W, and once they are it lists them.
    """
    if docname == "index" and not (DOCS / "benchmarks.rst").exists():
        source[0] = source[0].replace("\n   benchmarks\n", "\n")


def setup(app: Sphinx) -> None:
    app.connect("source-read", _without_missing_benchmarks)
