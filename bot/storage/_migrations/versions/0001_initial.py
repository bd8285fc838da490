"""Doctors, conversations, messages, answers with the documents they used, feedback.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from bot.storage._tables import BigId, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "doctors",
        sa.Column("doctor_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("first_name", sa.String(256), nullable=False),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("conversation_id", sa.String(200), nullable=True),
        sa.Column("consent_at", UTCDateTime(), nullable=True),
        sa.Column("blocked_at", UTCDateTime(), nullable=True),
        sa.Column("last_seen_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "conversations",
        sa.Column("conversation_id", sa.String(200), primary_key=True),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("explicit_language", sa.String(8), nullable=True),
        sa.Column("turns", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_conversations_updated_at", "conversations", ["updated_at"])
    op.create_table(
        "messages",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("doctor_id", sa.BigInteger(), nullable=True),
        sa.Column("conversation_id", sa.String(200), nullable=False),
        sa.Column("author", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("telegram_message_id", sa.BigInteger(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_messages_doctor_id", "messages", ["doctor_id"])
    op.create_index("ix_messages_conversation_id", "messages", ["conversation_id"])
    op.create_index("ix_messages_at", "messages", ["at"])
    op.create_table(
        "answers",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("doctor_id", sa.BigInteger(), nullable=True),
        sa.Column("conversation_id", sa.String(200), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(32), nullable=True),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("index_version", sa.String(200), nullable=True),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_answers_doctor_id", "answers", ["doctor_id"])
    op.create_index("ix_answers_conversation_id", "answers", ["conversation_id"])
    op.create_index("ix_answers_created_at", "answers", ["created_at"])
    op.create_table(
        "answer_documents",
        sa.Column("answer_id", BigId, sa.ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("doc_id", sa.String(200), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
    )
    op.create_index("ix_answer_documents_doc_id", "answer_documents", ["doc_id"])
    op.create_table(
        "feedback",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("doctor_id", sa.BigInteger(), nullable=True),
        sa.Column("conversation_id", sa.String(200), nullable=False),
        sa.Column("answer_id", sa.BigInteger(), nullable=True),
        sa.Column("helpful", sa.Boolean(), nullable=True),
        sa.Column("rating", sa.SmallInteger(), nullable=True),
        sa.Column("ticket_id", sa.String(64), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_feedback_doctor_id", "feedback", ["doctor_id"])
    op.create_index("ix_feedback_answer_id", "feedback", ["answer_id"])
    op.create_index("ix_feedback_at", "feedback", ["at"])


def downgrade() -> None:
    for table in ("feedback", "answer_documents", "answers", "messages", "conversations", "doctors"):
        op.drop_table(table)
