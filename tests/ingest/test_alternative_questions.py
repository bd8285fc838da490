"""Sections carry the questions doctors ask in their own words, and a wrong heading is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import CorpusInvalid, chunk_document, load_corpus

DOC = """---
id: hebrew
lang: en
title: "Hebrew"
topic: hebrew
as_of: 2026-01-31
sources:
  - https://example.org/source
questions:
  "Do I need a Hebrew test?":
    - is there a language exam for doctors
    - YAEL score needed
---
What this page covers.

## Do I need a Hebrew test?
Hebrew proof may be requested.

## Where is a medical ulpan?
In absorption centres.
"""


def test_a_section_is_searched_with_its_alternative_questions(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "hebrew.md").write_text(DOC)
    (doc,) = load_corpus(tmp_path)
    chunks = {c.section_title: c for c in chunk_document(doc)}
    asked = chunks["Do I need a Hebrew test?"]
    assert asked.questions == ("is there a language exam for doctors", "YAEL score needed")
    assert "YAEL score needed" in asked.embedding_text() and "YAEL" not in asked.text
    assert chunks["Where is a medical ulpan?"].questions == ()


def test_questions_for_a_missing_heading_name_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    path = tmp_path / "en" / "hebrew.md"
    path.write_text(DOC.replace('"Do I need a Hebrew test?":', '"Do I need an Hebrew test?":'))
    with pytest.raises(CorpusInvalid) as info:
        load_corpus(tmp_path)
    (problem,) = [str(p) for p in info.value.problems]
    assert problem.startswith(f"{path}:9:") and "Do I need an Hebrew test?" in problem


def test_the_synonyms_file_is_not_taken_for_guidance(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "hebrew.md").write_text(DOC)
    (tmp_path / "synonyms.yaml").write_text("- when: [sderot]\n  add: {en: Tkuma}\n")
    assert [d.meta.id for d in load_corpus(tmp_path)] == ["hebrew"]
