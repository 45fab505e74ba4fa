"""``python -m benchmarks``: measure, check the targets, write JSON and charts.

Parts: ``comparison`` (bare vs ours vs peer, both stacks), ``scaling``,
``server`` (gunicorn + wrk), ``report_only`` (what a report-only
candidate adds, WSGI and ASGI), ``asgi`` (the ASGI adapter against
Starlette's CORSMiddleware) and ``django`` (cors_wsgi.django against
django-cors-headers); the last three are instruction counts only.
``--quick`` measures wall time only, skips the server and writes nothing
unless ``--output`` is given; it finishes within a minute.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import asgi, django, report, report_only, tables
from .measure import LAYOUTS, ROOT, callgrind_available
from .server import server_suite
from .suites import Settings, comparison, scaling

PARTS = ("comparison", "scaling", "server", "report_only", "asgi", "django")
#: Parts measured in instructions only: skipped without callgrind.
CALLGRIND_ONLY = ("report_only", "asgi", "django")
RESULTS = ROOT / "benchmarks" / "results"
CHARTS = ROOT / "docs" / "_static" / "bench"
README = ROOT / "README.rst"


def run_parts(
    settings: Settings,
    parts: tuple[str, ...],
    server_duration: int = 5,
    done: Callable[[str, Any], None] | None = None,
    earlier: dict[str, Any] | None = None,
    server_rounds: int = 5,
) -> dict[str, Any]:
    """Every requested part's results, and the targets judged on them.

    ``done`` sees each part as soon as it is measured (a long run keeps what
    it finished); ``earlier`` supplies parts measured by a previous run.
    """
    suites: dict[str, Callable[[], Any]] = {
        "comparison": lambda: {stack: comparison(settings, stack) for stack in ("wsgi", "flask")},
        "scaling": lambda: scaling(settings),
        "server": lambda: server_suite(duration=server_duration, rounds=server_rounds),
        "report_only": lambda: report_only.measure(jobs=settings.jobs),
        "asgi": lambda: asgi.measure(jobs=settings.jobs),
        "django": lambda: django.measure(jobs=settings.jobs),
    }
    results: dict[str, Any] = {}
    for part in parts:
        results[part] = suites[part]()
        if done is not None:
            done(part, results[part])
    known = {**(earlier or {}), **results}
    if {"comparison", "scaling", "server", *report.ADAPTER_PEERS} & set(known):
        adapters = {part: known[part] for part in report.ADAPTER_PEERS if part in known}
        judged = report.targets(
            known.get("comparison", {}), known.get("scaling"), known.get("server"), adapters
        )
        results["targets"] = [dataclasses.asdict(t) | {"verdict": t.verdict} for t in judged]
        if done is not None:
            done("targets", results["targets"])
    return results


def draw(results: dict[str, Any], directory: Path) -> list[Path]:
    """The SVG charts of whatever was measured."""
    from . import charts

    drawn = []
    for stack, title in (("wsgi", "WSGI middleware"), ("flask", "Flask extension")):
        if stack in results.get("comparison", {}):
            path = directory / f"comparison_{stack}.svg"
            drawn.append(charts.comparison_chart(results["comparison"][stack], path, title))
    if "scaling" in results:
        drawn.append(charts.scaling_chart(results["scaling"], directory / "scaling.svg"))
    if "server" in results:
        drawn.append(charts.server_chart(results["server"], directory / "server.svg"))
    return [path for path in drawn if path is not None]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="wall time only, small counts, no server")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated subset of {PARTS}")
    parser.add_argument("--no-callgrind", action="store_true", help="skip instruction counts")
    parser.add_argument("--no-charts", action="store_true", help="do not draw the SVG charts")
    parser.add_argument("--jobs", type=int, default=2, help="valgrind processes at a time")
    parser.add_argument("--server-duration", type=int, default=5, help="seconds of each wrk run")
    parser.add_argument("--server-rounds", type=int, default=5, help="interleaved rounds of the server suite")
    parser.add_argument("--output", type=Path, help=f"where the JSON goes (default {RESULTS})")
    parser.add_argument("--charts-dir", type=Path, default=CHARTS)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    parts = tuple(p.strip() for p in args.parts.split(",") if p.strip())
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise SystemExit(f"unknown parts {sorted(unknown)}: choose from {PARTS}")
    settings = Settings.quick(args.jobs) if args.quick else Settings.full(args.jobs)
    if args.quick:
        parts = tuple(p for p in parts if p != "server")
    if settings.callgrind and (args.no_callgrind or not callgrind_available()):
        print("instruction counts skipped:", "--no-callgrind" if args.no_callgrind else "valgrind not found")
        settings = dataclasses.replace(settings, callgrind=False)
    if not settings.callgrind:
        for part in set(parts) & set(CALLGRIND_ONLY):
            print(f"{part} skipped: it is measured in instructions only")
        parts = tuple(p for p in parts if p not in CALLGRIND_ONLY)
    output = args.output if args.output is not None else (None if args.quick else RESULTS)
    started = time.monotonic()
    machine = report.machine()

    def done(part: str, payload: Any) -> None:
        _print({part: payload})
        if output is not None:
            meta = machine | {
                "command": report.command_line(),
                "settings": dataclasses.asdict(settings),
                "heap_layouts": list(LAYOUTS),
                "seconds_so_far": round(time.monotonic() - started, 1),
            }
            print("wrote", report.write(output, part, payload, meta), flush=True)

    earlier = _earlier(output, parts) if output is not None else {}
    results = run_parts(settings, parts, args.server_duration, done, earlier, args.server_rounds)
    if output is not None:
        # From the JSON just written, so that the committed tables are its rendering.
        written = tables.load_results(output)
        for path in tables.write(written, args.charts_dir):
            print("wrote", path)
        if output == RESULTS and tables.write_readme(written, README):
            print("wrote", README)
    if not (args.no_charts or args.quick):
        if _has_matplotlib():
            for path in draw({**earlier, **results}, args.charts_dir):
                print("drew", path)
        else:
            print("charts skipped: matplotlib is not installed (pip install -e '.[bench]')")
    return 0


def _earlier(directory: Path, parts: tuple[str, ...]) -> dict[str, Any]:
    """Parts not run now but written by an earlier run, for the targets and charts."""
    found = {}
    for part in PARTS:
        path = directory / f"{part}.json"
        if part not in parts and path.exists():
            found[part] = json.loads(path.read_text(encoding="utf-8"))[part]
            print(f"using {part} from {path}")
    return found


def _has_matplotlib() -> bool:
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


def _print(results: dict[str, Any]) -> None:
    for stack, data in results.get("comparison", {}).items():
        print(f"\n== {stack}: added cost per request over {data['baseline']} ==")
        for variant, reason in data.get("skipped", {}).items():
            print(f"  {variant} skipped: {reason}")
        for scenario, measured in data["scenarios"].items():
            cells = []
            for variant, values in measured.items():
                cell = f"{variant} {values['median_ns']:,.0f} ns (+{values['added_ns']:,.0f})"
                if "instructions" in values:
                    cell += f" {values['instructions']:,.0f} instr (+{values['added_instructions']:,.0f})"
                cells.append(cell)
            print(f"  {scenario:10} " + " | ".join(cells))
        for scenario, ratios in data.get("ratios", {}).items():
            shown = ", ".join(f"{k} {v:.2f}" for k, v in ratios.items())
            print(f"  ratio {data['ours']}/{data['peer']} {scenario}: {shown}")
    for curve, data in results.get("scaling", {}).items():
        if "skipped" in data:
            print(f"\n== scaling {curve}: skipped: {data['skipped']}")
            continue
        print(f"\n== scaling {curve}: {data['counts']} ==")
        for variant, series in data["variants"].items():
            for scenario, points in series.items():
                values = [p.get("instructions", p["median_ns"]) for p in points]
                unit = "instr" if "instructions" in points[0] else "ns"
                print(f"  {variant} {scenario}: " + ", ".join(f"{v:,.0f}" for v in values) + f" {unit}")
    server = results.get("server")
    if server is not None:
        print(f"\n== server (gunicorn sync workers, wrk, {server.get('rounds', 0)} interleaved rounds) ==")
        if "skipped" in server and "scenarios" not in server:
            print("  skipped:", server["skipped"])
        for scenario, by_variant in server.get("scenarios", {}).items():
            for variant, v in by_variant.items():
                share = v.get("median_share_of_bare")
                print(
                    f"  {scenario:10} {variant:10} median {v['median_rps']:,.0f} req/s"
                    f" ({v['min_rps']:,.0f}-{v['max_rps']:,.0f})"
                    + ("" if share is None else f", {share:.3f} x bare")
                    + f", p99 {v['median_p99_ms']:.2f} ms"
                )
    for stack, scenarios in results.get("report_only", {}).items():
        _print_added(f"report_only, {stack}", scenarios)
    for part in ("asgi", "django"):
        if part in results:
            _print_added(part, results[part])
    if "targets" in results:
        print("\n== targets ==")
        for target in results["targets"]:
            print(f"  {target['verdict']} {target['name']}: {target['detail']}")
    print(end="", flush=True)


def _print_added(title: str, scenarios: dict[str, dict[str, float]]) -> None:
    """Instructions each variant adds per request over the bare app, a line per scenario."""
    print(f"\n== {title}: instructions added per request over the bare app ==")
    for scenario, added in scenarios.items():
        shown = "  ".join(f"{variant} {count:+,.0f}" for variant, count in added.items())
        print(f"  {scenario:10} {shown}")
