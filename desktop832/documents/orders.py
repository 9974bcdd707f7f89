"""Reading the 832 platform's order lists: the file's rows as orders, nothing written.

:func:`inspect_orders` opens the file and maps its columns (the dialog asks about the rest);
:func:`read_orders` parses every row with progress and cancel. Reading decides what each row is:

* the header, found by scoring the top rows against the known field names (titles, merged
  banners and notes above it are listed as skipped);
* a totals or signature line (合计, 总计, 小计, 制表人, 审核人, 打印时间 … in any column): skipped, with
  the reason, never an error;
* an order; a second line of the same order with a negative amount is a refund line and is
  added to the order's refunded part; an exact repeat is reported as a repeat;
* a row with errors, naming the row and the column.

What the state texts mean, and what becomes of each order in the log, is decided by
:mod:`desktop832.app.importing`, which also writes. Field names and state texts are in
:mod:`.order_fields`.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import functools
import re
from decimal import Decimal
from pathlib import Path
from typing import Callable, NamedTuple

from ..domain.errors import InputError
from ..domain.fields import max_length
from ..domain.model import Purpose
from ..domain.money import FEN, ZERO
from ..domain.text import foreign_digit, normalise, refuse_foreign_digits
from . import order_mapping as columns
from .cells import cell_text, date_from_cell, money_from_cell
from .errors import ExchangeError
from .order_fields import Field, footer_word, header_key, purpose_of
from .order_mapping import ColumnMapping, Layout
from .progress import STEP, Progress, no_progress
from .spreadsheets import EXCEL_EPOCH, open_table

MAX_ORDER_NO = max_length(Field.ORDER_NO.key)
MAX_SUPPLIER = max_length(Field.SUPPLIER.key)
MAX_DESCRIPTION = max_length(Field.DESCRIPTION.key)
MAX_NOTE = max_length(Field.NOTE.key)
MAX_UNIT = max_length(Field.UNIT.key)
_ORDER_NO = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_./-]*$")
_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?[eE][+-]?\d+$")


class MappingError(ExchangeError):
    """Required columns are missing; ``mapping`` is what was found, for the mapping page."""

    def __init__(self, mapping: ColumnMapping):
        super().__init__(mapping.describe_missing() + "。未导入任何数据")
        self.mapping = mapping


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


@dataclasses.dataclass(frozen=True)
class SkippedRow:
    """A row that is not an order (a title, a totals or signature line, a note), and why."""

    row: int
    text: str  # the row's cells, shortened, so the clerk recognises it
    reason: str


class ParsedOrder(NamedTuple):
    row: int
    date: dt.date
    amount: Decimal  # as the list states it: what was paid (negative on a refund line)
    order_no: str
    supplier: str
    description: str
    state_text: str  # as the platform wrote it
    paid_on: dt.date | None
    purpose: Purpose | None  # None: the default purpose the clerk picks
    note: str
    delivered_on: dt.date | None = None
    refunded: Decimal = ZERO  # from a 退款金额 column and refund lines, positive
    unit: str = ""  # 所属预算单位, when the list has it
    unit_code: str = ""
    refund_rows: tuple[int, ...] = ()  # refund lines folded into this order

    @property
    def net(self) -> Decimal:
        """What remains counted after refunds (never below zero)."""
        return max(ZERO, self.amount - self.refunded)


@dataclasses.dataclass
class ParsedOrders:
    table: str  # where the rows came from, for the clerk
    mapping: ColumnMapping
    orders: list[ParsedOrder]
    errors: list[RowError]
    duplicates_in_file: list[tuple[ParsedOrder, int]]  # (repeat, row of the first occurrence)
    blank_rows: int
    skipped: list[SkippedRow] = dataclasses.field(default_factory=list)
    refund_lines: list[ParsedOrder] = dataclasses.field(default_factory=list)  # refunds of orders not in this file
    states: collections.Counter = dataclasses.field(default_factory=collections.Counter)  # state text → rows

    @property
    def period(self) -> tuple[dt.date, dt.date] | None:
        """First and last order date the list covers."""
        dates = [o.date for o in self.orders]
        return (min(dates), max(dates)) if dates else None

    @property
    def has(self) -> frozenset[Field]:
        return frozenset(f for f in self.mapping.fields if f is not None)


# --- columns -------------------------------------------------------------------------------------


def inspect_orders(path: Path | str, layouts: dict[str, Layout] | None = None) -> tuple[str, ColumnMapping]:
    """The table's description and its column mapping, reading only the top of the file."""
    layouts = layouts or {}
    with open_table(path, columns.score(layouts.values())) as table:
        return table.description, columns.resolve(table.headers, layouts.get(columns.layout_key(table.headers)))


