"""Retrieval hands the answer builder every section of a page, not only the ones its search returned."""

from __future__ import annotations

from ingest import InMemorySnapshotSource


def test_a_retrieved_page_comes_with_all_of_its_sections(memory_source: InMemorySnapshotSource) -> None:
    from bot.assistant._retrieval import HybridRetriever

    snapshot = memory_source.current()
    found = HybridRetriever(memory_source, dense_k=1, keyword_k=1).retrieve("licensing exam", "en")
    top = found.passages[0]
    page = found.page_of(top)
    expected = [c for c in snapshot.chunks if c.doc_id == top.chunk.doc_id and c.lang == top.chunk.lang and c.section]
    assert [c.chunk_id for c in page] == [c.chunk_id for c in sorted(expected, key=lambda c: c.chunk_index)]
    assert top.chunk.chunk_id in {c.chunk_id for c in page} or not top.chunk.section
    assert len(page) > len([p for p in found.passages if p.chunk.doc_id == top.chunk.doc_id])  # more than it returned
    assert snapshot.pages() is snapshot.pages()  # built once per snapshot, not per question
