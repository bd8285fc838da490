"""Replies as structure: the guidance's Markdown parsed once, rendered at the edge, nothing lost."""

from __future__ import annotations

import re

from bot.assistant import Heading, ListItem, Paragraph, Span, figures, parse_markdown, render_content_plain
from ingest import chunk_document, load_corpus
from ingest._chunking import approx_tokens
from tests.conftest import REPO


def test_structure_has_paragraphs_items_emphasis_and_links() -> None:
    blocks = parse_markdown(
        "Call **\\*5400** or see [the MoH](https://health.gov.il).\n\n- first *item*\n- second\n\n3. third"
    )
    assert blocks[0] == Paragraph((
        Span("Call "), Span("*5400", strong=True), Span(" or see "), Span("the MoH", link="https://health.gov.il"), Span("."),
    ))
    assert blocks[1] == ListItem((Span("first "), Span("item", emphasis=True)), "-")
    assert [b.marker for b in blocks[1:]] == ["-", "-", "3."]
    assert parse_markdown("## When is the exam held?") == (Heading((Span("When is the exam held?"),)),)


def test_star_codes_stay_literal_inside_bold_and_bold_numbers_stay_bold() -> None:
    assert parse_markdown("**MOH call centre — *5400**: call") == (
        Paragraph((Span("MOH call centre — *5400", strong=True), Span(": call"))),
    )
    assert parse_markdown("Dial *2994 or ***5400**.") == (
        Paragraph((Span("Dial *2994 or "), Span("*5400", strong=True), Span("."))),
    )
    assert parse_markdown("**5400** doctors") == (Paragraph((Span("5400", strong=True), Span(" doctors"))),)


def test_every_figure_and_word_of_the_guidance_survives_parsing_and_plain_rendering() -> None:
    for doc in load_corpus(REPO / "knowledge"):
        for chunk in chunk_document(doc, max_tokens=512, count_tokens=approx_tokens):
            rendered = render_content_plain(parse_markdown(chunk.text))
            assert figures(rendered) == figures(chunk.text), chunk.chunk_id
            words = lambda text: set(re.findall(r"[^\W\d_]{4,}", text))  # noqa: E731
            assert words(chunk.text) <= words(rendered), chunk.chunk_id


def test_an_italic_term_inside_a_bold_step_renders_as_one_bold_run() -> None:
    """Plain rendering of a step with an italic term in it reads as Markdown, not a run of stars."""
    for source in ("5. **Make aliyah, get your *Teudat Zehut*** (Israeli ID card)", "6. **Do the internship (*staj*)** if needed"):
        rendered = render_content_plain(parse_markdown(source))
        assert rendered == source
        assert "****" not in rendered


def test_a_quoted_step_keeps_its_own_number_when_a_step_before_it_is_left_out() -> None:
    """A pathway quote without step 4 must not show step 5 as "4.": the doctor would follow the wrong step."""
    blocks = parse_markdown("1. Open your aliyah file.\n2. Open your licence file.\n5. Do the internship.\n")
    assert [b.marker for b in blocks if isinstance(b, ListItem)] == ["1.", "2.", "5."]
    assert "5. Do the internship." in render_content_plain(tuple(blocks))
