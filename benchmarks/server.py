"""Real-server load: gunicorn (2 sync workers) on 127.0.0.1, driven by wrk for a bounded time.

Each variant gets its own server on a free loopback port; all are stopped at
the end, and on any error.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .measure import ROOT
from .variants import ALLOWED_ORIGIN, FLASK_VARIANTS, FLOORS, PATH, WSGI_VARIANTS, AppSpec, missing

#: The requests sent: an allowed simple GET and a granted preflight, both with an allowed Origin.
SERVER_SCENARIOS = ("allowed", "preflight")
#: gunicorn's sync workers: one per core of the machine the numbers come from.
WORKERS = 2

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def tools_missing() -> str | None:
    """Why the server suite cannot run here, or None."""
    if shutil.which("wrk") is None:
        return "wrk is not installed (apt-get install wrk)"
    if shutil.which("gunicorn", path=os.path.dirname(sys.executable)) is None:
        return "gunicorn is not installed (pip install -e '.[bench]')"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wrk_command(port: int, duration: int, threads: int, connections: int, script: Path) -> list[str]:
    return [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}{PATH}",
    ]


def wrk_script(scenario: str) -> str:
    """The Lua that makes wrk send ``scenario``'s request (method and CORS headers)."""
    lines = [f'wrk.headers["Origin"] = "{ALLOWED_ORIGIN}"']
    if scenario == "preflight":
        lines += [
            'wrk.method = "OPTIONS"',
            'wrk.headers["Access-Control-Request-Method"] = "PUT"',
            'wrk.headers["Access-Control-Request-Headers"] = "content-type"',
        ]
    return "\n".join(lines) + "\n"


def parse_wrk(output: str) -> dict[str, float]:
    """Requests per second and p50/p99 latency (ms) from ``wrk --latency`` output."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if rps is None:
        raise ValueError(f"no Requests/sec in wrk output:\n{output}")
    result = {"requests_per_second": float(rps.group(1))}
    for percentile in ("50", "99"):
        found = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if found is None:
            raise ValueError(f"no {percentile}% latency in wrk output:\n{output}")
        result[f"p{percentile}_ms"] = float(found.group(1)) * _UNITS[found.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    result["non_2xx"] = float(errors.group(1)) if errors else 0.0
    return result


def _wait_listening(port: int, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not listen on 127.0.0.1:{port} within {timeout} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start(spec: AppSpec) -> tuple[subprocess.Popen[bytes], int]:
    """A gunicorn serving ``spec`` on a free loopback port, listening."""
    port = free_port()
    gunicorn = [
        os.path.join(os.path.dirname(sys.executable), "gunicorn"),
        f"--workers={WORKERS}",
        "--worker-class=sync",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        "benchmarks.serve:app",
    ]
    env = {**os.environ, "BENCH_SPEC": spec.to_json()}
    process = subprocess.Popen(gunicorn, cwd=ROOT, env=env)
    try:
        _wait_listening(port, process, timeout=30)
    except BaseException:
        _stop(process)
        raise
    return process, port


def server_suite(
    duration: int = 5, rounds: int = 5, threads: int = 2, connections: int = 4, seed: int = 7
) -> dict[str, Any]:
    """Every available variant under wrk, in interleaved rounds, for an allowed GET and a preflight.

    Every server starts first and idles while another is loaded; each round
    runs every (scenario, variant) pair once, in a shuffled order, so that a
    slow minute of the shared machine hits every variant alike. The Vary
    floors are left out: they are references for instruction counts, not
    middlewares anyone would serve. Bounded: rounds x pairs x duration seconds.
    """
    reason = tools_missing()
    if reason is not None:
        return {"skipped": reason}
    variants = [v for v in (*WSGI_VARIANTS, *FLASK_VARIANTS) if v not in FLOORS and missing(v) is None]
    skipped = {v: why for v in (*WSGI_VARIANTS, *FLASK_VARIANTS) if (why := missing(v)) is not None}
    pairs = [(scenario, variant) for scenario in SERVER_SCENARIOS for variant in variants]
    runs: dict[str, dict[str, list[dict[str, float]]]] = {
        s: {v: [] for v in variants} for s in SERVER_SCENARIOS
    }
    servers: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    shuffler = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        scripts = {s: Path(tmp) / f"{s}.lua" for s in SERVER_SCENARIOS}
        for scenario, script in scripts.items():
            script.write_text(wrk_script(scenario), encoding="ascii")
        try:
            for variant in variants:
                servers[variant] = start(AppSpec(variant))
            for _ in range(rounds):
                shuffler.shuffle(pairs)
                for scenario, variant in pairs:
                    command = wrk_command(
                        servers[variant][1], duration, threads, connections, scripts[scenario]
                    )
                    done = subprocess.run(
                        command, check=True, capture_output=True, text=True, timeout=duration + 30
                    )
                    runs[scenario][variant].append(parse_wrk(done.stdout))
        finally:
            for process, _port in servers.values():
                _stop(process)
    return {
        "gunicorn": f"--workers={WORKERS} --worker-class=sync --bind=127.0.0.1:<free port>",
        "wrk": f"-t{threads} -c{connections} -d{duration}s --latency -s <scenario>.lua",
        "duration_s": duration,
        "rounds": rounds,
        "threads": threads,
        "connections": connections,
        "scenarios": {scenario: _summarize(by_variant) for scenario, by_variant in runs.items()},
        "skipped": skipped,
    }


def _summarize(by_variant: dict[str, list[dict[str, float]]]) -> dict[str, dict[str, Any]]:
    """Median, spread and runs of each variant; its share of the bare app's rate, paired by round."""
    bare = [run["requests_per_second"] for run in by_variant.get("bare", [])]
    summary: dict[str, dict[str, Any]] = {}
    for variant, variant_runs in by_variant.items():
        rates = [run["requests_per_second"] for run in variant_runs]
        entry: dict[str, Any] = {
            "median_rps": statistics.median(rates),
            "min_rps": min(rates),
            "max_rps": max(rates),
            "median_p99_ms": statistics.median(run["p99_ms"] for run in variant_runs),
            "non_2xx": sum(run["non_2xx"] for run in variant_runs),
            "rps": rates,
        }
        if bare:
            entry["median_share_of_bare"] = statistics.median(r / b for r, b in zip(rates, bare, strict=True))
        summary[variant] = entry
    return summary