# --- reading ---------------------------------------------------------------------------------------


def read_orders(
    path: Path | str,
    mapping: ColumnMapping | None = None,
    *,
    layouts: dict[str, Layout] | None = None,
    progress: Progress | None = None,
    resolve: Callable[[list[str]], ColumnMapping] | None = None,
    extra_layout: Layout | None = None,
) -> ParsedOrders:
    """Parse every row. With no ``mapping`` the columns are mapped from the headers by
    ``resolve`` or, without it, from the headers and the saved ``layouts`` (so the file is opened
    once); ``extra_layout`` (a mapping file's) helps find the header row too. A missing required
    column raises :class:`MappingError`."""
    progress = progress or no_progress
    layouts = layouts or {}
    known = [*layouts.values(), *([extra_layout] if extra_layout is not None else [])]
    with open_table(path, columns.score(known)) as table:
        if mapping is None and resolve is not None:
            mapping = resolve(table.headers)
        elif mapping is None:
            mapping = columns.resolve(table.headers, layouts.get(columns.layout_key(table.headers)))
        elif tuple(table.headers) != mapping.headers:
            raise ExchangeError(f"“{Path(path).name}”的表头在选择列之后变了，请重新选择文件")
        if mapping.missing:
            raise MappingError(mapping)
        skipped = [SkippedRow(n, _row_text(v), "表头上方的标题或说明行") for n, v in table.above]
        parser = _RowParser(mapping, table.epoch)
        orders: list[ParsedOrder] = []
        errors: list[RowError] = []
        first_row: dict[str, int] = {}  # order number → index in orders
        repeats: list[tuple[ParsedOrder, int]] = []
        refund_lines: list[ParsedOrder] = []
        states: collections.Counter = collections.Counter()
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
            elif isinstance(result, SkippedRow):
                skipped.append(result)
            elif isinstance(result, list):
                errors.extend(result)
            elif result.amount < 0:
                refund_lines.append(result)
            else:
                states[result.state_text] += 1
                at = first_row.get(result.order_no)
                if at is None:
                    first_row[result.order_no] = len(orders)
                    orders.append(result)
                    continue
                first = orders[at]
                if first[1:] == result[1:]:
                    repeats.append((result, first.row))
                else:
                    errors.append(RowError(
                        number, mapping.headers[mapping.column(Field.ORDER_NO)],
                        f"订单编号 {result.order_no} 与第 {first.row} 行相同但内容不同"
                        "（若是同一订单的多件商品，请从平台导出按订单汇总的列表）",
                    ))
        progress(total or done, total)
    unmatched = []
    for line in refund_lines:
        at = first_row.get(line.order_no)
        if at is None:
            unmatched.append(line._replace(refunded=-line.amount))
            continue
        order = orders[at]
        orders[at] = order._replace(refunded=order.refunded - line.amount, refund_rows=order.refund_rows + (line.row,))
    for i, order in enumerate(orders):
        if order.refunded > order.amount:
            errors.append(RowError(order.row, "", f"退款合计 {order.refunded:.2f} 元超过实付金额 {order.amount:.2f} 元"))
    return ParsedOrders(table.description, mapping, orders, errors, repeats, blank, skipped, unmatched, states)


