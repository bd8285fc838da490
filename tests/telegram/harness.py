"""The real bot as a separate process (``medaliyah run``) against the Bot API emulator.

Used by the end-to-end tests and ``bench/telegram.py``: the bot gets nothing but environment
variables (token, base URL, index, database), exactly as an operator would configure it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.botapi import BotApiEmulator

REPO = Path(__file__).resolve().parents[2]


class BotProcess:
    def __init__(self, api: BotApiEmulator, workdir: Path, index: Path, **settings: str) -> None:
        self.api = api
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.log_path = workdir / "bot.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("MEDALIYAH_")},
            "PYTHONPATH": str(REPO),
            "MEDALIYAH_TELEGRAM_TOKEN": api.token,
            "MEDALIYAH_TELEGRAM_BASE_URL": api.base_url,
            "MEDALIYAH_INDEX_PATH": str(index),
            "MEDALIYAH_KNOWLEDGE_DIR": str(REPO / "knowledge"),
            "MEDALIYAH_DATABASE_URL": f"sqlite:///{workdir / 'medaliyah.db'}",
            "MEDALIYAH_LOG_LEVEL": "INFO",
            "HF_HUB_OFFLINE": "1",
            "ANONYMIZED_TELEMETRY": "False",
            **{f"MEDALIYAH_{k.upper()}": v for k, v in settings.items()},
        }
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 180.0, ready: str = "getUpdates") -> "BotProcess":
        """Start ``medaliyah run`` and wait until it calls ``ready`` (long-polls, or sets its webhook)."""
        polls_before = len(self.api.calls_of(ready))
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"], cwd=self.workdir, env=self.env,
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while len(self.api.calls_of(ready)) <= polls_before:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the bot exited with {self.proc.returncode}:\n{self.log()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the bot did not call {ready} within {timeout}s:\n{self.log()}")
            time.sleep(0.1)
        return self

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, as a service manager would; returns the exit status."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid
