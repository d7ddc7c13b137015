"""The benchmark command runs and prints every figure (its numbers are read by people, not asserted)."""
import subprocess
import sys
from pathlib import Path

import pytest

LABELS = ["framework floor", "create sale", "quote", "redeem", "pay", "panel walk", "balance: 10 entries",
          "recalculation:", "what-if preview", "peak memory", "pay step / floor", "balance 10,000 / 10 entries",
          "recalculation / raw insert", "memory 10,000 / 10 entries", "slowest checkout step"]


@pytest.mark.sqlite_only
def test_quick_benchmark_prints_every_figure(tmp_path):
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"
    done = subprocess.run([sys.executable, str(script), "--quick"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    for label in LABELS:
        assert label in done.stdout, label
