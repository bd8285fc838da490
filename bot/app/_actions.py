"""What the application asks a transport to do: typed actions, rendered and sent at the edge.

A transport turns each action into its own calls (a Telegram message with an inline keyboard, a
line in the terminal, a forum topic for the advisors) and decides nothing itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Union

from bot.assistant import EscalationReason, Language, Reply, Source, Turn


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # callback data, at most 64 bytes (Telegram's limit); see ``bot.app.callbacks``


Keyboard = tuple[tuple[Button, ...], ...]  # rows of buttons


@dataclass(frozen=True)
class SendReply:
    """An answer of the assistant, with 👍/👎, "Talk to an advisor" and related questions."""

    conversation_id: str
    reply: Reply
    keyboard: Keyboard = ()
    answer_id: str = ""  # the id feedback buttons refer to
    in_answer_to: str | None = None  # the question, when it came from a tapped related-question button


@dataclass(frozen=True)
class SendText:
    """A catalog message (greeting, help, confirmation), already in the doctor's language."""

    conversation_id: str
    language: Language
    key: str  # the catalog key, so a transport or a test can tell messages apart
    text: str
    keyboard: Keyboard = ()


@dataclass(frozen=True)
class OpenHandoff:
    """A person must take over: everything the advisors' packet needs, so no one asks twice."""

    conversation_id: str
    language: Language
    reason: EscalationReason
    detail: str  # the words that triggered it, or why; for the advisor only
    question: str  # what the doctor wrote that led here ("" for a button or /advisor)
    reply: Reply  # what the bot told the doctor
    history: tuple[Turn, ...]  # the exchanges before this one, oldest first
    first_name: str | None = None
    user_id: str | None = None

    @property
    def guidance(self) -> tuple[Source, ...]:
        """The guidance near the case (title, as-of, similarity score), best first."""
        return self.reply.guidance or self.reply.sources


@dataclass(frozen=True)
class RelayToAdvisor:
    """A ticket is open: what the doctor writes goes to the advisor, not to the assistant."""

    conversation_id: str
    text: str
    message_id: str | None = None  # the doctor's message, for a transport that copies it (files, voice)
    kind: str = "text"


@dataclass(frozen=True)
class DeliverToDoctor:
    """An advisor's words for the doctor."""

    conversation_id: str
    text: str
    advisor_name: str | None = None


@dataclass(frozen=True)
class CloseHandoff:
    conversation_id: str
    reason: Literal["doctor_returned", "forgotten"]


@dataclass(frozen=True)
class ConversationForgotten:
    """The doctor confirmed /forget: the application erased its memory; stores erase the rest."""

    conversation_id: str
    user_id: str | None = None


@dataclass(frozen=True)
class LanguageChosen:
    conversation_id: str
    language: Language | None  # None: back to detection


@dataclass(frozen=True)
class FeedbackGiven:
    conversation_id: str
    answer_id: str
    helpful: bool


@dataclass(frozen=True)
class IndexRefreshed:
    """A newly published guidance version now serves (the terminal shows a note)."""

    version: str


Action = Union[
    SendReply, SendText, OpenHandoff, RelayToAdvisor, DeliverToDoctor, CloseHandoff,
    ConversationForgotten, LanguageChosen, FeedbackGiven, IndexRefreshed,
]
