"""An ingest that fails midway says so in one line, exits 1, and the previous version keeps serving."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

import ingest
from bot.cli import app
from bot.settings import get_settings
from ingest import Embedder, VersionedStore, open_client
from tests.fakes import HashingEmbedder


class _Hashing(HashingEmbedder, Embedder):
    pass


class _BadVectors(_Hashing):
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[0.0] * 3 for _ in texts]  # the wrong size: run_ingest raises RuntimeError


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, small_corpus: Path):
    monkeypatch.setenv("MEDALIYAH_INDEX_PATH", str(tmp_path / "chroma"))
    monkeypatch.setenv("MEDALIYAH_KNOWLEDGE_DIR", str(small_corpus))
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def _serving(tmp_path: Path) -> str:
    active = VersionedStore(open_client(str(tmp_path / "chroma")), "guidance").active()
    assert active is not None
    return active.collection_name


def _edit(small_corpus: Path) -> None:
    path = small_corpus / "en" / "periphery-grants.md"
    path.write_text(path.read_text().replace("two instalments", "three instalments"))


def test_bad_vectors_midway_are_one_line_and_the_old_version_serves(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, small_corpus: Path
) -> None:
    monkeypatch.setattr(ingest, "make_embedder", lambda spec: _Hashing())
    assert cli.invoke(app, ["ingest"]).exit_code == 0
    before = _serving(tmp_path)

    _edit(small_corpus)
    monkeypatch.setattr(ingest, "make_embedder", lambda spec: _BadVectors())
    result = cli.invoke(app, ["ingest"])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and "RuntimeError" in errors[0] and f"{before} still serves" in errors[0], result.output
    assert "Traceback" not in result.output
    assert _serving(tmp_path) == before


def test_a_store_failure_midway_is_one_line_and_the_old_version_serves(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, small_corpus: Path
) -> None:
    monkeypatch.setattr(ingest, "make_embedder", lambda spec: _Hashing())
    assert cli.invoke(app, ["ingest"]).exit_code == 0
    before = _serving(tmp_path)

    def locked(self, version, collection, **details) -> None:
        raise sqlite3.OperationalError("database is locked")

    _edit(small_corpus)
    monkeypatch.setattr(VersionedStore, "publish", locked)
    result = cli.invoke(app, ["ingest"])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and "database is locked" in errors[0], result.output
    monkeypatch.undo()
    assert _serving(tmp_path) == before
