"""The schema as typed SQLAlchemy models; the migrations in ``_migrations/versions`` create it.

Every table about a person has a ``doctor_id`` column: ``forget`` deletes by that column in every
table of the database, so a table added later (tickets, message links) is erased with the rest as
long as it follows the rule (a child table without the column references its parent with
``ondelete="CASCADE"``).
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timestamps stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    """Every table of the bot's database; a new table subclasses this and ships a migration."""

    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: sa.JSON(), list[Any]: sa.JSON()}


class DoctorRow(Base):
    __tablename__ = "doctors"

    doctor_id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(sa.BigInteger)
    first_name: Mapped[str] = mapped_column(sa.String(256), default="")
    language: Mapped[str | None] = mapped_column(sa.String(8))
    conversation_id: Mapped[str | None] = mapped_column(sa.String(200))
    consent_at: Mapped[datetime | None]
    blocked_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class ConversationRow(Base):
    __tablename__ = "conversations"

    conversation_id: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    language: Mapped[str | None] = mapped_column(sa.String(8))
    explicit_language: Mapped[str | None] = mapped_column(sa.String(8))
    turns: Mapped[list[Any]]
    updated_at: Mapped[datetime] = mapped_column(index=True)


class MessageRow(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    doctor_id: Mapped[int | None] = mapped_column(sa.BigInteger, index=True)
    conversation_id: Mapped[str] = mapped_column(sa.String(200), index=True)
    author: Mapped[str] = mapped_column(sa.String(16))
    text: Mapped[str] = mapped_column(sa.Text)
    telegram_message_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    at: Mapped[datetime] = mapped_column(index=True)


class AnswerRow(Base):
    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    doctor_id: Mapped[int | None] = mapped_column(sa.BigInteger, index=True)
    conversation_id: Mapped[str] = mapped_column(sa.String(200), index=True)
    question: Mapped[str] = mapped_column(sa.Text)
    answer: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(8))
    kind: Mapped[str] = mapped_column(sa.String(32))
    reason: Mapped[str | None] = mapped_column(sa.String(32))
    mode: Mapped[str] = mapped_column(sa.String(16))
    index_version: Mapped[str | None] = mapped_column(sa.String(200))
    helpful: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(index=True)


class AnswerDocumentRow(Base):
    """One guidance document an answer drew on: what ``notify`` looks up by ``doc_id``."""

    __tablename__ = "answer_documents"

    answer_id: Mapped[int] = mapped_column(
        BigId, sa.ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    doc_id: Mapped[str] = mapped_column(sa.String(200), index=True)
    lang: Mapped[str] = mapped_column(sa.String(8))
    as_of: Mapped[date | None] = mapped_column(sa.Date)


class FeedbackRow(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    doctor_id: Mapped[int | None] = mapped_column(sa.BigInteger, index=True)
    conversation_id: Mapped[str] = mapped_column(sa.String(200))
    answer_id: Mapped[int | None] = mapped_column(sa.BigInteger, index=True)
    helpful: Mapped[bool | None]
    rating: Mapped[int | None] = mapped_column(sa.SmallInteger)
    ticket_id: Mapped[str | None] = mapped_column(sa.String(64))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[datetime] = mapped_column(index=True)


class NoticeRow(Base):
    """A doctor told about a guidance change; erased with the doctor (``doctor_id`` rule above)."""

    __tablename__ = "guidance_notices"

    doctor_id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    change: Mapped[str] = mapped_column(sa.String(300), primary_key=True)
    told_at: Mapped[datetime]
