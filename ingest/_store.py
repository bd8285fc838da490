"""Versioned collections in Chroma, and the one pointer that says which version serves.

An ingest never edits the collection the bot is reading. It writes a new version beside it and,
only once that version is complete, moves the pointer in a single metadata update. A killed or
failed ingest therefore leaves at worst an orphan collection (removed by the next ingest); the
previous complete version keeps serving.

Three things keep several processes honest around one store:

* the **ingest lock**: one ingest (or rollback) at a time; a second one waits or stops with a
  message naming the holder. A local store uses an OS file lock beside the data (released by the
  kernel when the holder dies); a Chroma server holds a lock record with a heartbeat.
* **leases**: every serving process records which versions it holds, with a heartbeat, and
  pruning never drops a leased version, so an answer in flight never loses its collection.
* the **last N complete versions** are kept, so ``rollback`` has somewhere to go.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator
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
    STATE_STAGED,
)


class IndexUnavailable(RuntimeError):
    """No complete index exists yet, or the vector store cannot be reached."""


class EmbedderMismatch(RuntimeError):
    """The index was built by another embedder; its vectors cannot be compared with ours."""


class IngestBusy(RuntimeError):
    """Another ingest or rollback holds the store's lock."""


class StaleStage(RuntimeError):
    """A prepared version can no longer be published as previewed."""


class NoPreviousVersion(RuntimeError):
    """A rollback was asked for but no earlier complete version is kept."""


# A serving process renews its lease at least this often; a lease older than LEASE_TTL_S belongs
# to a process that died, and stops protecting its versions.
LEASE_RENEW_S = 30.0
LEASE_TTL_S = 180.0
# A lock record on a Chroma server whose heartbeat is older than this was left by a dead ingest.
SERVER_LOCK_TTL_S = 120.0


def whoami() -> str:
    """Who ran an ingest, as ``user@host``, for `medaliyah versions` and lock messages."""
    try:
        user = os.getlogin()
    except OSError:
        user = os.environ.get("USER") or os.environ.get("LOGNAME") or str(os.getuid())
    return f"{user}@{socket.gethostname()}"


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


@dataclass(frozen=True)
class VersionInfo:
    """What `medaliyah versions` shows of one stored version."""

    version: IndexVersion
    state: str
    active: bool = False
    published_at: str = ""
    run_by: str = ""
    chunks: int = 0
    documents: dict[str, int] = field(default_factory=dict)  # per language
    note: str = ""  # e.g. "rollback to ..." or the gate's verdict

    @property
    def name(self) -> str:
        return self.version.collection_name


