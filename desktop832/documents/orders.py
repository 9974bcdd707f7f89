"""Importing the 832 platform's order lists into the purchase log.

Three steps, so the clerk sees everything before anything is written:

1. :func:`inspect_orders` opens the file and maps its columns (the dialog asks about the rest);
2. :func:`read_orders` parses every row (with progress and cancel) and :func:`build_preview`
   sorts the rows into four groups: new orders that count, new orders logged as not counted
   (unfinished, refunded, or a purpose the policy does not count), orders already in the log
   (same order number; a changed state is carried over), and rows with errors;
3. :func:`desktop832.app.importing.commit` writes the accepted rows in one transaction (the SQL is
   in :mod:`desktop832.store.orders`): all of them or none.

Imported rows are channel 832平台. What the platform's state texts mean is in
:mod:`.order_fields`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Callable, Mapping, NamedTuple

from ..domain.counting import why_not_counted
from ..domain.errors import InputError
from ..domain.model import Channel, OrderState, Purchase, Purpose
from ..domain.money import FEN
from ..domain.text import normalise
from . import order_mapping as columns
from .cells import cell_text, date_from_cell, money_from_cell
from .errors import ExchangeError
from .order_mapping import ColumnMapping
from .order_fields import STATE_TEXTS, Field, order_state, purpose_of
from .progress import STEP, Progress, no_progress
from .spreadsheets import open_table

MAX_ORDER_NO = 100
MAX_SUPPLIER = 200
MAX_DESCRIPTION = 500
MAX_NOTE = 2000
_ORDER_NO = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_./-]*$")
_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?[eE][+-]?\d+$")
_FOOTER_WORDS = ("合计", "总计", "小计")
_STATES_AS_WRITTEN = {text: state for state, texts in STATE_TEXTS.items() for text in texts}


class MappingError(ExchangeError):
    """Required columns are missing; ``mapping`` is what was found, for the mapping dialog."""

    def __init__(self, mapping: ColumnMapping):
        super().__init__(mapping.describe_missing() + "。未导入任何数据")
        self.mapping = mapping


class ImportBlocked(ExchangeError):
    """The preview has rows with errors and the clerk did not choose to skip them."""

    def __init__(self, message: str, preview: ImportPreview):
        super().__init__(message)
        self.preview = preview


@dataclasses.dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" + (f"“{self.column}”列" if self.column else "")
        return f"{where}：{self.reason}"

    @property
    def reason(self) -> str:
        """The message without the column name the parsers put in front of it."""
        if self.column and self.message.startswith(self.column) and len(self.message) > len(self.column):
            return self.message[len(self.column) :].lstrip("：:")
        return self.message


class ParsedOrder(NamedTuple):
    row: int
    date: dt.date
    amount: Decimal
    order_no: str
    supplier: str
    description: str
    state: OrderState
    paid_on: dt.date | None
    purpose: Purpose | None  # None: the default purpose the clerk picks
    note: str

    def purchase(self, default_purpose: Purpose) -> Purchase:
        return Purchase(
            date=self.date, amount=self.amount, order_no=self.order_no, supplier=self.supplier,
            description=self.description, purpose=self.purpose or default_purpose, channel=Channel.PLATFORM,
            state=self.state, paid_on=self.paid_on, note=self.note,
        )


@dataclasses.dataclass
class ParsedOrders:
    table: str  # where the rows came from, for the clerk
    mapping: ColumnMapping
    orders: list[ParsedOrder]
    errors: list[RowError]
    duplicates_in_file: list[tuple[ParsedOrder, int]]  # (repeat, row of the first occurrence)
    blank_rows: int


# --- columns -------------------------------------------------------------------------------------


def inspect_orders(path: Path | str, remembered: dict[str, str] | None = None) -> tuple[str, ColumnMapping]:
    """The table's description and its column mapping, reading only the top of the file."""
    with open_table(path, columns.score(remembered)) as table:
        return table.description, columns.resolve(table.headers, remembered)


