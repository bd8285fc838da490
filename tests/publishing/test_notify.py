"""Doctors answered from guidance that has since changed are told once, in their language."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot.assistant import Assistant
from bot.publishing import InMemoryAnswerUses, InMemoryRecipients, plan_notices, send_notices
from ingest import GuidanceIndex, load_corpus, run_ingest
from tests.conftest import write_doc

GRANT_Q = {"en": "How much is the periphery grant?", "fr": "Combien est la prime periphery grant pour le Néguev ?"}


def _edit_grant(root: Path, amount: str) -> None:
    write_doc(root, "periphery-grants", "en", f"""
        Money for doctors who move to the Negev or the Galilee.

        ## How much is the periphery grant?
        {amount} per physician family, paid in two instalments.
    """, title="Periphery grants")


def test_doctors_answered_from_the_old_text_are_told_once_in_their_language(
    small_corpus: Path, local_store, hashing_embedder
) -> None:
    run_ingest(load_corpus(small_corpus), local_store, hashing_embedder)
    index = GuidanceIndex(local_store, hashing_embedder)
    assistant = Assistant(index)
    answers = InMemoryAnswerUses()
    now = datetime.now(timezone.utc)
    for doctor, lang in (("anna", "en"), ("benoit", "fr"), ("carl", "en")):
        answers.record(doctor, GRANT_Q[lang], assistant.reply(doctor, GRANT_Q[lang]), now - timedelta(days=2))
    answers.record("old", GRANT_Q["en"], assistant.reply("old", GRANT_Q["en"]), now - timedelta(days=40))
    answers.record("dora", "When is the exam held?", assistant.reply("dora", "When is the exam held?"), now)

    _edit_grant(small_corpus, "NIS 70,000")
    run_ingest(load_corpus(small_corpus), local_store, hashing_embedder)
    index.refresh()
    answers.record("emma", GRANT_Q["en"], assistant.reply("emma", GRANT_Q["en"]), now)  # already saw the new text

    recipients = InMemoryRecipients(unreachable={"carl"})  # carl used /forget
    notices = plan_notices(local_store, "periphery-grants", answers, recipients, days=30, now=now)
    assert [n.doctor_id for n in notices] == ["anna", "benoit"]
    benoit = notices[1]
    assert benoit.language == "fr" and "ont changé" in benoit.text and benoit.question == GRANT_Q["fr"]
    assert benoit.button == "Reposer la question"

    sent: list[str] = []
    pauses: list[float] = []
    delivered = send_notices(notices, lambda n: sent.append(n.doctor_id) or True, recipients, per_second=20, sleep=pauses.append)
    assert delivered == (2, 0) and sent == ["anna", "benoit"] and pauses == [0.05]
    # told once per change: planning again finds nobody
    assert plan_notices(local_store, "periphery-grants", answers, recipients, days=30, now=now) == []
    # a further edit is a new change
    _edit_grant(small_corpus, "NIS 75,000")
    run_ingest(load_corpus(small_corpus), local_store, hashing_embedder)
    assert {n.doctor_id for n in plan_notices(local_store, "periphery-grants", answers, recipients, days=30, now=now)} == {"anna", "benoit", "emma"}
    index.close()


def test_a_doctor_who_blocked_the_bot_is_not_marked_told(small_corpus: Path, local_store, hashing_embedder) -> None:
    from bot.publishing import Notice

    recipients = InMemoryRecipients()
    notice = Notice("zoe", "en", "q", "text", "Ask again", "change-1", "doc")
    assert send_notices([notice], lambda n: False, recipients, sleep=lambda s: None) == (0, 1)
    assert not recipients.already_told("zoe", "change-1")


def test_who_was_told_moves_from_the_old_json_file_into_the_database_once(tmp_path: Path) -> None:
    """An install upgraded from the JSON file keeps its history: nobody is told twice after the upgrade."""
    import json

    from bot.publishing import StoredRecipients
    from bot.storage import open_database, sql_storage

    storage = sql_storage(open_database(f"sqlite:///{tmp_path / 'medaliyah.db'}"))
    storage.doctors.seen(11, 11)
    legacy = tmp_path / "notified.json"
    legacy.write_text(json.dumps({"grants:en:2026-11-30": ["11", "12"]}), encoding="utf-8")  # 12 used /forget since

    recipients = StoredRecipients(storage, legacy)
    assert recipients.already_told("11", "grants:en:2026-11-30")
    assert not recipients.already_told("12", "grants:en:2026-11-30")  # a forgotten doctor is not re-created
    assert not legacy.exists() and (tmp_path / "notified.json.imported").exists()
    storage.close()
    reopened = sql_storage(open_database(f"sqlite:///{tmp_path / 'medaliyah.db'}"))
    assert StoredRecipients(reopened, legacy).already_told("11", "grants:en:2026-11-30")
    reopened.close()
