"""Query embeddings of fixed texts, kept on disk per embedder so each text is embedded once.

The triage data (1,500 messages) and the synonyms' guidance terms are the same for every doctor.
Embedding the first at every start-up would cost minutes; embedding the second on first use made
the first doctors after a restart wait one more embedding per reply (a third of the slowest
replies' time in ``bench/answer.py``).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)


class QueryEmbedder(Protocol):
    name: str

    def embed_queries(self, texts: list[str]) -> list[list[float]]: ...


def cache_file(cache_dir: Path, kind: str, embedder_name: str) -> Path:
    """``<kind>-vectors-<embedder>.npz``: one file per use and embedder, rebuilt when lost."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", embedder_name)[:80]
    return cache_dir / f"{kind}-vectors-{slug}.npz"


def query_vectors(embedder: QueryEmbedder, texts: Iterable[str], file: Path | None, what: str) -> dict[str, np.ndarray]:
    """Each text's query embedding; only those the file lacks are embedded, and then the file keeps ``texts`` alone."""
    wanted = list(dict.fromkeys(texts))
    known = _load(file) if file is not None else {}
    missing = sorted(t for t in wanted if t not in known)
    if missing:
        log.info("embedding %d %s with %s", len(missing), what, embedder.name)
        for text, vector in zip(missing, embedder.embed_queries(missing)):
            known[text] = np.asarray(vector, dtype=np.float32)
    vectors = {t: known[t] for t in wanted}
    if file is not None and missing:
        _save(file, vectors)
    return vectors


def _load(file: Path) -> dict[str, np.ndarray]:
    if not file.exists():
        return {}
    try:
        with np.load(file, allow_pickle=False) as stored:
            return dict(zip((str(t) for t in stored["texts"]), stored["vectors"]))
    except Exception as exc:  # a truncated or foreign file: rebuild it
        log.warning("vector cache %s unreadable (%s); re-embedding", file.name, type(exc).__name__)
        return {}


def _save(file: Path, vectors: dict[str, np.ndarray]) -> None:
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_name(f"{file.stem}.{os.getpid()}.tmp.npz")
        np.savez_compressed(tmp, texts=np.array(list(vectors)), vectors=np.stack(list(vectors.values())))
        os.replace(tmp, file)
    except OSError as exc:
        log.warning("cannot cache vectors in %s (%s)", file.parent, type(exc).__name__)


__all__ = ["QueryEmbedder", "cache_file", "query_vectors"]