# --- reading ---------------------------------------------------------------------------------------


def read_orders(
    path: Path | str,
    mapping: ColumnMapping | None = None,
    *,
    remembered: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> ParsedOrders:
    """Parse every row. With no ``mapping`` the columns are mapped from the headers (and
    ``remembered``); a missing required column raises :class:`MappingError`."""
    progress = progress or no_progress
    with open_table(path, columns.score(remembered)) as table:
        if mapping is None:
            mapping = columns.resolve(table.headers, remembered)
        elif tuple(table.headers) != mapping.headers:
            raise ExchangeError(f"“{Path(path).name}”的表头在选择列之后变了，请重新选择文件")
        if mapping.missing:
            raise MappingError(mapping)
        parser = _RowParser(mapping)
        orders: list[ParsedOrder] = []
        errors: list[RowError] = []
        first_row: dict[str, ParsedOrder] = {}
        repeats: list[tuple[ParsedOrder, int]] = []
        blank = done = 0
        total = table.total_rows
        progress(0, total)
        for number, values in table.rows:
            done += 1
            if done % STEP == 0:
                progress(number, total)
            result = parser.parse(number, values)
            if result is None:
                blank += 1
            elif isinstance(result, list):
                errors.extend(result)
            else:
                first = first_row.get(result.order_no)
                if first is None:
                    first_row[result.order_no] = result
                    orders.append(result)
                elif first[1:] == result[1:]:
                    repeats.append((result, first.row))
                else:
                    errors.append(RowError(
                        number, mapping.headers[mapping.column(Field.ORDER_NO)],
                        f"订单编号 {result.order_no} 与第 {first.row} 行相同但内容不同"
                        "（若是同一订单的多件商品，请从平台导出按订单汇总的列表）",
                    ))
        progress(total or done, total)
        return ParsedOrders(table.description, mapping, orders, errors, repeats, blank)


class _RowParser:
    """Turns one row's cells into a :class:`ParsedOrder` or a list of :class:`RowError`.

    This runs once per row of files with tens of thousands of rows, so each field has a fast path
    for what platforms actually write and falls back to the general parsers (and their messages)
    for anything else.
    """

    # (field, converter, value when the column is absent)
    FIELDS = (
        (Field.ORDER_NO, "_order_no", None), (Field.DATE, "_required_date", None), (Field.AMOUNT, "_amount", None),
        (Field.STATE, "_state", None), (Field.PAID_ON, "_optional_date", None), (Field.PURPOSE, "_purpose", None),
        (Field.SUPPLIER, "_supplier", ""), (Field.DESCRIPTION, "_description", ""), (Field.NOTE, "_note", ""),
    )

    def __init__(self, mapping: ColumnMapping):
        self.plan = []
        for field, name, absent in self.FIELDS:
            column = mapping.column(field)
            label = mapping.headers[column] if column is not None else field.label
            self.plan.append((column, label, globals()[name], absent))
        self.order_col = mapping.column(Field.ORDER_NO)
        self.date_col = mapping.column(Field.DATE)

    def parse(self, number: int, values: tuple) -> ParsedOrder | list[RowError] | None:
        width = len(values)
        out = []
        errors = None
        for column, label, convert, absent in self.plan:
            if column is None:
                out.append(absent)
                continue
            raw = values[column] if column < width else None
            try:
                out.append(convert(raw, label))
            except InputError as exc:
                if errors is None:
                    if not any(v is not None and str(v).strip() for v in values):
                        return None  # an empty row
                    if self._footer(values):
                        return None  # a totals line under the list
                    errors = []
                errors.append(RowError(number, label, exc.message))
                out.append(None)
        if errors:
            return errors
        order_no, date, amount, state, paid_on, purpose, supplier, description, note = out
        return ParsedOrder(number, date, amount, order_no, supplier, description, state, paid_on, purpose, note)

    def _footer(self, values: tuple) -> bool:
        def cell(i):
            return values[i] if i is not None and i < len(values) else None

        return _blank(cell(self.order_col)) and _blank(cell(self.date_col)) and any(
            isinstance(v, str) and v.strip().startswith(_FOOTER_WORDS) for v in values
        )


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _order_no(value, label: str) -> str:
    """The platform's order number, however Excel or the export tool dressed it up."""
    if type(value) is str and value.isascii() and value.isalnum() and len(value) <= MAX_ORDER_NO:
        return value  # what the platform writes
    if isinstance(value, bool) or _blank(value):
        raise InputError(f"{label}不能为空")
    if isinstance(value, float):
        if not value.is_integer() or abs(value) >= 2**53:
            raise InputError(f"{label}被保存成了数字并已失去精度（{cell_text(value)}）：请把该列设为文本后重新导出")
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (dt.date, dt.time, Decimal)):
        raise InputError(f"{label}应为订单编号：{cell_text(value)}")
    s = normalise(str(value))
    if s.startswith('="') and s.endswith('"'):  # the CSV trick that keeps leading zeros
        s = s[2:-1]
    s = re.sub(r"\s+", "", s.lstrip("'"))
    if _SCIENTIFIC.match(s):
        raise InputError(f"{label}被 Excel 写成了科学计数法（{s}），位数已丢失：请从平台重新导出，不要用 Excel 另存 CSV")
    if len(s) > MAX_ORDER_NO:
        raise InputError(f"{label}过长：最多 {MAX_ORDER_NO} 个字符")
    if not _ORDER_NO.match(s):
        raise InputError(f"{label}只能包含字母、数字和 - _ / .：{s}")
    return s