class VersionedStore:
    """The collections of one index (one ``prefix``) and its serving pointer."""

    def __init__(self, client: ClientAPI, prefix: str = "guidance") -> None:
        self.client = client
        self.prefix = prefix
        self.pointer_name = f"{prefix}-active"
        self.leases_name = f"{prefix}-leases"
        self.lock_name = f"{prefix}-lock"

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

    def versions(self) -> list[VersionInfo]:
        """Every stored version of this index, newest first, the serving one marked."""
        active = self.active()
        infos = []
        for c in self.client.list_collections():
            name = c.name if hasattr(c, "name") else str(c)
            if not name.startswith(f"{self.prefix}-v"):
                continue
            meta = getattr(c, "metadata", None)
            if meta is None:
                meta = self.client.get_collection(name, embedding_function=None).metadata
            infos.append(_info(name, meta or {}, active))
        infos.sort(key=lambda i: (i.version.created_at, i.name), reverse=True)
        return infos

    def previous(self) -> VersionInfo | None:
        """The complete version built just before the serving one: where a rollback goes."""
        active = self.active()
        if active is None:
            return None
        older = [
            i for i in self.versions()
            if i.state == STATE_COMPLETE and not i.active and i.version.created_at < active.created_at
        ]
        return older[0] if older else None

    # -- writing a new version ------------------------------------------------------------

    def new_version(self, embedder: str, dimension: int) -> tuple[IndexVersion, Collection]:
        stamp = datetime.now(timezone.utc)
        name = f"{self.prefix}-v{stamp.strftime('%Y%m%d%H%M%S%f')}"
        version = IndexVersion(name, embedder, dimension, stamp.isoformat())
        collection = self.client.create_collection(
            name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata=_version_metadata(version, STATE_BUILDING, {"run_by": whoami(), "pid": os.getpid()}),
        )
        return version, collection

    def publish(
        self, version: IndexVersion, collection: Collection, *, details: dict[str, Any] | None = None
    ) -> None:
        """Mark the version complete, then point the bot at it: the switch is one write."""
        extra = {"run_by": whoami(), "published_at": _now_iso(), **_scalar(details or {})}
        collection.modify(metadata=_version_metadata(version, STATE_COMPLETE, extra))
        self._point(version)

    def stage(
        self, version: IndexVersion, collection: Collection, *, details: dict[str, Any] | None = None
    ) -> None:
        """Keep a complete version unpublished until someone confirms it (the content group's Publish).

        It remembers which version served when it was built: if another one serves by the time
        it is confirmed, the preview the editor saw is out of date and ``promote`` refuses.
        """
        active = self.active()
        extra = {"run_by": whoami(), "base": active.collection_name if active else "", **_scalar(details or {})}
        collection.modify(metadata=_version_metadata(version, STATE_STAGED, extra))

    def promote(self, name: str) -> IndexVersion:
        """Publish a staged version. Call it holding ``ingest_lock``."""
        try:
            collection = self.client.get_collection(name, embedding_function=None)
        except Exception as exc:
            raise StaleStage(f"the prepared version {name} is gone (another ingest replaced it); prepare it again") from exc
        meta = dict(collection.metadata or {})
        if meta.get(META_STATE) != STATE_STAGED:
            raise StaleStage(f"{name} is not waiting to be published")
        active = self.active()
        if (active.collection_name if active else "") != meta.get("base", ""):
            raise StaleStage("the guidance that serves changed since this preview; prepare it again")
        info = _info(name, meta, None)
        meta.update({META_STATE: STATE_COMPLETE, "published_at": _now_iso(), "run_by": whoami() if not meta.get("run_by") else meta["run_by"]})
        collection.modify(metadata=meta)
        self._point(info.version)
        return info.version

    def _point(self, version: IndexVersion) -> None:
        self._pointer().modify(
            metadata={
                META_ACTIVE: version.collection_name,
                META_EMBEDDER: version.embedder,
                META_DIMENSION: version.dimension,
                META_CREATED: version.created_at,
            }
        )

    def discard(self, version: IndexVersion) -> None:
        """Drop a version that was never published (a refused gate, a failed write)."""
        active = self.active()
        if active is not None and active.collection_name == version.collection_name:
            raise ValueError("the serving version cannot be discarded")
        try:
            self.client.delete_collection(version.collection_name)
        except Exception:  # already gone: nothing to discard
            pass

    def discard_staged(self, name: str) -> bool:
        """Drop a staged version nobody will publish (the content group's Discard); False if it is not one."""
        try:
            collection = self.client.get_collection(name, embedding_function=None)
        except Exception:  # already gone
            return False
        if (collection.metadata or {}).get(META_STATE) != STATE_STAGED:
            return False  # published meanwhile, or not a version: never drop what may serve
        self.client.delete_collection(name)
        return True

    def rollback(self, to: str | None = None) -> IndexVersion:
        """Make an earlier complete version serve again (the one before the serving one by default).

        Call it holding ``ingest_lock``, so that no ingest publishes in between.
        """
        if to is None:
            target = self.previous()
            if target is None:
                raise NoPreviousVersion("no earlier complete version is kept; nothing to roll back to")
        else:
            matches = [i for i in self.versions() if i.name == to]
            if not matches or matches[0].state != STATE_COMPLETE:
                raise NoPreviousVersion(f"no complete version named {to}")
            target = matches[0]
        self._point(target.version)
        return target.version

    def prune(self, keep: int = 3, *, own: str | None = None) -> list[str]:
        """Drop old versions, keeping the serving one, the newest ``keep`` complete ones, and leased ones.

        ``keep`` counts the serving version. Call it holding ``ingest_lock``: an unfinished
        version other than ``own`` was then left by an ingest that died, and is dropped. A version
        any live serving process holds (a lease) is never dropped, whatever its age.
        """
        active = self.active()
        if active is None:
            return []
        leased = self.leased()
        kept = {active.collection_name, *leased}
        if own:
            kept.add(own)
        complete = [i for i in self.versions() if i.state == STATE_COMPLETE]
        kept.update(i.name for i in complete[: max(1, keep)])
        dropped = []
        for info in self.versions():
            if info.name in kept:
                continue
            try:
                self.client.delete_collection(info.name)
            except Exception:  # removed meanwhile, or a store hiccup: the next ingest tries again
                continue
            dropped.append(info.name)
        return dropped

    # -- leases: which versions running processes serve -----------------------------------

    def _leases(self) -> Collection:
        return self.client.get_or_create_collection(self.leases_name, embedding_function=None)

    def renew_lease(self, reader: str, versions: Iterable[str]) -> None:
        """Record that ``reader`` (one serving process) holds ``versions`` now."""
        self._leases().upsert(
            ids=[reader],
            embeddings=[[0.0]],
            metadatas=[{
                "versions": json.dumps(sorted(set(versions))),
                "heartbeat": time.time(),
                "host": socket.gethostname(),
                "pid": os.getpid(),
            }],
        )

    def release_lease(self, reader: str) -> None:
        self._leases().delete(ids=[reader])

    def leased(self, ttl_s: float = LEASE_TTL_S) -> set[str]:
        """Versions held by a serving process whose heartbeat is recent."""
        got = self._leases().get(include=["metadatas"])
        now = time.time()
        held: set[str] = set()
        for meta in got["metadatas"] or []:
            if meta and now - float(meta.get("heartbeat", 0)) <= ttl_s:
                held.update(json.loads(str(meta.get("versions", "[]"))))
        return held

    # -- the ingest lock ------------------------------------------------------------------

    @contextmanager
    def ingest_lock(
        self, *, wait: bool = False, timeout_s: float | None = None, poll_s: float = 0.5
    ) -> Iterator["_LockHandle"]:
        """Hold the store's ingest lock for the body; IngestBusy when another holder has it.

        With ``wait`` the call blocks until the holder is done (or ``timeout_s`` passes).
        """
        owner = f"{whoami()} pid {os.getpid()} since {_now_iso()[:19]}Z"
        settings = self.client.get_settings()
        if getattr(settings, "is_persistent", False) and getattr(settings, "persist_directory", None):
            lock: _LockHandle = _FileLock(Path(settings.persist_directory) / f"{self.prefix}.ingest.lock", owner)
        else:
            lock = _RecordLock(self.client, self.lock_name, owner)
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while True:
            holder = lock.try_acquire()
            if holder is None:
                break
            if not wait or (deadline is not None and time.monotonic() >= deadline):
                raise IngestBusy(
                    f"another ingest is running on this index ({holder}); wait for it to finish, "
                    "or run again with --wait"
                )
            time.sleep(poll_s)
        try:
            yield lock
        finally:
            # A store that died mid-ingest cannot be told the lock is free; the failure that
            # brought us here (one line, IndexUnavailable) must not be masked by a raw error.
            try:
                lock.release()
            except Exception as exc:
                if not _is_store_error(exc):
                    raise


