"""The read side of the index, as the bot sees it: chunks, dense search, and version changes."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from chromadb.api.models.Collection import Collection

from ._embedders import Embedder
from ._schema import ChunkRecord
from ._store import EmbedderMismatch, IndexUnavailable, IndexVersion, VersionedStore


@dataclass(frozen=True)
class DenseHit:
    chunk: ChunkRecord
    similarity: float  # cosine similarity, 1.0 is identical


class GuidanceIndex:
    """The serving version of the guidance, checked against the embedder that will query it.

    ``refresh()`` follows the pointer when a new version is published, so a running bot picks up
    re-ingested guidance without a restart and without dropping conversations.
    """

    def __init__(self, store: VersionedStore, embedder: Embedder) -> None:
        self.store = store
        self.embedder = embedder
        self._lock = threading.Lock()
        self._version: IndexVersion | None = None
        self._collection: Collection | None = None
        self._chunks: list[ChunkRecord] = []
        self.refresh()

    @property
    def version(self) -> IndexVersion:
        assert self._version is not None
        return self._version

    @property
    def chunks(self) -> list[ChunkRecord]:
        """Every chunk of the serving version (for keyword ranking and lookups)."""
        return self._chunks

    def refresh(self) -> bool:
        """Load the serving version if it changed; True when it did."""
        try:
            active = self.store.active()
        except IndexUnavailable:
            raise
        except Exception as exc:
            raise IndexUnavailable(f"the vector store cannot be reached: {exc}") from exc
        if active is None:
            raise IndexUnavailable("no guidance index yet: run `medaliyah ingest` first")
        if self._version is not None and active.collection_name == self._version.collection_name:
            return False
        if active.embedder != self.embedder.name or active.dimension != self.embedder.dimension:
            raise EmbedderMismatch(
                f"the index was built with '{active.embedder}' ({active.dimension} dimensions) but "
                f"the bot is configured with '{self.embedder.name}' ({self.embedder.dimension}); "
                "re-ingest with `medaliyah ingest` or set MEDALIYAH_EMBEDDER back"
            )
        collection = self.store.collection(active)
        with self.store.guard("reading the serving version"):
            got = collection.get(include=["documents", "metadatas"])
        chunks = [
            ChunkRecord.from_stored(cid, doc or "", meta or {})
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"])
        ]
        chunks.sort(key=lambda c: (c.doc_id, c.lang, c.chunk_index))
        with self._lock:
            self._version, self._collection, self._chunks = active, collection, chunks
        return True

    def dense_search(
        self,
        query_vector: list[float],
        k: int = 10,
        langs: tuple[str, ...] | None = None,
        doc_ids: tuple[str, ...] | None = None,
    ) -> list[DenseHit]:
        with self._lock:
            collection = self._collection
        assert collection is not None
        clauses: list[dict] = []
        if langs:
            clauses.append({"lang": langs[0]} if len(langs) == 1 else {"lang": {"$in": list(langs)}})
        if doc_ids:
            clauses.append({"doc_id": doc_ids[0]} if len(doc_ids) == 1 else {"doc_id": {"$in": list(doc_ids)}})
        where = clauses[0] if len(clauses) == 1 else ({"$and": clauses} if clauses else None)
        got = collection.query(
            query_embeddings=[query_vector],
            n_results=max(1, min(k, len(self._chunks) or 1)),
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        hits = []
        for cid, doc, meta, dist in zip(
            got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0]
        ):
            hits.append(DenseHit(ChunkRecord.from_stored(cid, doc or "", meta or {}), 1.0 - float(dist)))
        return hits
