"""The floors hold (the import-linter contracts in pyproject.toml, also `make layers`)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def test_rooms_import_only_the_floors_below_them():
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    run = subprocess.run([Path(sys.executable).parent / "lint-imports"], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout[-4000:]
