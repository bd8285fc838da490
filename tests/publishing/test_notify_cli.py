"""`medaliyah notify` reads who to tell from the stored answer records (a real SQLite file)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import get_settings
from bot.storage import AnswerRecord, UsedDocument, open_storage
from bot.assistant import TriageKind
from ingest import load_corpus, run_ingest


def test_notify_lists_who_was_answered_from_the_old_text_and_skips_blocked_doctors(
    small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hashing_embedder, local_store
) -> None:
    monkeypatch.setenv("MEDALIYAH_INDEX_PATH", str(tmp_path / "chroma"))
    monkeypatch.setenv("MEDALIYAH_DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    monkeypatch.delenv("MEDALIYAH_TELEGRAM_TOKEN", raising=False)
    get_settings.cache_clear()
    old = run_ingest(load_corpus(small_corpus), local_store, hashing_embedder).version
    storage = open_storage(get_settings())
    for doctor_id, lang, question in ((101, "fr", "Combien est la prime ?"), (102, "en", "How much is the grant?")):
        storage.doctors.seen(doctor_id, chat_id=doctor_id)
        storage.answers.add(AnswerRecord(
            f"tg-{doctor_id}", question, "NIS 50,000", lang, TriageKind.ANSWER, mode="extractive",  # type: ignore[arg-type]
            index_version=old.collection_name, doctor_id=doctor_id,
            documents=(UsedDocument("periphery-grants", "en", None),),
            created_at=datetime.now(timezone.utc) - timedelta(days=1),
        ))
    storage.doctors.mark_blocked(102)
    storage.close()
    path = small_corpus / "en" / "periphery-grants.md"
    path.write_text(path.read_text().replace("NIS 50,000", "NIS 60,000"))
    run_ingest(load_corpus(small_corpus), local_store, hashing_embedder)

    result = CliRunner().invoke(app, ["notify", "--doc", "periphery-grants", "--days", "7"])
    get_settings.cache_clear()
    assert "101" in result.output and "Combien est la prime" in result.output
    assert "102" not in result.output  # blocked the bot: never contacted
    assert result.exit_code == 2 and "Nothing was sent" in result.output
