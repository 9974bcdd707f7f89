"""The first schema: unit profile, annual plans, purchases, settings.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unit_profile",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("credit_code", sa.String(40), nullable=False),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("directly_affiliated", sa.Boolean, nullable=False),
        sa.Column("province", sa.String(40), nullable=False),
        sa.Column("city", sa.String(40), nullable=False),
        sa.Column("supervising_department", sa.String(200), nullable=False),
        sa.Column("contact_name", sa.String(100), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("canteen_mode", sa.String(10), nullable=False),
        sa.Column("contractor_name", sa.String(200), nullable=False),
        sa.Column("contract_states_policy", sa.Boolean, nullable=False),
        sa.Column("executing_purchaser", sa.String(200), nullable=False),
        sa.Column("purchaser_account_open", sa.Boolean, nullable=False),
        sa.Column("representative_name", sa.String(200), nullable=False),
        sa.Column("representative_code", sa.String(40), nullable=False),
        sa.Column("is_representative", sa.Boolean, nullable=False),
        sa.Column("meal_arrangement", sa.Text, nullable=False),
        sa.Column("has_union_funds", sa.Boolean, nullable=False),
        sa.Column("union_members", sa.Integer, nullable=True),
        sa.Column("employees", sa.Integer, nullable=True),
        sa.Column("person_in_charge", sa.String(100), nullable=False),
    )
    op.create_table(
        "annual_plan",
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("policy_id", sa.String(100), nullable=False),
        sa.Column("canteen_total", sa.Integer, nullable=True),
        sa.Column("reserve_ratio", sa.Integer, nullable=True),
        sa.Column("reserve_amount", sa.Integer, nullable=True),
        sa.Column("reserve_basis", sa.String(10), nullable=False),
        sa.Column("last_year_amount", sa.Integer, nullable=True),
        sa.Column("last_year_ratio", sa.Integer, nullable=True),
        sa.Column("drop_explanation", sa.Text, nullable=False),
        sa.Column("welfare_total", sa.Integer, nullable=True),
        sa.Column("union_farm_total", sa.Integer, nullable=True),
        sa.Column("union_reserve", sa.Integer, nullable=True),
        sa.Column("filing_status", sa.String(20), nullable=False),
        sa.Column("filed_on", sa.Date, nullable=True),
        sa.Column("supervisor_confirmed_on", sa.Date, nullable=True),
        sa.Column("finance_confirmed_on", sa.Date, nullable=True),
        sa.Column("letter_sent", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_table(
        "purchase",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("amount", sa.Integer, nullable=False),
        sa.Column("order_no", sa.String(100), nullable=False),
        sa.Column("supplier", sa.String(200), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("paid_on", sa.Date, nullable=True),
        sa.Column("evaluated", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_index("ix_purchase_year_date", "purchase", ["year", "date"])
    op.create_index("ix_purchase_order_no", "purchase", ["order_no"])
    op.create_table(
        "setting",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("setting")
    op.drop_index("ix_purchase_order_no", "purchase")
    op.drop_index("ix_purchase_year_date", "purchase")
    op.drop_table("purchase")
    op.drop_table("annual_plan")
    op.drop_table("unit_profile")
