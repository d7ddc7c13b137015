"""The code stays clean under the project's ruff rules (pyproject.toml): an unused import or an undefined
name is a bug waiting, not a style question."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        reason = "ruff is part of the test extra: pip install -e '.[test]'"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    done = subprocess.run([ruff, "check", "--output-format", "concise", "pos_loyalty", "plugins", "tests",
                           "benchmarks", "scripts"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
