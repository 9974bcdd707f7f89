"""The purchase log's columns: titles, how a raw row reads, and how typed text is parsed.

One table for the cells, the add/edit form and the Excel export, so a column shows, parses and
exports the same way everywhere. Parsing goes through the domain's one parser per kind of value.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import partial
from typing import Callable, Sequence

from ...domain import fields as catalogue
from ...domain.errors import InputError
from ...domain.fields import Kind
from ...domain.identifiers import parse_order_no
from ...domain.money import format_money, from_fen
from ...store import purchase_queries as q
from ..tabs import fields as form_fields

COUNTED_TEXT = "计入"


@dataclasses.dataclass(frozen=True, slots=True)
class Column:
    key: str  # a Purchase field, or q.COUNTED
    width: int  # initial width in Chinese characters
    tip: str = ""
    read_only: bool = False  # shown, never typed into (the platform's figure)

    @property
    def title(self) -> str:
        if self.key == q.COUNTED:
            return "计入情况"
        f = catalogue.field(f"purchase.{self.key}")
        return f"{f.label}（元）" if f.kind is Kind.MONEY else f.label

    @property
    def editable(self) -> bool:
        return self.key != q.COUNTED and not self.read_only


COLUMNS: tuple[Column, ...] = (
    Column("date", 6),
    Column("order_no", 10),
    Column("supplier", 11),
    Column("description", 8),
    Column("amount", 7),
    Column("refunded", 6, "平台订单退款的部分（退款金额列或退款行）：金额已扣除退款；部分退款时计入余下的部分", read_only=True),
    Column(q.COUNTED, 10, "是否计入年度采购总额；不计入时写明原因"),
    Column("purpose", 6),
    Column("channel", 5),
    Column("state", 5),
    Column("paid_on", 7, "已完结的832平台订单超过政策规定天数未付款时标红"),
    Column("delivered_on", 7, "收货、验货或验票的日期：政策规定从收货起算付款期限时由此日算起"),
    Column("evaluated", 4, "是否已在832平台进行履约评价"),
    Column("note", 10),
    Column("invoice_no", 8, "发票号码（一笔订单有几张发票时用逗号分开）：主管部门收集凭证时要求"),
    Column("fee_source", 5, "费用来源：福利费、工会经费、食堂或其他"),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
ENUMS: dict[str, type] = {
    c.key: catalogue.field(f"purchase.{c.key}").choices for c in COLUMNS
    if c.editable and catalogue.field(f"purchase.{c.key}").kind is Kind.CHOICE
}


def column_index(key: str) -> int:
    return COLUMN_KEYS.index(key)


def _enum(enum_type, label: str) -> Callable[[str], object]:
    def parse(text: str):
        try:
            return enum_type((text or "").strip())
        except ValueError:
            raise InputError(f"{label}只能是：" + "、".join(e.value for e in enum_type)) from None

    return parse


def _checked(text) -> bool:
    return text in (True, 1, "1", "true", "是", "已评价")


def _parser(name: str) -> Callable[[str], object]:
    f = catalogue.field(f"purchase.{name}")
    if name == "order_no":
        return partial(parse_order_no, label=f.label)
    if f.kind is Kind.CHOICE:
        return _enum(f.choices, f.label)
    if f.kind is Kind.FLAG:
        return _checked
    return form_fields.parser(f.key)


# Every editable field's parser: typed text → domain value, or InputError with a Chinese message.
PARSERS: dict[str, Callable[[str], object]] = {c.key: _parser(c.key) for c in COLUMNS if c.editable}


def check_year(date: dt.date, year: int) -> None:
    """The log shows one year: a date elsewhere would make the row vanish from under the clerk."""
    if date.year != year:
        raise InputError(f"日期 {date:%Y-%m-%d} 不在 {year} 年度内；记入其他年度请先切换年度")


# --- reading raw rows (see purchase_queries.ROW_COLUMNS) ---------------------------------------

_RAW_INDEX = {name: i for i, name in enumerate(q.ROW_COLUMNS)}


def edit_text(key: str, row: Sequence) -> str:
    """What an editor starts with: plain, parseable text."""
    value = row[_RAW_INDEX[key]]
    if key in ("amount", "refunded"):
        return f"{from_fen(value):f}"
    if value is None:
        return ""
    return str(value)


def display(key: str, row: Sequence, reason: str | None, overdue: int | None) -> str | None:
    """The cell text; ``reason`` and ``overdue`` are the judge's answers for the row."""
    if key == q.COUNTED:
        return reason or COUNTED_TEXT
    if key == "evaluated":
        return None  # a check box says it
    value = row[_RAW_INDEX[key]]
    if key == "amount":
        return format_money(from_fen(value))
    if key == "refunded":
        return format_money(from_fen(value)) if value else ""
    if key == "delivered_on":
        return value or ""
    if key == "paid_on" and value is None:
        return f"超期 {overdue} 天未付" if overdue is not None else ""
    return value


def export_value(key: str, row: Sequence, reason: str | None, overdue: int | None):
    """The spreadsheet value: real dates and amounts, so the file can be summed and sorted."""
    value = row[_RAW_INDEX[key]] if key != q.COUNTED else None
    if key in ("date", "paid_on", "delivered_on") and value:
        return dt.date.fromisoformat(value)
    if key == "amount":
        return from_fen(value)
    if key == "refunded":
        return from_fen(value) if value else None
    if key == "evaluated":
        return "是" if value else "否"
    return display(key, row, reason, overdue)


HAND_EDITED_TIP = "手工修改过：重新导入平台订单时保留此值，不按平台数据更新"


def hand_edited(row: Sequence) -> frozenset[str]:
    """The fields of a raw row the clerk changed by hand (re-imports leave them)."""
    text = row[_RAW_INDEX["hand_edited"]]
    return frozenset(text.split(",")) if text else frozenset()
