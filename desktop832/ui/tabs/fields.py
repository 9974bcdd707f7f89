"""Parsers and formatters for form fields, all built on the domain's one parser per kind."""

from __future__ import annotations

from functools import partial

from ...domain import fields as catalogue
from ...domain.errors import InputError
from ...domain.fields import Kind
from ...domain.identifiers import parse_credit_code, parse_phone
from ...domain.money import format_money, format_percent, parse_money, parse_percent
from ...domain.values import clean_text, parse_count, parse_date


def parser(key: str):
    """The form's parser for a catalogue field: its kind's one parser, its label, its length."""
    f = catalogue.field(key)
    if f.kind is Kind.TEXT:
        return partial(clean_text, label=f.label, required=f.required, max_length=f.max_length)
    kinds = {Kind.MONEY: parse_money, Kind.RATIO: parse_percent, Kind.COUNT: parse_count, Kind.DATE: parse_date}
    return partial(kinds[f.kind], required=f.required, label=f.label)


def lenient(parse, key: str):
    """Keep what was typed even when invalid (the rules then report it), normalised when valid.

    Identifiers are kept as typed so nothing the clerk entered is lost; the profile-complete rule
    says what is wrong with them.
    """
    f = catalogue.field(key)

    def read(value: str) -> str:
        try:
            return parse(value, required=False, label=f.label)
        except InputError:
            return clean_text(value, label=f.label, max_length=f.max_length)

    return read


credit_code = lenient(parse_credit_code, "profile.credit_code")
representative_code = lenient(parse_credit_code, "profile.representative_code")
phone = lenient(parse_phone, "profile.phone")


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
