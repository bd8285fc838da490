"""Versioned collections in Chroma, and the one pointer that says which version serves.

An ingest never edits the collection the bot is reading. It writes a new version beside it and,
only once that version is complete, moves the pointer in a single metadata update. A killed or
failed ingest therefore leaves at worst an orphan collection (removed by the next ingest); the
previous complete version keeps serving.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlparse

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection

from ._schema import (
    META_ACTIVE,
    META_CREATED,
    META_DIMENSION,
    META_EMBEDDER,
    META_STATE,
    STATE_BUILDING,
    STATE_COMPLETE,
)


class IndexUnavailable(RuntimeError):
    """No complete index exists yet, or the vector store cannot be reached."""


class EmbedderMismatch(RuntimeError):
    """The index was built by another embedder; its vectors cannot be compared with ours."""


def open_client(index_path: str | None = None, chroma_url: str | None = None) -> ClientAPI:
    """A Chroma server client when a URL is given, else a local persistent store."""
    if chroma_url:
        url = urlparse(chroma_url)
        try:
            return chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
            )
        except Exception as exc:  # chromadb raises ValueError when the heartbeat fails
            raise IndexUnavailable(f"cannot reach the Chroma server at {chroma_url}: {exc}") from exc
    if not index_path:
        raise ValueError("either index_path or chroma_url is needed")
    return chromadb.PersistentClient(path=str(index_path))


@dataclass(frozen=True)
class IndexVersion:
    """One complete, servable collection and the embedder that built it."""

    collection_name: str
    embedder: str
    dimension: int
    created_at: str


class VersionedStore:
    """The collections of one index (one ``prefix``) and its serving pointer."""

    def __init__(self, client: ClientAPI, prefix: str = "guidance") -> None:
        self.client = client
        self.prefix = prefix
        self.pointer_name = f"{prefix}-active"

    # -- reading the pointer --------------------------------------------------------------

    def _pointer(self) -> Collection:
        return self.client.get_or_create_collection(self.pointer_name, embedding_function=None)

    def active(self) -> IndexVersion | None:
        """The version that serves now, or None before the first complete ingest."""
        meta = self._pointer().metadata or {}
        name = meta.get(META_ACTIVE)
        if not name:
            return None
        return IndexVersion(
            collection_name=str(name),
            embedder=str(meta.get(META_EMBEDDER, "")),
            dimension=int(meta.get(META_DIMENSION, 0)),
            created_at=str(meta.get(META_CREATED, "")),
        )

    def collection(self, version: IndexVersion) -> Collection:
        return self.client.get_collection(version.collection_name, embedding_function=None)

    # -- writing a new version ------------------------------------------------------------

    def new_version(self, embedder: str, dimension: int) -> tuple[IndexVersion, Collection]:
        stamp = datetime.now(timezone.utc)
        name = f"{self.prefix}-v{stamp.strftime('%Y%m%d%H%M%S%f')}"
        version = IndexVersion(name, embedder, dimension, stamp.isoformat())
        collection = self.client.create_collection(
            name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata=_version_metadata(version, STATE_BUILDING),
        )
        return version, collection

    def publish(self, version: IndexVersion, collection: Collection) -> None:
        """Mark the version complete, then point the bot at it: the switch is one write."""
        collection.modify(metadata=_version_metadata(version, STATE_COMPLETE))
        self._pointer().modify(
            metadata={
                META_ACTIVE: version.collection_name,
                META_EMBEDDER: version.embedder,
                META_DIMENSION: version.dimension,
                META_CREATED: version.created_at,
            }
        )

    def prune(self, keep_previous: int = 1) -> list[str]:
        """Drop old versions, keeping the active one and the newest ``keep_previous`` complete ones.

        The previous version is kept so a bot that opened it a moment ago can finish its query.
        Unfinished versions older than the active one (left by a crashed ingest) are dropped;
        newer ones may belong to an ingest running now and are left alone.
        """
        active = self.active()
        if active is None:
            return []
        older = sorted(
            (c.name for c in self.client.list_collections()
             if c.name.startswith(f"{self.prefix}-v") and c.name < active.collection_name),
            reverse=True,
        )
        kept = 0
        dropped = []
        for name in older:
            meta = self.client.get_collection(name, embedding_function=None).metadata or {}
            if kept < keep_previous and meta.get(META_STATE) == STATE_COMPLETE:
                kept += 1
                continue
            self.client.delete_collection(name)
            dropped.append(name)
        return dropped


def _version_metadata(version: IndexVersion, state: str) -> dict[str, Any]:
    return {
        META_EMBEDDER: version.embedder,
        META_DIMENSION: version.dimension,
        META_CREATED: version.created_at,
        META_STATE: state,
    }
