"""Facts the shipped guidance must state in every language, where doctors look for them (dev11, 3 December 2026).

Each was missing from a reply because the section a doctor is answered from did not say it, or said
it in vaguer words than the fact sheet: the exam request is filed even by a doctor the USMLE exempts
(L-07), MedEx opens the file with Ministry of Health officials and certifies documents before an
Israeli notary (P-02), and the 2025 CONEAU/WFME news is an academic recognition (C-11).
"""

from __future__ import annotations

import re

import pytest

from ingest import chunk_document, load_corpus
from tests.conftest import REPO


def _sections(doc_id: str, lang: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Heading -> (text, alternative questions) of one shipped page (a long section's chunks joined)."""
    (doc,) = [d for d in load_corpus(REPO / "knowledge") if d.meta.id == doc_id and d.meta.lang == lang]
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for chunk in chunk_document(doc):
        text, questions = out.get(chunk.section_title, ("", ()))
        out[chunk.section_title] = (f"{text}\n{chunk.text}", questions or tuple(chunk.questions))
    return out


def _section(doc_id: str, lang: str, heading: str) -> tuple[str, tuple[str, ...]]:
    sections = _sections(doc_id, lang)
    (title,) = [t for t in sections if re.search(heading, t)]
    return sections[title]


@pytest.mark.parametrize(
    ("lang", "heading", "filed"),
    [
        ("en", r"USMLE exempt", r"still need to file the request to sit the exam \(\*Bakasha LeHibachen\*\)"),
        ("fr", r"USMLE me dispense", r"quand même déposer la demande d'examen \(\*Bakasha LeHibachen\*\)"),
        ("es", r"USMLE me exime", r"igual tienes que presentar la solicitud para rendir el examen \(\*Bakasha LeHibachen\*\)"),
    ],
)
def test_the_usmle_section_says_the_exam_request_is_still_filed(lang: str, heading: str, filed: str) -> None:
    """'If I am exempted, do I still need to submit the exam application form?' is answered where the USMLE is."""
    text, questions = _section("licensing-exam", lang, heading)
    assert re.search(filed, text)
    assert any(re.search(r"still|quand même|igual", q) for q in questions)


@pytest.mark.parametrize(
    ("lang", "officials", "notary"),
    [("en", "open your Ministry file", "notarised on site"), ("fr", "fonctionnaires du ministère de la Santé", "notaire israélien")],
)
def test_the_north_american_page_says_who_is_at_medex(lang: str, officials: str, notary: str) -> None:
    """A Montreal doctor is answered from the US/Canada page: it names the MOH officials and the notary too."""
    text = "\n".join(t for t, _ in _sections("us-canada", lang).values())
    medex = next(line for line in text.splitlines() if "**MedEx**" in line)
    assert officials in medex and notary in medex


@pytest.mark.parametrize(("lang", "academic"), [("en", "**academic**"), ("fr", "**académique**"), ("es", "**académico**")])
def test_the_coneau_section_says_the_recognition_is_academic(lang: str, academic: str) -> None:
    """What 'CONEAU' adds to a search (knowledge/synonyms.yaml) is this section's words."""
    text, _ = _section("argentina-latin-america", lang, "CONEAU")
    assert academic in text and "WFME" in text


@pytest.mark.parametrize(("lang", "words"), [("en", ("up north", "Be'er Sheva")), ("fr", ("Nord", "Beer-Sheva")), ("es", ("norte", "Beer Sheva"))])
def test_the_grant_amount_section_is_asked_with_the_towns_doctors_name(lang: str, words: tuple[str, ...]) -> None:
    """A story about Soroka and Be'er Sheva asking 'how much is it?' gets NIS 50,000, not the ministry's plans."""
    text, questions = _section("periphery-grants", lang, r"Negev or the Galilee\?|Néguev ou en Galilée|Néguev o a la Galilea")
    assert "50" in text
    assert all(any(w in q for q in questions) for w in words)
