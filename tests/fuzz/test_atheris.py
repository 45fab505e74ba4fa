"""Runs the atheris harness for a bounded time with the checked-in seed corpus.

About a minute when ``CI`` is set, a few seconds on a developer machine. The
corpus is copied first so that inputs libFuzzer adds never dirty the tree; a
crash is printed with its input so that it can become a regression test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
SECONDS = 60 if os.environ.get("CI") else 5


def test_fuzzing_the_decision_finds_no_crash_grant_or_unsafe_header(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(HERE / "corpus", corpus)
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    result = subprocess.run(
        [
            sys.executable,
            str(HERE / "fuzz_decision.py"),
            str(corpus),
            f"-max_total_time={SECONDS}",
            f"-artifact_prefix={artifacts}/",
            "-rss_limit_mb=1024",
            "-print_final_stats=1",
        ],
        capture_output=True,
        text=True,
        timeout=SECONDS + 120,
        check=False,
    )
    crashes = {path.name: path.read_bytes() for path in artifacts.iterdir()}
    assert result.returncode == 0, f"{crashes}\n{result.stderr[-4000:]}"
    assert "stat::number_of_executed_units" in result.stderr
