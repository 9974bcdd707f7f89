"""Which column of an order list feeds which purchase field, and remembering the clerk's choices.

A column is mapped by, in this order: the clerk's choice in this import, the choice remembered
from an earlier import (per data file, keyed by the header text), or a known header name.
"""

from __future__ import annotations

import dataclasses
from typing import Mapping

from .order_fields import REQUIRED, SYNONYMS, Field, header_key, known_field

SETTING_KEY = "import.orders.columns"
IGNORE = ""  # remembered value for "do not import this column"


@dataclasses.dataclass(frozen=True)
class ColumnMapping:
    headers: tuple[str, ...]
    fields: tuple[Field | None, ...]  # per column
    how: tuple[str, ...]  # per column: "known", "remembered", "chosen", "duplicate" or "unknown"

    def column(self, field: Field) -> int | None:
        try:
            return self.fields.index(field)
        except ValueError:
            return None

    @property
    def missing(self) -> list[Field]:
        return [f for f in REQUIRED if f not in self.fields]

    @property
    def unknown(self) -> list[int]:
        """Columns whose header nobody has mapped or ignored yet: the mapping dialog asks about them."""
        return [i for i, how in enumerate(self.how) if how == "unknown" and self.headers[i]]

    @property
    def complete(self) -> bool:
        return not self.missing

    def describe_missing(self) -> str:
        return "；".join(
            f"缺少“{f.label}”列（可用的列名：{'、'.join(SYNONYMS[f][:4])}）" for f in self.missing
        )

    def choices(self) -> dict[str, str]:
        """What to remember: the clerk's choices and ignored unknown columns, by header."""
        out = {}
        for header, field, how in zip(self.headers, self.fields, self.how):
            if how in ("chosen", "remembered") and header:
                out[header_key(header)] = field.name if field else IGNORE
        return out


def resolve(
    headers: list[str] | tuple[str, ...],
    remembered: Mapping[str, str] | None = None,
    chosen: Mapping[int, Field | None] | None = None,
) -> ColumnMapping:
    """Map ``headers``; ``chosen`` (column index → field or ``None`` to ignore) wins over all."""
    remembered = remembered or {}
    chosen = chosen or {}
    fields: list[Field | None] = [None] * len(headers)
    how = ["unknown"] * len(headers)
    best: dict[Field, tuple[int, int]] = {}  # field → (priority, column); lower priority wins

    def offer(field: Field, priority: int, column: int) -> None:
        if field not in best or priority < best[field][0]:
            best[field] = (priority, column)

    for i, header in enumerate(headers):
        key = header_key(header)
        if i in chosen:
            how[i] = "chosen"
            if chosen[i] is not None:
                offer(chosen[i], -1, i)
        elif key in remembered:
            how[i] = "remembered"
            name = remembered[key]
            if name in Field.__members__:
                offer(Field[name], 0, i)
        elif (known := known_field(header)) is not None:
            how[i] = "known"
            offer(known[0], 1 + known[1], i)
    for field, (_, column) in best.items():
        fields[column] = field
    for i in range(len(headers)):
        if fields[i] is None and how[i] == "known":
            how[i] = "duplicate"  # another column names the same field better
    return ColumnMapping(tuple(headers), tuple(fields), tuple(how))


def score(remembered: Mapping[str, str] | None = None):
    """How much a row looks like a header: the number of cells naming a field."""
    remembered = remembered or {}

    def rate(values: tuple) -> int:
        n = 0
        for v in values:
            if isinstance(v, str) and v:
                key = header_key(v)
                if key in remembered or known_field(v) is not None:
                    n += 1
        return n

    return rate
