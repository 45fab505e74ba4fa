"""Real-server load: gunicorn (2 sync workers) on 127.0.0.1, driven by wrk for a bounded time.

Each variant gets its own server on a free port, one after the other; every
server is stopped before the next starts, and on any error.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from .measure import ROOT
from .variants import ALLOWED_ORIGIN, FLASK_VARIANTS, FLOOR, PATH, WSGI_VARIANTS, AppSpec, missing

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


def wrk_command(port: int, duration: int, threads: int, connections: int) -> list[str]:
    return [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "-H",
        f"Origin: {ALLOWED_ORIGIN}",
        f"http://127.0.0.1:{port}{PATH}",
    ]


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


def load(spec: AppSpec, duration: int, threads: int, connections: int) -> dict[str, Any]:
    """Serve ``spec`` with gunicorn, run wrk against it, stop the server."""
    port = free_port()
    gunicorn = [
        os.path.join(os.path.dirname(sys.executable), "gunicorn"),
        "--workers=2",
        "--worker-class=sync",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        "benchmarks.serve:app",
    ]
    env = {**os.environ, "BENCH_SPEC": spec.to_json()}
    process = subprocess.Popen(gunicorn, cwd=ROOT, env=env)
    try:
        _wait_listening(port, process, timeout=30)
        command = wrk_command(port, duration, threads, connections)
        done = subprocess.run(command, check=True, capture_output=True, text=True, timeout=duration + 30)
        return {**parse_wrk(done.stdout), "wrk": " ".join(command)}
    finally:
        _stop(process)


def server_suite(duration: int = 10, threads: int = 2, connections: int = 20) -> dict[str, Any]:
    """Every available variant under load, an allowed simple GET with Origin.

    The Vary floor is left out: it is a reference for instruction counts, not
    a middleware anyone would serve.
    """
    reason = tools_missing()
    if reason is not None:
        return {"skipped": reason}
    results: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    for variant in (*WSGI_VARIANTS, *FLASK_VARIANTS):
        if variant == FLOOR:
            continue
        why = missing(variant)
        if why is not None:
            skipped[variant] = why
            continue
        results[variant] = load(AppSpec(variant), duration, threads, connections)
    return {
        "gunicorn": "--workers=2 --worker-class=sync --bind=127.0.0.1:<free port>",
        "duration_s": duration,
        "threads": threads,
        "connections": connections,
        "results": results,
        "skipped": skipped,
    }
