"""The filing record: every export of a year and every answer to it (confirmed, returned).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "filing_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("event_date", sa.Date, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(260), nullable=False),
        sa.Column("snapshot", sa.Text, nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
    )
    op.create_index("ix_filing_event_year", "filing_event", ["year", "id"])


def downgrade() -> None:
    op.drop_index("ix_filing_event_year", "filing_event")
    op.drop_table("filing_event")
