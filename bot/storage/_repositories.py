"""The repositories' contracts: each an ABC with an in-memory and a SQL backend.

Callers (the Telegram transport, the handoff, the CLI) depend on these, never on a backend, so a
test can hand them the in-memory ones and the bot the database. Times are timezone-aware UTC.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

from bot.assistant import Language

from ._values import AnswerRecord, Doctor, Feedback, Gap, StoredMessage


class DoctorRepository(ABC):
    @abstractmethod
    def get(self, doctor_id: int) -> Doctor | None: ...

    @abstractmethod
    def seen(
        self,
        doctor_id: int,
        chat_id: int,
        *,
        first_name: str = "",
        conversation_id: str | None = None,
        at: datetime | None = None,
    ) -> Doctor:
        """Record that the doctor wrote (creating them the first time); returns who they are now.

        A doctor who had blocked the bot and writes again has unblocked it: the flag is cleared.
        Language and consent are left as they were.
        """

    @abstractmethod
    def set_language(self, doctor_id: int, language: Language | None) -> Doctor | None: ...

    @abstractmethod
    def give_consent(self, doctor_id: int, at: datetime | None = None) -> Doctor | None: ...

    @abstractmethod
    def mark_blocked(self, doctor_id: int, at: datetime | None = None) -> Doctor | None:
        """Telegram answered 403: the doctor blocked the bot; nothing is sent to them until they write."""

    @abstractmethod
    def all(self) -> list[Doctor]: ...

    @abstractmethod
    def forget(self, doctor_id: int) -> bool:
        """Erase everything stored about the doctor: the doctor, their conversations, messages,
        answer records and feedback (and any later table with a ``doctor_id``). True if anything
        was stored."""


class MessageRepository(ABC):
    @abstractmethod
    def add(self, message: StoredMessage) -> StoredMessage:
        """Store a message; returns it with its id and time."""

    @abstractmethod
    def recent(self, conversation_id: str, limit: int = 20) -> list[StoredMessage]:
        """The last ``limit`` messages of a conversation, oldest first (for an advisor's packet)."""

    @abstractmethod
    def of_doctor(self, doctor_id: int) -> list[StoredMessage]:
        """Everything stored that a doctor wrote or received, oldest first."""

    @abstractmethod
    def purge(self, older_than: datetime) -> int:
        """Delete messages written before ``older_than``; returns how many."""

    @abstractmethod
    def forget_conversation(self, conversation_id: str) -> int: ...


class AnswerRepository(ABC):
    @abstractmethod
    def add(self, record: AnswerRecord) -> AnswerRecord:
        """Store what was answered and from which documents; returns it with its id and time."""

    @abstractmethod
    def get(self, answer_id: int) -> AnswerRecord | None: ...

    @abstractmethod
    def drawing_on(self, doc_id: str, since: datetime, *, lang: str | None = None) -> list[AnswerRecord]:
        """Answers since ``since`` that used document ``doc_id`` (any language unless ``lang``),
        oldest first: whom ``medaliyah notify`` tells when that document changes."""

    @abstractmethod
    def gaps(self, since: datetime) -> list[Gap]:
        """Answers since ``since`` that were declined, said "I don't know" or got a 👎, oldest
        first, each with why: what ``medaliyah gaps`` exports to the content team."""

    @abstractmethod
    def purge(self, older_than: datetime) -> int: ...

    @abstractmethod
    def forget_conversation(self, conversation_id: str) -> int: ...


class FeedbackRepository(ABC):
    @abstractmethod
    def add(self, feedback: Feedback) -> Feedback: ...

    @abstractmethod
    def for_answer(self, answer_id: int) -> list[Feedback]: ...

    @abstractmethod
    def of_doctor(self, doctor_id: int) -> list[Feedback]: ...

    @abstractmethod
    def purge(self, older_than: datetime) -> int: ...

    @abstractmethod
    def forget_conversation(self, conversation_id: str) -> int: ...


class NoticeRepository(ABC):
    """Who was told about which guidance change (``medaliyah notify``): each doctor once per change."""

    @abstractmethod
    def told(self, doctor_id: int, change: str) -> bool: ...

    @abstractmethod
    def mark_told(self, doctor_id: int, change: str, at: datetime | None = None) -> None:
        """Idempotent: marking twice keeps one record."""
