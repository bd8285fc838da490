"""Incremental ingest: compare the corpus with what serves, embed only what changed, publish.

The plan is computed per document (``(id, lang)``); embeddings are reused per chunk (same
content hash, same embedder), so editing one section of a long document re-embeds one section.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Literal

from ._chunking import chunk_document
from ._documents import SourceDocument
from ._embedders import Embedder
from ._schema import LANGUAGES, ChunkRecord
from ._store import IndexVersion, VersionedStore

Change = Literal["added", "changed", "removed", "unchanged"]
ProgressCallback = Callable[[int, int], None]
# Called with the complete, not yet published version; returns why it must not be published, or None.
PublishCheck = Callable[[IndexVersion], "str | None"]
# Reads the guidance folder; run_ingest calls it holding the lock, see there.
CorpusLoader = Callable[[], "list[SourceDocument]"]

DEFAULT_MAX_REMOVAL_SHARE = 0.5  # over half of all served documents gone is a mistake until said otherwise
HEARTBEAT_SECONDS = 2.0  # how often a long embedding run checks that the store still answers


class RemovalRefused(RuntimeError):
    """The ingest would remove so much of the serving guidance that it is more likely a mistake.

    An empty or half-copied knowledge folder must not wipe what doctors are being answered from;
    ``allow_removals`` says the removals are intended (an empty corpus is refused regardless).
    """


@dataclass(frozen=True)
class DocumentChange:
    doc_id: str
    lang: str
    change: Change


@dataclass(frozen=True)
class IngestPlan:
    """What an ingest would do, before it does anything."""

    changes: tuple[DocumentChange, ...]
    rebuild_reason: str | None = None  # set when nothing can be reused (first ingest, new embedder)

    @property
    def has_work(self) -> bool:
        return any(c.change != "unchanged" for c in self.changes)

    def removal_risk(self, max_share: float = DEFAULT_MAX_REMOVAL_SHARE) -> str | None:
        """Why publishing this plan would lose too much of the serving guidance, or None.

        Refused: an empty corpus, a language that serves today left with no document, or more
        than ``max_share`` of the served documents removed.
        """
        kept = [c for c in self.changes if c.change != "removed"]
        removed = [c for c in self.changes if c.change == "removed"]
        served = [c for c in self.changes if c.change != "added"]
        if not kept:
            return "the knowledge folder holds no published guidance document, and an empty index is never published"
        if not removed:
            return None
        emptied = sorted({c.lang for c in removed} - {c.lang for c in kept})
        if emptied:
            return f"it would remove every document in {', '.join(repr(l) for l in emptied)} ({len(removed)} removed in all)"
        if served and len(removed) > max_share * len(served):
            return f"it would remove {len(removed)} of the {len(served)} documents that serve now (over {max_share:.0%})"
        return None

    def counts(self) -> dict[str, Counter[str]]:
        """Per language: how many documents are added, changed, removed, unchanged."""
        table: dict[str, Counter[str]] = {lang: Counter() for lang in LANGUAGES}
        for c in self.changes:
            table.setdefault(c.lang, Counter())[c.change] += 1
        return table


@dataclass
class IngestReport:
    plan: IngestPlan
    version: IndexVersion | None
    published: bool = False  # False when nothing changed and nothing was written
    chunks_total: int = 0
    chunks_embedded: int = 0
    chunks_reused: int = 0
    seconds: float = 0.0
    pruned: list[str] = field(default_factory=list)
    refused: str | None = None  # why a built version was not published (the quality gate said no)
    staged: bool = False  # built and kept unpublished, waiting for confirmation


@dataclass(frozen=True)
class _StoredChunk:
    chunk_id: str
    text: str
    metadata: dict
    embedding: list[float]


def _stored_chunks(store: VersionedStore, version: IndexVersion | None) -> list[_StoredChunk]:
    if version is None:
        return []
    collection = store.collection(version)
    with store.guard("reading the serving version"):
        got = collection.get(include=["documents", "metadatas", "embeddings"])
    return [
        _StoredChunk(cid, doc or "", dict(meta or {}), list(map(float, emb)))
        for cid, doc, meta, emb in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"])
    ]


def plan_ingest(
    documents: Iterable[SourceDocument], store: VersionedStore | None, embedder: Embedder
) -> IngestPlan:
    """Compare the corpus with the serving version, by document hash (no store: a first build)."""
    active = store.active() if store is not None else None
    served: dict[tuple[str, str], str] = {}
    rebuild = None
    if active is None:
        rebuild = "no index yet"
    elif active.embedder != embedder.name or active.dimension != embedder.dimension:
        rebuild = f"embedder changed ({active.embedder} → {embedder.name})"
    if store is not None and active is not None:  # even on a rebuild: what it would remove must be known
        collection = store.collection(active)
        with store.guard("reading the serving version"):
            got = collection.get(include=["metadatas"])
        for meta in got["metadatas"]:
            served[(str(meta["doc_id"]), str(meta["lang"]))] = str(meta["doc_hash"])
    changes: list[DocumentChange] = []
    wanted = {doc.key: doc for doc in documents}
    for key, doc in sorted(wanted.items()):
        change: Change
        if key not in served:
            change = "added"
        elif rebuild is not None:
            change = "changed"
        else:
            change = "unchanged" if served[key] == doc.doc_hash else "changed"
        changes.append(DocumentChange(key[0], key[1], change))
    for key in sorted(set(served) - set(wanted)):
        changes.append(DocumentChange(key[0], key[1], "removed"))
    return IngestPlan(tuple(changes), rebuild)


def run_ingest(
    documents: list[SourceDocument] | CorpusLoader,
    store: VersionedStore,
    embedder: Embedder,
    *,
    progress: ProgressCallback | None = None,
    batch_size: int = 32,
    keep_versions: int = 3,
    wait: bool = False,
    before_publish: PublishCheck | None = None,
    publish: bool = True,
    allow_removals: bool = False,
    max_removal_share: float = DEFAULT_MAX_REMOVAL_SHARE,
) -> IngestReport:
    """Build a new complete version and publish it; the serving version is never touched.

    If nothing changed, nothing is written. If the embedder fails or the process dies, the new
    version stays unpublished and the bot keeps serving the previous one. The whole run holds the
    store's ingest lock (``IngestBusy`` at once, or a wait with ``wait``), so a second ingest can
    neither publish over this one nor prune its version. ``before_publish`` (the quality gate)
    can refuse the new version, which is then dropped and never served. With ``publish=False``
    the version is staged instead, for ``VersionedStore.promote`` once someone confirms it.
    A plan that would remove too much (``IngestPlan.removal_risk``) raises ``RemovalRefused``
    before any write.

    ``documents`` may be a loader instead of a list: it is then called once the lock is held.
    An ingest that read the folder and then waited for another one would otherwise publish
    what the folder held before that other ingest's edit, over the newer text.
    """
    with store.ingest_lock(wait=wait) as lock:
        if callable(documents):
            documents = documents()
        def tick(done: int, total: int) -> None:
            lock.beat()
            if progress:
                progress(done, total)

        return _run_locked(
            documents, store, embedder, progress=tick, batch_size=batch_size,
            keep_versions=keep_versions, before_publish=before_publish, publish=publish,
            allow_removals=allow_removals, max_removal_share=max_removal_share,
        )


def _run_locked(
    documents: list[SourceDocument],
    store: VersionedStore,
    embedder: Embedder,
    *,
    progress: ProgressCallback,
    batch_size: int,
    keep_versions: int,
    before_publish: PublishCheck | None,
    publish: bool = True,
    allow_removals: bool = False,
    max_removal_share: float = DEFAULT_MAX_REMOVAL_SHARE,
) -> IngestReport:
    started = time.perf_counter()
    plan = plan_ingest(documents, store, embedder)
    risk = plan.removal_risk(max_removal_share)
    empty = not any(c.change != "removed" for c in plan.changes)
    if risk is not None and (empty or not allow_removals):  # an empty index is never published
        raise RemovalRefused(risk)
    active = store.active()
    if not plan.has_work and plan.rebuild_reason is None:
        with store.guard("counting the serving version"):
            total = store.collection(active).count() if active else 0
        return IngestReport(plan, active, chunks_total=total, seconds=time.perf_counter() - started)

    previous = _stored_chunks(store, active) if plan.rebuild_reason is None else []
    by_hash = {c.metadata.get("content_hash"): c.embedding for c in previous}
    chunks: list[ChunkRecord] = []
    for doc in documents:
        chunks.extend(
            chunk_document(doc, max_tokens=embedder.max_tokens, count_tokens=embedder.count_tokens)
        )
    to_embed = [c for c in chunks if c.content_hash not in by_hash]
    report = IngestReport(plan, None, chunks_total=len(chunks), chunks_reused=len(chunks) - len(to_embed))

    store.check("starting to embed")
    version, collection = store.new_version(embedder.name, embedder.dimension)
    fresh: dict[str, list[float]] = {}
    done = 0
    last_check = time.monotonic()
    progress(0, len(to_embed))
    for start in range(0, len(to_embed), batch_size):
        if time.monotonic() - last_check >= HEARTBEAT_SECONDS:
            # Minutes of embedding for a store that died meanwhile would end in a raw error.
            store.check("embedding")
            last_check = time.monotonic()
        batch = to_embed[start : start + batch_size]
        vectors = embedder.embed_documents([c.embedding_text() for c in batch])
        if len(vectors) != len(batch) or any(len(v) != embedder.dimension for v in vectors):
            raise RuntimeError("the embedder returned vectors of the wrong number or size")
        for chunk, vector in zip(batch, vectors):
            fresh[chunk.content_hash] = vector
        done += len(batch)
        progress(done, len(to_embed))
    report.chunks_embedded = len(to_embed)

    with store.guard("writing the new version"):
        limit = max(1, min(store.client.get_max_batch_size(), 1000))
        for start in range(0, len(chunks), limit):
            batch = chunks[start : start + limit]
            collection.add(
                ids=[c.chunk_id for c in batch],
                documents=[c.text for c in batch],
                metadatas=[c.to_metadata() for c in batch],
                embeddings=[fresh.get(c.content_hash) or by_hash[c.content_hash] for c in batch],
            )
    if before_publish is not None:
        refusal = before_publish(version)
        if refusal is not None:
            store.discard(version)
            report.refused = refusal
            report.seconds = time.perf_counter() - started
            return report
    per_lang = Counter(doc.meta.lang for doc in documents)
    details = {"chunks": len(chunks), "documents": dict(sorted(per_lang.items()))}
    if not publish:
        store.stage(version, collection, details=details)
        report.version = version
        report.staged = True
        report.seconds = time.perf_counter() - started
        return report
    store.publish(version, collection, details=details)
    report.version = version
    report.published = True
    report.pruned = store.prune(keep_versions, own=version.collection_name)
    report.seconds = time.perf_counter() - started
    return report
