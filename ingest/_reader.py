"""The read side of the index, as the bot sees it: frozen snapshots behind a source that swaps them.

An answer takes one ``IndexSnapshot`` when it starts and uses only that: its chunks, its dense
search and whatever the bot derived from it (the keyword indexes). A newly published version is
loaded *beside* the serving snapshot, the bot's derived structures are built for it there, and
only then does the source swap one reference. An answer in flight therefore never sees half of
two versions, and never waits for a rebuild.

``GuidanceIndex`` reads Chroma and follows the store's pointer (polled by a background thread
while the bot serves) and holds a lease on what it serves, so pruning leaves it alone.
``InMemorySnapshotSource`` is the fake for unit tests: the same interface over a list of chunks.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import uuid
import weakref
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Protocol

import numpy as np

from ._embedders import Embedder
from ._schema import ChunkRecord
from ._store import LEASE_RENEW_S, EmbedderMismatch, IndexUnavailable, IndexVersion, VersionedStore

log = logging.getLogger(__name__)

# After a swap the retired version stays leased this long, for answers that started on it.
RETIRED_GRACE_S = 120.0


@dataclass(frozen=True)
class DenseHit:
    chunk: ChunkRecord
    similarity: float  # cosine similarity, 1.0 is identical


class DenseSearch(Protocol):
    def __call__(
        self, vector: list[float], k: int, langs: tuple[str, ...] | None, doc_ids: tuple[str, ...] | None
    ) -> list[DenseHit]: ...


@dataclass(frozen=True, eq=False)
class IndexSnapshot:
    """One version of the guidance, frozen: what an answer reads from start to end."""

    version: IndexVersion
    chunks: tuple[ChunkRecord, ...]
    _dense: DenseSearch = field(repr=False)
    _derived: dict[Any, Any] = field(default_factory=dict, repr=False)
    _derived_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def name(self) -> str:
        return self.version.collection_name

    def dense_search(
        self,
        query_vector: list[float],
        k: int = 10,
        langs: tuple[str, ...] | None = None,
        doc_ids: tuple[str, ...] | None = None,
    ) -> list[DenseHit]:
        return self._dense(query_vector, max(1, k), langs, doc_ids)

    def pages(self) -> dict[tuple[str, str], tuple[ChunkRecord, ...]]:
        """Every sectioned chunk of each page version, by (doc_id, lang), in the page's order.

        What a page holds does not depend on what a search returned: the bot weighs a question's
        words against all of a page's sections, so one section more or less in the results does not
        change which of the others answers.
        """

        def build() -> dict[tuple[str, str], tuple[ChunkRecord, ...]]:
            by_page: dict[tuple[str, str], list[ChunkRecord]] = {}
            for c in self.chunks:
                if c.section:
                    by_page.setdefault((c.doc_id, c.lang), []).append(c)
            return {k: tuple(sorted(v, key=lambda c: c.chunk_index)) for k, v in by_page.items()}

        return self.derived(("pages",), build)

    def derived(self, key: Any, build: Callable[[], Any]) -> Any:
        """A structure computed once from this snapshot (a keyword index), cached with it.

        Sources call their preparers before a swap, so in service this is a lookup; it builds
        on first use only for a snapshot nobody prepared (tests, one-shot commands).
        """
        with self._derived_lock:
            if key not in self._derived:
                self._derived[key] = build()
            return self._derived[key]


Preparer = Callable[[IndexSnapshot], None]


class SnapshotSource(ABC):
    """Where the assistant gets the snapshot to answer from; implementations may swap it any time."""

    embedder: Embedder

    def __init__(self) -> None:
        self._preparers: list[Preparer] = []
        self._snapshot: IndexSnapshot | None = None

    def current(self) -> IndexSnapshot:
        """The snapshot serving now: take it once per answer and keep it to the end."""
        snapshot = self._snapshot
        if snapshot is None:
            raise IndexUnavailable("no guidance index yet: run `medaliyah ingest` first")
        return snapshot

    @abstractmethod
    def refresh(self) -> bool:
        """Load the published version if it changed and swap it in; True when it did."""

    def on_new_snapshot(self, prepare: Preparer) -> None:
        """Run ``prepare`` on every new snapshot before it serves (and on the current one now)."""
        self._preparers.append(prepare)
        if self._snapshot is not None:
            prepare(self._snapshot)

    def _swap(self, snapshot: IndexSnapshot) -> None:
        for prepare in self._preparers:
            prepare(snapshot)
        self._snapshot = snapshot  # one reference assignment: answers see old or new, never a mix

    # Conveniences over the current snapshot, for callers that read once (tests, one-shot commands).
    @property
    def version(self) -> IndexVersion:
        return self.current().version

    @property
    def chunks(self) -> tuple[ChunkRecord, ...]:
        return self.current().chunks

    def dense_search(self, query_vector: list[float], k: int = 10, langs=None, doc_ids=None) -> list[DenseHit]:
        return self.current().dense_search(query_vector, k, langs, doc_ids)

    def close(self) -> None:
        """Stop watching and give back what the source holds."""


# -- Chroma ------------------------------------------------------------------------------------


def load_snapshot(store: VersionedStore, version: IndexVersion) -> IndexSnapshot:
    """A snapshot of one stored version, published or not (the quality gate reads an unpublished one).

    The vectors are read once with the chunks and searched in memory: a frozen version never
    changes, a guidance corpus is small (a few thousand chunks are a few MB), and a matrix product
    costs a fraction of a millisecond against several for a Chroma query per answer. It also means
    a Chroma server that goes away mid-chat no longer touches answers, only the next refresh.
    """
    collection = store.collection(version)
    with store.guard("reading the serving version"):
        got = collection.get(include=["documents", "metadatas", "embeddings"])
    rows = sorted(
        (
            (ChunkRecord.from_stored(cid, doc or "", meta or {}), vector)
            for cid, doc, meta, vector in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"])
        ),
        key=lambda row: (row[0].doc_id, row[0].lang, row[0].chunk_index),
    )
    chunks = tuple(chunk for chunk, _ in rows)
    vectors = np.asarray([vector for _, vector in rows], dtype=np.float32).reshape(len(rows), version.dimension)
    return IndexSnapshot(version, chunks, _matrix_dense(chunks, vectors))


def _matrix_dense(chunks: tuple[ChunkRecord, ...], vectors: np.ndarray) -> DenseSearch:
    """Cosine similarity over the snapshot's own vectors, as Chroma's cosine space computes it."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True) if len(vectors) else None
    vectors = vectors / np.where(norms == 0, 1.0, norms) if norms is not None else vectors
    langs_of = np.asarray([c.lang for c in chunks])
    docs_of = np.asarray([c.doc_id for c in chunks])

    def search(vector, k, langs, doc_ids):
        if not chunks:
            return []
        query = np.asarray(vector, dtype=np.float32)
        sims = vectors @ (query / (float(np.linalg.norm(query)) or 1.0))
        keep = np.ones(len(chunks), dtype=bool)
        if langs:
            keep &= np.isin(langs_of, list(langs))
        if doc_ids:
            keep &= np.isin(docs_of, list(doc_ids))
        candidates = np.flatnonzero(keep)
        if not len(candidates):
            return []
        k = min(k, len(candidates))
        top = candidates[np.argpartition(-sims[candidates], k - 1)[:k]]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [DenseHit(chunks[int(i)], float(sims[int(i)])) for i in top]

    return search