_ISO_START = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:$|[ T]\d)")


def _required_date(value, label: str) -> dt.date:
    if type(value) is str and (m := _ISO_START.match(value)):
        try:
            date = dt.date(int(m[1]), int(m[2]), int(m[3]))  # "2024-03-01 10:22:33", as platforms write it
        except ValueError:
            date = date_from_cell(value, label=label, required=True)
    else:
        date = date_from_cell(value, label=label, required=True)
    if not 2000 <= date.year <= 2100:
        raise InputError(f"{label}年份超出范围：{date.year}")
    return date


def _optional_date(value, label: str) -> dt.date | None:
    if _blank(value):
        return None
    return _required_date(value, label)


def _amount(value, label: str) -> Decimal:
    if type(value) is float and 0 <= value < 1e11:
        amount = Decimal(repr(value))
        if amount.as_tuple().exponent >= -2:
            return amount.quantize(FEN)  # a number cell, exact to the fen
    return money_from_cell(value, label=label, required=True)


def _state(value, label: str) -> OrderState:
    state = _STATES_AS_WRITTEN.get(value) if type(value) is str else None
    if state is not None:
        return state
    text = cell_text(value)
    if not text:
        raise InputError(f"{label}不能为空")
    state = order_state(text)
    if state is None:
        raise InputError(f"无法识别的订单状态“{text}”（可识别如：已完成、待收货、已退款）")
    return state


def _purpose(value, label: str) -> Purpose | None:
    text = cell_text(value)
    if not text:
        return None
    purpose = purpose_of(text)
    if purpose is None:
        raise InputError(f"{label}应为以下之一：" + "、".join(p.value for p in Purpose) + f"，而不是“{text}”")
    return purpose


def _supplier(value, label: str) -> str:
    return _plain(value, label, MAX_SUPPLIER)


def _description(value, label: str) -> str:
    return _plain(value, label, MAX_DESCRIPTION, cut=True)


def _note(value, label: str) -> str:
    return _plain(value, label, MAX_NOTE, cut=True)


def _plain(value, label: str, limit: int, cut: bool = False) -> str:
    """One line of text: line breaks and control characters become spaces (product names often
    carry them); too long is an error, or cut with an ellipsis for free descriptions."""
    if type(value) is str and value.isprintable() and len(value) <= limit and "  " not in value:
        return value.strip()
    text = " ".join("".join(c if c.isprintable() else " " for c in cell_text(value)).split())
    if len(text) > limit:
        if not cut:
            raise InputError(f"{label}过长：最多 {limit} 个字，现为 {len(text)} 个字")
        text = text[: limit - 1] + "…"
    return text


