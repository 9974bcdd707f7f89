"""The unit's county (for a county's own notice), the union's annual funds and last year's union
reserve (for notices that ask a share of union funds, or not less than last year's union reserve).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("unit_profile") as batch:
        batch.add_column(sa.Column("county", sa.String(40), nullable=False, server_default=""))
    with op.batch_alter_table("annual_plan") as batch:
        batch.add_column(sa.Column("union_funds_total", sa.Integer, nullable=True))
        batch.add_column(sa.Column("last_year_union_reserve", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("annual_plan") as batch:
        batch.drop_column("last_year_union_reserve")
        batch.drop_column("union_funds_total")
    with op.batch_alter_table("unit_profile") as batch:
        batch.drop_column("county")
