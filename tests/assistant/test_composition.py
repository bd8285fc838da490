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
