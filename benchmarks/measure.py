"""Two measures of a request's cost: wall time of interleaved rounds, and CPU instructions.

Wall time on a shared two-core machine drifts with whatever else runs, so
every round times each case in turn (in a shuffled order) and the medians
of the rounds are compared. Instructions come from callgrind, which counts
them exactly: a process that builds the app, warms it up and sends N
requests, minus the same process sending none, divided by N.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .variants import AppSpec, Environ, Scenario, WSGIApp, run

ROOT = Path(__file__).resolve().parent.parent


@dataclasses.dataclass(frozen=True)
class Case:
    """One application answering one kind of request."""

    label: str
    spec: AppSpec
    scenario: Scenario


def wall_times(
    prepared: Sequence[tuple[str, WSGIApp, Environ, bool]], rounds: int, batch: int, seed: int = 7
) -> dict[str, list[float]]:
    """Nanoseconds per request of each label, one value per round, cases interleaved.

    Each prepared case is its label, app, environ and whether its origins are distinct.
    """
    order = list(prepared)
    shuffler = random.Random(seed)
    times: dict[str, list[float]] = {label: [] for label, _, _, _ in prepared}
    for _label, app, env, distinct in order:
        run(app, env, min(batch, 50), distinct)
    for _ in range(rounds):
        shuffler.shuffle(order)
        gc.collect()
        for label, app, env, distinct in order:
            start = time.perf_counter_ns()
            run(app, env, batch, distinct)
            times[label].append((time.perf_counter_ns() - start) / batch)
    return times


def summarize_wall(times: dict[str, list[float]], baseline: str) -> dict[str, dict[str, float]]:
    """Median per request and median added over the baseline, paired by round."""
    base = times[baseline]
    return {
        label: {
            "median_ns": statistics.median(values),
            "added_ns": statistics.median(v - b for v, b in zip(values, base, strict=True)),
        }
        for label, values in times.items()
    }


def callgrind_available() -> bool:
    return shutil.which("valgrind") is not None


#: Heap layouts each count is measured in: how many short padding variables the measured
#: process's environment holds. Python copies its environment into small objects first thing,
#: so each variable moves everything allocated after it, and with it the addresses that
#: CPython 3.11's type-attribute cache and the contextvars of a framework's request hash.
#: Whether one of our lookups then evicts one of the framework's on every request is chance:
#: the same flask_ext code measured from 8,000 to 14,700 instructions added, one layout each,
#: while the bare WSGI app's cases measured within 10 of each other. A count is the median.
LAYOUTS = (0, 1, 2, 3, 4)


def instructions(case: Case, count: int, warmup: int, layouts: Sequence[int] = LAYOUTS) -> float:
    """Instructions per request of ``case`` (callgrind, deterministic in each layout)."""
    return per_request(lambda requests, layout: _worker_total(case, warmup, requests, layout), count, layouts)


def instructions_many(
    cases: Sequence[Case], count: int, warmup: int, jobs: int, layouts: Sequence[int] = LAYOUTS
) -> dict[str, float]:
    """Instructions per request of each case, ``jobs`` valgrind processes at a time.

    Every process (case, layout, N or none) is one task, so that no worker waits while
    another finishes the last case's layouts.
    """
    runs = [
        (index, layout, requests)
        for index in range(len(cases))
        for layout in layouts
        for requests in (count, 0)
    ]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        counted = pool.map(lambda run: _worker_total(cases[run[0]], warmup, run[2], run[1]), runs)
        totals = dict(zip(runs, counted, strict=True))

    def added(index: int) -> float:
        return per_request(lambda requests, layout: totals[index, layout, requests], count, layouts)

    return {case.label: added(index) for index, case in enumerate(cases)}


def _worker_total(case: Case, warmup: int, requests: int, layout: int) -> int:
    """The instructions of a ``benchmarks.worker`` process sending ``requests`` requests of ``case``."""
    job = {
        "spec": dataclasses.asdict(case.spec),
        "scenario": dataclasses.asdict(case.scenario),
        "warmup": warmup,
        "count": requests,
    }
    return callgrind_total(["benchmarks.worker"], layout, json.dumps(job).encode())


def per_request(total: Callable[[int, int], int], count: int, layouts: Sequence[int] = LAYOUTS) -> float:
    """The median over ``layouts`` of what a request adds: ``total(count, layout)`` (a process
    sending ``count`` requests) minus ``total(0, layout)``, divided by ``count``."""
    return statistics.median((total(count, layout) - total(0, layout)) / count for layout in layouts)


def added_over_baseline(
    module: str, variants: Sequence[str], scenarios: Iterable[str], count: int, jobs: int
) -> dict[str, dict[str, float]]:
    """Instructions each variant adds per request over the first (the baseline), per scenario.

    ``python -m MODULE VARIANT SCENARIO N`` is the measured process (see ``worker_main``).
    """
    names = list(scenarios)
    cases = [(variant, scenario) for scenario in names for variant in variants]

    def cost(case: tuple[str, str]) -> float:
        return per_request(lambda n, layout: callgrind_total([module, *case, str(n)], layout), count)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        costs = dict(zip(cases, pool.map(cost, cases), strict=True))
    baseline = variants[0]
    return {
        scenario: {v: round(costs[v, scenario] - costs[baseline, scenario]) for v in variants[1:]}
        for scenario in names
    }


def callgrind_total(module: Sequence[str], layout: int = 0, stdin: bytes | None = None) -> int:
    """The instructions of ``python -m MODULE...`` under callgrind, in heap layout ``layout``."""
    with tempfile.TemporaryDirectory(prefix="bench-callgrind-") as tmp:
        out = Path(tmp) / "callgrind.out"
        command = [
            shutil.which("valgrind") or "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            "--dump-instr=no",
        ]
        command += ["--dump-line=no", sys.executable, "-m", *module]
        # A fixed hash seed makes set and dict probing, and so the count, repeatable. The
        # environment is this one, not the caller's: its size moves the heap (see LAYOUTS), so
        # the same code measured from two shells would differ.
        env = {
            "PATH": os.defpath,
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
            **{f"BENCH_LAYOUT_{i}": "x" * 10 for i in range(layout)},
        }
        subprocess.run(command, input=stdin, cwd=ROOT, env=env, check=True, capture_output=True, timeout=900)
        return parse_callgrind_total(out.read_text())


def parse_callgrind_total(text: str) -> int:
    """The total instruction count (``summary:`` or ``totals:`` line) of a callgrind file."""
    for line in text.splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise ValueError("no summary or totals line in the callgrind output")


def worker_main(
    part: str,
    variants: Iterable[str],
    scenarios: Iterable[str],
    worker: Callable[[str, str, int], None],
    argv: list[str] | None = None,
) -> int:
    """A measured process's command line: ``python -m benchmarks.PART VARIANT SCENARIO COUNT``."""
    parser = argparse.ArgumentParser(
        prog=f"python -m benchmarks.{part}",
        description=f"one measured process; the comparison is python -m benchmarks --parts {part}",
    )
    parser.add_argument("variant", choices=sorted(variants))
    parser.add_argument("scenario", choices=sorted(scenarios))
    parser.add_argument("count", type=int)
    args = parser.parse_args(argv)
    worker(args.variant, args.scenario, args.count)
    return 0
