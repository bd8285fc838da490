"""The optional LLM step: a draft answer from the retrieved passages, checked before use.

The model is never trusted on facts. A draft reaches a doctor only if every chunk it cites was
retrieved, every figure it states appears in the retrieved text, and it is in the conversation's
language; anything else, or any error or timeout, falls back to the extractive answer.
"""

from __future__ import annotations

import re
from typing import Protocol, Sequence

from pydantic import BaseModel, Field

from ._memory import Turn
from ._retrieval import Passage
from ._types import DraftRejection, Language, RejectionKind


class Draft(BaseModel):
    """What the model must return (the structured-output schema)."""

    answer: str = Field(description="The answer to the doctor, in the doctor's language, short enough for a phone.")
    cited_chunk_ids: list[str] = Field(description="Ids of the passages the answer relies on.")
    needs_human: bool = Field(description="True if an advisor should take over (a personal decision, an appeal, distress).")
    why: str = Field(default="", description="Why a human is needed, if needs_human.")


class AnswerGenerator(Protocol):
    def draft(
        self, *, question: str, language: Language, passages: Sequence[Passage], history: Sequence[Turn]
    ) -> Draft: ...


# A figure: a number with optional thousands separators/decimals, as doctors and ministries write it.
# Thousands separators must be followed by exactly three digits, so "in 2022, 24 months" stays two
# figures. A star code (*5400, Israeli short numbers) is its own kind of figure; the stars of
# Markdown bold are not: an odd run of stars before four digits ("***5400**") holds a star code.
_FIGURE = re.compile(r"\d{1,3}(?:[ ,.'\u00a0\u202f]\d{3})+(?!\d)|\d+(?:[.,]\d+)?")


def figures(text: str) -> set[str]:
    """Every number in ``text`` in a canonical form: '50 000', '50,000' and '50.000' are one figure."""
    found = set()
    for match in _FIGURE.finditer(text):
        if match.start() > 0 and (text[match.start() - 1].isalnum()):
            continue  # part of a word or code (e.g. "B2", "v3")
        digits = re.sub(r"[\s.,'\u00a0\u202f]", "", match.group(0)).lstrip("0") or "0"
        stars = len(text[: match.start()]) - len(text[: match.start()].rstrip("*"))
        found.add(f"*{digits}" if stars % 2 == 1 and len(digits) == 4 else digits)
    return found


def check_draft(
    draft: Draft, passages: Sequence[Passage], language: Language, detect: "LanguageGuess"
) -> DraftRejection | None:
    """Why the draft must not reach a doctor, or None when it may."""
    if not draft.answer.strip():
        return DraftRejection(RejectionKind.EMPTY)
    retrieved = {p.chunk.chunk_id: p for p in passages}
    unknown = [cid for cid in draft.cited_chunk_ids if cid not in retrieved]
    if unknown:
        return DraftRejection(RejectionKind.UNKNOWN_CHUNK, tuple(unknown))
    if not draft.cited_chunk_ids:
        return DraftRejection(RejectionKind.NO_CITATION)
    source_text = " ".join(
        f"{p.chunk.title} {' '.join(p.chunk.section)} {p.chunk.text} {p.chunk.as_of.isoformat()} {p.chunk.as_of.year}"
        for p in passages
    )
    invented = sorted(figures(draft.answer) - figures(source_text))
    if invented:
        return DraftRejection(RejectionKind.INVENTED_FIGURE, tuple(invented))
    guessed = detect(draft.answer)
    if guessed is not None and guessed != language:
        return DraftRejection(RejectionKind.WRONG_LANGUAGE, (f"'{guessed}', not '{language}'",))
    return None


def rejection_for(error: BaseException) -> DraftRejection:
    """The typed reason for an LLM call that raised: its class and HTTP status, never its text."""
    name = type(error).__name__
    status = getattr(error, "status_code", None) or getattr(getattr(error, "response", None), "status_code", None)
    if isinstance(error, TimeoutError) or "Timeout" in name:
        return DraftRejection(RejectionKind.TIMEOUT, error_class=name)
    if isinstance(status, int):
        return DraftRejection(RejectionKind.HTTP_ERROR, error_class=name, status=status)
    if name == "DraftFormatError" or isinstance(error, ValueError):
        return DraftRejection(RejectionKind.MALFORMED, error_class=name)
    return DraftRejection(RejectionKind.ERROR, error_class=name)


class LanguageGuess(Protocol):
    def __call__(self, text: str) -> Language | None: ...
