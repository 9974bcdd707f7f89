"""Which column of an order list feeds which purchase field, what its state texts mean, and the
clerk's saved choices for each source layout.

A column is mapped by, in this order: the clerk's choice in this import, the choice saved for this
layout (the same set of headers) from an earlier import, or a known header name. A state text is
mapped by the layout's saved choice, then the shipped list in :mod:`.order_fields`.

Saved layouts and the command line's ``--mapping`` file share one JSON shape (see
``docs/order-import.md``)::

    {"columns": {"付款金额": "实付金额", "收货人": "不导入"}, "states": {"已签收待结算": "已完结"}}

Field and state names are the Chinese names the clerk sees, so a mapping file can be written by hand.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Iterable, Mapping

from .errors import ExchangeError
from .order_fields import REQUIRED, SYNONYMS, Field, StateMeaning, header_key, known_field, state_key

IGNORE_LABEL = "不导入"  # a column the clerk chose not to import
FIELDS_BY_LABEL = {f.label: f for f in Field}
MEANINGS_BY_LABEL = {m.value: m for m in StateMeaning}


@dataclasses.dataclass(frozen=True)
class Layout:
    """The clerk's choices for one source layout: columns by header, meanings by state text."""

    columns: Mapping[str, Field | None] = dataclasses.field(default_factory=dict)  # header_key → field or ignore
    states: Mapping[str, StateMeaning] = dataclasses.field(default_factory=dict)  # state_key → meaning

    def with_choices(self, columns: Mapping[str, Field | None] = (), states: Mapping[str, StateMeaning] = ()) -> Layout:
        return Layout({**self.columns, **dict(columns)}, {**self.states, **dict(states)})

    def to_json(self, headers: Iterable[str] = ()) -> dict:
        out: dict = {}
        headers = [h for h in headers if h]
        if headers:
            out["headers"] = headers
        out["columns"] = {k: (f.label if f else IGNORE_LABEL) for k, f in sorted(self.columns.items())}
        out["states"] = {k: m.value for k, m in sorted(self.states.items())}
        return out

    @classmethod
    def from_json(cls, data, where: str = "映射") -> Layout:
        """Read the shared JSON shape; anything else is an :class:`ExchangeError` naming the entry."""
        if not isinstance(data, dict):
            raise ExchangeError(f"{where}应为 JSON 对象，如 {{\"columns\": {{…}}, \"states\": {{…}}}}")
        unknown = set(data) - {"headers", "columns", "states"}
        if unknown:
            raise ExchangeError(f"{where}中有不认识的项：{'、'.join(sorted(unknown))}（可用 columns、states）")
        columns: dict[str, Field | None] = {}
        raw = data.get("columns", {})
        if not isinstance(raw, dict):
            raise ExchangeError(f"{where}的 columns 应为“列名: 字段”的对象")
        for header, label in raw.items():
            if label != IGNORE_LABEL and label not in FIELDS_BY_LABEL:
                raise ExchangeError(
                    f"{where}中列“{header}”的字段“{label}”不认识，可用：{'、'.join(FIELDS_BY_LABEL)} 或 {IGNORE_LABEL}"
                )
            columns[header_key(str(header))] = FIELDS_BY_LABEL.get(label)
        states: dict[str, StateMeaning] = {}
        raw = data.get("states", {})
        if not isinstance(raw, dict):
            raise ExchangeError(f"{where}的 states 应为“状态文字: 含义”的对象")
        for text, label in raw.items():
            if label not in MEANINGS_BY_LABEL:
                raise ExchangeError(f"{where}中状态“{text}”的含义“{label}”不认识，可用：{'、'.join(MEANINGS_BY_LABEL)}")
            states[state_key(str(text))] = MEANINGS_BY_LABEL[label]
        return cls(columns, states)


def layout_key(headers: Iterable[str]) -> str:
    """A source layout is its set of headers: the same export from the platform, in any column order."""
    return "|".join(sorted({header_key(h) for h in headers if h and header_key(h)}))


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
        """Columns whose header nobody has mapped or ignored yet: the mapping page asks about them."""
        return [i for i, how in enumerate(self.how) if how == "unknown" and self.headers[i]]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def key(self) -> str:
        return layout_key(self.headers)

    def describe_missing(self) -> str:
        return "；".join(
            f"缺少“{f.label}”列（可用的列名：{'、'.join(SYNONYMS[f][:4])}）" for f in self.missing
        )

    def choices(self) -> dict[str, Field | None]:
        """What to save for this layout: the clerk's choices (ignored columns included), by header."""
        return {
            header_key(header): field
            for header, field, how in zip(self.headers, self.fields, self.how)
            if how in ("chosen", "remembered") and header
        }


def resolve(
    headers: list[str] | tuple[str, ...],
    remembered: Layout | None = None,
    chosen: Mapping[int, Field | None] | None = None,
) -> ColumnMapping:
    """Map ``headers``; ``chosen`` (column index → field or ``None`` to ignore) wins over all."""
    saved = remembered.columns if remembered else {}
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
        elif key and key in saved:
            how[i] = "remembered"
            if saved[key] is not None:
                offer(saved[key], 0, i)
        elif (known := known_field(header)) is not None:
            how[i] = "known"
            offer(known[0], 1 + known[1], i)
    for field, (_, column) in best.items():
        fields[column] = field
    for i in range(len(headers)):
        if fields[i] is None and how[i] == "known":
            how[i] = "duplicate"  # another column names the same field better
    return ColumnMapping(tuple(headers), tuple(fields), tuple(how))


def score(layouts: Iterable[Layout] = ()):
    """How much a row looks like a header: cells naming a field weigh most; a row of several
    distinct short texts (headers nobody documented) still beats a one-cell title or banner."""
    saved = set()
    for layout in layouts:
        saved.update(layout.columns)

    def rate(values: tuple) -> int:
        known = texts = 0
        seen = set()
        for v in values:
            if isinstance(v, str) and v.strip():
                key = header_key(v)
                if key in seen:
                    continue
                seen.add(key)
                if key in saved or known_field(v) is not None:
                    known += 1
                elif len(v) <= 30 and not any(c.isdigit() for c in v):
                    texts += 1
        if known + texts < 2:
            return 0  # one cell: a title, a merged banner or a note
        return known * 10 + texts

    return rate


# --- saved layouts (stored as one setting of the data file) -------------------------------------

SETTING_KEY = "import.orders.layouts"


def load_layouts(text: str) -> dict[str, Layout]:
    """The saved layouts; a damaged setting costs the clerk the mapping page once more, no more."""
    try:
        data = json.loads(text or "{}")
        raw = data.get("layouts", {}) if isinstance(data, dict) else {}
        return {str(key): Layout.from_json(value) for key, value in raw.items()}
    except (ValueError, ExchangeError, AttributeError):
        return {}


def dump_layouts(layouts: Mapping[str, Layout], headers: Mapping[str, Iterable[str]] = {}) -> str:
    data = {"version": 1, "layouts": {k: v.to_json(headers.get(k, ())) for k, v in sorted(layouts.items())}}
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def read_mapping_file(text: str, name: str) -> Layout:
    """The command line's ``--mapping`` file: the same JSON shape as a saved layout."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:  # its own words are English; the place is what helps
        raise ExchangeError(f"映射文件“{name}”不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列附近有误）") from None
    except ValueError:
        raise ExchangeError(f"映射文件“{name}”不是有效的 JSON") from None
    return Layout.from_json(data, f"映射文件“{name}”")
