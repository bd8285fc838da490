"""Who was told about which guidance change, in the database rather than a JSON file beside the index.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from bot.storage._tables import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guidance_notices",
        sa.Column("doctor_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("change", sa.String(300), primary_key=True),
        sa.Column("told_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("guidance_notices")
