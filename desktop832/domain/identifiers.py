"""Unified social credit codes (GB 32100-2015) and Chinese phone numbers."""

from __future__ import annotations

import re

from .errors import InputError
from .fields import max_length
from .text import normalise, refuse_foreign_digits

# GB 32100-2015 §4: the code uses digits and upper-case letters except I, O, Z, S, V.
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_VALUE = {c: i for i, c in enumerate(CREDIT_CHARSET)}
# §5, appendix: weights of positions 1..17 are 3^(i-1) mod 31.
_CREDIT_WEIGHTS = [pow(3, i, 31) for i in range(17)]
# §4.1: first character, 登记管理部门代码 (registration authority).
_REGISTRATION_AUTHORITIES = set("123456789ANY")


def credit_check_character(first17: str) -> str:
    """The 18th character for the first 17 (already upper case, valid characters)."""
    total = sum(_CREDIT_VALUE[c] * w for c, w in zip(first17, _CREDIT_WEIGHTS))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def parse_credit_code(text: str | None, *, required: bool = True, label: str = "统一社会信用代码") -> str:
    """Validate a unified social credit code; lower case is accepted and returned upper case."""
    code = normalise(text or "").replace(" ", "").upper()
    if not code:
        if required:
            raise InputError(f"{label}不能为空")
        return ""
    if len(code) != 18:
        raise InputError(f"{label}应为18位，现为{len(code)}位")
    bad = [c for c in code if c not in _CREDIT_VALUE]
    if bad:
        raise InputError(f"{label}含有不允许的字符“{bad[0]}”（不使用 I、O、Z、S、V）")
    if code[0] not in _REGISTRATION_AUTHORITIES:
        raise InputError(f"{label}第1位（登记管理部门代码）“{code[0]}”无效")
    if not code[2:8].isdigit():
        raise InputError(f"{label}第3—8位应为登记管理机关行政区划码（6位数字）")
    expected = credit_check_character(code[:17])
    if code[17] != expected:
        raise InputError(f"{label}校验位不正确：第18位应为“{expected}”，现为“{code[17]}”")
    return code


_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
# area code 010, 02x or 0xxx, then a 7- or 8-digit number, optional extension
_LANDLINE = re.compile(r"^(0(?:10|2\d|[3-9]\d{2}))-?([2-9]\d{6,7})(?:-(\d{1,6}))?$", re.ASCII)
_SERVICE = re.compile(r"^(?:400|800)-?\d{3}-?\d{4}$", re.ASCII)


def parse_phone(text: str | None, *, required: bool = True, label: str = "联系电话") -> str:
    """Validate a mobile number or a landline with area code; returns a tidy form."""
    refuse_foreign_digits(text or "", label, InputError)
    s = normalise(text or "")
    s = re.sub(r"[\s()（）]", lambda m: "-" if m.group() in ")）" else "", s)
    s = s.replace("—", "-").replace("－", "-").strip("-")
    if s.startswith("+86"):
        s = s[3:].lstrip("-")
    if not s:
        if required:
            raise InputError(f"{label}不能为空")
        return ""
    digits = s.replace("-", "")
    if _MOBILE.match(digits):
        return digits
    m = _LANDLINE.match(s) or _LANDLINE.match(digits)
    if m:
        area, number, ext = m.groups()
        return f"{area}-{number}" + (f"-{ext}" if ext else "")
    if _SERVICE.match(digits):
        return digits[:3] + "-" + digits[3:6] + "-" + digits[6:]
    if digits.isascii() and digits.isdigit() and digits.startswith("1"):
        raise InputError(f"{label}：手机号码应为11位，以13—19开头")
    if digits.isascii() and digits.isdigit() and not digits.startswith("0"):
        raise InputError(f"{label}：固定电话请加区号，例如 0371-12345678")
    raise InputError(f"{label}格式不正确：{(text or '').strip()}（手机号或带区号的固定电话）")


MAX_ORDER_NO_LENGTH = max_length("purchase.order_no")
_ORDER_NO = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_./-]*$")


def parse_order_no(text: str | None, *, required: bool = False, label: str = "订单号") -> str:
    """An order or invoice number as printed by the platform or a supplier: letters, digits and
    ``- _ / .``; full-width characters are folded and spaces inside (from copying) removed."""
    s = re.sub(r"\s+", "", normalise(text or ""))
    if not s:
        if required:
            raise InputError(f"{label}不能为空")
        return ""
    if len(s) > MAX_ORDER_NO_LENGTH:
        raise InputError(f"{label}过长：最多{MAX_ORDER_NO_LENGTH}个字符，现为{len(s)}个")
    if not _ORDER_NO.match(s):
        bad = next((c for c in s if not (c.isascii() and (c.isalnum() or c in "_./-"))), None)
        if bad is None:
            raise InputError(f"{label}应以字母或数字开头：{(text or '').strip()}")
        raise InputError(f"{label}只能包含字母、数字和 - _ / .，不能有“{bad}”：{(text or '').strip()}")
    return s
