"""What ``python -m build`` makes is what a user and a packager need, and PyPI will accept it.

The build runs in an isolated environment, which fetches setuptools from PyPI:
the virtualenv's own setuptools may be older than pyproject.toml requires
(PEP 639 license metadata needs 77). It builds the sdist, then the wheel from
the sdist, so a file the wheel needs but the sdist lacks fails here. It runs on
a copy of the tree, so that parallel builds never share ``build/`` or
``*.egg-info``. Skips only when ``build`` and ``twine`` (the ``release`` extra)
are not installed; .ci/run installs them.
"""

from __future__ import annotations

import email.parser
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import venv
import zipfile
from email.message import Message
from pathlib import Path

import pytest

import cors_wsgi

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("cors_wsgi", "flask_ext")
VERSION = cors_wsgi.__version__

pytest.importorskip("build", reason="build is not installed: pip install -e '.[release]'")
pytest.importorskip("twine", reason="twine is not installed: pip install -e '.[release]'")

_NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", ".nox", "build", "dist", "*.egg-info", "__pycache__", "*.pyc", ".*_cache",
    ".hypothesis", "mutants", "_build",
)  # fmt: skip


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source") / "cors-wsgi"
    shutil.copytree(ROOT, source, ignore=_NOT_SOURCES)
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, f"python -m build failed:\n{built.stdout[-4000:]}\n{built.stderr[-4000:]}"
    return out


@pytest.fixture(scope="module")
def wheel(dist: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(dist / f"cors_wsgi-{VERSION}-py3-none-any.whl")


@pytest.fixture(scope="module")
def sdist_names(dist: Path) -> set[str]:
    with tarfile.open(dist / f"cors_wsgi-{VERSION}.tar.gz") as sdist:
        prefix = f"cors_wsgi-{VERSION}/"
        return {name.removeprefix(prefix) for name in sdist.getnames() if name.startswith(prefix)}


@pytest.fixture(scope="module")
def metadata(wheel: zipfile.ZipFile) -> Message:
    text = wheel.read(f"cors_wsgi-{VERSION}.dist-info/METADATA").decode()
    return email.parser.Parser().parsestr(text)


def _sources(package: str) -> set[str]:
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / package).rglob("*.py")}


def test_the_wheel_holds_both_packages_typed_and_nothing_else(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for package in PACKAGES:
        assert _sources(package) <= names, f"{package} modules missing from the wheel"
        assert f"{package}/py.typed" in names
    top_level = {name.split("/")[0] for name in names}
    assert top_level == {*PACKAGES, f"cors_wsgi-{VERSION}.dist-info"}
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_the_wheel_declares_python_license_urls_and_entry_points(
    wheel: zipfile.ZipFile, metadata: Message
) -> None:
    assert metadata["Name"] == "cors-wsgi"
    assert metadata["Version"] == VERSION
    assert metadata["Requires-Python"] == ">=3.11"
    assert metadata["License-Expression"] == "MIT"
    assert f"cors_wsgi-{VERSION}.dist-info/licenses/LICENSE" in wheel.namelist()
    assert metadata["Description-Content-Type"] == "text/x-rst"
    assert metadata["Requires-Dist"] is None or all(
        "extra ==" in requirement for requirement in metadata.get_all("Requires-Dist", [])
    ), "the core must install with no dependencies"
    urls = dict(url.split(", ", 1) for url in metadata.get_all("Project-URL", []))
    assert {"Homepage", "Documentation", "Source", "Changelog", "Issues"} <= set(urls)
    entry_points = wheel.read(f"cors_wsgi-{VERSION}.dist-info/entry_points.txt").decode()
    assert "cors-wsgi = cors_wsgi.cli:main" in entry_points
    assert "cors = cors_wsgi.paste:filter_factory" in entry_points


def test_the_python_classifiers_are_the_versions_nox_tests(metadata: Message) -> None:
    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    tested = re.search(r"^PYTHONS = \[(.*)\]$", noxfile, re.MULTILINE)
    assert tested is not None
    declared = {
        c.rsplit(" :: ", 1)[1]
        for c in metadata.get_all("Classifier", [])
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    }
    assert declared == set(re.findall(r'"(3\.\d+)"', tested[1]))
    assert min(declared, key=lambda v: tuple(map(int, v.split(".")))) == "3.11"  # requires-python


def test_the_sdist_holds_sources_tests_docs_and_release_files(sdist_names: set[str]) -> None:
    expected = {
        "pyproject.toml",
        "README.rst",
        "LICENSE",
        "CHANGELOG.rst",
        "Makefile",
        "constraints.txt",
        "noxfile.py",
        "docs/conf.py",
        "docs/index.rst",
        "examples/flask_app.py",
        "benchmarks/__init__.py",
        *_sources("cors_wsgi"),
        *_sources("flask_ext"),
        *(p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").rglob("test_*.py")),
    }
    assert not sorted(expected - sdist_names)
    junk = [n for n in sdist_names if "__pycache__" in n or n.endswith(".pyc") or n.startswith("docs/_build")]
    assert not junk


def test_twine_accepts_both(dist: Path) -> None:
    files = sorted(str(path) for path in dist.iterdir())
    assert len(files) == 2
    check = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *files], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_version_is_defined_once() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "cors_wsgi.__version__"}
    for package in PACKAGES:
        for module in _sources(package):
            text = (ROOT / module).read_text(encoding="utf-8")
            if module != "cors_wsgi/__init__.py":
                assert not re.search(r"^__version__\s*=", text, re.MULTILINE), module
    assert f"\n{VERSION} (" in (ROOT / "CHANGELOG.rst").read_text(encoding="utf-8")


def test_the_wheel_installs_and_runs_without_dependencies(dist: Path, tmp_path: Path) -> None:
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    wheel_file = dist / f"cors_wsgi-{VERSION}-py3-none-any.whl"
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-index", str(wheel_file)], check=True, timeout=300
    )
    probe = (
        "import importlib.resources, cors_wsgi; "
        "assert importlib.resources.files('cors_wsgi').joinpath('py.typed').is_file(); "
        "print(cors_wsgi.__version__)"
    )
    shown = subprocess.run([python, "-c", probe], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert shown.stdout.strip() == VERSION
    version = subprocess.run(
        [env / "bin" / "cors-wsgi", "--version"], capture_output=True, text=True, cwd=tmp_path
    )
    assert version.returncode == 0
    assert VERSION in version.stdout + version.stderr
