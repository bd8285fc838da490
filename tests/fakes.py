"""A tiny in-memory guidance index with a hashing embedder: a real ``Assistant`` with no model.

For unit tests of the application layer and the assistant's steps; the real index and embedder
are tested elsewhere (and marked slow).
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
import time
from pathlib import Path

from bot.assistant import Assistant, Thresholds
from ingest import ChunkRecord, DenseHit, IndexVersion, chunk_document, load_corpus
from ingest._chunking import approx_tokens

DIM = 256


class HashingEmbedder:
    name = "fake:hashing"
    dimension = DIM
    max_tokens = 512

    def _vector(self, text: str) -> list[float]:
        v = [0.0] * DIM
        for word in re.findall(r"\w+", text.lower()):
            v[int(hashlib.md5(word[:6].encode()).hexdigest(), 16) % DIM] += 1.0
        norm = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / norm for x in v]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def count_tokens(self, text: str) -> int:
        return approx_tokens(text)


class FakeIndex:
    """Duck-types ``GuidanceIndex``; ``delay_s`` makes each search slow, to overlap two messages."""

    def __init__(self, chunks: list[ChunkRecord], *, delay_s: float = 0.0) -> None:
        self.embedder = HashingEmbedder()
        self.chunks = chunks
        self.version = IndexVersion("fake-v1", self.embedder.name, DIM, "now")
        self.delay_s = delay_s
        self.refreshes = 0
        self._vectors = {c.chunk_id: self.embedder.embed_query(c.embedding_text()) for c in chunks}
        self.searching = 0
        self.max_searching = 0
        self._lock = threading.Lock()

    def refresh(self) -> bool:
        self.refreshes += 1
        return False

    def dense_search(self, query_vector, k=10, langs=None, doc_ids=None) -> list[DenseHit]:
        with self._lock:
            self.searching += 1
            self.max_searching = max(self.max_searching, self.searching)
        try:
            time.sleep(self.delay_s)
            hits = [
                DenseHit(c, sum(a * b for a, b in zip(query_vector, self._vectors[c.chunk_id])))
                for c in self.chunks
                if (not langs or c.lang in langs) and (not doc_ids or c.doc_id in doc_ids)
            ]
            return sorted(hits, key=lambda h: h.similarity, reverse=True)[:k]
        finally:
            with self._lock:
                self.searching -= 1


def fake_assistant(corpus: Path, *, delay_s: float = 0.0, **options) -> Assistant:
    chunks = [
        chunk
        for doc in load_corpus(corpus)
        for chunk in chunk_document(doc, max_tokens=512, count_tokens=approx_tokens)
    ]
    return Assistant(FakeIndex(chunks, delay_s=delay_s), thresholds=Thresholds(0.0, 0.0), **options)  # type: ignore[arg-type]
