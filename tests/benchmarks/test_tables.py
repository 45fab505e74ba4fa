"""The tables in docs/benchmarks.rst are the rendering of the committed results, never typed by hand."""

from __future__ import annotations

from benchmarks import tables
from benchmarks.cli import CHARTS, RESULTS


def test_committed_tables_are_the_rendering_of_the_committed_json() -> None:
    rendered = tables.render(tables.load_results(RESULTS))
    assert rendered, "no results committed"
    for name, text in rendered.items():
        committed = (CHARTS / name).read_text(encoding="utf-8")
        assert committed == text, f"{name} is stale: rerun python -m benchmarks (or its --parts)"


def test_every_table_the_page_includes_is_rendered() -> None:
    page = (CHARTS.parent.parent / "benchmarks.rst").read_text(encoding="utf-8")
    rendered = tables.render(tables.load_results(RESULTS))
    for name in rendered:
        assert f".. include:: _static/bench/{name}" in page