def _row_text(values: tuple, limit: int = 60) -> str:
    text = " ".join(cell_text(v) for v in values if not _blank(v))
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _RowParser:
    """Turns one row's cells into a :class:`ParsedOrder`, a :class:`SkippedRow` or a list of
    :class:`RowError`.

    This runs once per row of files with tens of thousands of rows, so each field has a fast path
    for what platforms actually write and falls back to the general parsers (and their messages)
    for anything else.
    """

    # (field, converter, value when the column is absent), in ParsedOrder's order after the row number
    FIELDS = (
        (Field.DATE, "_required_date", None), (Field.AMOUNT, "_amount", None), (Field.ORDER_NO, "_order_no", None),
        (Field.SUPPLIER, "_supplier", ""), (Field.DESCRIPTION, "_description", ""), (Field.STATE, "_state", None),
        (Field.PAID_ON, "_optional_date", None), (Field.PURPOSE, "_purpose", None), (Field.NOTE, "_note", ""),
        (Field.DELIVERED_ON, "_optional_date", None), (Field.REFUND, "_refund", None), (Field.UNIT, "_unit", ""),
        (Field.UNIT_CODE, "_unit", ""),
    )

    def __init__(self, mapping: ColumnMapping, epoch: dt.date = EXCEL_EPOCH):
        self.plan = []
        for field, name, absent in self.FIELDS:
            column = mapping.column(field)
            label = mapping.headers[column] if column is not None else field.label
            convert = globals()[name]
            if name.endswith("_date") and epoch != EXCEL_EPOCH:
                convert = functools.partial(convert, epoch=epoch)
            self.plan.append((column, label, convert, absent))
        self.order_col = mapping.column(Field.ORDER_NO)
        self.date_col = mapping.column(Field.DATE)
        self.amount_col = mapping.column(Field.AMOUNT)
        self.goods_col = mapping.column(Field.DESCRIPTION)
        self.order_header = header_key(mapping.headers[self.order_col])
        self.date_header = header_key(mapping.headers[self.date_col])

    def parse(self, number: int, values: tuple) -> ParsedOrder | SkippedRow | list[RowError] | None:
        order = values[self.order_col] if self.order_col < len(values) else None
        if not (type(order) is str and order.isascii() and order.isalnum()) and not isinstance(order, int):
            if not any(not _blank(v) for v in values):
                return None  # an empty row
            skipped = self._not_an_order(number, values, order)
            if skipped is not None:
                return skipped
        width = len(values)
        out = [number]
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
                    errors = []
                errors.append(RowError(number, label, exc.message))
                out.append(None)
        if errors:
            return errors
        if out[11] is None:
            out[11] = ZERO
        return ParsedOrder(*out)

    def _not_an_order(self, number: int, values: tuple, order) -> SkippedRow | None:
        """A totals or signature line (a footer word in any cell while the order number and date
        cells hold none), or a lone note under the list."""
        date = values[self.date_col] if self.date_col is not None and self.date_col < len(values) else None
        if isinstance(order, str) and isinstance(date, str) and header_key(order) == self.order_header \
                and header_key(date) == self.date_header:
            return SkippedRow(number, _row_text(values), "重复的表头行（几次导出拼接在一起时会有）")
        if not (_blank(order) or (isinstance(order, str) and footer_word(order))):
            # a title line of a second export pasted under the first, in the order-number column
            filled = [v for v in values if not _blank(v)]
            if len(filled) == 1 and isinstance(order, str) and filled[0] is order and not _ORDER_NO.match(normalise(order)):
                return SkippedRow(number, _row_text(values), "只有一个单元格有文字的说明行，没有订单编号")
            return None
        if not (_blank(date) or (isinstance(date, str) and footer_word(date))):
            return None
        for v in values:
            if isinstance(v, str) and (word := footer_word(v)):
                return SkippedRow(number, _row_text(values), f"“{word}”行（合计、签名或说明行，不是订单）")
        amount = values[self.amount_col] if self.amount_col is not None and self.amount_col < len(values) else None
        goods = values[self.goods_col] if self.goods_col is not None and self.goods_col < len(values) else None
        if _blank(date) and _blank(amount) and not _blank(goods):
            # an order's other goods under merged 订单编号/日期/金额 cells: nothing of its own to import
            return SkippedRow(number, _row_text(values), "没有订单编号、日期和金额的续行（合并单元格下同一订单的其他商品）")
        filled = [v for v in values if not _blank(v)]
        if len(filled) == 1 and isinstance(filled[0], str) and not filled[0].strip().isdigit():
            return SkippedRow(number, _row_text(values), "只有一个单元格有文字的说明行，没有订单编号")
        return None


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


_ISO_START = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:$|[ T]\d)", re.ASCII)
# a date at the start of the text, whatever follows (a time, 上午10:00, 10时): 2024-03-01, 2024/3/1, 2024年3月1日
_DATE_START = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?:\s*日)?(?!\d)", re.ASCII)
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?", re.ASCII)
# Excel's serial day numbers of 2000-01-01 and 2100-01-01 (1900 date system): a number in a date
# column within them is a date cell that lost its format (or a CSV Excel wrote from one)
_SERIAL_RANGE = (36526, 73051)


