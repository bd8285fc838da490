"""A tiny in-memory guidance index with a hashing embedder: a real ``Assistant`` with no model.

For unit tests of the application layer and the assistant's steps; the real index and embedder
are tested elsewhere (and marked slow). Both build on the project's own fakes
(``ingest.HashingEmbedder``, ``ingest.InMemorySnapshotSource``), adding what these tests observe.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import ingest
from bot.assistant import Assistant, Thresholds
from ingest import ChunkRecord, DenseHit, InMemorySnapshotSource, chunk_document, load_corpus
from ingest._chunking import approx_tokens

DIM = 256


class HashingEmbedder(ingest.HashingEmbedder):
    name = "fake:hashing"

    def __init__(self) -> None:
        super().__init__(DIM)
        self.name = "fake:hashing"


class FakeIndex(InMemorySnapshotSource):
    """An in-memory snapshot source whose searches can be slowed (``delay_s``) and counted.

    Every snapshot's dense search goes through ``dense_search`` here, so a test can replace it
    (a vector store going down) on the index the assistant holds.
    """

    def __init__(self, chunks: list[ChunkRecord], *, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s
        self.refreshes = 0
        self.searching = 0
        self.max_searching = 0
        self._count_lock = threading.Lock()
        self._search = None
        super().__init__(HashingEmbedder(), chunks)

    def _dense_for(self, chunks, vectors):
        self._search = super()._dense_for(chunks, vectors)
        return lambda vector, k, langs, doc_ids: self.dense_search(vector, k, langs, doc_ids)

    def refresh(self) -> bool:
        self.refreshes += 1
        return False

    def dense_search(self, query_vector, k=10, langs=None, doc_ids=None) -> list[DenseHit]:
        with self._count_lock:
            self.searching += 1
            self.max_searching = max(self.max_searching, self.searching)
        try:
            time.sleep(self.delay_s)
            assert self._search is not None
            return self._search(query_vector, k, langs, doc_ids)
        finally:
            with self._count_lock:
                self.searching -= 1


def fake_assistant(corpus: Path, *, delay_s: float = 0.0, **options) -> Assistant:
    chunks = [
        chunk
        for doc in load_corpus(corpus)
        for chunk in chunk_document(doc, max_tokens=512, count_tokens=approx_tokens)
    ]
    return Assistant(FakeIndex(chunks, delay_s=delay_s), thresholds=Thresholds(0.0, 0.0), **options)
