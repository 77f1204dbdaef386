"""`make demo` runs jobs in the web process (YAGONA_JOBS_IMMEDIATE), where periodic
tasks never run; a worker beside it must take the audit checkpoints, or `audit verify`
reports a stale checkpoint after two hours of demo."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]

WORKER = r"""
import json
import django
django.setup()
from huey.contrib.djhuey import HUEY
from yagona.core import tasks
print(json.dumps({"immediate": HUEY.immediate,
                  "periodic": [t.name for t in HUEY._registry.periodic_tasks]}))
"""


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_the_demo_runs_a_worker_for_the_periodic_checkpoints(tmp_path):
    steps = subprocess.run(["make", "-n", "-C", str(ROOT), "demo"], capture_output=True,
                           text=True, check=True).stdout.splitlines()
    worker = [line for line in steps if "run_huey" in line or "huey_consumer" in line]
    assert worker and all("YAGONA_JOBS_IMMEDIATE" not in line for line in worker)
    demo_data = next(i for i, line in enumerate(steps) if "demo-data" in line)
    assert any("audit checkpoint" in line for line in steps[demo_data:])  # sealed at start

    # The worker's configuration (the demo's, without YAGONA_JOBS_IMMEDIATE) queues
    # rather than runs in-process, and schedules the checkpoint task.
    env = {k: v for k, v in os.environ.items()
           if k not in {"YAGONA_TESTING", "YAGONA_JOBS_IMMEDIATE", "DATABASE_URL", "REDIS_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="yagona.settings", YAGONA_VAR=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", WORKER], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["immediate"] is False
    assert "checkpoint_audit_log" in found["periodic"]
