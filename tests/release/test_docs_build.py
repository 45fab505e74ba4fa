"""The documentation builds with warnings as errors, and the API page covers the public API.

``make docs`` builds the same way; this test makes ``make test`` catch a broken
build too. It skips only when Sphinx is not installed (the ``docs`` extra);
.ci/run installs that extra before ``make test``, so in CI it always runs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import cors_wsgi
import flask_ext

ROOT = Path(__file__).resolve().parents[2]

pytest.importorskip("sphinx", reason="Sphinx is not installed: pip install -e '.[docs]' (make docs does)")


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html")
    build = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", "docs", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, f"sphinx-build -W failed:\n{build.stdout}\n{build.stderr}"
    return out


def test_every_page_is_built(html: Path) -> None:
    sources = {page.stem for page in (ROOT / "docs").glob("*.rst")}
    built = {page.stem for page in html.glob("*.html")}
    assert sources <= built


def test_the_api_page_documents_every_public_name(html: Path) -> None:
    api = (html / "api.html").read_text(encoding="utf-8")
    anchors = {f'id="cors_wsgi.{name}"' for name in cors_wsgi.__all__ if name != "reasons"}
    anchors |= {'id="module-cors_wsgi.reasons"', 'id="cors_wsgi.cache.ttl_cache"'}
    anchors |= {f'id="flask_ext.{name}"' for name in flask_ext.__all__ if name != "ConfigError"}
    missing = sorted(anchor for anchor in anchors if anchor not in api)
    assert not missing, f"not in docs/api.rst: {missing}"


def test_the_version_shown_is_the_package_version(html: Path) -> None:
    assert f"cors-wsgi {cors_wsgi.__version__}" in (html / "index.html").read_text(encoding="utf-8")
