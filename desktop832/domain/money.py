"""Money in yuan as ``Decimal`` with two places: the one parser, the formatters, 大写 amounts.

Every place that reads an amount from a clerk, a file or an import goes through :func:`parse_money`.
"""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import InputError
from .text import normalise, refuse_foreign_digits

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("999999999999.99")
_WAN = Decimal(10000)
# at most 12 whole digits (under MAX_AMOUNT) and two places: needs no normalising, no checks
_PLAIN = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,2})?")

# digits with optional thousands separators and an optional decimal part
_NUMBER = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?$|^\.\d+$", re.ASCII)


def parse_money(text: str | None, *, required: bool = True, label: str = "金额") -> Decimal | None:
    """Parse an amount in yuan as typed by a clerk.

    Accepts ``1234``, ``1,234.56``, full-width ``１２３４．５``, surrounding spaces, an optional
    ``元`` and ``12.5万`` (ten thousand yuan). Returns ``None`` for empty text when not required.
    Raises :class:`InputError` with a Chinese message naming ``label`` otherwise.
    """
    if text is not None and _PLAIN.fullmatch(text):
        # "1234.56" as files and the platform's lists write it: read directly, skipping the
        # normalising the general path below needs for what clerks type (the result is the same)
        return Decimal(text).quantize(FEN)
    refuse_foreign_digits(text or "", label, InputError)
    s = normalise(text or "")
    if not s:
        if required:
            raise InputError(f"{label}不能为空")
        return None
    s = s.replace(" ", "")
    if s.startswith("¥") or s.startswith("￥"):
        s = s[1:]
    if s.endswith("元"):
        s = s[:-1]
    factor = Decimal(1)
    if s.endswith("万"):
        factor, s = _WAN, s[:-1]
    if s.startswith("-"):
        raise InputError(f"{label}不能为负数")
    if s.startswith("+"):
        s = s[1:]
    if not _NUMBER.match(s):
        if re.search(r"[^\d,.]", s, re.ASCII):
            raise InputError(f"{label}只能包含数字、小数点和千位分隔符（可用“万”作单位）：{text.strip()}")
        raise InputError(f"{label}格式不正确：{text.strip()}")
    try:
        value = Decimal(s.replace(",", "")) * factor
    except InvalidOperation:  # pragma: no cover - the pattern above rules this out
        raise InputError(f"{label}格式不正确：{text.strip()}") from None
    if value != value.quantize(FEN):
        raise InputError(f"{label}最多保留两位小数（到分）：{text.strip()}")
    value = value.quantize(FEN)
    if value > MAX_AMOUNT:
        raise InputError(f"{label}超过上限 999,999,999,999.99 元")
    return value


def format_money(value: Decimal | None, *, empty: str = "") -> str:
    """``Decimal('1234567.5')`` → ``'1,234,567.50'``."""
    if value is None:
        return empty
    return f"{value.quantize(FEN, ROUND_HALF_UP):,.2f}"


def to_fen(value: Decimal) -> int:
    """Exact integer fen for storage."""
    return int((value * 100).to_integral_value(ROUND_HALF_UP))


def from_fen(fen: int | None) -> Decimal | None:
    return None if fen is None else (Decimal(fen) / 100).quantize(FEN)


def round_up_to_fen(value: Decimal) -> Decimal:
    """A minimum that must not be undercut: 150,000.0015 → 150,000.01."""
    return value.quantize(FEN, ROUND_CEILING)


def round_down_to_fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, ROUND_FLOOR)


# --- percentages -------------------------------------------------------------------------------

PERCENT_PLACES = Decimal("0.01")
_PERCENT = re.compile(r"^\d+(?:\.\d*)?$|^\.\d+$", re.ASCII)


def parse_percent(text: str | None, *, required: bool = True, label: str = "比例") -> Decimal | None:
    """Parse a percentage such as ``15``, ``15%``, ``１５．５％``; returns percent points (``15.5``)."""
    refuse_foreign_digits(text or "", label, InputError)
    s = normalise(text or "").replace(" ", "")
    if not s:
        if required:
            raise InputError(f"{label}不能为空")
        return None
    if s.endswith("%"):
        s = s[:-1]
    if s.startswith("-"):
        raise InputError(f"{label}不能为负数")
    if not _PERCENT.match(s):
        raise InputError(f"{label}应为百分数，例如 15 或 15%：{text.strip()}")
    value = Decimal(s)
    if value != value.quantize(PERCENT_PLACES):
        raise InputError(f"{label}最多保留两位小数：{text.strip()}")
    if value > 100:
        raise InputError(f"{label}不能超过 100%")
    return value.quantize(PERCENT_PLACES)


def format_percent(value: Decimal | None, *, empty: str = "") -> str:
    """``Decimal('15')`` → ``'15%'``, ``Decimal('15.5')`` → ``'15.5%'`` (at most two places)."""
    if value is None:
        return empty
    text = f"{value.quantize(PERCENT_PLACES, ROUND_HALF_UP):f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


# --- 大写 (Chinese capital amounts) ------------------------------------------------------------

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ["", "拾", "佰", "仟"]
_BIG_UNITS = ["", "万", "亿", "万亿"]


def _four_digits(n: int) -> str:
    """Capital form of 0..9999 without the group unit, with inner zeros as 零."""
    out = []
    zero_pending = False
    for pos in range(3, -1, -1):
        d = (n // 10**pos) % 10
        if d == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(_DIGITS[d] + _SMALL_UNITS[pos])
    return "".join(out)


def to_capital(value: Decimal) -> str:
    """Chinese capital amount as used on financial documents: ``150000`` → ``壹拾伍万元整``."""
    value = value.quantize(FEN, ROUND_HALF_UP)
    if value < 0:
        raise InputError("金额不能为负数")
    fen_total = int(value * 100)
    yuan, fen = divmod(fen_total, 100)
    jiao, fen = divmod(fen, 10)
    parts: list[str] = []
    if yuan:
        groups = []
        n = yuan
        while n:
            groups.append(n % 10000)
            n //= 10000
        text = ""
        need_zero = False
        for idx in range(len(groups) - 1, -1, -1):
            g = groups[idx]
            if g == 0:
                need_zero = bool(text)
                continue
            if text and (need_zero or g < 1000):
                text += "零"
            text += _four_digits(g) + _BIG_UNITS[idx]
            need_zero = False
        parts.append(text + "元")
    if jiao == 0 and fen == 0:
        return ("".join(parts) or "零元") + "整"
    if jiao:
        parts.append(_DIGITS[jiao] + "角")
    elif yuan:
        parts.append("零")
    if fen:
        parts.append(_DIGITS[fen] + "分")
    else:
        parts.append("整")
    return "".join(parts)