def _required_date(value, label: str, epoch: dt.date = EXCEL_EPOCH) -> dt.date:
    if type(value) is str and (m := _ISO_START.match(value)):
        try:
            date = dt.date(int(m[1]), int(m[2]), int(m[3]))  # "2024-03-01 10:22:33", as platforms write it
        except ValueError:
            date = date_from_cell(value, label=label, required=True)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        date = _from_number(value, label, epoch)
    elif isinstance(value, str) and not foreign_digit(value) and _SERIAL.fullmatch(s := normalise(value)):
        date = _from_number(float(s), label, epoch)
    elif isinstance(value, str) and not foreign_digit(value) and (m := _DATE_START.match(normalise(value))):
        try:
            date = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise InputError(f"{label}不存在：{value.strip()}") from None
    else:
        date = date_from_cell(value, label=label, required=True)
    if not 2000 <= date.year <= 2100:
        raise InputError(f"{label}年份超出范围：{date.year}")
    return date


def _from_number(value: int | float, label: str, epoch: dt.date) -> dt.date:
    """A date written as a number: an Excel serial day number (``45352`` is 2024-03-01, a fraction
    is the time of day), or ``20240301``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and 20000101 <= value <= 21001231:
        return date_from_cell(str(value), label=label, required=True)
    if _SERIAL_RANGE[0] <= value < _SERIAL_RANGE[1]:
        return epoch + dt.timedelta(days=int(value))
    raise InputError(f"{label}应为日期，例如 2024-03-01：{cell_text(value)}")


def _optional_date(value, label: str, epoch: dt.date = EXCEL_EPOCH) -> dt.date | None:
    if _blank(value):
        return None
    return _required_date(value, label, epoch)


# how exports and clerks dress amounts up: a currency word or sign before the number, the sign after
# the currency sign (￥-200.00), a minus sign (U+2212) for the hyphen
_CURRENCY = re.compile(r"^(?:rmb|cny|人民币)\s*", re.IGNORECASE)
_SIGN_AFTER_CURRENCY = re.compile(r"^([¥￥])\s*([-+])")
_PLAIN_AMOUNT = re.compile(r"\d{1,12}(?:\.\d{1,2})?", re.ASCII)  # within the money parser's limit


def _amount(value, label: str) -> Decimal:
    """An amount; negative (``-100``, ``－100``, ``￥-100``, ``(100)``) for a refund line."""
    if type(value) is float and 0 <= value < 1e11:
        amount = Decimal(repr(value))
        if amount.as_tuple().exponent >= -2:
            return amount.quantize(FEN)  # a number cell, exact to the fen
    if type(value) is str and _PLAIN_AMOUNT.fullmatch(value):
        return Decimal(value).quantize(FEN)  # "1234.50", as a CSV export writes it
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and value < 0:
        return -money_from_cell(-value, label=label, required=True)
    if isinstance(value, str):
        refuse_foreign_digits(value, label, InputError)
        s = normalise(value).replace("\u2212", "-").strip()
        s = _SIGN_AFTER_CURRENCY.sub(r"\2\1", _CURRENCY.sub("", s))
        negative = False
        if s.startswith("-"):
            negative, s = True, s[1:].strip()
        elif s.startswith("(") and s.endswith(")"):
            negative, s = True, s[1:-1].strip()
        if s.startswith(("-", "(")):
            raise InputError(f"{label}格式不正确：{value.strip()}")
        amount = money_from_cell(s, label=label, required=True)
        return -amount if negative else amount
    return money_from_cell(value, label=label, required=True)


def _refund(value, label: str) -> Decimal | None:
    if _blank(value):
        return None
    return abs(_amount(value, label))


def _state(value, label: str) -> str:
    """The state text as the platform wrote it; what it means is decided later, with the clerk's mapping."""
    if type(value) is str and value and value.strip() == value:
        return value
    text = " ".join(cell_text(value).split())
    if not text:
        raise InputError(f"{label}不能为空")
    return text


def _unit(value, label: str) -> str:
    return _plain(value, label, MAX_UNIT)


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


