"""A serving bot follows a newly published (or rolled back) version within seconds, failing nothing."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from bot.assistant import Assistant, TriageKind
from ingest import GuidanceIndex, InMemorySnapshotSource, load_corpus, run_ingest
from tests.conftest import chunks_of, write_doc

QUESTION = "How much is the periphery grant for the Negev?"


def _set_amount(root: Path, amount: str) -> None:
    write_doc(root, "periphery-grants", "en", f"""
        Money for doctors who move to the Negev or the Galilee.

        ## How much is the periphery grant?
        {amount} per physician family, paid in two instalments.
    """, title="Periphery grants")


def test_answers_keep_flowing_through_an_ingest_and_a_rollback(small_corpus: Path, local_store, hashing_embedder) -> None:
    _set_amount(small_corpus, "NIS 50,000")
    v1 = run_ingest(load_corpus(small_corpus), local_store, hashing_embedder).version
    index = GuidanceIndex(local_store, hashing_embedder)
    index.watch(interval_s=0.2)
    assistant = Assistant(index)
    seen: list[tuple[float, str | None, str, TriageKind]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def doctor() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                reply = assistant.reply(f"doctor-{n % 3}", QUESTION)
                seen.append((time.monotonic(), reply.index_version, reply.text, reply.triage.kind))
            except BaseException as exc:  # noqa: BLE001 - any failure is what the test looks for
                errors.append(exc)

    client = threading.Thread(target=doctor)
    client.start()
    try:
        time.sleep(0.5)
        _set_amount(small_corpus, "NIS 80,000")
        v2 = run_ingest(load_corpus(small_corpus), local_store, hashing_embedder).version
        published = time.monotonic()
        while index.version != v2 and time.monotonic() - published < 5:
            time.sleep(0.05)
        switched = time.monotonic() - published
        time.sleep(0.5)
        with local_store.ingest_lock():
            local_store.rollback()
        rolled_back = time.monotonic()
        while index.version != v1 and time.monotonic() - rolled_back < 5:
            time.sleep(0.05)
        time.sleep(0.5)
    finally:
        stop.set()
        client.join(10)
        index.close()

    assert not errors, errors
    assert switched < 5
    versions = [v for _, v, _, _ in seen]
    assert {v1.collection_name, v2.collection_name} <= set(versions)
    # each answer is whole: the amount it quotes belongs to the version it reports
    for _, version, text, kind in seen:
        assert kind is TriageKind.ANSWER
        assert ("80,000" in text) == (version == v2.collection_name), (version, text)
    # in order: v1, then v2 after the ingest, then v1 again after the rollback
    order = [v for i, v in enumerate(versions) if i == 0 or versions[i - 1] != v]
    assert order == [v1.collection_name, v2.collection_name, v1.collection_name]


def test_keyword_indexes_are_built_beside_the_serving_snapshot_and_swapped_in_one_step(
    small_corpus: Path, memory_source: InMemorySnapshotSource, hashing_embedder
) -> None:
    assistant = Assistant(memory_source)
    old = memory_source.current()
    seen_during_prepare = []
    memory_source.on_new_snapshot(lambda snap: seen_during_prepare.append(memory_source.current()))
    _set_amount(small_corpus, "NIS 80,000")
    new = memory_source.publish(chunks_of(small_corpus, hashing_embedder))

    # While the new snapshot was being prepared, the old one was still the one serving.
    assert seen_during_prepare[-1] is old
    # By the time it serves, every language's keyword index is already built for it.
    assert {("keyword", lang) for lang in ("en", "fr", "es")} <= set(new._derived)
    assert "80,000" in assistant.reply("d", QUESTION).text
    # An answer that took the old snapshot can still finish on it.
    assert any("50,000" in c.text for c in old.chunks)
    assert old.dense_search(hashing_embedder.embed_query(QUESTION), k=1)


def test_reply_says_which_index_version_and_documents_it_used(memory_source: InMemorySnapshotSource) -> None:
    reply = Assistant(memory_source).reply("d", "How much is the periphery grant?")
    assert reply.index_version == memory_source.current().name
    assert reply.sources and reply.sources[0].doc_id == "periphery-grants"
    assert reply.sources[0].lang == "en" and reply.sources[0].as_of.isoformat() == "2026-01-31"
