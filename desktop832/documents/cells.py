"""Spreadsheet cell values to and from domain values, without floats in between.

Excel stores numbers as binary doubles; an amount read back as ``150000.1`` is turned into
``Decimal`` through its shortest text (``repr``), which is exact for every amount up to the
money parser's limit. Text that Excel could run as a formula is written as plain text.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from openpyxl.cell import WriteOnlyCell

from ..domain.errors import InputError
from ..domain.money import PERCENT_PLACES, parse_money, parse_percent
from ..domain.values import parse_date

# Excel (and LibreOffice) evaluate text starting with these as a formula when it is typed or
# imported from CSV; such text must stay a string cell.
FORMULA_PREFIXES = ("=", "+", "-", "@")


def number_text(value: int | float | Decimal) -> str:
    """The exact decimal text of a number read from a cell: ``150000.0`` → ``'150000.0'``."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError("不是有效的数字")
        text = repr(value)
        if "e" in text or "E" in text:
            text = format(Decimal(text), "f")
        return text
    return format(Decimal(value), "f") if isinstance(value, Decimal) else str(value)


def cell_text(value) -> str:
    """Any cell value as the text a clerk would see (numbers without a trailing ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, (int, float, Decimal)):
        return number_text(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def money_from_cell(value, *, label: str = "金额", required: bool = False) -> Decimal | None:
    """An amount from a number cell or a text cell (``1,234.50``, ``¥1234.5``, ``12.5万``)."""
    if isinstance(value, bool):
        raise InputError(f"{label}应为金额，而不是“{cell_text(value)}”")
    if isinstance(value, (dt.date, dt.time)):
        raise InputError(f"{label}应为金额，而不是日期：{cell_text(value)}")
    if isinstance(value, (int, float, Decimal)):
        return parse_money(number_text(value), label=label)
    return parse_money(cell_text(value), required=required, label=label)


def percent_from_cell(value, *, label: str = "比例", required: bool = False) -> Decimal | None:
    """A ratio written as a fraction with a percent format (0.15 → 15.00), or typed as ``15%``."""
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.time)):
        raise InputError(f"{label}应为百分数：{cell_text(value)}")
    if isinstance(value, (int, float, Decimal)):
        points = Decimal(number_text(value)) * 100
        if points != points.quantize(PERCENT_PLACES):
            raise InputError(f"{label}最多保留两位小数：{cell_text(value)}")
        return parse_percent(format(points.quantize(PERCENT_PLACES), "f"), label=label)
    return parse_percent(cell_text(value), required=required, label=label)


def date_from_cell(value, *, label: str = "日期", required: bool = False) -> dt.date | None:
    """A date from a date cell or from text such as ``2024-03-01 10:22:33`` or ``2024/3/1``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (bool, int, float, Decimal, dt.time)):
        raise InputError(f"{label}应为日期，例如 2024-03-01：{cell_text(value)}")
    return parse_date(cell_text(value), required=required, label=label)


def write_cell(ws, value=None, *, number_format: str | None = None, font=None) -> WriteOnlyCell:
    """The one way a value becomes a cell of any workbook the app writes (the upward export, the
    purchase log's table, the stacked summary).

    openpyxl turns every string starting with ``=`` into a live formula, and Excel runs text
    starting with ``+``, ``-`` or ``@`` as one once the cell is edited: such text (an imported
    店铺名称 ``=HYPERLINK(…)``, a unit name) is made a string cell with ``quotePrefix``, which is
    what Excel sets when a clerk types ``'=x``, so it shows and stays text. Nothing else in the
    package makes a cell (a test holds every workbook writer to this).
    """
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True
    if number_format is not None and value is not None:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    return cell


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
