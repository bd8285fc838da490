"""Handoff tickets and the message links between a doctor's chat and an advisors' topic.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from bot.storage._tables import BigId, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OPEN_STATUS = sa.text("status <> 'closed'")


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("conversation_id", sa.String(200), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("first_name", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("packet", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("taken_by_id", sa.BigInteger(), nullable=True),
        sa.Column("taken_by_name", sa.String(128), nullable=True),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("waiting_since", UTCDateTime(), nullable=False),
        sa.Column("taken_at", UTCDateTime(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_by", sa.String(10), nullable=True),
        sa.Column("announced_at", UTCDateTime(), nullable=True),
        sa.Column("rating", sa.SmallInteger(), nullable=True),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.Column("erased", sa.Boolean(), nullable=False),
        sa.Column("reopened", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_tickets_conversation_id", "tickets", ["conversation_id"])
    op.create_index("ix_tickets_thread_id", "tickets", ["thread_id"])
    op.create_index("ix_tickets_closed_at", "tickets", ["closed_at"])
    op.create_index(
        "uq_tickets_one_open_per_conversation", "tickets", ["conversation_id"], unique=True,
        sqlite_where=OPEN_STATUS, postgresql_where=OPEN_STATUS,
    )
    op.create_table(
        "ticket_message_links",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", BigId, sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("conversation_id", sa.String(200), nullable=False),
        sa.Column("doctor_message_id", sa.BigInteger(), nullable=False),
        sa.Column("group_message_id", sa.BigInteger(), nullable=False),
        sa.Column("author", sa.String(10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_ticket_message_links_ticket_id", "ticket_message_links", ["ticket_id"])
    op.create_index("ix_ticket_message_links_group_message_id", "ticket_message_links", ["group_message_id"])
    op.create_index("ix_ticket_message_links_doctor", "ticket_message_links", ["conversation_id", "doctor_message_id"])


def downgrade() -> None:
    op.drop_table("ticket_message_links")
    op.drop_table("tickets")
