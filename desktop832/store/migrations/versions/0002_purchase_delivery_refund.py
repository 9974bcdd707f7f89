"""Purchases gain the delivery date, the refunded part and the fields the clerk edited by hand.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("purchase") as batch:
        batch.add_column(sa.Column("delivered_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("refunded", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("hand_edited", sa.String(200), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("purchase") as batch:
        batch.drop_column("hand_edited")
        batch.drop_column("refunded")
        batch.drop_column("delivered_on")
