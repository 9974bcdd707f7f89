"""The file's tables, as SQLAlchemy Core tables.

Column names equal the domain fields, so a row converts to a domain value by a loop over fields.
The store reads and writes domain values itself, so it needs no ORM: Core alone imports in two
thirds of the time, which is most of what opening the file costs at start-up.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Index, Integer, LargeBinary, MetaData, String, Table, Text, text
from sqlalchemy.types import TypeEngine

from ..domain.fields import max_length as _length
from ..domain.filings import REASON_LENGTH, EventKind
from ..domain.attachments import NAME_LENGTH as _FILE_NAME, EvidenceKind, MediaType
from ..domain.model import CanteenMode, Channel, FeeSource, FilingStatus, Level, OrderState, Purpose, ReserveBasis
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
    _required("name", String(_length("profile.name"))),
    _required("credit_code", String(_length("profile.credit_code"))),
    _required("level", EnumText(Level, 10)),
    _required("directly_affiliated", Boolean),
    _required("province", String(_length("profile.province"))),
    _required("city", String(_length("profile.city"))),
    _required("supervising_department", String(_length("profile.supervising_department"))),
    _required("contact_name", String(_length("profile.contact_name"))),
    _required("phone", String(_length("profile.phone"))),
    _required("canteen_mode", EnumText(CanteenMode, 10)),
    _required("contractor_name", String(_length("profile.contractor_name"))),
    _required("contract_states_policy", Boolean),
    _required("executing_purchaser", String(_length("profile.executing_purchaser"))),
    _required("purchaser_account_open", Boolean),
    _required("representative_name", String(_length("profile.representative_name"))),
    _required("representative_code", String(_length("profile.representative_code"))),
    _required("is_representative", Boolean),
    _required("meal_arrangement", Text),
    _required("has_union_funds", Boolean),
    _optional("union_members", Integer),
    _optional("employees", Integer),
    _required("person_in_charge", String(_length("profile.person_in_charge"))),
    _required("county", String(_length("profile.county"))),
)

plan = Table(
    "annual_plan",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    _required("policy_id", String(_length("plan.policy_id"))),
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
    _optional("union_funds_total", Money),
    _optional("last_year_union_reserve", Money),
)

purchase = Table(
    "purchase",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _required("year", Integer),  # date.year, kept for fast per-year queries
    _required("date", Date),
    _required("amount", Money),
    _required("order_no", String(_length("purchase.order_no"))),
    _required("supplier", String(_length("purchase.supplier"))),
    _required("description", String(_length("purchase.description"))),
    _required("purpose", EnumText(Purpose, 20)),
    _required("channel", EnumText(Channel, 20)),
    _required("state", EnumText(OrderState, 10)),
    _optional("paid_on", Date),
    _required("evaluated", Boolean),
    _required("note", Text),
    _optional("delivered_on", Date),
    _required("refunded", Money),
    _required("hand_edited", FieldNames(_length("purchase.hand_edited"))),
    _required("invoice_no", String(_length("purchase.invoice_no"))),
    _required("fee_source", EnumText(FeeSource, 10)),
    Index("ix_purchase_year_date", "year", "date"),
    Index("ix_purchase_order_no", "order_no"),
    # the purchase log's filter by purpose and sort by amount read in display order (migration 0005)
    Index("ix_purchase_year_purpose_date", "year", "purpose", "date"),
    Index("ix_purchase_year_amount", "year", "amount", "date"),
    # the unpaid orders: the tally's overdue orders and the log's 只看超期未付 without a scan
    Index("ix_purchase_unpaid", "year", "date", sqlite_where=text("paid_on IS NULL")),
    Index("ix_purchase_year_state", "year", "state"),  # the year's completed orders, counted from the index (0006)
)


# the bin holds the stored values as they are (a copy made in SQL): plain integers and text
BIN_COLUMNS = (
    ("year", Integer, False), ("date", Text, False), ("amount", Integer, False), ("order_no", Text, False),
    ("supplier", Text, False), ("description", Text, False), ("purpose", Text, False), ("channel", Text, False),
    ("state", Text, False), ("paid_on", Text, True), ("evaluated", Integer, False), ("note", Text, False),
    ("delivered_on", Text, True), ("refunded", Integer, False), ("hand_edited", Text, False),
    ("invoice_no", Text, False), ("fee_source", Text, False),  # migration 0006
)


def _bin_columns() -> list[Column]:
    return [Column(name, type_, nullable=nullable) for name, type_, nullable in BIN_COLUMNS]


# purchases a bulk delete in the log took out, kept until the window closes so that one undo puts
# them back (a million rows are never held in memory for it); emptied when a window opens the file
purchase_bin = Table(
    "purchase_bin",
    metadata,
    Column("batch", Integer, primary_key=True, autoincrement=False),
    Column("id", Integer, primary_key=True, autoincrement=False),
    *_bin_columns(),
)

# the filing record: every export of a year and every answer to it, never rewritten
filing_event = Table(
    "filing_event",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _required("year", Integer),
    _required("kind", EnumText(EventKind, 20)),
    _required("event_date", Date),
    _required("recorded_at", DateTime),
    _required("fingerprint", String(64)),
    _required("file_name", String(260)),
    _required("snapshot", Text),  # JSON: field key -> canonical value (empty object for an answer)
    _required("reason", String(REASON_LENGTH)),
    Index("ix_filing_event_year", "year", "id"),
)

# evidence: each content stored once (its SHA-256 the key), linked from purchases and from a year's
# filing. The bytes are the last column, so reading a blob's size or type never reads the bytes;
# the purchase log reads neither table.
blob = Table(
    "blob",
    metadata,
    Column("sha256", String(64), primary_key=True),
    _required("size", Integer),
    _required("media_type", EnumText(MediaType, 40)),
    _required("file_name", String(_FILE_NAME)),  # the name it first came with
    _required("data", LargeBinary),
)

purchase_attachment = Table(
    "purchase_attachment",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _required("purchase_id", Integer),
    _required("sha256", String(64)),
    _required("file_name", String(_FILE_NAME)),
    _required("added_on", Date),
    _required("kind", EnumText(EvidenceKind, 20)),
    Index("ix_purchase_attachment_purchase", "purchase_id"),
    Index("ix_purchase_attachment_sha256", "sha256"),
)

filing_attachment = Table(
    "filing_attachment",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _required("year", Integer),
    _required("sha256", String(64)),
    _required("file_name", String(_FILE_NAME)),
    _required("added_on", Date),
    _required("kind", EnumText(EvidenceKind, 20)),
    Index("ix_filing_attachment_year", "year"),
    Index("ix_filing_attachment_sha256", "sha256"),
)

# per-file settings that travel with the data (e.g. remembered import column mappings)
setting = Table(
    "setting",
    metadata,
    Column("key", String(100), primary_key=True),
    _required("value", Text),
)