class _LockHandle:
    owner: str

    def try_acquire(self) -> str | None:
        """None when acquired, else a description of the holder."""
        raise NotImplementedError

    def beat(self) -> None:
        """Tell other processes the holder is alive (long ingests call it as they go)."""

    def release(self) -> None:
        raise NotImplementedError


class _FileLock(_LockHandle):
    """An flock on a file beside the local store: atomic, and freed by the kernel if we die."""

    def __init__(self, path: Path, owner: str) -> None:
        self.path = path
        self.owner = owner
        self._fd: int | None = None

    def try_acquire(self) -> str | None:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            try:
                holder = os.pread(fd, 500, 0).decode("utf-8", "replace").strip() or "unknown holder"
            finally:
                os.close(fd)
            return holder
        os.ftruncate(fd, 0)
        os.pwrite(fd, self.owner.encode(), 0)
        self._fd = fd
        return None

    def release(self) -> None:
        import fcntl

        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class _RecordLock(_LockHandle):
    """A lock record in a Chroma server, with a heartbeat; a stale record is taken over.

    A server offers no compare-and-set, so the record is written and read back after a pause:
    of two writers racing, only the last one reads its own token and goes on.
    """

    def __init__(self, client: ClientAPI, name: str, owner: str) -> None:
        self.collection = client.get_or_create_collection(name, embedding_function=None)
        self.owner = owner
        self.token = uuid.uuid4().hex
        self._last_beat = 0.0

    def _holder(self) -> dict | None:
        got = self.collection.get(ids=["ingest"], include=["metadatas"])
        return (got["metadatas"] or [None])[0]

    def try_acquire(self) -> str | None:
        held = self._holder()
        if held and held.get("token") != self.token and time.time() - float(held.get("heartbeat", 0)) < SERVER_LOCK_TTL_S:
            return str(held.get("owner", "unknown holder"))
        self._write()
        time.sleep(0.3)
        held = self._holder()
        if held and held.get("token") != self.token:
            return str(held.get("owner", "unknown holder"))
        return None

    def _write(self) -> None:
        self._last_beat = time.time()
        self.collection.upsert(
            ids=["ingest"], embeddings=[[0.0]],
            metadatas=[{"owner": self.owner, "token": self.token, "heartbeat": self._last_beat}],
        )

    def beat(self) -> None:
        if time.time() - self._last_beat > 10:
            self._write()

    def release(self) -> None:
        held = self._holder()
        if held and held.get("token") == self.token:
            self.collection.delete(ids=["ingest"])


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat()


def _scalar(details: dict[str, Any]) -> dict[str, str | int | float | bool]:
    """Chroma metadata holds scalars: anything else is stored as JSON."""
    return {
        k: v if isinstance(v, (str, int, float, bool)) else json.dumps(v, ensure_ascii=False)
        for k, v in details.items() if v is not None
    }


def _info(name: str, meta: dict[str, Any], active: IndexVersion | None) -> VersionInfo:
    try:
        documents = {str(k): int(v) for k, v in json.loads(str(meta.get("documents", "{}"))).items()}
    except (ValueError, AttributeError):
        documents = {}
    return VersionInfo(
        version=IndexVersion(
            name, str(meta.get(META_EMBEDDER, "")), int(meta.get(META_DIMENSION, 0) or 0), str(meta.get(META_CREATED, ""))
        ),
        state=str(meta.get(META_STATE, "")),
        active=active is not None and active.collection_name == name,
        published_at=str(meta.get("published_at", "")),
        run_by=str(meta.get("run_by", "")),
        chunks=int(meta.get("chunks", 0) or 0),
        documents=documents,
        note=str(meta.get("note", "")),
    )


def _version_metadata(version: IndexVersion, state: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        **(extra or {}),
        META_EMBEDDER: version.embedder,
        META_DIMENSION: version.dimension,
        META_CREATED: version.created_at,
        META_STATE: state,
    }
