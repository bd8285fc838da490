"""Button callback data: short strings the application writes into buttons and reads back.

Telegram allows 64 bytes; each kind has a short prefix so a transport can route a press without
knowing what it means. Anything unparseable is ignored, never trusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from bot.assistant import LANGUAGES, Language

MAX_BYTES = 64


@dataclass(frozen=True)
class FeedbackData:
    answer_id: str
    helpful: bool


@dataclass(frozen=True)
class AdvisorData:
    pass


@dataclass(frozen=True)
class LanguageData:
    language: Language


@dataclass(frozen=True)
class RelatedData:
    chunk_id: str


@dataclass(frozen=True)
class ForgetData:
    confirmed: bool


@dataclass(frozen=True)
class AskAgainData:
    """Under a "guidance changed" notice: ask the stored answer's question again, as if typed."""

    answer_id: str


Callback = Union[FeedbackData, AdvisorData, LanguageData, RelatedData, ForgetData, AskAgainData]


def encode(data: Callback) -> str:
    match data:
        case FeedbackData(answer_id, helpful):
            return f"fb:{'+' if helpful else '-'}:{answer_id}"
        case AdvisorData():
            return "adv"
        case LanguageData(language):
            return f"lang:{language}"
        case RelatedData(chunk_id):
            return f"rq:{chunk_id}"
        case ForgetData(confirmed):
            return f"fgt:{'yes' if confirmed else 'no'}"
        case AskAgainData(answer_id):
            return f"again:{answer_id}"
    raise TypeError(data)


def fits(data: str) -> bool:
    return len(data.encode("utf-8")) <= MAX_BYTES


def decode(data: str) -> Callback | None:
    kind, _, rest = data.partition(":")
    if kind == "fb":
        sign, _, answer_id = rest.partition(":")
        return FeedbackData(answer_id, sign == "+") if sign in "+-" and sign and answer_id else None
    if kind == "adv":
        return AdvisorData()
    if kind == "lang" and rest in LANGUAGES:
        return LanguageData(rest)  # type: ignore[arg-type]
    if kind == "rq" and rest:
        return RelatedData(rest)
    if kind == "fgt" and rest in ("yes", "no"):
        return ForgetData(rest == "yes")
    if kind == "again" and rest.isdigit():
        return AskAgainData(rest)
    return None
