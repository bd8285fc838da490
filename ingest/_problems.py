"""Validation problems: one line each, naming the file (and the line where there is one)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one guidance file."""

    path: Path
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.message}"


class CorpusInvalid(Exception):
    """Raised before anything is written when any guidance file is invalid.

    Carries every problem found, not just the first, so the content team fixes them in one pass.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (str(p.path), p.line or 0))
        super().__init__("\n".join(str(p) for p in self.problems))
