"""The Python code blocks of the documentation compile, and the self-contained ones run.

The convention (also stated in docs/conf.py): every ``.. code-block:: python``
is compiled; unless it has ``:class: fragment``, it is executed, the blocks
of one page in order and in one namespace, so a page can build on its earlier
blocks. A reader can paste what runs here and get what the page promises.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import NamedTuple

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"

_BLOCK = re.compile(
    r"^(?P<indent>[ ]*)\.\. code-block:: python[ ]*\n"
    r"(?P<options>(?:(?P=indent)[ ]+:.*\n)*)"
    r"[ ]*\n"
    r"(?P<body>(?:(?:(?P=indent)[ ]+\S.*)?\n)+)",
    re.MULTILINE,
)

#: Pages that teach by running examples: each must keep at least one that runs.
PAGES_WITH_RUNNING_EXAMPLES = ("quickstart", "concepts", "cookbook", "cli", "flask", "integrations")


class Block(NamedTuple):
    line: int
    fragment: bool
    code: str


def blocks(text: str) -> list[Block]:
    """The python code blocks of an .rst text, with their line numbers."""
    return [
        Block(
            text.count("\n", 0, match.start()) + 1,
            re.search(r":class:.*\bfragment\b", match["options"]) is not None,
            textwrap.dedent(match["body"]),
        )
        for match in _BLOCK.finditer(text)
    ]


PAGES = sorted(DOCS.glob("*.rst"))


def test_the_extractor_finds_blocks_and_fragments() -> None:
    sample = (
        "Text\n\n.. code-block:: python\n   :class: fragment\n\n   app = wrap(app)\n\n"
        ".. code-block:: python\n\n   x = 1\n\n   y = x + 1\n\nAfter.\n"
    )
    assert blocks(sample) == [
        Block(3, True, "app = wrap(app)\n\n"),
        Block(8, False, "x = 1\n\ny = x + 1\n\n"),
    ]


@pytest.mark.parametrize("name", PAGES_WITH_RUNNING_EXAMPLES)
def test_teaching_pages_have_running_examples(name: str) -> None:
    assert any(not block.fragment for block in blocks((DOCS / f"{name}.rst").read_text(encoding="utf-8")))


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.stem)
def test_code_blocks_compile_and_run(page: Path) -> None:
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem.replace('-', '_')}"}
    for block in blocks(page.read_text(encoding="utf-8")):
        where = f"{page.name}:{block.line}"
        code = compile(block.code, where, "exec")
        if block.fragment:
            continue
        try:
            exec(code, namespace)
        except Exception as error:
            raise AssertionError(f"the example at {where} fails: {error!r}") from error
