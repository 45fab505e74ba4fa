"""The tables in docs/benchmarks.rst are the rendering of the committed results, never typed by hand."""

from __future__ import annotations

from pathlib import Path

from benchmarks import tables
from benchmarks.cli import CHARTS, README, RESULTS


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


def test_readme_figures_are_the_rendering_of_the_committed_json() -> None:
    summary = tables.readme_summary(tables.load_results(RESULTS))
    assert summary is not None, "no comparison results committed"
    page = README.read_text(encoding="utf-8")
    expected = f"{tables.README_START}\n\n{summary}\n\n{tables.README_END}"
    assert expected in page, "README.rst's figures are stale: rerun python -m benchmarks --parts="


def test_readme_rewrite_replaces_only_the_marked_paragraph(tmp_path: Path) -> None:
    results = tables.load_results(RESULTS)
    readme = tmp_path / "README.rst"
    readme.write_text(f"Intro.\n\n{tables.README_START}\n\nold figures\n\n{tables.README_END}\n\nRest.\n")
    assert tables.write_readme(results, readme)
    text = readme.read_text()
    assert text.startswith(f"Intro.\n\n{tables.README_START}\n\n")
    assert text.endswith(f"\n\n{tables.README_END}\n\nRest.\n")
    assert "old figures" not in text
    assert f"{tables.readme_summary(results)}" in text
    unmarked = tmp_path / "OTHER.rst"
    unmarked.write_text("No markers.\n")
    assert not tables.write_readme(results, unmarked)
    assert unmarked.read_text() == "No markers.\n"
