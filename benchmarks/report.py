"""Machine facts, the targets checked on the results, and writing them out."""

from __future__ import annotations

import dataclasses
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from .measure import ROOT
from .variants import FLOORS

#: Relative slack for "flat": a larger configuration may cost at most this much more.
FLAT_TOLERANCE = 0.05

#: Most of flask-cors's added cost that flask_ext may add.
FLASK_FACTOR = 0.05

#: Least share of the bare app's requests per second that cors_wsgi keeps under a real server.
SERVER_SHARE = 0.97

_PACKAGES = ("cors-wsgi", "wsgicors", "flask", "flask-cors", "werkzeug", "gunicorn", "matplotlib")


@dataclasses.dataclass(frozen=True)
class Target:
    name: str
    passed: bool | None
    """None: not measured in this run."""
    detail: str

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: "SKIP"}[self.passed]


def machine() -> dict[str, Any]:
    """The CPU, cores, Python, package versions and commit the numbers come from."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions: dict[str, str | None] = {}
    for package in _PACKAGES:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "versions": versions,
        "commit": _git("rev-parse", "HEAD"),
        "tree_dirty": bool(_git("status", "--porcelain", "--", "cors_wsgi", "flask_ext", "benchmarks")),
        "valgrind": _tool_version(["valgrind", "--version"]),
        "wrk": _tool_version(["wrk", "--version"]),
    }


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _tool_version(command: list[str]) -> str | None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except OSError:
        return None
    return (done.stdout or done.stderr).splitlines()[0].strip() if (done.stdout or done.stderr) else None


def _added(entry: dict[str, float]) -> tuple[float, str]:
    """The added cost to judge by: instructions when counted, else wall time."""
    if "added_instructions" in entry:
        return entry["added_instructions"], "instructions"
    return entry["added_ns"], "ns (wall time, noisy)"


def _cost(point: dict[str, float]) -> tuple[float, str]:
    if "instructions" in point:
        return point["instructions"], "instructions"
    return point["median_ns"], "ns (wall time, noisy)"


#: The parts that measure an adapter against its peer: the peer's key and the target's name.
ADAPTER_PEERS = {
    "asgi": ("starlette", "ASGI adapter adds <= Starlette's CORSMiddleware"),
    "django": ("django_cors_headers", "Django middleware adds <= django-cors-headers"),
}


def targets(
    comparisons: dict[str, Any],
    curves: dict[str, Any] | None,
    server: dict[str, Any] | None = None,
    adapters: dict[str, dict[str, dict[str, float]]] | None = None,
) -> list[Target]:
    """The targets of the core and Flask issues, judged on this run's numbers."""
    found: list[Target] = []
    wsgi = comparisons.get("wsgi", {})
    for scenario in wsgi.get("scenarios", {}):
        found.append(_at_most(wsgi, scenario, 1.0, f"core adds <= wsgicors ({scenario})"))
    flask = comparisons.get("flask", {})
    for scenario in flask.get("scenarios", {}):
        name = f"flask_ext adds <= {FLASK_FACTOR:g} x flask-cors ({scenario})"
        found.append(_at_most(flask, scenario, FLASK_FACTOR, name))
        if scenario.startswith("preflight"):
            found.append(_cheaper_than_baseline(flask, scenario))
    if curves is not None:
        found += [
            _flat(curves, "exact_origins", "core", 2, "10,000 exact origins cost the same as 2"),
            _flat(curves, "subdomain_patterns", "core", 1, "1,000 subdomain patterns cost the same as 1"),
            _flat(curves, "resource_patterns", "flask_ext", 1, "600 resource patterns cost the same as 1"),
            _flat(curves, "acrh_bytes", "core", 64 * 1024, "a 1 MiB ACRH adds no more than 64 KiB"),
        ]
    if server is not None:
        found += [_keeps_throughput(server, scenario) for scenario in server.get("scenarios", ())]
    for part, measured in (adapters or {}).items():
        peer, title = ADAPTER_PEERS[part]
        for scenario, added in measured.items():
            ours, theirs = added["cors_wsgi"], added[peer]
            detail = f"cors_wsgi {ours:+,.0f} vs {peer} {theirs:+,.0f} instructions per request (over none)"
            if ours > 0 and theirs > 0:
                detail += f" ({ours / theirs:.2f} x)"
            found.append(Target(f"{title} ({scenario})", ours <= theirs, detail))
    return found


