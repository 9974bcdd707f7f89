"""Column types that store domain values exactly: money as integer fen, enums by their text."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Integer, String, TypeDecorator

from ..domain.money import from_fen, to_fen


class Money(TypeDecorator):
    """``Decimal`` yuan stored as integer fen: no float ever touches an amount."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect):
        return None if value is None else to_fen(value)

    def process_result_value(self, value: int | None, dialect):
        return from_fen(value)


class Percent(TypeDecorator):
    """Percent points with two places (15.25) stored as integer hundredths (1525)."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect):
        return None if value is None else int(value * 100)

    def process_result_value(self, value: int | None, dialect):
        return None if value is None else (Decimal(value) / 100).quantize(Decimal("0.01"))


class EnumText(TypeDecorator):
    """A ``StrEnum`` stored as its (Chinese) value, readable in any SQLite browser."""

    impl = String
    cache_ok = True

    def __init__(self, enum_type, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.enum_type = enum_type

    def process_bind_param(self, value, dialect):
        return None if value is None else self.enum_type(value).value

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum_type(value)


class FieldNames(TypeDecorator):
    """A set of field names stored as sorted, comma-separated text ("" for none)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else ",".join(sorted(value))

    def process_result_value(self, value, dialect):
        return frozenset(v for v in (value or "").split(",") if v)
