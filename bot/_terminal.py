"""Writing to a person's terminal, or to the log file standing in for one.

Guidance text and file names come from outside: an escape code in them must not repaint the
operator's terminal, and square brackets in them must not be read as Rich markup. When stderr
is not a terminal (a log, CI), a progress bar draws nothing until the end, so long jobs print
plain progress lines instead.
"""

from __future__ import annotations

import re
import time
from typing import Callable

_ESCAPE_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

PROGRESS_EVERY_S = 10.0


def terminal_safe(text: str) -> str:
    """``text`` with escape sequences and control characters removed (newlines and tabs kept)."""
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text.replace("\r\n", "\n")))


class ProgressLines:
    """A progress callback ``(done, total)`` that writes a line at the start, the end, and every
    ``every_s`` seconds in between."""

    def __init__(
        self, write: Callable[[str], None], label: str = "Embedding", *, every_s: float = PROGRESS_EVERY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.write, self.label, self.every_s, self.clock = write, label, every_s, clock
        self._started = self._last = clock()
        self._said_start = False

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        first = not self._said_start
        if not (first or done >= total or now - self._last >= self.every_s):
            return
        self._said_start = True
        self._last = now
        share = f" ({done / total:.0%})" if total else ""
        self.write(f"{self.label}: {done}/{total} chunks{share}, {now - self._started:.0f}s elapsed")
