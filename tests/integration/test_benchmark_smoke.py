"""The benchmark harness still runs end to end (`python -m benchmarks.run --short`).

A smoke run, never a timing test: it checks that every step completed and that the numbers are
sane (everything was copied and ingested, bytes were counted), not how fast anything was.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def test_short_benchmark_completes_with_sane_numbers(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--short", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (path,) = tmp_path.glob("results-*.json")
    report = json.loads(path.read_text())
    (result,) = report["results"]
    total = sum(result["corpus"]["counts"].values())
    assert total == result["n"] == 300

    mbsync = result["mbsync"]
    assert mbsync["copied"] == total
    assert mbsync["first"]["bytes_out"] > 0 and mbsync["noop"]["bytes_out"] > 0

    ingestor = result["ingestor"]["sqlite"]
    first, noop = ingestor["first"], ingestor["noop"]
    assert first["counts"]["seen"] == total
    c = first["counts"]
    assert c["ingested"] + c["skipped"] + c["quarantined"] + c["duplicate"] == total
    assert c["skipped"] > 0 and c["contacts"] > 0  # the corpus has machine mail and people
    assert noop["counts"]["seen"] == 0
    assert first["bytes_out"] > 0 and noop["bytes_out"] > 0
    assert first["maxrss_mb"] > 0 and first["wall_s"] > 0
    ratios = result["ratios"]["sqlite"]
    assert ratios["first_ingest_vs_mbsync"] > 0
    assert "ingestor/mbsync" in done.stdout or "ingest/mbsync" in done.stdout
