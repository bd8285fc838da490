"""The ingest that runs beside a serving bot: lowest CPU priority, one thread, its own process.

Measured on 2 cores, an ingest at default priority doubles the bot's answer p95; at nice 19 with
one BLAS/torch thread it costs a few milliseconds. A separate process also keeps a slow or
failing ingest (a huge file, a bad edit) from holding the bot back: it serves the published
version at once, and picks up the new one when the ingest publishes it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable, Sequence

# Every thread pool the embedders may use, held to one thread.
ONE_THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "TOKENIZERS_PARALLELISM": "false",
}

# Exit statuses of `medaliyah ingest`, so the serving process can say what happened.
EXIT_OK = 0
EXIT_INVALID = 1
EXIT_GATE_REFUSED = 3
EXIT_BUSY = 4


LOWEST_PRIORITY = 19


def at_niceness(nice: int) -> Callable[[], None]:
    """A ``preexec_fn`` that lowers the child's priority (19, the lowest, unless an operator chose otherwise)."""

    def lower() -> None:  # pragma: no cover - runs in the child
        os.nice(nice)

    return lower


def start_background_ingest(
    *, knowledge: Path | None = None, gate: bool = False, golden: Path | None = None,
    log_file: Path | None = None, command: Sequence[str] | None = None, nice: int = LOWEST_PRIORITY,
) -> subprocess.Popen:
    """Start `medaliyah ingest` at nice 19 (or ``nice``) with one thread; its output goes to ``log_file``."""
    if command is None:
        command = [sys.executable, "-m", "bot.cli", "ingest", "--gate" if gate else "--no-gate"]
        if knowledge is not None:
            command += ["--knowledge", str(knowledge)]
        if golden is not None:
            command += ["--golden", str(golden)]
    out = subprocess.DEVNULL
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        out = open(log_file, "ab")  # noqa: SIM115 - handed to the child, closed below
    try:
        return subprocess.Popen(
            list(command), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, **ONE_THREAD_ENV, "COLUMNS": "120"}, preexec_fn=at_niceness(nice),
        )
    finally:
        if out is not subprocess.DEVNULL:
            out.close()


def describe_exit(code: int) -> str:
    return {
        EXIT_OK: "the guidance index is up to date",
        EXIT_INVALID: "the background ingest failed; the published guidance keeps serving (see the ingest log)",
        EXIT_GATE_REFUSED: "the quality gate refused the new guidance; the published version keeps serving",
        EXIT_BUSY: "another ingest was already running; this one did not start",
    }.get(code, f"the background ingest stopped (exit {code}); the published guidance keeps serving")
