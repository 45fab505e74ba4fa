"""SVG charts of the results for docs/benchmarks.rst (matplotlib, Agg backend)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from .variants import FLOOR

# Stable ids and no date: a re-run with the same numbers gives the same file.
plt.rcParams["svg.hashsalt"] = "cors-wsgi-bench"
_METADATA = {"Date": None}

_LABELS = {
    "core": "cors_wsgi",
    "wsgicors": "wsgicors 0.7",
    "flask_ext": "flask_ext",
    "flask_cors": "flask-cors 6",
    "bare": "bare WSGI app",
    "vary_floor": "Vary-only class (floor)",
    "vary_fn_floor": "Vary-only function (floor)",
    "pass_floor": "pass-through function (floor)",
    "plain": "plain Flask",
}


def _metric(entry: dict[str, float], counted: str, timed: str) -> tuple[float, str]:
    if counted in entry:
        return entry[counted], "CPU instructions per request (callgrind)"
    return entry[timed], "ns per request (median wall time)"


def comparison_chart(comparison: dict[str, Any], path: Path, title: str) -> Path | None:
    """Added cost over the baseline, ours beside the peer's, per scenario."""
    scenarios = comparison.get("scenarios", {})
    floor = [FLOOR] if any(FLOOR in m for m in scenarios.values()) else []
    variants = [v for v in (comparison.get("ours"), comparison.get("peer"), *floor) if v]
    if not scenarios or not variants:
        return None
    names = list(scenarios)
    figure, axes = plt.subplots(figsize=(7, 3.6))
    width = 0.8 / len(variants)
    unit = ""
    for offset, variant in enumerate(variants):
        values = []
        for name in names:
            entry = scenarios[name].get(variant)
            value, unit = _metric(entry, "added_instructions", "added_ns") if entry else (0.0, unit)
            values.append(value)
        positions = [i + offset * width for i in range(len(names))]
        bars = axes.bar(positions, values, width, label=_LABELS.get(variant, variant))
        axes.bar_label(bars, fmt="{:,.0f}", fontsize=7)
    axes.set_xticks([i + width * (len(variants) - 1) / 2 for i in range(len(names))], names)
    axes.set_ylabel(f"added {unit.split(' per')[0]}")
    baseline = _LABELS.get(comparison["baseline"], "")
    axes.set_title(f"{title}: cost added over the {baseline} (lower is better)")
    axes.title.set_fontsize(9)
    axes.legend(fontsize=8)
    return _save(figure, path)


def scaling_chart(curves: dict[str, Any], path: Path) -> Path | None:
    """Cost per request against configuration or input size, one panel per curve."""
    panels = [(name, data) for name, data in curves.items() if "variants" in data]
    if not panels:
        return None
    figure, axes_list = plt.subplots(1, len(panels), figsize=(3.4 * len(panels), 3.4), squeeze=False)
    for axes, (name, data) in zip(axes_list[0], panels, strict=True):
        counts = data["counts"]
        unit = ""
        for variant, series in data["variants"].items():
            for scenario, points in series.items():
                values = []
                for point in points:
                    value, unit = _metric(point, "instructions", "median_ns")
                    values.append(value)
                axes.plot(counts, values, marker="o", label=f"{_LABELS.get(variant, variant)} {scenario}")
        axes.set_xscale("log")
        axes.set_ylim(bottom=0)
        axes.set_xlabel(name.replace("_", " "))
        axes.set_ylabel(unit.split(" (")[0], fontsize=8)
        axes.legend(fontsize=6)
    figure.suptitle("Cost per request as configuration or input grows (flat is the goal)", fontsize=9)
    return _save(figure, path)


def server_chart(server: dict[str, Any], path: Path) -> Path | None:
    """Median requests per second under wrk, with the rounds' spread, per scenario and variant."""
    scenarios = server.get("scenarios", {})
    if not scenarios:
        return None
    figure, axes_list = plt.subplots(1, len(scenarios), figsize=(4.6 * len(scenarios), 3.4), squeeze=False)
    for axes, (scenario, by_variant) in zip(axes_list[0], scenarios.items(), strict=True):
        variants = list(by_variant)
        medians = [by_variant[v]["median_rps"] for v in variants]
        spread = [
            [m - by_variant[v]["min_rps"] for v, m in zip(variants, medians, strict=True)],
            [by_variant[v]["max_rps"] - m for v, m in zip(variants, medians, strict=True)],
        ]
        bars = axes.barh([_LABELS.get(v, v) for v in variants], medians, xerr=spread, capsize=3)
        axes.bar_label(bars, fmt="{:,.0f}", fontsize=7, padding=8)
        axes.set_xlabel("requests per second: median, min-max (higher is better)", fontsize=8)
        axes.set_title(scenario, fontsize=9)
        axes.invert_yaxis()
    figure.suptitle(
        f"gunicorn, 2 sync workers; wrk -t{server['threads']} -c{server['connections']}, "
        f"{server['rounds']} interleaved rounds of {server['duration_s']} s",
        fontsize=9,
    )
    return _save(figure, path)


def _save(figure: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path, format="svg", metadata=_METADATA)
    plt.close(figure)
    return path
