"""SQL backends for every repository, on one ``Database`` (SQLite or PostgreSQL).

Each method is one transaction. Read-modify-write steps lock first: ``Database.write`` takes
SQLite's write lock at ``BEGIN``, and on PostgreSQL the row is selected ``FOR UPDATE`` after an
insert that makes sure it exists, so concurrent writers queue rather than overwrite each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from bot.assistant import ConversationState, EscalationReason, Language, TriageKind, Turn

from ._codec import from_json_list, to_json
from ._database import Database
from ._memory import gap_reasons
from ._repositories import AnswerRepository, DoctorRepository, FeedbackRepository, MessageRepository, NoticeRepository
from ._tables import AnswerDocumentRow, AnswerRow, ConversationRow, DoctorRow, FeedbackRow, MessageRow, NoticeRow
from ._values import AnswerRecord, Doctor, Feedback, Gap, MessageAuthor, StoredMessage, UsedDocument, utcnow

conversations = ConversationRow.__table__
doctors = DoctorRow.__table__
messages = MessageRow.__table__
answers = AnswerRow.__table__
answer_documents = AnswerDocumentRow.__table__
feedback = FeedbackRow.__table__
notices = NoticeRow.__table__


def insert_if_missing(conn: Connection, table: sa.Table, values: dict[str, Any]) -> None:
    """INSERT … ON CONFLICT DO NOTHING, in the dialect's own words."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    conn.execute(insert(table).values(**values).on_conflict_do_nothing())


