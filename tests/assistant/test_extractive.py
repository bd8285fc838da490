"""Trimming a section for a phone never drops its caveats nor leaves a sentence hanging."""

from __future__ import annotations

from bot.assistant._extractive import _trim

SECTION = (
    "Usually not. France is on the exemption list. " + "Filler sentence about the process. " * 12 + "\n\n"
    "Only if:\n\n- you finished the internship;\n- your licence is valid.\n\n"
    "⚠ The threshold may have changed:\n\n- 8 years (2024 plan);\n- 10 years (2025 report).\n\n"
    "Confirm with IMAP before you plan."
)


def test_caveat_and_its_whole_list_survive_trimming() -> None:
    out = _trim(SECTION, 300)
    assert "⚠ The threshold may have changed:" in out
    assert "8 years (2024 plan)" in out and "10 years (2025 report)" in out
    assert "Confirm with IMAP" in out


def test_an_introduction_without_its_list_is_dropped() -> None:
    out = _trim(SECTION, 300)
    assert "Only if:" not in out
    assert out.startswith("Usually not.") and out.endswith("…")


def test_short_sections_are_left_alone() -> None:
    assert _trim("Twice a year.", 300) == "Twice a year."


def test_an_oversized_first_sentence_is_cut_to_the_budget() -> None:
    """The trim used to keep its first unit whatever its length: 4,728 characters for a 1,100 budget."""
    for text in ("x" * 50_000, "An endless sentence " * 500 + "that ends here. Then another.", "Short. " + "y" * 3000):
        out = _trim(text, 1100)
        assert len(out) <= 1100 and out.endswith("…")


def test_an_answer_from_a_huge_unit_stays_within_its_budget() -> None:
    from datetime import date

    from bot.assistant import Passage, Retrieval
    from bot.assistant._extractive import MAX_ANSWER_CHARS, compose
    from ingest import ChunkRecord

    chunk = ChunkRecord("big.en.001", "w" * 40_000, "big", "en", "Big", "t", ("Section",), date(2026, 1, 31),
                        ("https://example.org",), "h", "d", "big.md", 1)
    retrieval = Retrieval((Passage(chunk, 1.0, 0.9, 1.0),), ("big",), 0.9, 1.0, frozenset())
    text, _ = compose(retrieval, "en")
    assert len(text) < MAX_ANSWER_CHARS + 300  # the section, its heading and the sources footer