class GuidanceIndex(SnapshotSource):
    """The serving version in Chroma, checked against the embedder that will query it.

    ``refresh()`` follows the pointer when a new version is published (or rolled back to);
    ``watch()`` does so from a background thread every few seconds while the bot serves. The
    versions this process holds are leased in the store, so another process's prune keeps them.
    """

    def __init__(self, store: VersionedStore, embedder: Embedder, *, lease: bool = True) -> None:
        super().__init__()
        self.store = store
        self.embedder = embedder
        self.reader_id = f"reader-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._lease = lease
        self._retired: dict[str, float] = {}  # version -> monotonic time it stopped serving
        self._last_lease = 0.0
        self._refresh_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.refresh()
        if lease:
            # A one-shot `ask` gives its lease back as it exits (by weak reference: no index is kept alive for it).
            this = weakref.ref(self)
            atexit.register(lambda: (index := this()) is not None and index.close())

    def refresh(self) -> bool:
        with self._refresh_lock:
            try:
                active = self.store.active()
            except IndexUnavailable:
                raise
            except Exception as exc:
                raise IndexUnavailable(f"the vector store cannot be reached: {exc}") from exc
            if active is None:
                raise IndexUnavailable("no guidance index yet: run `medaliyah ingest` first")
            serving = self._snapshot
            if serving is not None and active.collection_name == serving.name:
                self._renew_lease()
                return False
            if active.embedder != self.embedder.name or active.dimension != self.embedder.dimension:
                raise EmbedderMismatch(
                    f"the index was built with '{active.embedder}' ({active.dimension} dimensions) but "
                    f"the bot is configured with '{self.embedder.name}' ({self.embedder.dimension}); "
                    "re-ingest with `medaliyah ingest` or set MEDALIYAH_EMBEDDER back"
                )
            # Lease the new version before reading it, so no prune can drop it under us.
            self._renew_lease(extra=(active.collection_name,), force=True)
            snapshot = load_snapshot(self.store, active)
            self._swap(snapshot)
            if serving is not None:
                self._retired[serving.name] = time.monotonic()
                log.info("now serving guidance %s (was %s)", active.collection_name, serving.name)
            self._renew_lease(force=True)
            return True

    def _renew_lease(self, extra: Iterable[str] = (), force: bool = False) -> None:
        if not self._lease:
            return
        now = time.monotonic()
        if not force and now - self._last_lease < LEASE_RENEW_S:
            return
        self._retired = {v: t for v, t in self._retired.items() if now - t < RETIRED_GRACE_S}
        held = {*self._retired, *extra}
        if self._snapshot is not None:
            held.add(self._snapshot.name)
        try:
            self.store.renew_lease(self.reader_id, held)
            self._last_lease = now
        except Exception as exc:  # a read-only store can still serve; it just cannot protect itself
            log.warning("could not record the index lease (%s)", type(exc).__name__)

    @property
    def watching(self) -> bool:
        return self._thread is not None

    def watch(self, interval_s: float = 2.0) -> None:
        """Follow the pointer from a daemon thread; a failing check leaves the snapshot serving."""
        if self._thread is not None:
            return

        def loop() -> None:
            while not self._stop.wait(interval_s):
                try:
                    self.refresh()
                except Exception as exc:
                    log.warning("index refresh failed (%s); still serving %s", type(exc).__name__, self.version.collection_name)

        self._thread = threading.Thread(target=loop, name="index-watch", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._lease:
            try:
                self.store.release_lease(self.reader_id)
            except Exception:
                pass


class FixedSnapshotSource(SnapshotSource):
    """One snapshot that never changes: the quality gate evaluates a version before it serves."""

    def __init__(self, snapshot: IndexSnapshot, embedder: Embedder) -> None:
        super().__init__()
        self.embedder = embedder
        self._snapshot = snapshot

    def refresh(self) -> bool:
        return False


# -- in memory (the unit tier's fake) -----------------------------------------------------------


class InMemorySnapshotSource(SnapshotSource):
    """Chunks embedded in memory and searched with numpy: the assistant's whole read side, no store.

    ``publish(chunks)`` builds the next snapshot and swaps it in, as an ingest does through Chroma.
    """

    def __init__(self, embedder: Embedder, chunks: Iterable[ChunkRecord] = ()) -> None:
        super().__init__()
        self.embedder = embedder
        self._counter = 0
        self.publish(chunks)

    def publish(self, chunks: Iterable[ChunkRecord]) -> IndexSnapshot:
        chunks = tuple(sorted(chunks, key=lambda c: (c.doc_id, c.lang, c.chunk_index)))
        vectors = np.asarray(self.embedder.embed_documents([c.embedding_text() for c in chunks]) or np.zeros((0, self.embedder.dimension)), dtype=float)
        self._counter += 1
        stamp = datetime.now(timezone.utc).isoformat()
        version = IndexVersion(f"memory-v{self._counter}", self.embedder.name, self.embedder.dimension, stamp)
        snapshot = IndexSnapshot(version, chunks, self._dense_for(chunks, vectors))
        self._swap(snapshot)
        return snapshot

    def _dense_for(self, chunks: tuple[ChunkRecord, ...], vectors: np.ndarray) -> DenseSearch:
        """How a snapshot searches its vectors (a test double may slow or break it)."""
        return _matrix_dense(chunks, np.asarray(vectors, dtype=np.float32).reshape(len(chunks), -1))

    def refresh(self) -> bool:
        return False
