"""Official files in other formats are read, with their metadata from a sidecar."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import CorpusInvalid, chunk_document, load_corpus

SIDE = "id: {id}\nlang: en\ntitle: \"{title}\"\ntopic: circulars\nas_of: 2025-09-01\nsources:\n  - https://www.health.gov.il/circular\n"


def _sidecar(path: Path, doc_id: str, title: str = "Circular") -> None:
    path.with_name(path.name + ".meta.yaml").write_text(SIDE.format(id=doc_id, title=title))


def _only(root: Path):
    (doc,) = load_corpus(root)
    return doc


def test_pdf_text_and_sidecar_metadata_are_loaded(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "en" / "internship-circular.pdf"
    pdf.parent.mkdir()
    c = canvas.Canvas(str(pdf), pagesize=A4)
    c.drawString(72, 800, "The internship lasts nine months from September 2025.")
    c.showPage()
    c.drawString(72, 800, "Placement is decided by a national lottery.")
    c.save()
    _sidecar(pdf, "internship-circular", "Internship circular")
    doc = _only(tmp_path)
    assert doc.meta.id == "internship-circular" and str(doc.meta.as_of) == "2025-09-01"
    assert "nine months" in doc.body and "national lottery" in doc.body


def test_docx_headings_become_sections(tmp_path: Path) -> None:
    import docx

    path = tmp_path / "exam-notice.docx"
    d = docx.Document()
    d.add_heading("Exam notice", level=0)
    d.add_heading("When is the exam held?", level=1)
    d.add_paragraph("Twice a year, in spring and in autumn.")
    d.add_heading("Which languages?", level=1)
    d.add_paragraph("Hebrew, English, Arabic, Russian or Spanish.")
    d.save(str(path))
    _sidecar(path, "exam-notice")
    chunks = chunk_document(_only(tmp_path))
    assert [c.section for c in chunks] == [("When is the exam held?",), ("Which languages?",)]
    assert "Spanish" in chunks[1].text


def test_html_sections_and_sidecar_named_by_stem(tmp_path: Path) -> None:
    path = tmp_path / "grants.html"
    path.write_text(
        "<html><head><style>p{}</style></head><body><nav>menu</nav><h1>Grants</h1>"
        "<h2>How much is the grant?</h2><p>NIS 50,000 per family (2022).</p>"
        "<ul><li>paid in the 2nd month</li><li>and the 13th month</li></ul></body></html>"
    )
    (tmp_path / "grants.meta.yaml").write_text(SIDE.format(id="grants", title="Grants"))
    (chunk,) = chunk_document(_only(tmp_path))
    assert chunk.section == ("How much is the grant?",)
    assert "NIS 50,000" in chunk.text and "13th month" in chunk.text and "menu" not in chunk.text


def test_txt_without_sidecar_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "memo.txt"
    path.write_text("A memo.")
    with pytest.raises(CorpusInvalid) as info:
        load_corpus(tmp_path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}: no metadata: add a sidecar file memo.txt.meta.yaml beside it"
    ]


def test_drafts_are_validated_but_not_served(tmp_path: Path) -> None:
    from tests.conftest import write_doc

    write_doc(tmp_path, "a", "en", "## Q?\nA.")
    write_doc(tmp_path, "b", "en", "## Q?\nA.", status="draft")
    assert [d.meta.id for d in load_corpus(tmp_path)] == ["a"]
