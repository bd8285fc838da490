"""The Telegram rendering of a structured reply, checked with the emulator's MarkdownV2 parser.

What a doctor sees is what Telegram parses out of the MarkdownV2 the bot sends, so every test
parses the rendered messages the way the Bot API does and asserts on the text and entities.
"""

from __future__ import annotations

from datetime import date

from bot.assistant import Reply, Source, Triage, TriageKind, parse_markdown
from bot.telegram import render_reply, render_text
from tests.botapi import parse_markdown_v2

GUIDANCE = """## Do I have to sit the exam?

**Graduates** of schools in the US are *exempt* after an internship. Call *5400 (Misrad HaBriut),
or see [gov.il](https://www.gov.il/en/service/medical_license). Fee: NIS 1,234.50!

- Diploma + transcript (apostilled)
- Internship certificate_2024
"""


def reply(markdown: str, lang: str = "en", sources: tuple[Source, ...] = ()) -> Reply:
    return Reply("tg:1", parse_markdown(markdown), lang, Triage(TriageKind.ANSWER), sources, "extractive")


def seen(messages: list[str]) -> list[tuple[str, list]]:
    """What Telegram would show for each message (raises like the Bot API on bad markup)."""
    return [parse_markdown_v2(m) for m in messages]


def entity_text(text: str, entity) -> str:
    raw = text.encode("utf-16-le")
    return raw[entity.offset * 2:(entity.offset + entity.length) * 2].decode("utf-16-le")


def test_guidance_markdown_becomes_telegram_formatting_with_star_codes_and_amounts_literal():
    [(text, entities)] = seen(render_reply(reply(GUIDANCE)))
    assert "Call *5400 (Misrad HaBriut)" in text
    assert "Fee: NIS 1,234.50!" in text
    assert "• Diploma + transcript (apostilled)\n• Internship certificate_2024" in text
    found = {(e.type, entity_text(text, e)) for e in entities}
    assert ("bold", "Do I have to sit the exam?") in found
    assert ("bold", "Graduates") in found and ("italic", "exempt") in found
    link = next(e for e in entities if e.type == "text_link")
    assert entity_text(text, link) == "gov.il" and link.url == "https://www.gov.il/en/service/medical_license"


def test_sources_are_links_under_the_date_the_guidance_is_valid_as_of_in_the_doctors_language():
    sources = (
        Source("licensing-exam", "fr", "L'examen [officiel]", ("https://www.gov.il/fr/exam",), date(2025, 3, 1)),
        Source("green-track", "fr", "Voie verte", (), date(2024, 11, 15)),
    )
    [(text, entities)] = seen(render_reply(reply("Réponse.", "fr", sources)))
    assert text.endswith("Informations valables au 15 novembre 2024.\nSources :\n• L'examen [officiel]\n• Voie verte")
    assert [(e.type, entity_text(text, e), e.url) for e in entities] == [
        ("italic", "Informations valables au 15 novembre 2024.", None),
        ("text_link", "L'examen [officiel]", "https://www.gov.il/fr/exam"),
    ]


def test_the_doctors_own_words_are_shown_exactly_never_as_formatting():
    words = "What about *5400, _my_ [file](x) `code` ~ > # + - = | { } . ! \\ ?"
    [(text, entities)] = seen(render_reply(reply("Answer."), in_answer_to=words))
    assert text.startswith(f"❓ {words}\n\nAnswer.")
    assert [(e.type, entity_text(text, e)) for e in entities] == [("bold", words)]
    [(plain, none)] = seen(render_text(words))
    assert plain == words and none == []


def test_a_long_answer_is_split_on_paragraph_boundaries_under_the_limit():
    paragraphs = [f"Paragraph {i}: " + " ".join(f"word{j}" for j in range(120)) + f" [link {i}](https://example.org/{i})." for i in range(12)]
    messages = render_reply(reply("\n\n".join(paragraphs)))
    assert len(messages) > 1
    shown = seen(messages)
    for text, entities in shown:
        assert len(text) <= 4000
        assert text.startswith("Paragraph ") and text.endswith(".")  # whole paragraphs only
        for e in entities:  # every link whole, in the piece it belongs to
            assert entity_text(text, e).startswith("link ")
    assert "\n\n".join(t for t, _ in shown) == "\n\n".join(
        p.replace(f"[link {i}](https://example.org/{i})", f"link {i}") for i, p in enumerate(paragraphs)
    )


def test_a_paragraph_longer_than_the_limit_is_cut_between_words_and_outside_entities():
    words = " ".join(f"mot{j}" for j in range(700)) + " **fin en gras qui ne doit pas être coupée**"
    messages = render_reply(reply(words + " " + words), limit=1000)
    shown = seen(messages)
    vocabulary = set(words.replace("**", "").split())
    for text, entities in shown:
        assert len(text) <= 1000
        assert set(text.split()) <= vocabulary  # no word cut in two
        for e in entities:
            assert entity_text(text, e) == "fin en gras qui ne doit pas être coupée"


def test_emoji_count_as_two_units_and_stay_whole():
    text = "🇮🇱 " * 1500
    messages = render_text(text, limit=1000)
    for shown, _ in seen(messages):
        assert len(shown.encode("utf-16-le")) // 2 <= 1000
        assert shown.replace("🇮🇱", "").strip() == ""
