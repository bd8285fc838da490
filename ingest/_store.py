"""Versioned collections in Chroma, and the one pointer that says which version serves.

An ingest never edits the collection the bot is reading. It writes a new version beside it and,
only once that version is complete, moves the pointer in a single metadata update. A killed or
failed ingest therefore leaves at worst an orphan collection (removed by the next ingest); the
previous complete version keeps serving.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlparse

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.errors import NotFoundError

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


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


def _is_store_error(exc: BaseException) -> bool:
    """Errors that mean "the store is broken or gone", as opposed to a bug in our code."""
    if isinstance(exc, NotFoundError):
        return False  # a missing collection is a state the callers handle themselves
    module = type(exc).__module__ or ""
    return isinstance(exc, (sqlite3.Error, OSError)) or module.startswith(("chromadb", "httpx", "httpcore"))


def local_store_failure(path: Path, exc: BaseException) -> IndexUnavailable:
    """The one line that says what is wrong with a local index folder, and the fix."""
    reason = _one_line(exc)
    lowered = reason.lower()
    if "readonly" in lowered or "read-only" in lowered or (path.is_dir() and not os.access(path, os.W_OK)):
        return IndexUnavailable(
            f"the index at {path} is on a read-only volume, and Chroma must write to open it: "
            "mount it read-write or copy it to a writable folder (MEDALIYAH_INDEX_PATH)"
        )
    if any(word in lowered for word in ("not a database", "malformed", "corrupt", "no such table", "disk i/o")):
        return IndexUnavailable(
            f"the index at {path} is damaged ({reason}): restore it from a backup, or rebuild it with "
            "`medaliyah ingest` into an empty MEDALIYAH_INDEX_PATH"
        )
    return IndexUnavailable(f"cannot use the index at {path}: {reason}")


def open_client(index_path: str | None = None, chroma_url: str | None = None, *, create: bool = True) -> ClientAPI:
    """A Chroma server client when a URL is given, else a local persistent store.

    Every failure to open is an ``IndexUnavailable`` with one line naming the path and the fix.
    ``create=False`` (the bot, a dry run) never creates a store that does not exist yet.
    """
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
    path = Path(index_path).expanduser()
    if path.exists() and not path.is_dir():
        raise IndexUnavailable(f"the index path {path} is a file, not a folder: point MEDALIYAH_INDEX_PATH at a folder")
    if not path.exists() and not create:
        raise IndexUnavailable(f"no guidance index at {path} yet: run `medaliyah ingest` first")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexUnavailable(f"cannot create the index folder {path}: {exc.strerror or exc}") from exc
    try:
        return chromadb.PersistentClient(path=str(path))
    except Exception as exc:
        raise local_store_failure(path, exc) from exc


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

    # -- failures -------------------------------------------------------------------------

    def where(self) -> str:
        """The store as an operator knows it: a folder or a server URL."""
        try:
            settings = self.client.get_settings()
        except Exception:
            return "the vector store"
        if settings.is_persistent and settings.persist_directory:
            return f"the index at {settings.persist_directory}"
        if settings.chroma_server_host:
            return f"the Chroma server at {settings.chroma_server_host}:{settings.chroma_server_http_port}"
        return "the vector store"

    @contextlib.contextmanager
    def guard(self, doing: str = "") -> Iterator[None]:
        """Turn a broken or unreachable store into ``IndexUnavailable``, one line, no traceback."""
        try:
            yield
        except IndexUnavailable:
            raise
        except Exception as exc:
            if not _is_store_error(exc):
                raise
            settings = None
            with contextlib.suppress(Exception):
                settings = self.client.get_settings()
            if settings is not None and settings.is_persistent and settings.persist_directory:
                raise local_store_failure(Path(settings.persist_directory), exc) from exc
            during = f" while {doing}" if doing else ""
            raise IndexUnavailable(
                f"{self.where()} stopped answering{during} ({type(exc).__name__}: {_one_line(exc)})"
            ) from exc

    def check(self, doing: str = "") -> None:
        """Raise ``IndexUnavailable`` now if the store is gone, rather than at the next write."""
        with self.guard(doing):
            self.client.heartbeat()

    # -- reading the pointer --------------------------------------------------------------

    def _pointer(self) -> Collection:
        with self.guard("reading which version serves"):
            return self.client.get_or_create_collection(self.pointer_name, embedding_function=None)

    def active(self) -> IndexVersion | None:
        """The version that serves now, or None before the first complete ingest.

        Only reads: a bot or a dry run never creates anything in the store.
        """
        try:
            with self.guard("reading which version serves"):
                meta = self.client.get_collection(self.pointer_name, embedding_function=None).metadata or {}
        except NotFoundError:
            return None
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
        with self.guard("opening the serving version"):
            return self.client.get_collection(version.collection_name, embedding_function=None)

    # -- writing a new version ------------------------------------------------------------

    def new_version(self, embedder: str, dimension: int) -> tuple[IndexVersion, Collection]:
        stamp = datetime.now(timezone.utc)
        name = f"{self.prefix}-v{stamp.strftime('%Y%m%d%H%M%S%f')}"
        version = IndexVersion(name, embedder, dimension, stamp.isoformat())
        with self.guard("creating a new version"):
            collection = self.client.create_collection(
            name,
            embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
                metadata=_version_metadata(version, STATE_BUILDING),
            )
        return version, collection

    def publish(self, version: IndexVersion, collection: Collection) -> None:
        """Mark the version complete, then point the bot at it: the switch is one write."""
        with self.guard("publishing the new version"):
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
