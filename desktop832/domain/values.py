"""Parsers for the remaining plain values clerks type: counts, dates, bounded text."""

from __future__ import annotations

import datetime as dt
import re

from .errors import InputError
from .text import normalise, refuse_foreign_digits

MAX_NAME_LENGTH = 100
MAX_TEXT_LENGTH = 2000
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$", re.ASCII)


def parse_count(text: str | None, *, required: bool = False, label: str = "人数") -> int | None:
    """A whole number of people, 0 or more."""
    refuse_foreign_digits(text or "", label, InputError)
    s = normalise(text or "").replace(",", "").replace(" ", "")
    if s.endswith("人"):
        s = s[:-1]
    if not s:
        if required:
            raise InputError(f"{label}不能为空")
        return None
    if s.startswith("-"):
        raise InputError(f"{label}不能为负数")
    if not (s.isascii() and s.isdigit()):
        raise InputError(f"{label}应为整数：{text.strip()}")
    value = int(s)
    if value > 10_000_000:
        raise InputError(f"{label}过大：{value}")
    return value


def parse_date(text: str | None, *, required: bool = False, label: str = "日期") -> dt.date | None:
    """``2024-02-19``, ``2024/2/19``, ``2024.2.19``, ``2024年2月19日``, ``20240219``; a time part is ignored."""
    if text is not None and len(text) == 10 and text.isascii() and text[4] == "-" == text[7] and \
            (text[:4] + text[5:7] + text[8:]).isdigit():
        # The form every file the program writes uses (and most platform lists): read it directly,
        # several times faster than the general path an import of many rows would otherwise take.
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            pass  # 2024-02-30: the general path below says it does not exist
        else:
            if 2000 <= value.year <= 2100:
                return value
    refuse_foreign_digits(text or "", label, InputError)
    s = normalise(text or "")
    if not s:
        if required:
            raise InputError(f"{label}不能为空")
        return None
    s = re.split(r"[ T]\d{1,2}:\d{2}", s, maxsplit=1, flags=re.ASCII)[0].strip()
    m = _DATE.match(s)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    elif len(s) == 8 and s.isascii() and s.isdigit():
        y, mo, d = int(s[:4]), int(s[4:6]), int(s[6:])
    else:
        raise InputError(f"{label}格式不正确：{text.strip()}（例如 2024-02-19）")
    try:
        value = dt.date(y, mo, d)
    except ValueError:
        raise InputError(f"{label}不存在：{text.strip()}") from None
    if not 2000 <= value.year <= 2100:
        raise InputError(f"{label}年份超出范围：{value.year}")
    return value


def clean_text(text: str | None, *, label: str, required: bool = False, max_length: int = MAX_NAME_LENGTH) -> str:
    """Trimmed text with control characters refused and a length limit."""
    s = (text or "").strip()
    if not s:
        if required:
            raise InputError(f"{label}不能为空")
        return ""
    if any(ord(c) < 32 and c not in "\n\t" for c in s):
        raise InputError(f"{label}含有不可见的控制字符")
    if len(s) > max_length:
        raise InputError(f"{label}过长：最多{max_length}个字，现为{len(s)}个字")
    return s
