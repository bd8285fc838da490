"""What a doctor typed, made safe to read before language detection, triage and retrieval see it.

Messages arrive from terminals and clients that do not always send clean UTF-8: a byte that is
not UTF-8 reaches Python as a lone surrogate (which language detection and the embedder refuse
with an exception), a NUL byte makes the tokenizer stop reading, and control characters are
noise. None of these may cost the doctor the conversation.
"""

from __future__ import annotations

import re

# Bytes that were not UTF-8, as Python's surrogateescape hands them over (\udc80-\udcff).
_ESCAPED_BYTES = re.compile(r"[\udc80-\udcff]+")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Terminal escape sequences (colours, cursor moves), then any remaining C0/C1 control character.
_ESCAPE_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _recover_bytes(match: re.Match[str]) -> str:
    """A legacy terminal's é (byte 0xE9) becomes é again rather than a replacement character."""
    raw = bytes(ord(ch) - 0xDC00 for ch in match.group(0))
    return raw.decode("cp1252", errors="replace")


def readable_text(text: str) -> str:
    """The message as text any layer can store, log, relay or embed: valid UTF-8, no NUL,
    no control codes (kept whole otherwise, emoji included)."""
    text = _ESCAPED_BYTES.sub(_recover_bytes, text)
    text = _LONE_SURROGATE.sub("\ufffd", text)
    text = _ESCAPE_SEQUENCE.sub(" ", text)
    return _CONTROL.sub(" ", text.replace("\r\n", "\n")).strip()


def clean_message(text: str) -> str:
    """The message as a question: readable text, or "" when it holds no letter or digit at all.

    An emoji, "..." or "???" is not a question: an empty result makes the assistant ask the
    doctor to write one instead of answering from whatever page ranks first.
    """
    text = readable_text(text)
    if not any(ch.isalnum() for ch in text):
        return ""
    return text
