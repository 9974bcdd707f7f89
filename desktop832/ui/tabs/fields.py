"""Parsers and formatters for form fields, all built on the domain's one parser per kind."""

from __future__ import annotations

from functools import partial

from ...domain.errors import InputError
from ...domain.identifiers import parse_credit_code, parse_phone
from ...domain.money import format_money, format_percent, parse_money, parse_percent
from ...domain.values import MAX_TEXT_LENGTH, clean_text, parse_count, parse_date


def money(label: str):
    return partial(parse_money, required=False, label=label)


def percent(label: str):
    return partial(parse_percent, required=False, label=label)


def count(label: str):
    return partial(parse_count, required=False, label=label)


def date(label: str):
    return partial(parse_date, required=False, label=label)


def text(label: str, max_length: int = 100):
    return partial(clean_text, label=label, max_length=max_length)


def long_text(label: str):
    return partial(clean_text, label=label, max_length=MAX_TEXT_LENGTH)


def lenient(parse, label: str):
    """Keep what was typed even when invalid (the rules then report it), normalised when valid.

    Identifiers are kept as typed so nothing the clerk entered is lost; the profile-complete rule
    says what is wrong with them.
    """

    def read(value: str) -> str:
        try:
            return parse(value, required=False, label=label)
        except InputError:
            return clean_text(value, label=label, max_length=40)

    return read


credit_code = lenient(parse_credit_code, "统一社会信用代码")
representative_code = lenient(parse_credit_code, "代表单位统一社会信用代码")
phone = lenient(parse_phone, "联系电话")


def show_money(value) -> str:
    return format_money(value)


def show_percent(value) -> str:
    return "" if value is None else format_percent(value).rstrip("%")


def show_count(value) -> str:
    return "" if value is None else str(value)


def show_date(value) -> str:
    return "" if value is None else value.isoformat()


def show_text(value) -> str:
    return value or ""
