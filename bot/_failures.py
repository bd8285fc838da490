"""Failures a person can fix, each turned into one line and an exit status instead of a traceback.

Every command runs inside the same boundary (``bot.cli``), so a bad setting, a missing model,
a broken index or an unreachable server reads the same from ``ingest``, ``ask``, ``chat``,
``run`` and ``eval``. Anything not listed here is a bug and keeps its traceback.
"""

from __future__ import annotations

EXIT_CONFIG = 2  # the command cannot start: a setting, a model, the index


def explain_failure(exc: BaseException) -> tuple[int, str] | None:
    """(exit status, one line naming the problem and the fix), or None for an unexpected error."""
    from bot.assistant._llm import LLMUnavailable
    from bot.settings import SettingsError
    from bot.storage import StorageError
    from ingest import EmbedderError, EmbedderMismatch, IndexUnavailable

    if isinstance(exc, (SettingsError, EmbedderError, EmbedderMismatch, IndexUnavailable, LLMUnavailable, StorageError)):
        return EXIT_CONFIG, _one_line(str(exc))
    module = type(exc).__module__ or ""
    if module.startswith("chromadb"):  # a store error no layer below mapped: still one line
        return EXIT_CONFIG, _one_line(f"the vector store failed: {type(exc).__name__}: {exc}")
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())
