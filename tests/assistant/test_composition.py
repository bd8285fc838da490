"""The extractive answer quotes what the doctor asked about, whole when it fits, caveats always."""

from __future__ import annotations

from bot.assistant._extractive import select

LONG = (
    "The Ministry of Health grants three kinds of authorisation to doctors. "
    + "Some background about the ministry and its divisions. " * 14
    + "\n\n- **Temporary licence**: valid for 14 months, for a doctor newly entitled to practise.\n"
    "- **Permanent licence**: after 12 months of lawful work and a supervisor's recommendation.\n"
    "- **Limited permit**: for non-residents, one ward of one hospital for up to two years.\n\n"
    "These rules may have changed: confirm with the Ministry."
)


def test_the_sentence_with_the_asked_figure_survives_trimming() -> None:
    out = select(LONG, 500, "how long is the temporary licence valid and when do I get the permanent one?", "en")
    assert "14 months" in out and "12 months" in out
    assert "confirm with the Ministry" in out  # the caveat stays
    assert out.startswith("The Ministry of Health grants")  # the direct answer opens
    assert out.count("Some background") < 3 and out.endswith("…")


def test_a_different_question_keeps_a_different_part() -> None:
    out = select(LONG, 450, "can a non-resident get a limited permit in one hospital?", "en")
    assert "Limited permit" in out and "Temporary licence" not in out


def test_a_section_that_fits_is_quoted_whole() -> None:
    short = "Twice a year.\n\n- spring;\n- autumn."
    assert select(short, 500, "when is the exam?", "en") == short


def test_french_and_accents_match_the_question() -> None:
    text = ("Introduction générale sur le ministère. " * 10 + "La licence temporaire est valable **14 mois**. "
            + "Autre détail administratif sans rapport. " * 10)
    out = select(text, 300, "le permis temporaire dure combien de temps", "fr")
    assert "14 mois" in out


def _retrieval(doc_id: str, heading: str, text: str):
    from datetime import date

    from bot.assistant._retrieval import Passage, Retrieval
    from ingest import ChunkRecord

    chunk = ChunkRecord(f"{doc_id}.en.001", text, doc_id, "en", doc_id.title(), "t", (heading,), date(2026, 1, 31),
                        ("https://example.org",), "h", "d", "p", 1)
    return Retrieval((Passage(chunk, 1.0, 0.9, 1.0),), (doc_id,), 0.9, 1.0, frozenset())


def test_two_questions_in_one_message_are_answered_in_two_parts() -> None:
    from bot.assistant._content import text_of
    from bot.assistant._extractive import compose

    exam = _retrieval("licensing-exam", "Does the USMLE exempt me?", "Yes, Step 1 and Step 2 CK. " + "Detail. " * 120)
    lottery = _retrieval("internship", "How are hospitals assigned?", "By a **national lottery** of the Ministry.")
    content, sources = compose(exam, "en", question="usmle? and hospitals?",
                               parts=[("does the usmle exempt me?", exam), ("how are hospitals assigned?", lottery)])
    shown = " ".join(text_of(b.spans) for b in content if hasattr(b, "spans"))
    assert "Does the USMLE exempt me?" in shown and "How are hospitals assigned?" in shown
    assert "national lottery" in shown and "Step 1 and Step 2 CK" in shown
    assert [s.doc_id for s in sources] == ["licensing-exam", "internship"]
