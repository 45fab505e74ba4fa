"""The tables of docs/benchmarks.rst, rendered from the results JSON (never typed by hand).

``python -m benchmarks`` writes them next to the charts as ``*.inc`` files
that the page includes; ``tests/benchmarks/test_tables.py`` checks that the
committed files are the rendering of the committed JSON.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .variants import FLOORS

RESULT_PARTS = ("comparison", "scaling", "server", "targets", "report_only", "asgi", "django")

_NAMES = {
    "core": "cors_wsgi",
    "wsgicors": "wsgicors",
    "flask_ext": "flask_ext",
    "flask_cors": "flask-cors",
    "bare": "bare app",
    "plain": "plain Flask",
    "pass_floor": "pass-through function",
    "vary_fn_floor": "Vary-only function",
    "vary_floor": "Vary-only class",
}


def load_results(directory: Path) -> dict[str, Any]:
    """Every part found in ``directory`` (``comparison.json`` ...), without its ``meta``."""
    found: dict[str, Any] = {}
    for part in RESULT_PARTS:
        path = directory / f"{part}.json"
        if path.exists():
            found[part] = json.loads(path.read_text(encoding="utf-8"))[part]
    return found


def render(results: dict[str, Any]) -> dict[str, str]:
    """File name -> reStructuredText, for every table the results allow."""
    tables: dict[str, str] = {}
    comparison = results.get("comparison", {})
    if comparison.get("wsgi", {}).get("scenarios"):
        tables["comparison_wsgi.inc"] = _wsgi(comparison["wsgi"])
    if comparison.get("flask", {}).get("scenarios"):
        tables["comparison_flask.inc"] = _flask(comparison["flask"])
    if "scaling" in results:
        tables["scaling.inc"] = _scaling(results["scaling"])
    if results.get("server", {}).get("scenarios"):
        tables["server.inc"] = _server(results["server"])
    if "targets" in results:
        tables["targets.inc"] = _targets(results["targets"])
    if "report_only" in results:
        tables["report_only.inc"] = _report_only(results["report_only"])
    if "asgi" in results:
        tables["asgi.inc"] = _against_peer(results["asgi"], "starlette", "Starlette")
    if "django" in results:
        tables["django.inc"] = _against_peer(results["django"], "django_cors_headers", "django-cors-headers")
    return tables


def write(results: dict[str, Any], directory: Path) -> list[Path]:
    """Write every table of ``results`` into ``directory``."""
    written = []
    for name, text in render(results).items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


#: The README paragraph ``python -m benchmarks`` rewrites, between these two comment lines.
README_START = ".. The next paragraph is written by python -m benchmarks from benchmarks/results."
README_END = ".. End of the paragraph written by python -m benchmarks."


def readme_summary(results: dict[str, Any]) -> str | None:
    """The README's paragraph of figures, from the comparison results (None when they are missing)."""
    comparison = results.get("comparison", {})
    try:
        wsgi = comparison["wsgi"]["scenarios"]
        flask = comparison["flask"]["scenarios"]

        def added(scenarios: dict[str, Any], scenario: str, variant: str) -> str:
            value = float(scenarios[scenario][variant]["added_instructions"])
            return f"{value / 1000:.1f}k" if value < 100_000 else f"{value / 1000:.0f}k"

        preflights = sorted(
            (wsgi[name]["core"]["added_instructions"], added(wsgi, name, "core"))
            for name in ("preflight", "preflight_acrh2", "preflight_no_acrh")
        )
        text = (
            "In the committed run (``benchmarks/results/``, fresh strings per request as a server "
            "decodes them, the median of five heap layouts), cors_wsgi adds "
            f"{added(wsgi, 'allowed', 'core')} instructions to an allowed request (wsgicors "
            f"{added(wsgi, 'allowed', 'wsgicors')}), {preflights[0][1]} to {preflights[-1][1]} to a "
            f"preflight ({added(wsgi, 'preflight', 'wsgicors')}) and {added(wsgi, 'refused', 'core')} "
            f"to a refused origin ({added(wsgi, 'refused', 'wsgicors')}). A request without "
            f"``Origin`` costs {added(wsgi, 'no_origin', 'core')} (wsgicors "
            f"{added(wsgi, 'no_origin', 'wsgicors')}, which leaves out the ``Vary: Origin`` shared "
            f"caches need; a class that only adds that header costs "
            f"{added(wsgi, 'no_origin', 'vary_floor')}), and a flood of distinct refused origins "
            f"{added(wsgi, 'refused_flood', 'core')} ({added(wsgi, 'refused_flood', 'wsgicors')}). "
            f"flask_ext adds {added(flask, 'allowed', 'flask_ext')} to an allowed Flask request where "
            f"flask-cors adds {added(flask, 'allowed', 'flask_cors')}, and answers preflights before "
            "Flask routes them."
        )
    except KeyError:
        return None
    return textwrap.fill(text, width=78, break_on_hyphens=False)


def write_readme(results: dict[str, Any], readme: Path) -> bool:
    """Rewrite the README's paragraph of figures; False when the results or the markers are missing."""
    summary = readme_summary(results)
    page = readme.read_text(encoding="utf-8")
    if summary is None or README_START not in page or README_END not in page:
        return False
    before, rest = page.split(README_START, 1)
    after = rest.split(README_END, 1)[1]
    readme.write_text(f"{before}{README_START}\n\n{summary}\n\n{README_END}{after}", encoding="utf-8")
    return True


