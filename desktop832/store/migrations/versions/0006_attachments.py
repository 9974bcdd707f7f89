"""Evidence: each attached file's bytes stored once by SHA-256, linked from purchases and from a
year's filing; purchases (and the bin a bulk delete keeps them in) gain the invoice number and
the fee source.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("purchase") as batch:
        batch.add_column(sa.Column("invoice_no", sa.String(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("fee_source", sa.String(10), nullable=False, server_default=""))
    with op.batch_alter_table("purchase_bin") as batch:
        batch.add_column(sa.Column("invoice_no", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("fee_source", sa.Text, nullable=False, server_default=""))
    op.create_index("ix_purchase_year_state", "purchase", ["year", "state"])
    op.create_table(
        "blob",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("media_type", sa.String(40), nullable=False),
        sa.Column("file_name", sa.String(260), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),  # last: reading the others skips the bytes
    )
    for owner, column in (("purchase", sa.Column("purchase_id", sa.Integer, nullable=False)),
                          ("filing", sa.Column("year", sa.Integer, nullable=False))):
        table = f"{owner}_attachment"
        op.create_table(
            table,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            column,
            sa.Column("sha256", sa.String(64), nullable=False),
            sa.Column("file_name", sa.String(260), nullable=False),
            sa.Column("added_on", sa.Date, nullable=False),
            sa.Column("kind", sa.String(20), nullable=False),
        )
        op.create_index(f"ix_{table}_{'purchase' if owner == 'purchase' else 'year'}", table, [column.name])
        op.create_index(f"ix_{table}_sha256", table, ["sha256"])


def downgrade() -> None:
    op.drop_table("filing_attachment")
    op.drop_table("purchase_attachment")
    op.drop_table("blob")
    op.drop_index("ix_purchase_year_state", "purchase")
    with op.batch_alter_table("purchase_bin") as batch:
        batch.drop_column("fee_source")
        batch.drop_column("invoice_no")
    with op.batch_alter_table("purchase") as batch:
        batch.drop_column("fee_source")
        batch.drop_column("invoice_no")
