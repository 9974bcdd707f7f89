"""The file's tables, as SQLAlchemy Core tables.

Column names equal the domain fields, so a row converts to a domain value by a loop over fields.
The store reads and writes domain values itself, so it needs no ORM: Core alone imports in two
thirds of the time, which is most of what opening the file costs at start-up.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Index, Integer, MetaData, String, Table, Text
from sqlalchemy.types import TypeEngine

from ..domain.model import CanteenMode, Channel, FilingStatus, Level, OrderState, Purpose, ReserveBasis
from .types import EnumText, FieldNames, Money, Percent

metadata = MetaData()


def _required(name: str, type_: TypeEngine | type[TypeEngine]) -> Column:
    return Column(name, type_, nullable=False)


def _optional(name: str, type_: TypeEngine | type[TypeEngine]) -> Column:
    return Column(name, type_, nullable=True)


profile = Table(
    "unit_profile",
    metadata,
    Column("id", Integer, primary_key=True),  # always 1: one unit per file
    _required("name", String(200)),
    _required("credit_code", String(40)),
    _required("level", EnumText(Level, 10)),
    _required("directly_affiliated", Boolean),
    _required("province", String(40)),
    _required("city", String(40)),
    _required("supervising_department", String(200)),
    _required("contact_name", String(100)),
    _required("phone", String(40)),
    _required("canteen_mode", EnumText(CanteenMode, 10)),
    _required("contractor_name", String(200)),
    _required("contract_states_policy", Boolean),
    _required("executing_purchaser", String(200)),
    _required("purchaser_account_open", Boolean),
    _required("representative_name", String(200)),
    _required("representative_code", String(40)),
    _required("is_representative", Boolean),
    _required("meal_arrangement", Text),
    _required("has_union_funds", Boolean),
    _optional("union_members", Integer),
    _optional("employees", Integer),
    _required("person_in_charge", String(100)),
)

plan = Table(
    "annual_plan",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    _required("policy_id", String(100)),
    _optional("canteen_total", Money),
    _optional("reserve_ratio", Percent),
    _optional("reserve_amount", Money),
    _required("reserve_basis", EnumText(ReserveBasis, 10)),
    _optional("last_year_amount", Money),
    _optional("last_year_ratio", Percent),
    _required("drop_explanation", Text),
    _optional("welfare_total", Money),
    _optional("union_farm_total", Money),
    _optional("union_reserve", Money),
    _required("filing_status", EnumText(FilingStatus, 20)),
    _optional("filed_on", Date),
    _optional("supervisor_confirmed_on", Date),
    _optional("finance_confirmed_on", Date),
    _required("letter_sent", Boolean),
    _required("note", Text),
)

purchase = Table(
    "purchase",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _required("year", Integer),  # date.year, kept for fast per-year queries
    _required("date", Date),
    _required("amount", Money),
    _required("order_no", String(100)),
    _required("supplier", String(200)),
    _required("description", String(500)),
    _required("purpose", EnumText(Purpose, 20)),
    _required("channel", EnumText(Channel, 20)),
    _required("state", EnumText(OrderState, 10)),
    _optional("paid_on", Date),
    _required("evaluated", Boolean),
    _required("note", Text),
    _optional("delivered_on", Date),
    _required("refunded", Money),
    _required("hand_edited", FieldNames(200)),
    Index("ix_purchase_year_date", "year", "date"),
    Index("ix_purchase_order_no", "order_no"),
)

# per-file settings that travel with the data (e.g. remembered import column mappings)
setting = Table(
    "setting",
    metadata,
    Column("key", String(100), primary_key=True),
    _required("value", Text),
)