# --- preview ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Known:
    """A row whose order number is already in the log."""

    order: ParsedOrder
    note: str
    update: dict | None  # {"id", "state", "paid_on"} when the log is to follow the platform


@dataclasses.dataclass
class ImportPreview:
    parsed: ParsedOrders
    default_purpose: Purpose
    new: list[ParsedOrder]  # new and counted
    not_counted: list[tuple[ParsedOrder, str]]  # new, logged with the reason it does not count
    known: list[Known]  # already in the log (same order number), or repeated in the file
    errors: list[RowError]

    @property
    def to_add(self) -> list[ParsedOrder]:
        return self.new + [o for o, _ in self.not_counted]

    @property
    def updates(self) -> list[dict]:
        return [k.update for k in self.known if k.update]

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def anything_to_write(self) -> bool:
        return bool(self.new or self.not_counted or self.updates)

    def summary(self) -> str:
        """One paragraph for the clerk and the command line."""
        def total(orders):
            return sum((o.amount for o in orders), Decimal("0.00"))

        from ..domain.money import format_money as m

        lines = [
            f"新增并计入：{len(self.new)} 笔，{m(total(self.new))} 元",
            f"新增但不计入（未完结、已退款等）：{len(self.not_counted)} 笔，"
            f"{m(total(o for o, _ in self.not_counted))} 元",
            f"台账中已有（订单编号相同，跳过）：{len(self.known)} 笔"
            + (f"，其中 {len(self.updates)} 笔订单状态将更新" if self.updates else ""),
            f"有错误：{self.error_rows} 行",
        ]
        return "\n".join(lines)


def build_preview(
    parsed: ParsedOrders,
    existing: Mapping[str, NamedTuple],
    default_purpose: Purpose,
    counted_purposes: Callable[[int], frozenset[Purpose]],
) -> ImportPreview:
    """Sort parsed rows into the four groups. Cheap: rerun it when the default purpose changes.

    ``existing`` is what the log holds by order number (:func:`desktop832.store.orders.existing_orders`:
    each an ``ExistingOrder`` with ``id``, ``state``, ``paid_on`` and ``channel``).

    ``counted_purposes(year)`` is what the policy governing that year counts.
    """
    purposes_by_year: dict[int, frozenset[Purpose]] = {}
    new: list[ParsedOrder] = []
    not_counted: list[tuple[ParsedOrder, str]] = []
    known: list[Known] = []
    for order in parsed.orders:
        have = existing.get(order.order_no)
        if have is not None:
            known.append(_known(order, have))
            continue
        year = order.date.year
        if year not in purposes_by_year:
            purposes_by_year[year] = counted_purposes(year)
        reason = why_not_counted(Channel.PLATFORM, order.state, order.purpose or default_purpose, purposes_by_year[year])
        if reason is None:
            new.append(order)
        else:
            not_counted.append((order, reason))
    for repeat, first in parsed.duplicates_in_file:
        known.append(Known(repeat, f"与文件第 {first} 行重复", None))
    return ImportPreview(parsed, default_purpose, new, not_counted, known, list(parsed.errors))


def _known(order: ParsedOrder, have) -> Known:
    if have.channel is not Channel.PLATFORM:
        return Known(order, "台账中已有（记为其他渠道，不作改动）", None)
    paid_on = have.paid_on or order.paid_on
    if have.state is order.state and paid_on == have.paid_on:
        return Known(order, "台账中已有", None)
    changes = []
    if have.state is not order.state:
        changes.append(f"状态 {have.state.value} → {order.state.value}")
    if paid_on != have.paid_on:
        changes.append(f"付款日期 {paid_on:%Y-%m-%d}")
    return Known(order, "台账中已有，将更新" + "，".join(changes), {"id": have.id, "state": order.state, "paid_on": paid_on})