def _at_most(comparison: dict[str, Any], scenario: str, factor: float, name: str) -> Target:
    measured = comparison.get("scenarios", {}).get(scenario, {})
    ours, peer = comparison.get("ours"), comparison.get("peer")
    if ours not in measured or peer not in measured:
        skipped = comparison.get("skipped", {})
        return Target(name, None, "; ".join(f"{k}: {v}" for k, v in skipped.items()) or "not measured")
    (mine, unit), (theirs, _) = _added(measured[ours]), _added(measured[peer])
    detail = f"{ours} +{mine:,.0f} vs {peer} +{theirs:,.0f} {unit} per request over {comparison['baseline']}"
    if theirs > 0:
        detail += f" ({mine / theirs:.2f} x)"
    floors = [f"{floor} +{_added(measured[floor])[0]:,.0f}" for floor in FLOORS if floor in measured]
    if floors:
        detail += "; floors " + ", ".join(floors)
    return Target(name, mine <= theirs * factor, detail)


def _cheaper_than_baseline(comparison: dict[str, Any], scenario: str) -> Target:
    """flask_ext answers a preflight before Flask routes it: it must cost less than Flask's own answer."""
    name = f"flask_ext answers cheaper than plain Flask ({scenario})"
    measured = comparison.get("scenarios", {}).get(scenario, {})
    ours, baseline = comparison.get("ours"), comparison.get("baseline")
    if ours not in measured or baseline not in measured:
        return Target(name, None, "not measured")
    (mine, unit), (plain, _) = _cost(measured[ours]), _cost(measured[baseline])
    return Target(name, mine < plain, f"{ours} {mine:,.0f} vs {baseline} {plain:,.0f} {unit} per request")


def _keeps_throughput(server: dict[str, Any], scenario: str) -> Target:
    """Median requests per second of cors_wsgi against the bare app's, paired by round."""
    name = f"core keeps >= {SERVER_SHARE:g} x the bare app's requests/s under gunicorn ({scenario})"
    runs = server["scenarios"][scenario]
    if "core" not in runs or "bare" not in runs:
        return Target(name, None, "not measured")
    core, bare = runs["core"]["median_rps"], runs["bare"]["median_rps"]
    share = runs["core"]["median_share_of_bare"]
    detail = f"core {core:,.0f} vs bare {bare:,.0f} req/s (medians); paired share {share:.3f}"
    return Target(name, share >= SERVER_SHARE, detail)


def _point_cost(point: dict[str, float]) -> tuple[float, str]:
    """What a scaling point costs us: over the bare app when it was measured too, else in all."""
    if "added_instructions" in point:
        return point["added_instructions"], "instructions over the bare app"
    return _cost(point)


def _flat(curves: dict[str, Any], curve: str, variant: str, reference: int, name: str) -> Target:
    data = curves.get(curve, {})
    series = data.get("variants", {}).get(variant)
    counts = data.get("counts", [])
    if not series or reference not in counts:
        return Target(name, None, data.get("skipped", "not measured"))
    index, largest = counts.index(reference), len(counts) - 1
    verdicts, details = [], []
    for scenario, points in series.items():
        (small, unit), (large, _) = _point_cost(points[index]), _point_cost(points[largest])
        verdicts.append(large <= small * (1 + FLAT_TOLERANCE))
        details.append(
            f"{scenario}: {large:,.0f} at {counts[largest]:,} vs {small:,.0f} at {reference:,} {unit}"
        )
    return Target(name, all(verdicts), "; ".join(details))


def write(directory: Path, name: str, payload: dict[str, Any], meta: dict[str, Any]) -> Path:
    """``directory/name.json`` with the machine facts and the command."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json"
    document = {"meta": meta, name: payload}
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def command_line() -> str:
    return " ".join([Path(sys.executable).name, "-m", "benchmarks", *sys.argv[1:]])