def _list_table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: str = "auto") -> str:
    lines = [".. list-table::", "   :header-rows: 1", f"   :widths: {widths}", ""]
    for row in [header, *rows]:
        lines.append(f"   * - {row[0]}")
        lines += [f"     - {cell}" for cell in row[1:]]
    return "\n".join(lines) + "\n"


def _instructions(entry: dict[str, float] | None, key: str = "added_instructions") -> str:
    if entry is None or key not in entry:
        return "n/a"
    return f"{entry[key]:+,.0f}" if key.startswith("added") else f"{entry[key]:,.0f}"


def _ratio(ours: dict[str, float] | None, peer: dict[str, float] | None) -> str:
    if not ours or not peer or peer.get("added_instructions", 0) <= 0 or "added_instructions" not in ours:
        return "n/a"
    return f"{ours['added_instructions'] / peer['added_instructions']:.2f}"


def _wsgi(data: dict[str, Any]) -> str:
    """Added instructions per request of cors_wsgi, wsgicors and the floors, per scenario."""
    floors = [floor for floor in FLOORS if any(floor in m for m in data["scenarios"].values())]
    return _side_by_side(
        data,
        ["cors_wsgi", "wsgicors", *(_NAMES[f] for f in floors), "bare app"],
        lambda measured, ours: [_instructions(measured.get(f)) for f in floors],
    )


def _flask(data: dict[str, Any]) -> str:
    """Added instructions of flask_ext and flask-cors; flask_ext's and plain Flask's whole cost."""
    return _side_by_side(
        data,
        ["flask_ext", "flask-cors", "flask_ext (whole)", "plain Flask (whole)"],
        lambda measured, ours: [_instructions(ours, "instructions")],
    )


def _side_by_side(
    data: dict[str, Any],
    names: Sequence[str],
    extra: Callable[[dict[str, Any], dict[str, float] | None], list[str]],
) -> str:
    """Per scenario: ours, the peer and their ratio, the ``extra`` columns, the baseline's whole cost.

    ``names`` are the column titles after "scenario": ours, the peer, then the extra and baseline ones.
    """
    header = ["scenario", names[0], names[1], "ratio", *names[2:]]
    rows = []
    for scenario, measured in data["scenarios"].items():
        ours, peer = measured.get(data["ours"]), measured.get(data["peer"])
        rows.append(
            [
                f"``{scenario}``",
                _instructions(ours),
                _instructions(peer),
                _ratio(ours, peer),
                *extra(measured, ours),
                _instructions(measured.get(data["baseline"]), "instructions"),
            ]
        )
    return _list_table(header, rows)


def _scaling(curves: dict[str, Any]) -> str:
    """Instructions per request (whole, over a bare app) at each size of each curve."""
    rows = []
    for curve, data in curves.items():
        if "skipped" in data:
            rows.append([curve.replace("_", " "), "skipped", data["skipped"], ""])
            continue
        counts = ", ".join(f"{n:,}" for n in data["counts"])
        for variant, series in data["variants"].items():
            for scenario, points in series.items():
                values = ", ".join(_instructions(p, "instructions") for p in points)
                rows.append(
                    [
                        curve.replace("_", " "),
                        f"{_NAMES.get(variant, variant)}, ``{scenario}``",
                        counts,
                        values,
                    ]
                )
    return _list_table(["curve", "variant and request", "sizes", "instructions per request"], rows)


def _server(server: dict[str, Any]) -> str:
    """Median requests per second of each variant, its spread, and its paired share of the bare app's."""
    header = ["request", "variant", "median req/s", "min - max", "share of bare", "median p99 (ms)"]
    rows = []
    for scenario, by_variant in server["scenarios"].items():
        for variant, entry in by_variant.items():
            share = entry.get("median_share_of_bare")
            rows.append(
                [
                    f"``{scenario}``",
                    _NAMES.get(variant, variant),
                    f"{entry['median_rps']:,.0f}",
                    f"{entry['min_rps']:,.0f} - {entry['max_rps']:,.0f}",
                    "n/a" if share is None else f"{share:.3f}",
                    f"{entry['median_p99_ms']:.2f}",
                ]
            )
    return _list_table(header, rows)


def _targets(targets: list[dict[str, Any]]) -> str:
    rows = [[target["verdict"], target["name"], target["detail"]] for target in targets]
    return _list_table(["verdict", "target", "measured"], rows, "8 30 62")


def _report_only(data: dict[str, Any]) -> str:
    """Instructions added per request without a candidate, with one that agrees, and one that differs."""
    variants = ("enforced", "report_same", "report_differs")
    rows = [
        [stack.upper(), f"``{scenario}``", *(f"{added[variant]:+,}" for variant in variants)]
        for stack, scenarios in data.items()
        for scenario, added in scenarios.items()
    ]
    header = ["adapter", "request", "no report_only", "candidate agrees", "candidate differs"]
    return _list_table(header, rows)


def _against_peer(data: dict[str, dict[str, float]], peer: str, title: str) -> str:
    """Instructions an adapter and its peer add per request; a ratio only when both add."""
    rows = []
    for scenario, added in data.items():
        ours, theirs = added["cors_wsgi"], added[peer]
        ratio = f"{ours / theirs:.2f}" if ours > 0 and theirs > 0 else "n/a"
        rows.append([f"``{scenario}``", f"{ours:+,.0f}", f"{theirs:+,.0f}", ratio])
    return _list_table(["request", "cors_wsgi", title, "ratio"], rows)
