"""``--help`` is plain text in a terminal: no reStructuredText markup."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.cli.servers import Result

Cli = Callable[..., Result]


@pytest.mark.parametrize(
    "argv", [["--help"], ["check", "--help"], ["explain", "--help"], ["serve", "--help"]]
)
def test_help_has_no_rst_double_backticks(cli: Cli, argv: list[str]) -> None:
    result = cli(*argv)

    assert result.status == 0
    assert "usage: cors-wsgi" in result.out
    assert "``" not in result.out


def test_top_level_help_keeps_the_command_names_as_plain_words(cli: Cli) -> None:
    result = cli("--help")

    assert "check asks a live server and judges its answers as a browser does;" in result.out
