"""The purchase log at a million rows: indexes for its filter by purpose, its sort by amount and the
unpaid orders, and the bin a bulk delete keeps its rows in for undo.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_purchase_year_purpose_date", "purchase", ["year", "purpose", "date"])
    op.create_index("ix_purchase_year_amount", "purchase", ["year", "amount", "date"])
    op.create_index("ix_purchase_unpaid", "purchase", ["year", "date"], sqlite_where=sa.text("paid_on IS NULL"))
    op.create_table(
        "purchase_bin",
        sa.Column("batch", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        *(sa.Column(name, type_, nullable=nullable) for name, type_, nullable in (
            ("year", sa.Integer, False), ("date", sa.Text, False), ("amount", sa.Integer, False),
            ("order_no", sa.Text, False), ("supplier", sa.Text, False), ("description", sa.Text, False),
            ("purpose", sa.Text, False), ("channel", sa.Text, False), ("state", sa.Text, False),
            ("paid_on", sa.Text, True), ("evaluated", sa.Integer, False), ("note", sa.Text, False),
            ("delivered_on", sa.Text, True), ("refunded", sa.Integer, False), ("hand_edited", sa.Text, False),
        )),
    )


def downgrade() -> None:
    op.drop_table("purchase_bin")
    op.drop_index("ix_purchase_unpaid", "purchase")
    op.drop_index("ix_purchase_year_amount", "purchase")
    op.drop_index("ix_purchase_year_purpose_date", "purchase")
