"""The handoff's tables (issue 11): tickets and the links between a doctor's chat and a topic.

Declared on ``Base.metadata`` beside the storage's own tables so the migrations test compares the
whole schema; ``bot.handoff.SqlTicketStore`` reads and writes them. Rows name the conversation,
not ``doctor_id``, on purpose: ``/forget`` goes through the handoff (``HandoffDesk.forget``), which
closes the topic and keeps a ticket's bare existence (erased), instead of a blind delete.
"""

from __future__ import annotations

import sqlalchemy as sa

from ._tables import Base, BigId, UTCDateTime

OPEN_STATUS = sa.text("status <> 'closed'")

tickets = sa.Table(
    "tickets", Base.metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.String(200), nullable=False, index=True),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("first_name", sa.String(64), nullable=False),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("reason", sa.String(40), nullable=False),
    sa.Column("detail", sa.Text(), nullable=False),
    sa.Column("packet", sa.JSON(), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("thread_id", sa.BigInteger(), nullable=True, index=True),
    sa.Column("taken_by_id", sa.BigInteger(), nullable=True),
    sa.Column("taken_by_name", sa.String(128), nullable=True),
    sa.Column("opened_at", UTCDateTime(), nullable=False),
    sa.Column("waiting_since", UTCDateTime(), nullable=False),
    sa.Column("taken_at", UTCDateTime(), nullable=True),
    sa.Column("closed_at", UTCDateTime(), nullable=True, index=True),
    sa.Column("closed_by", sa.String(10), nullable=True),
    sa.Column("announced_at", UTCDateTime(), nullable=True),
    sa.Column("rating", sa.SmallInteger(), nullable=True),
    sa.Column("blocked", sa.Boolean(), nullable=False),
    sa.Column("erased", sa.Boolean(), nullable=False),
    sa.Column("reopened", sa.Integer(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    # At most one open ticket per conversation, enforced by the database itself.
    sa.Index("uq_tickets_one_open_per_conversation", "conversation_id", unique=True,
             sqlite_where=OPEN_STATUS, postgresql_where=OPEN_STATUS),
)

ticket_message_links = sa.Table(
    "ticket_message_links", Base.metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("ticket_id", BigId, sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("conversation_id", sa.String(200), nullable=False),
    sa.Column("doctor_message_id", sa.BigInteger(), nullable=False),
    sa.Column("group_message_id", sa.BigInteger(), nullable=False, index=True),
    sa.Column("author", sa.String(10), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("at", UTCDateTime(), nullable=True),
    sa.Index("ix_ticket_message_links_doctor", "conversation_id", "doctor_message_id"),
)
