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