class SqlConversationStore:
    """The assistant's ``ConversationStore`` in the database: a restart keeps language and context."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def load(self, conversation_id: str) -> ConversationState:
        with self.database.read() as conn:
            row = conn.execute(sa.select(conversations).where(conversations.c.conversation_id == conversation_id)).first()
        return _state(row)

    def save(self, conversation_id: str, state: ConversationState) -> None:
        with self.database.write() as conn:
            self._lock(conn, conversation_id)
            self._write(conn, conversation_id, state)

    def append_turn(self, conversation_id: str, turn: Turn, max_turns: int) -> ConversationState:
        with self.database.write() as conn:
            state = self._lock(conn, conversation_id).with_turn(turn, max_turns)
            self._write(conn, conversation_id, state)
            return state

    def set_language(self, conversation_id: str, language: Language | None, *, explicit: bool) -> ConversationState:
        with self.database.write() as conn:
            state = self._lock(conn, conversation_id)
            if explicit:
                state = replace(state, explicit_language=language, language=language or state.language)
            else:
                state = replace(state, language=language)
            self._write(conn, conversation_id, state)
            return state

    def forget(self, conversation_id: str) -> None:
        with self.database.write() as conn:
            conn.execute(sa.delete(conversations).where(conversations.c.conversation_id == conversation_id))

    def purge(self, older_than: datetime) -> int:
        """Forget conversations nobody wrote in since ``older_than``."""
        with self.database.write() as conn:
            return conn.execute(sa.delete(conversations).where(conversations.c.updated_at < older_than)).rowcount

    @staticmethod
    def _lock(conn: Connection, conversation_id: str) -> ConversationState:
        insert_if_missing(conn, conversations, {
            "conversation_id": conversation_id, "language": None, "explicit_language": None,
            "turns": [], "updated_at": utcnow(),
        })
        row = conn.execute(
            sa.select(conversations).where(conversations.c.conversation_id == conversation_id).with_for_update()
        ).one()
        return _state(row)

    @staticmethod
    def _write(conn: Connection, conversation_id: str, state: ConversationState) -> None:
        conn.execute(
            sa.update(conversations)
            .where(conversations.c.conversation_id == conversation_id)
            .values(
                language=state.language, explicit_language=state.explicit_language,
                turns=to_json(state.turns), updated_at=utcnow(),
            )
        )


def _state(row: sa.Row[Any] | None) -> ConversationState:
    if row is None:
        return ConversationState()
    return ConversationState(
        language=row.language, explicit_language=row.explicit_language, turns=from_json_list(Turn, row.turns)
    )


class SqlDoctorRepository(DoctorRepository):
    def __init__(self, database: Database) -> None:
        self.database = database

    def get(self, doctor_id: int) -> Doctor | None:
        with self.database.read() as conn:
            return _doctor(conn.execute(sa.select(doctors).where(doctors.c.doctor_id == doctor_id)).first())

    def seen(self, doctor_id: int, chat_id: int, *, first_name: str = "", conversation_id: str | None = None,
             at: datetime | None = None) -> Doctor:
        at = at or utcnow()
        with self.database.write() as conn:
            insert_if_missing(conn, doctors, {
                "doctor_id": doctor_id, "chat_id": chat_id, "first_name": first_name,
                "conversation_id": conversation_id, "created_at": at,
            })
            changes: dict[str, Any] = {"chat_id": chat_id, "last_seen_at": at, "blocked_at": None}
            if first_name:
                changes["first_name"] = first_name
            if conversation_id:
                changes["conversation_id"] = conversation_id
            return self._update(conn, doctor_id, changes)  # type: ignore[return-value]

    def set_language(self, doctor_id: int, language: Language | None) -> Doctor | None:
        with self.database.write() as conn:
            return self._update(conn, doctor_id, {"language": language})

    def give_consent(self, doctor_id: int, at: datetime | None = None) -> Doctor | None:
        with self.database.write() as conn:
            return self._update(conn, doctor_id, {"consent_at": at or utcnow()})

    def mark_blocked(self, doctor_id: int, at: datetime | None = None) -> Doctor | None:
        with self.database.write() as conn:
            return self._update(conn, doctor_id, {"blocked_at": at or utcnow()})

    def all(self) -> list[Doctor]:
        with self.database.read() as conn:
            return [_doctor(r) for r in conn.execute(sa.select(doctors).order_by(doctors.c.doctor_id))]  # type: ignore[misc]

    def forget(self, doctor_id: int) -> bool:
        with self.database.write() as conn:
            known = {doctor_id}
            ids: set[str] = set()
            row = conn.execute(sa.select(doctors.c.conversation_id).where(doctors.c.doctor_id == doctor_id)).first()
            if row is not None and row.conversation_id:
                ids.add(row.conversation_id)
            for table in (messages, answers, feedback):
                ids.update(conn.execute(
                    sa.select(table.c.conversation_id).where(table.c.doctor_id.in_(known)).distinct()
                ).scalars())
            removed = row is not None
            conn.execute(sa.delete(answer_documents).where(
                answer_documents.c.answer_id.in_(sa.select(answers.c.id).where(answers.c.doctor_id == doctor_id))
            ))
            # Every table about a person has a doctor_id column, including tables added later by
            # other packages: read them from the database itself, children before parents.
            for table in _tables_with_doctor_id(conn):
                    removed |= conn.execute(sa.delete(table).where(table.c.doctor_id == doctor_id)).rowcount > 0
            if ids:
                removed |= conn.execute(
                    sa.delete(conversations).where(conversations.c.conversation_id.in_(ids))
                ).rowcount > 0
            return removed

    @staticmethod
    def _update(conn: Connection, doctor_id: int, changes: dict[str, Any]) -> Doctor | None:
        conn.execute(sa.update(doctors).where(doctors.c.doctor_id == doctor_id).values(**changes))
        return _doctor(conn.execute(sa.select(doctors).where(doctors.c.doctor_id == doctor_id)).first())


def _tables_with_doctor_id(conn: Connection) -> list[sa.Table]:
    reflected = sa.MetaData()
    reflected.reflect(bind=conn)
    return [t for t in reversed(reflected.sorted_tables) if "doctor_id" in t.c]


def _doctor(row: sa.Row[Any] | None) -> Doctor | None:
    if row is None:
        return None
    return Doctor(
        doctor_id=row.doctor_id, chat_id=row.chat_id, first_name=row.first_name, language=row.language,
        conversation_id=row.conversation_id, consent_at=row.consent_at, blocked_at=row.blocked_at,
        last_seen_at=row.last_seen_at, created_at=row.created_at,
    )


class SqlMessageRepository(MessageRepository):
    def __init__(self, database: Database) -> None:
        self.database = database

    def add(self, message: StoredMessage) -> StoredMessage:
        message = replace(message, at=message.at or utcnow())
        with self.database.write() as conn:
            result = conn.execute(sa.insert(messages).values(
                doctor_id=message.doctor_id, conversation_id=message.conversation_id,
                author=MessageAuthor(message.author).value, text=message.text,
                telegram_message_id=message.telegram_message_id, at=message.at,
            ))
        return replace(message, id=result.inserted_primary_key[0])  # type: ignore[index]

    def recent(self, conversation_id: str, limit: int = 20) -> list[StoredMessage]:
        if limit <= 0:
            return []
        with self.database.read() as conn:
            rows = conn.execute(
                sa.select(messages).where(messages.c.conversation_id == conversation_id)
                .order_by(messages.c.at.desc(), messages.c.id.desc()).limit(limit)
            ).all()
        return [_message(r) for r in reversed(rows)]

    def of_doctor(self, doctor_id: int) -> list[StoredMessage]:
        with self.database.read() as conn:
            rows = conn.execute(
                sa.select(messages).where(messages.c.doctor_id == doctor_id).order_by(messages.c.at, messages.c.id)
            ).all()
        return [_message(r) for r in rows]

    def purge(self, older_than: datetime) -> int:
        with self.database.write() as conn:
            return conn.execute(sa.delete(messages).where(messages.c.at < older_than)).rowcount

    def forget_conversation(self, conversation_id: str) -> int:
        with self.database.write() as conn:
            return conn.execute(sa.delete(messages).where(messages.c.conversation_id == conversation_id)).rowcount


def _message(row: sa.Row[Any]) -> StoredMessage:
    return StoredMessage(
        conversation_id=row.conversation_id, author=MessageAuthor(row.author), text=row.text,
        doctor_id=row.doctor_id, telegram_message_id=row.telegram_message_id, at=row.at, id=row.id,
    )


class SqlAnswerRepository(AnswerRepository):
    def __init__(self, database: Database) -> None:
        self.database = database

    def add(self, record: AnswerRecord) -> AnswerRecord:
        record = replace(record, created_at=record.created_at or utcnow())
        with self.database.write() as conn:
            result = conn.execute(sa.insert(answers).values(
                doctor_id=record.doctor_id, conversation_id=record.conversation_id, question=record.question,
                answer=record.answer, language=record.language, kind=TriageKind(record.kind).value,
                reason=EscalationReason(record.reason).value if record.reason else None, mode=record.mode,
                index_version=record.index_version, helpful=record.helpful, created_at=record.created_at,
            ))
            answer_id = result.inserted_primary_key[0]  # type: ignore[index]
            if record.documents:
                conn.execute(sa.insert(answer_documents), [
                    {"answer_id": answer_id, "position": i, "doc_id": d.doc_id, "lang": d.lang, "as_of": d.as_of}
                    for i, d in enumerate(record.documents)
                ])
        return replace(record, id=answer_id)

    def get(self, answer_id: int) -> AnswerRecord | None:
        with self.database.read() as conn:
            found = _records(conn, answers.c.id == answer_id)
        return found[0] if found else None

    def drawing_on(self, doc_id: str, since: datetime, *, lang: str | None = None) -> list[AnswerRecord]:
        used = sa.select(answer_documents.c.answer_id).where(answer_documents.c.doc_id == doc_id)
        if lang is not None:
            used = used.where(answer_documents.c.lang == lang)
        with self.database.read() as conn:
            return _records(conn, sa.and_(answers.c.created_at >= since, answers.c.id.in_(used)))

    def gaps(self, since: datetime) -> list[Gap]:
        disliked = sa.select(feedback.c.answer_id).where(feedback.c.helpful.is_(False), feedback.c.answer_id.is_not(None))
        with self.database.read() as conn:
            records = _records(conn, sa.and_(
                answers.c.created_at >= since,
                sa.or_(answers.c.kind == TriageKind.DECLINE.value, answers.c.helpful.is_(False), answers.c.id.in_(disliked)),
            ))
            thumbs_down = set(conn.execute(disliked.where(feedback.c.answer_id.in_([r.id for r in records]))).scalars())
        return [Gap(r, gap_reasons(r.kind, r.helpful, r.id in thumbs_down)) for r in records]

    def purge(self, older_than: datetime) -> int:
        with self.database.write() as conn:
            old = sa.select(answers.c.id).where(answers.c.created_at < older_than)
            conn.execute(sa.delete(answer_documents).where(answer_documents.c.answer_id.in_(old)))
            return conn.execute(sa.delete(answers).where(answers.c.created_at < older_than)).rowcount

    def forget_conversation(self, conversation_id: str) -> int:
        with self.database.write() as conn:
            mine = sa.select(answers.c.id).where(answers.c.conversation_id == conversation_id)
            conn.execute(sa.delete(answer_documents).where(answer_documents.c.answer_id.in_(mine)))
            return conn.execute(sa.delete(answers).where(answers.c.conversation_id == conversation_id)).rowcount


def _records(conn: Connection, where: sa.ColumnElement[bool]) -> list[AnswerRecord]:
    rows = conn.execute(sa.select(answers).where(where).order_by(answers.c.created_at, answers.c.id)).all()
    docs: dict[int, list[UsedDocument]] = {}
    for chunk in _chunks([r.id for r in rows], 500):
        for d in conn.execute(
            sa.select(answer_documents).where(answer_documents.c.answer_id.in_(chunk))
            .order_by(answer_documents.c.answer_id, answer_documents.c.position)
        ):
            docs.setdefault(d.answer_id, []).append(UsedDocument(d.doc_id, d.lang, d.as_of))
    return [
        AnswerRecord(
            conversation_id=r.conversation_id, question=r.question, answer=r.answer, language=r.language,
            kind=TriageKind(r.kind), reason=EscalationReason(r.reason) if r.reason else None, mode=r.mode,
            index_version=r.index_version, documents=tuple(docs.get(r.id, ())), helpful=r.helpful,
            doctor_id=r.doctor_id, created_at=r.created_at, id=r.id,
        )
        for r in rows
    ]


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class SqlFeedbackRepository(FeedbackRepository):
    def __init__(self, database: Database) -> None:
        self.database = database

    def add(self, item: Feedback) -> Feedback:
        item = replace(item, at=item.at or utcnow())
        with self.database.write() as conn:
            result = conn.execute(sa.insert(feedback).values(
                doctor_id=item.doctor_id, conversation_id=item.conversation_id, answer_id=item.answer_id,
                helpful=item.helpful, rating=item.rating, ticket_id=item.ticket_id, comment=item.comment, at=item.at,
            ))
        return replace(item, id=result.inserted_primary_key[0])  # type: ignore[index]

    def for_answer(self, answer_id: int) -> list[Feedback]:
        return self._select(feedback.c.answer_id == answer_id)

    def of_doctor(self, doctor_id: int) -> list[Feedback]:
        return self._select(feedback.c.doctor_id == doctor_id)

    def purge(self, older_than: datetime) -> int:
        with self.database.write() as conn:
            return conn.execute(sa.delete(feedback).where(feedback.c.at < older_than)).rowcount

    def forget_conversation(self, conversation_id: str) -> int:
        with self.database.write() as conn:
            return conn.execute(sa.delete(feedback).where(feedback.c.conversation_id == conversation_id)).rowcount

    def _select(self, where: sa.ColumnElement[bool]) -> list[Feedback]:
        with self.database.read() as conn:
            rows = conn.execute(sa.select(feedback).where(where).order_by(feedback.c.at, feedback.c.id)).all()
        return [
            Feedback(
                conversation_id=r.conversation_id, helpful=r.helpful, answer_id=r.answer_id, rating=r.rating,
                ticket_id=r.ticket_id, comment=r.comment, doctor_id=r.doctor_id, at=r.at, id=r.id,
            )
            for r in rows
        ]


class SqlNoticeRepository(NoticeRepository):
    def __init__(self, database: Database) -> None:
        self.database = database

    def told(self, doctor_id: int, change: str) -> bool:
        with self.database.read() as conn:
            return conn.execute(
                sa.select(notices.c.doctor_id).where(notices.c.doctor_id == doctor_id, notices.c.change == change)
            ).first() is not None

    def mark_told(self, doctor_id: int, change: str, at: datetime | None = None) -> None:
        with self.database.write() as conn:
            insert_if_missing(conn, notices, {"doctor_id": doctor_id, "change": change, "told_at": at or utcnow()})
