"""A flooding doctor is paced, not dropped; a bad token or an unreachable API stops the start in one line."""

from __future__ import annotations

import os
import subprocess
import sys

from bot.telegram import FloodGate
from tests.botapi import BotApiEmulator
from tests.servers import free_port
from tests.telegram.harness import REPO


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_past_the_limit_waits_its_turn_and_the_doctor_is_told_once():
    clock = Clock()
    gate = FloodGate(messages=5, window_s=10.0, clock=clock)
    paces = [gate.admit(42) for _ in range(8)]
    assert [p.wait_s for p in paces[:5]] == [0, 0, 0, 0, 0]
    assert [round(p.wait_s, 3) for p in paces[5:]] == [2.0, 4.0, 6.0]  # one every window/messages seconds
    assert [p.tell_doctor for p in paces] == [False] * 5 + [True, False, False]
    assert gate.admit(7).wait_s == 0  # another doctor is not slowed down
    clock.now += 60
    assert gate.admit(42).wait_s == 0  # a quiet minute later, the burst allowance is back


def run_cli(env_overrides: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDALIYAH_")}
    env.update({"PYTHONPATH": str(REPO), "MEDALIYAH_INDEX_PATH": str(tmp_path / "no-index"), **env_overrides})
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_a_refused_token_is_one_clear_line_before_any_index_work(tmp_path):
    with BotApiEmulator() as api:
        result = run_cli({"MEDALIYAH_TELEGRAM_TOKEN": "42:not-the-token", "MEDALIYAH_TELEGRAM_BASE_URL": api.base_url}, tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "refused the token (401 Unauthorized)" in lines[0], result.stderr
    assert "not-the-token" not in result.stderr + result.stdout
    assert not (tmp_path / "no-index").exists()  # failed before touching the index


def test_an_unreachable_bot_api_is_one_clear_line(tmp_path):
    base = f"http://127.0.0.1:{free_port()}/bot"  # nothing listens there
    result = run_cli({"MEDALIYAH_TELEGRAM_TOKEN": "42:abc", "MEDALIYAH_TELEGRAM_BASE_URL": base}, tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "cannot reach the Bot API at http://127.0.0.1" in lines[0], result.stderr
