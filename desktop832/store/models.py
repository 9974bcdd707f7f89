"""ORM tables. Column names equal the domain fields, so conversion is a loop over fields."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, Date, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ..domain.model import CanteenMode, Channel, FilingStatus, Level, OrderState, Purpose, ReserveBasis
from .types import EnumText, Money, Percent


class Base(DeclarativeBase):
    pass


class ProfileRow(Base):
    __tablename__ = "unit_profile"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1: one unit per file
    name: Mapped[str] = mapped_column(String(200), default="")
    credit_code: Mapped[str] = mapped_column(String(40), default="")
    level: Mapped[Level] = mapped_column(EnumText(Level, 10), default=Level.MUNICIPAL)
    directly_affiliated: Mapped[bool] = mapped_column(Boolean, default=False)
    province: Mapped[str] = mapped_column(String(40), default="")
    city: Mapped[str] = mapped_column(String(40), default="")
    supervising_department: Mapped[str] = mapped_column(String(200), default="")
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    canteen_mode: Mapped[CanteenMode] = mapped_column(EnumText(CanteenMode, 10), default=CanteenMode.OWN)
    contractor_name: Mapped[str] = mapped_column(String(200), default="")
    contract_states_policy: Mapped[bool] = mapped_column(Boolean, default=False)
    executing_purchaser: Mapped[str] = mapped_column(String(200), default="")
    purchaser_account_open: Mapped[bool] = mapped_column(Boolean, default=False)
    representative_name: Mapped[str] = mapped_column(String(200), default="")
    representative_code: Mapped[str] = mapped_column(String(40), default="")
    is_representative: Mapped[bool] = mapped_column(Boolean, default=False)
    meal_arrangement: Mapped[str] = mapped_column(Text, default="")
    has_union_funds: Mapped[bool] = mapped_column(Boolean, default=True)
    union_members: Mapped[int | None] = mapped_column(Integer)
    employees: Mapped[int | None] = mapped_column(Integer)
    person_in_charge: Mapped[str] = mapped_column(String(100), default="")


class PlanRow(Base):
    __tablename__ = "annual_plan"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[str] = mapped_column(String(100), default="")
    canteen_total: Mapped[Decimal | None] = mapped_column(Money)
    reserve_ratio: Mapped[Decimal | None] = mapped_column(Percent)
    reserve_amount: Mapped[Decimal | None] = mapped_column(Money)
    reserve_basis: Mapped[ReserveBasis] = mapped_column(EnumText(ReserveBasis, 10), default=ReserveBasis.AMOUNT)
    last_year_amount: Mapped[Decimal | None] = mapped_column(Money)
    last_year_ratio: Mapped[Decimal | None] = mapped_column(Percent)
    drop_explanation: Mapped[str] = mapped_column(Text, default="")
    welfare_total: Mapped[Decimal | None] = mapped_column(Money)
    union_farm_total: Mapped[Decimal | None] = mapped_column(Money)
    union_reserve: Mapped[Decimal | None] = mapped_column(Money)
    filing_status: Mapped[FilingStatus] = mapped_column(EnumText(FilingStatus, 20), default=FilingStatus.DRAFT)
    filed_on: Mapped[dt.date | None] = mapped_column(Date)
    supervisor_confirmed_on: Mapped[dt.date | None] = mapped_column(Date)
    finance_confirmed_on: Mapped[dt.date | None] = mapped_column(Date)
    letter_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")


class PurchaseRow(Base):
    __tablename__ = "purchase"
    __table_args__ = (
        Index("ix_purchase_year_date", "year", "date"),
        Index("ix_purchase_order_no", "order_no"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer)  # date.year, kept for fast per-year queries
    date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    order_no: Mapped[str] = mapped_column(String(100), default="")
    supplier: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(String(500), default="")
    purpose: Mapped[Purpose] = mapped_column(EnumText(Purpose, 20), default=Purpose.CANTEEN)
    channel: Mapped[Channel] = mapped_column(EnumText(Channel, 20), default=Channel.PLATFORM)
    state: Mapped[OrderState] = mapped_column(EnumText(OrderState, 10), default=OrderState.DONE)
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    evaluated: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")


class SettingRow(Base):
    """Per-file settings that travel with the data (e.g. remembered import column mappings)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
