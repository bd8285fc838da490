"""What the repositories store and return: plain frozen values, no database types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from enum import Enum

from bot.assistant import EscalationReason, Language, Reply, TriageKind


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Doctor:
    """A doctor who talks to the bot on Telegram, identified by their Telegram user id."""

    doctor_id: int  # Telegram user id
    chat_id: int  # the private chat the bot answers in
    first_name: str = ""
    language: Language | None = None
    conversation_id: str | None = None  # the assistant's conversation for this doctor
    consent_at: datetime | None = None  # when the doctor accepted what is stored (None: not yet)
    blocked_at: datetime | None = None  # when Telegram said the doctor blocked the bot (None: not blocked)
    last_seen_at: datetime | None = None
    created_at: datetime | None = None

    @property
    def has_consented(self) -> bool:
        return self.consent_at is not None

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None


class MessageAuthor(str, Enum):
    DOCTOR = "doctor"
    BOT = "bot"
    ADVISOR = "advisor"


@dataclass(frozen=True)
class StoredMessage:
    """One message of a conversation, as written by the doctor, the bot or an advisor."""

    conversation_id: str
    author: MessageAuthor
    text: str
    doctor_id: int | None = None
    telegram_message_id: int | None = None
    at: datetime | None = None  # None: now, when added
    id: int | None = None  # set by the repository


@dataclass(frozen=True)
class UsedDocument:
    """A guidance document an answer drew on, at the version that was served."""

    doc_id: str
    lang: str
    as_of: date | None = None


@dataclass(frozen=True)
class AnswerRecord:
    """What the bot answered to one question and from what, so it can be explained and revisited.

    ``helpful`` is False when the assistant itself said it did not know (an "I don't know").
    """

    conversation_id: str
    question: str
    answer: str
    language: Language
    kind: TriageKind
    reason: EscalationReason | None = None
    mode: str = "canned"  # "extractive", "llm" or "canned", as in Reply.mode
    index_version: str | None = None
    documents: tuple[UsedDocument, ...] = ()
    helpful: bool = True
    doctor_id: int | None = None
    created_at: datetime | None = None  # None: now, when added
    id: int | None = None  # set by the repository

    @classmethod
    def of_reply(
        cls, question: str, reply: Reply, *, doctor_id: int | None = None, index_version: str | None = None
    ) -> "AnswerRecord":
        """The record of one assistant reply, as the application layer stores it after answering."""
        return cls(
            conversation_id=reply.conversation_id, question=question, answer=reply.text, language=reply.language,
            kind=reply.triage.kind, reason=reply.triage.reason, mode=reply.mode, index_version=index_version,
            documents=tuple(UsedDocument(s.doc_id, s.lang, s.as_of) for s in reply.sources),
            helpful=reply.triage.reason is not EscalationReason.NO_RELIABLE_ANSWER, doctor_id=doctor_id,
        )


class GapReason(str, Enum):
    """Why an answer shows a gap in the guidance (``medaliyah gaps``)."""

    DECLINED = "declined"
    UNKNOWN = "unknown"  # the assistant said it did not know
    THUMBS_DOWN = "thumbs_down"


@dataclass(frozen=True)
class Gap:
    record: AnswerRecord
    reasons: tuple[GapReason, ...]


@dataclass(frozen=True)
class Feedback:
    """A doctor's 👍/👎 on one answer, or a 1–5 rating of an advisor's help, with an optional comment."""

    conversation_id: str
    helpful: bool | None = None  # 👍 True, 👎 False
    answer_id: int | None = None  # the AnswerRecord rated
    rating: int | None = None  # 1–5, on an advisor's help
    ticket_id: str | None = None
    comment: str = ""
    doctor_id: int | None = None
    at: datetime | None = None  # None: now, when added
    id: int | None = None  # set by the repository

    def __post_init__(self) -> None:
        if self.rating is not None and not 1 <= self.rating <= 5:
            raise ValueError(f"a rating is 1 to 5, not {self.rating}")
        if self.helpful is None and self.rating is None and not self.comment.strip():
            raise ValueError("feedback needs a thumb, a rating or a comment")


@dataclass(frozen=True)
class PurgeReport:
    """How many rows a retention purge removed, per kind."""

    messages: int = 0
    answers: int = 0
    feedback: int = 0
    conversations: int = 0
    tickets: int = 0  # closed hand-offs, with the messages relayed in them

    @property
    def total(self) -> int:
        return self.messages + self.answers + self.feedback + self.conversations + self.tickets
