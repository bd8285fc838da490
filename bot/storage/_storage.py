"""Every repository of one backend in one value, built from settings in one call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from bot.assistant import ConversationStore
from bot.settings import Settings

from ._answer_log import StorageAnswerLog, doctor_id_of
from ._database import Database, open_database
from ._memory import (
    InMemoryAnswerRepository,
    InMemoryDoctorRepository,
    InMemoryFeedbackRepository,
    InMemoryMessageRepository,
    InMemoryNoticeRepository,
    MemoryState,
)
from ._repositories import AnswerRepository, DoctorRepository, FeedbackRepository, MessageRepository, NoticeRepository
from ._sql import (
    SqlAnswerRepository,
    SqlConversationStore,
    SqlDoctorRepository,
    SqlFeedbackRepository,
    SqlMessageRepository,
    SqlNoticeRepository,
)
from ._values import PurgeReport, utcnow


@dataclass(frozen=True)
class Storage:
    """The repositories a running bot uses, all on the same backend.

    ``database`` is None for the in-memory backend; the other engineers' repositories (tickets,
    message links) are built on ``storage.database`` the same way.
    """

    conversations: ConversationStore
    doctors: DoctorRepository
    messages: MessageRepository
    answers: AnswerRepository
    feedback: FeedbackRepository
    notices: NoticeRepository
    database: Database | None = None
    message_retention: timedelta = timedelta(days=90)

    def purge(self, older_than: datetime | None = None) -> PurgeReport:
        """Delete what doctors wrote and were answered before ``older_than`` (default: the retention).

        The retention job calls this once a day: messages, answer records, feedback, and conversations
        nobody wrote in since then all go.
        """
        cutoff = older_than or utcnow() - self.message_retention
        purge_conversations = getattr(self.conversations, "purge", None)
        return PurgeReport(
            messages=self.messages.purge(cutoff),
            answers=self.answers.purge(cutoff),
            feedback=self.feedback.purge(cutoff),
            conversations=purge_conversations(cutoff) if purge_conversations else 0,
            tickets=self._purge_closed_tickets(cutoff),
        )

    def _purge_closed_tickets(self, cutoff: datetime) -> int:
        """Hand-offs closed before ``cutoff`` go with their relayed messages and packet.

        Their texts are the same messages the retention removes from ``messages``; an open ticket
        is kept whatever its age, since an advisor is still working on it.
        """
        if self.database is None:
            return 0  # the in-memory ticket store lives and dies with the process
        from ._ticket_tables import ticket_message_links, tickets

        old = sa.select(tickets.c.id).where(tickets.c.status == "closed", tickets.c.closed_at < cutoff)
        with self.database.write() as conn:
            conn.execute(sa.delete(ticket_message_links).where(ticket_message_links.c.ticket_id.in_(old)))
            return conn.execute(sa.delete(tickets).where(tickets.c.id.in_(old))).rowcount or 0

    @property
    def answer_log(self) -> "StorageAnswerLog":
        """The application's ``AnswerLog`` port on these repositories (``build_application(answers=…)``)."""
        return StorageAnswerLog(self)

    def forget(self, conversation_id: str, user_id: str | int | None = None) -> None:
        """A confirmed ``/forget``: everything about the doctor if known, and the conversation either way."""
        doctor = doctor_id_of(user_id)
        if doctor is not None:
            self.doctors.forget(doctor)
        self.messages.forget_conversation(conversation_id)
        self.feedback.forget_conversation(conversation_id)
        self.answers.forget_conversation(conversation_id)
        self.conversations.forget(conversation_id)

    def close(self) -> None:
        if self.database is not None:
            self.database.close()


def sql_storage(database: Database, *, message_retention: timedelta = timedelta(days=90)) -> Storage:
    return Storage(
        conversations=SqlConversationStore(database),
        doctors=SqlDoctorRepository(database),
        messages=SqlMessageRepository(database),
        answers=SqlAnswerRepository(database),
        feedback=SqlFeedbackRepository(database),
        notices=SqlNoticeRepository(database),
        database=database,
        message_retention=message_retention,
    )


def memory_storage(*, message_retention: timedelta = timedelta(days=90)) -> Storage:
    """Everything in process memory: for tests and throwaway runs; a restart loses it."""
    state = MemoryState()
    return Storage(
        conversations=state.conversations,
        doctors=InMemoryDoctorRepository(state),
        messages=InMemoryMessageRepository(state),
        answers=InMemoryAnswerRepository(state),
        feedback=InMemoryFeedbackRepository(state),
        notices=InMemoryNoticeRepository(state),
        message_retention=message_retention,
    )


def open_storage(settings: Settings) -> Storage:
    """The bot's storage from its settings: open (and migrate) ``MEDALIYAH_DATABASE_URL``.

    ``MEDALIYAH_DATABASE_URL=memory`` keeps everything in memory instead.
    """
    retention = timedelta(days=settings.message_retention_days)
    if settings.database_url.strip().lower() == "memory":
        return memory_storage(message_retention=retention)
    return sql_storage(open_database(settings.database_url), message_retention=retention)
