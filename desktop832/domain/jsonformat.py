"""The documented JSON form of a whole data file (``desktop832 dump`` / ``load``).

Validation is complete before anything is written: an error names the JSON path and the problem.
The format is described in ``docs/json-format.md``; bump ``VERSION`` for incompatible changes.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import enum
import gc
import itertools
import json
import operator
import re
from json.encoder import encode_basestring
from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator

from . import fields as catalogue
from .errors import ClerkError, InputError
from .fields import Kind
from .identifiers import parse_credit_code
from .model import (
    AnnualPlan, CanteenMode, Channel, FilingStatus, Level, OrderState, Purchase, Purpose, ReserveBasis,
    UnitProfile,
)
from .money import format_money, format_percent, parse_money, parse_percent
from .values import clean_text, parse_date

FORMAT = "desktop832"
VERSION = 1


class JsonFormatError(ClerkError, ValueError):
    def __init__(self, path: str, problem: str):
        self.path, self.problem = path, problem
        super().__init__(f"{path}：{problem}")


MAX_DEPTH = 50  # far deeper than the format nests (4): deeper is no data file of ours
MAX_NUMBER_DIGITS = 30


def parse_text(text: str) -> Any:
    """JSON text to plain values, refusing what ``json.loads`` would crash on or quietly accept.

    Refused with a Chinese :class:`JsonFormatError`: syntax errors (with line and column), a key
    given twice in one object (``json`` keeps the last one: a second ``"purchases": []`` would
    silently drop every purchase), nesting deeper than the format has (100 000 ``[`` exhaust the
    parser's recursion), numbers of absurd length (Python refuses to convert them), ``NaN`` and
    ``Infinity`` (not JSON), and text holding a lone UTF-16 surrogate (no valid character; SQLite
    cannot store it).
    """
    try:
        doc = _decoder().decode(text)
    except json.JSONDecodeError as exc:
        raise JsonFormatError("$", f"不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列附近格式不对") from None
    except RecursionError:
        raise JsonFormatError("$", "嵌套层数过多，不是 desktop832 导出的数据") from None
    _check_plain(doc)
    return doc


def _decoder() -> json.JSONDecoder:
    """The JSON reader with :func:`parse_text`'s refusals: a key twice, long numbers, NaN."""

    def pairs(items):
        seen = {}
        for key, value in items:
            if key in seen:
                raise JsonFormatError("$", f"键“{_printable(key)}”在同一处出现了两次（后一个会覆盖前一个），请删去重复的一个")
            seen[key] = value
        return seen

    def number(text_: str):
        if len(text_.lstrip("-").split(".")[0].split("e")[0].split("E")[0]) > MAX_NUMBER_DIGITS:
            raise JsonFormatError("$", f"数字过长（超过 {MAX_NUMBER_DIGITS} 位）")
        return text_

    def constant(name: str):
        raise JsonFormatError("$", f"“{name}”不是有效的 JSON 数值")

    return json.JSONDecoder(
        object_pairs_hook=pairs, parse_int=lambda t: int(number(t)),
        parse_float=lambda t: float(number(t)), parse_constant=constant,
    )


def _check_plain(doc: Any, depth: int = 0) -> None:
    """Depth and characters, walked without recursion (the document may be deep); ``depth`` is
    where ``doc`` sits in its document."""
    stack: list[tuple[Any, int]] = [(doc, depth)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise JsonFormatError("$", "嵌套层数过多，不是 desktop832 导出的数据")
        if isinstance(value, str):
            _check_characters(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                _check_characters(key)
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def _check_characters(text: str) -> None:
    # strict UTF-8 refuses exactly the surrogate code points: the check runs in C, not per character
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise JsonFormatError("$", "含有无效的字符（孤立的 UTF-16 代理项），文件可能已损坏") from None


def _printable(text: str) -> str:
    return "".join(ch if not ("\ud800" <= ch <= "\udfff") else "?" for ch in text)[:40]


def _to_json(obj) -> dict:
    out = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, Decimal):
            value = f"{value:.2f}"
        elif isinstance(value, enum.Enum):
            value = value.value
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, frozenset):
            value = sorted(value)
        out[f.name] = value
    return out


def dump(profile: UnitProfile, plans: list[AnnualPlan], purchases: list[Purchase], filings=None) -> dict:
    """The whole data file; ``filings`` (the filing record, all years) is written when given."""
    purchase_dicts = []
    for p in purchases:
        d = _to_json(p)
        d.pop("id")
        purchase_dicts.append(d)
    return {
        "format": FORMAT,
        "version": VERSION,
        "profile": _to_json(profile),
        "plans": [_to_json(p) for p in plans],
        # before the purchases: dump_chunks writes the purchases last, one at a time
        **({"filings": [_filing_json(e) for e in filings]} if filings is not None else {}),
        "purchases": purchase_dicts,
    }


def dump_chunks(profile: UnitProfile, plans: list[AnnualPlan], purchases: Iterable[Purchase], filings=None) -> Iterator[str]:
    """The text ``json.dumps(dump(...), ensure_ascii=False, indent=2) + "\\n"`` gives, in pieces,
    one purchase at a time: a log of any size is written in bounded memory, byte for byte the same.

    ``purchases`` is the last key, so everything before it is written whole and the list follows
    item by item with the indentation ``json.dumps`` gives a list nested one level deep."""
    head = dump(profile, plans, [], filings)
    del head["purchases"]
    text = json.dumps(head, ensure_ascii=False, indent=2)
    yield text[:-2] + ',\n  "purchases": ['  # the head without its closing "\n}"
    separator = "\n    "
    for purchase in purchases:
        item = _to_json(purchase)
        item.pop("id")
        yield separator + _item_text(item)
        separator = ",\n    "
    yield "]\n}\n" if separator == "\n    " else "\n  ]\n}\n"


def _scalar(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False)`` for one value, without building an encoder each
    time (``encode_basestring`` is the string writer ``json.dumps`` itself uses for that case)."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    return json.dumps(value, ensure_ascii=False)


def _item_text(item: dict[str, Any]) -> str:
    """``json.dumps(item, ensure_ascii=False, indent=2)`` as it reads two levels deep, for a flat
    record of scalars and lists of scalars; json's own encoder with ``indent`` is pure Python and
    would take most of a big dump's time."""
    lines = []
    for key, value in item.items():
        if isinstance(value, list):
            value = "[]" if not value else (
                "[\n        " + ",\n        ".join(_scalar(v) for v in value) + "\n      ]")
        else:
            value = _scalar(value)
        lines.append(f"{_scalar(key)}: {value}")
    return "{\n      " + ",\n      ".join(lines) + "\n    }" if lines else "{}"

def _filing_json(event) -> dict:
    return {
        "year": event.year, "kind": event.kind.value, "on": event.on.isoformat(),
        "recorded_at": event.recorded_at.isoformat(), "fingerprint": event.fingerprint, "file_name": event.file_name,
        "snapshot": dict(event.snapshot), "reason": event.reason,
    }


_FILING_KEYS = ("year", "kind", "on", "recorded_at", "fingerprint", "file_name", "snapshot", "reason")


def load_filings(doc: Any) -> list:
    """The filing record of a document :func:`load` accepted (``[]`` when it has none)."""
    from .filings import REASON_LENGTH, EventKind, FilingEvent

    raw = doc.get("filings", []) if isinstance(doc, dict) else []
    if not isinstance(raw, list):
        raise JsonFormatError("$.filings", "应为数组 […]")
    events = []
    for i, item in enumerate(raw):
        path = f"$.filings[{i}]"
        _check_keys(item, path, _FILING_KEYS, _FILING_KEYS)
        year = item["year"]
        if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
            raise JsonFormatError(f"{path}.year", "应为 2000 到 2100 之间的年度")
        try:
            kind = EventKind(item["kind"])
        except (ValueError, TypeError):
            raise JsonFormatError(f"{path}.kind", "应为以下之一：" + "、".join(k.value for k in EventKind)) from None
        try:
            on = dt.date.fromisoformat(item["on"])
        except (ValueError, TypeError):
            raise JsonFormatError(f"{path}.on", "应为日期，如 \"2024-02-20\"") from None
        try:
            recorded = dt.datetime.fromisoformat(item["recorded_at"])
        except (ValueError, TypeError):
            raise JsonFormatError(f"{path}.recorded_at", "应为时间，如 \"2024-02-20T09:30:00\"") from None
        texts = {}
        for key, length in (("fingerprint", 64), ("file_name", 260), ("reason", REASON_LENGTH)):
            value = item[key]
            if not isinstance(value, str) or len(value) > length or any(0xD800 <= ord(c) <= 0xDFFF for c in value):
                raise JsonFormatError(f"{path}.{key}", f"应为不超过 {length} 个字的字符串")
            texts[key] = value
        if texts["fingerprint"] and not all(c in "0123456789abcdef" for c in texts["fingerprint"]):
            raise JsonFormatError(f"{path}.fingerprint", "应为 SHA-256 的十六进制小写数字")
        snapshot = item["snapshot"]
        if not isinstance(snapshot, dict) or not all(
            isinstance(k, str) and len(k) <= 100 and (v is None or isinstance(v, (str, int, bool))) for k, v in snapshot.items()
        ):
            raise JsonFormatError(f"{path}.snapshot", "应为 {字段: 值} 对象，值为字符串、整数、是否或 null")
        events.append(FilingEvent(year, kind, on, recorded, texts["fingerprint"], texts["file_name"], dict(snapshot), texts["reason"]))
    return events


# --- reading ---------------------------------------------------------------------------------

Reader = Callable[[Any, str], Any]


def _text(max_length: int) -> Reader:
    def read(value, path):
        if not isinstance(value, str):
            raise JsonFormatError(path, "应为字符串")
        try:
            return clean_text(value, label="文字", max_length=max_length)
        except InputError as exc:
            raise JsonFormatError(path, exc.message) from None

    return read


def _bool(value, path):
    if not isinstance(value, bool):
        raise JsonFormatError(path, "应为 true 或 false")
    return value


def _count(value, path):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise JsonFormatError(path, "应为非负整数或 null")
    return value


def _money(value, path):
    if value is None:
        return None
    if not isinstance(value, str):
        raise JsonFormatError(path, "金额应写成字符串，如 \"1234.56\"")
    try:
        return parse_money(value, label="金额")
    except InputError as exc:
        raise JsonFormatError(path, exc.message) from None


def _required_money(value, path):
    if value is None:
        raise JsonFormatError(path, "金额不能为空")
    return _money(value, path)


def _percent(value, path):
    if value is None:
        return None
    if not isinstance(value, str):
        raise JsonFormatError(path, "比例应写成字符串，如 \"15.00\"")
    try:
        return parse_percent(value)
    except InputError as exc:
        raise JsonFormatError(path, exc.message) from None


def _date(value, path):
    if value is None:
        return None
    if not isinstance(value, str):
        raise JsonFormatError(path, "日期应写成字符串，如 \"2024-02-19\"")
    try:
        return parse_date(value)
    except InputError as exc:
        raise JsonFormatError(path, exc.message) from None


def _required_date(value, path):
    day = None if value is None else _date(value, path)
    if day is None:  # null, or text that is no more than spaces
        raise JsonFormatError(path, "日期不能为空")
    return day


def _year(value, path):
    if isinstance(value, bool) or not isinstance(value, int) or not 2000 <= value <= 2100:
        raise JsonFormatError(path, "应为 2000 到 2100 之间的年份")
    return value


def _enum(enum_type) -> Reader:
    def read(value, path):
        try:
            return enum_type(value)
        except ValueError:
            raise JsonFormatError(path, "应为以下之一：" + "、".join(e.value for e in enum_type)) from None

    return read


def _credit_code(value, path):
    """Normalised when valid; otherwise kept as written, as the window keeps what the clerk
    typed (the profile-complete rule reports what is wrong with it). Refusing it here made a
    file's own dump unloadable."""
    code = _text(catalogue.max_length("profile.credit_code"))(value, path)
    if not code:
        return ""
    try:
        return parse_credit_code(code)
    except InputError:
        return code


_EDITABLE = frozenset(("date", "amount", "order_no", "supplier", "description", "purpose", "channel", "state",
                       "paid_on", "evaluated", "note", "delivered_on", "refunded"))


def _field_names(value, path):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise JsonFormatError(path, "应为字段名的列表，如 [\"amount\"]")
    unknown = [v for v in value if v not in _EDITABLE]
    if unknown:
        raise JsonFormatError(path, f"不认识的字段名：{'、'.join(unknown)}")
    return frozenset(value)


def _reader(f: catalogue.Field) -> Reader:
    """How the catalogue's field reads from JSON: by its kind, bounded by its length."""
    kind = f.kind
    if kind is Kind.TEXT:
        return _text(f.max_length)
    if kind is Kind.MONEY:
        return _required_money if f.required else _money
    if kind is Kind.DATE:
        return _required_date if f.required else _date
    readers = {Kind.RATIO: _percent, Kind.COUNT: _count, Kind.FLAG: _bool, Kind.YEAR: _year}
    if kind is Kind.CHOICE:
        return _enum(f.choices)
    return readers[kind]


# fields read differently from their kind: a code checked when given, an amount never null, a set
_SPECIAL: dict[str, Reader] = {
    "profile.credit_code": _credit_code, "purchase.refunded": _required_money, "purchase.hand_edited": _field_names,
}


def _readers(record: str) -> dict[str, Reader]:
    return {f.name: _SPECIAL.get(f.key) or _reader(f) for f in catalogue.of_record(record)}


PROFILE_READERS: dict[str, Reader] = _readers("profile")
PLAN_READERS: dict[str, Reader] = _readers("plan")
PURCHASE_READERS: dict[str, Reader] = _readers("purchase")
_REQUIRED = {
    "plans": tuple(f.name for f in catalogue.of_record("plan") if f.required),
    "purchases": tuple(f.name for f in catalogue.of_record("purchase") if f.required),
}


def _check_keys(raw, path: str, known, required) -> None:
    """An object holding only ``known`` keys and every ``required`` one (the JSON paths said)."""
    if not isinstance(raw, dict):
        raise JsonFormatError(path, "应为对象 {…}")
    for key in raw:
        if key not in known:
            raise JsonFormatError(f"{path}.{key}", "不认识的字段")
    for key in required:
        if key not in raw:
            raise JsonFormatError(f"{path}.{key}", "缺少必填字段")


def _read_object(raw, path: str, readers: dict[str, Reader], cls, required=()):
    _check_keys(raw, path, readers, required)
    values = {key: readers[key](raw[key], f"{path}.{key}") for key in raw}
    return cls(**values)


def _json_value(value: Decimal | None) -> str:
    return "null" if value is None else f"\"{value:.2f}\""


def _check_reserve(plan: AnnualPlan, path: str) -> None:
    """Ratio and amount given together must agree under the rounding rule (docs/policy-format.md):
    the one ``reserve_basis`` names was entered, the other is derived from it: an amount from a
    ratio rounded up to the fen, a ratio from an amount rounded down to 0.01 percent point."""
    if plan.canteen_total is None or plan.reserve_ratio is None or plan.reserve_amount is None:
        return  # nothing to compare; a missing derived value is derived again on the next edit
    expected = plan.rederived()
    total, ratio, amount = format_money(plan.canteen_total), format_percent(plan.reserve_ratio), format_money(plan.reserve_amount)
    if plan.reserve_basis is ReserveBasis.RATIO and expected.reserve_amount != plan.reserve_amount:
        raise JsonFormatError(
            f"{path}.reserve_amount",
            f"预留金额 {amount} 元与预留比例 {ratio} 不一致：reserve_basis 为 ratio（金额由比例推算），"
            f"{total} 元 × {ratio} 向上取整到分应为 {_json_value(expected.reserve_amount)}",
        )
    if plan.reserve_basis is ReserveBasis.AMOUNT and expected.reserve_ratio != plan.reserve_ratio:
        why = (
            "年度食堂食材采购总额为 0，无从推算比例" if expected.reserve_ratio is None
            else f"{amount} 元占 {total} 元的比例向下取整到 0.01 个百分点"
        )
        raise JsonFormatError(
            f"{path}.reserve_ratio",
            f"预留比例 {ratio} 与预留金额 {amount} 元不一致：reserve_basis 为 amount（比例由金额推算），"
            f"{why}，应为 {_json_value(expected.reserve_ratio)}",
        )


def load(doc: Any) -> tuple[UnitProfile, list[AnnualPlan], list[Purchase]]:
    """Validate a parsed JSON document completely and return the domain values."""
    if not isinstance(doc, dict):
        raise JsonFormatError("$", "顶层应为对象 {…}")
    if doc.get("format") != FORMAT:
        raise JsonFormatError("$.format", f"应为 \"{FORMAT}\"：这不是 desktop832 导出的数据")
    if doc.get("version") != VERSION:
        raise JsonFormatError("$.version", f"版本 {doc.get('version')!r} 不受支持（本程序读取版本 {VERSION}）")
    for key in doc:
        if key not in ("format", "version", "profile", "plans", "purchases", "filings"):
            raise JsonFormatError(f"$.{key}", "不认识的字段")
    profile = _read_object(doc.get("profile", {}), "$.profile", PROFILE_READERS, UnitProfile)
    plans_raw = doc.get("plans", [])
    purchases_raw = doc.get("purchases", [])
    for key, value in (("plans", plans_raw), ("purchases", purchases_raw)):
        if not isinstance(value, list):
            raise JsonFormatError(f"$.{key}", "应为数组 […]")
    plans = [_read_object(p, f"$.plans[{i}]", PLAN_READERS, AnnualPlan, _REQUIRED["plans"]) for i, p in enumerate(plans_raw)]
    seen = set()
    for i, plan in enumerate(plans):
        if plan.year in seen:
            raise JsonFormatError(f"$.plans[{i}].year", f"年度 {plan.year} 重复")
        seen.add(plan.year)
        _check_reserve(plan, f"$.plans[{i}]")
    purchases = [
        _read_object(p, f"$.purchases[{i}]", PURCHASE_READERS, Purchase, _REQUIRED["purchases"])
        for i, p in enumerate(purchases_raw)
    ]
    load_filings(doc)  # validated with the rest: a document is taken whole or not at all
    return profile, plans, purchases


# --- reading a big file as it comes ----------------------------------------------------------


class NotStreamable(Exception):
    """The text is not laid out as ``dump`` writes it, or something in it is wrong: read it whole
    with :func:`parse_text` and :func:`load`, which say exactly what (never shown to the clerk)."""


_WHITESPACE = " \t\n\r"
_LONGEST_VALUE = 4 * 1024 * 1024


class _Reader:
    """JSON text arriving in pieces; values are read with the same decoder as :func:`parse_text`."""

    def __init__(self, chunks: Iterable[str]):
        self.chunks, self.text, self.pos, self.decoder = iter(chunks), "", 0, _decoder()
        self.base = 0  # where ``text`` starts in the whole text

    def more(self, at_least: int = 1) -> bool:
        """Read on until ``at_least`` more characters are held (or the text ends); False when
        nothing more came. Tiny pieces are joined once, not copied piece by piece."""
        pieces, count = [self.text[self.pos:]], 0
        while count < at_least:
            chunk = next(self.chunks, None)
            if chunk is None:
                break
            pieces.append(chunk)
            count += len(chunk)
        if len(pieces) == 1:
            return False
        self.base += self.pos
        self.text, self.pos = "".join(pieces), 0
        return True

    def offset(self) -> int:
        """Where the reading is in the whole text."""
        return self.base + self.pos

    def peek(self) -> str:
        """The next character that is not whitespace ("" at the end of the text)."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in _WHITESPACE:
                self.pos += 1
            if self.pos < len(self.text) or not self.more():
                return self.text[self.pos:self.pos + 1]

    def take(self, char: str) -> None:
        if self.peek() != char:
            raise NotStreamable
        self.pos += 1

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError:
                # the value may go on in the next piece; no value of a data file is this long,
                # so past that it is an error (read whole, once, for its message)
                if len(self.text) - self.pos < _LONGEST_VALUE and self.more():
                    continue
                raise NotStreamable from None
            except (JsonFormatError, RecursionError):
                raise NotStreamable from None
            if end == len(self.text) and self.more():
                continue  # a number may go on in the next piece: read it again with its end
            self.pos = end
            return value


def stream_load(
    chunks: Iterable[str], plain: bool = False,
) -> tuple[UnitProfile, list[AnnualPlan], Iterator[Purchase | PlainPurchases], list]:
    """:func:`load` and :func:`load_filings` of the text ``dump`` writes, read piece by piece:
    the profile, the plans and the filing record, then the purchases one at a time as the caller
    takes them, so memory stays flat whatever the size of the log.

    The same refusals as :func:`parse_text` and :func:`load`, raised as :class:`NotStreamable`
    (also for any layout but ``dump``'s: ``purchases`` the last key, after ``format`` and
    ``version``), when the profile and plans are read or while the purchases are taken: the
    caller then throws away what it built and reads the file whole for the exact message.

    With ``plain`` the purchases laid out as dump writes them come as :class:`PlainPurchases`
    batches (checked column by column, no ``Purchase`` built), the others one at a time as
    ``Purchase``; without it every one as a ``Purchase``."""
    reader = _Reader(chunks)
    reader.take("{")
    head: dict[str, Any] = {}
    found = False
    while reader.peek() != "}":
        if reader.peek() != '"':
            raise NotStreamable
        key = reader.value()
        reader.take(":")
        if key in head:
            raise NotStreamable
        if key == "purchases":
            found = True
            break
        head[key] = reader.value()
        if reader.peek() != ",":
            break
        reader.take(",")
        if reader.peek() != '"':
            raise NotStreamable  # a comma before the closing brace
    if not found:
        reader.take("}")
        if reader.peek() != "":
            raise NotStreamable
    try:
        for key, value in head.items():
            _check_characters(key)
            _check_plain(value, 1)
        profile, plans, _ = load({**head, "purchases": []})
        filings = load_filings(head)
    except JsonFormatError:
        raise NotStreamable from None
    return profile, plans, _stream_purchases(reader, plain) if found else iter(()), filings


def _stream_purchases(reader: _Reader, plain: bool) -> Iterator[Purchase | PlainPurchases]:
    reader.take("[")
    index = 0
    slow_until = 0  # an offset before which the purchases are read one at a time
    if reader.peek() == "]":
        reader.take("]")
    else:
        while True:
            batch = None
            if reader.offset() >= slow_until:
                batch, slow_until = _plain_batch(reader)
            if batch is not None:
                index += len(batch)
                if plain:
                    yield batch
                else:
                    yield from batch.purchases()
            else:
                raw = reader.value()
                try:
                    _check_plain(raw, 2)
                    yield _read_object(raw, f"$.purchases[{index}]", PURCHASE_READERS, Purchase, _REQUIRED["purchases"])
                except JsonFormatError:
                    raise NotStreamable from None
                index += 1
            if reader.peek() == ",":
                reader.take(",")
                continue
            reader.take("]")
            break
    reader.take("}")
    if reader.peek() != "":
        raise NotStreamable


# --- purchases as dump writes them, a batch at a time ----------------------------------------

# the keys of a purchase in the order dump writes them
PURCHASE_KEYS = tuple(f.name for f in dataclasses.fields(Purchase) if f.name != "id")
assert set(PURCHASE_KEYS) == set(PURCHASE_READERS)
_BATCH_TEXT = 1 << 20  # characters of purchases decoded at once
_ITEM_END = "\n    }"  # how dump closes a purchase; a string cannot hold a raw line break
_FAST_DECODER = json.JSONDecoder(object_pairs_hook=tuple)  # objects as tuples of pairs, all in C
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PLAIN_AMOUNT = re.compile(r"[0-9]{1,12}\.[0-9]{2}")  # what parse_money reads directly, as dump writes it
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")  # what clean_text refuses
_TEXT_LENGTHS = {
    f.name: f.max_length for f in catalogue.of_record("purchase") if f.kind is Kind.TEXT and f.key not in _SPECIAL
}
_CHOICES = {f.name: frozenset(e.value for e in f.choices) for f in catalogue.of_record("purchase") if f.kind is Kind.CHOICE}
_NO_NAMES: frozenset[str] = frozenset()
_KEY, _VALUE, _KEY_LIST = operator.itemgetter(0), operator.itemgetter(1), list(PURCHASE_KEYS)


@dataclasses.dataclass(frozen=True)
class PlainPurchases:
    """Purchases read and checked column by column, in the order of the file; each value is the
    one the per-purchase reading gives, in its plain form: a date as its ISO text, an amount as
    integer fen, a choice as its value, ``hand_edited`` as a frozenset. No ``Purchase`` is built;
    :meth:`purchases` builds them when wanted."""

    date: tuple[str, ...]
    amount: list[int]
    order_no: list[str]
    supplier: list[str]
    description: list[str]
    purpose: tuple[str, ...]
    channel: tuple[str, ...]
    state: tuple[str, ...]
    paid_on: tuple[str | None, ...]
    evaluated: tuple[bool, ...]
    note: list[str]
    delivered_on: tuple[str | None, ...]
    refunded: list[int]
    hand_edited: list[frozenset[str]]

    def __len__(self) -> int:
        return len(self.date)

    def purchases(self) -> list[Purchase]:
        from .money import from_fen

        day = dt.date.fromisoformat
        return [
            Purchase(
                date=day(d), amount=from_fen(a), order_no=o, supplier=s, description=desc, purpose=Purpose(pu),
                channel=Channel(ch), state=OrderState(st), paid_on=None if paid is None else day(paid), evaluated=ev,
                note=n, delivered_on=None if got is None else day(got), refunded=from_fen(r), hand_edited=h,
            )
            for d, a, o, s, desc, pu, ch, st, paid, ev, n, got, r, h in zip(
                self.date, self.amount, self.order_no, self.supplier, self.description, self.purpose, self.channel,
                self.state, self.paid_on, self.evaluated, self.note, self.delivered_on, self.refunded, self.hand_edited,
            )
        ]


def _plain_batch(reader: _Reader) -> tuple[PlainPurchases | None, int]:
    """At the start of a purchase: the purchases complete in the next stretch of text, when
    every one of them is as dump writes it (each key once, in dump's order) and every value plain
    and valid; the reader then stands after the last. Otherwise ``None`` and the offset up to
    which the purchases are to be read one at a time (the reader unmoved), which then say exactly
    what is wrong. Never accepts what the one-at-a-time reading refuses: anything unusual goes to it."""
    if reader.peek() != "{":
        return None, reader.offset() + 1  # not an object: the reading one at a time says so
    if len(reader.text) - reader.pos < _BATCH_TEXT // 2:
        reader.more(_BATCH_TEXT)
    start, text = reader.pos, reader.text
    end = text.rfind(_ITEM_END, start, start + _BATCH_TEXT)
    if end < 0:
        return None, reader.base + len(text)
    end += len(_ITEM_END)
    stretch = text[start:end]
    checked = _plain_columns(stretch)
    if checked is None:
        return None, reader.base + end
    reader.pos = end
    return checked, 0


def _plain_columns(stretch: str) -> PlainPurchases | None:
    if "\\u" in stretch:
        return None  # an escaped character could be a lone surrogate: checked one at a time
    # decoding makes a million small tuples, none in a cycle, all freed before this returns: the
    # collector would walk them again and again (it more than doubles the time)
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _checked_columns(stretch)
    finally:
        if collecting:
            gc.enable()


def _checked_columns(stretch: str) -> PlainPurchases | None:
    try:
        stretch.encode("utf-8")  # a lone surrogate written as such
        items = _FAST_DECODER.decode("[" + stretch + "]")
    except (ValueError, RecursionError):  # JSONDecodeError, a number too long for int(), a surrogate
        return None
    width = len(PURCHASE_KEYS)
    count = len(items)
    # objects only (arrays stay lists), each of exactly dump's keys in dump's order: none twice
    if not items or set(map(type, items)) != {tuple} or set(map(len, items)) != {width}:
        return None
    pairs = list(itertools.chain.from_iterable(items))
    if list(map(_KEY, pairs)) != _KEY_LIST * count:
        return None
    values = list(map(_VALUE, pairs))
    columns = {key: values[i::width] for i, key in enumerate(PURCHASE_KEYS)}
    try:
        out = {}
        for key, column in columns.items():
            value = _plain_column(key, column)
            if value is None:
                return None
            out[key] = value
    except (TypeError, ValueError):  # an unhashable value among choices, a day that does not exist
        return None
    return PlainPurchases(**out)


def _only(column, kind) -> bool:
    return set(map(type, column)) <= {kind}


def _plain_dates(column) -> bool:
    if not _only(column, str) or not all(map(_ISO_DATE.fullmatch, column)):
        return False
    collections.deque(map(dt.date.fromisoformat, column), maxlen=0)  # ValueError for 2024-02-30
    return "2000" <= min(column) and max(column) < "2101"  # parse_date's years 2000 to 2100


def _plain_column(key: str, column: tuple):
    """The column in plain form, or ``None`` when one of its values is not plain (or wrong)."""
    if key in _TEXT_LENGTHS:
        if not _only(column, str):
            return None
        stripped = list(map(str.strip, column))
        if max(map(len, stripped)) > _TEXT_LENGTHS[key] or _CONTROL.search("".join(stripped)):
            return None
        return stripped
    if key in _CHOICES:
        return column if set(column) <= _CHOICES[key] else None
    if key == "date":
        return column if _plain_dates(column) else None
    if key in ("paid_on", "delivered_on"):
        given = [v for v in column if v is not None]
        return column if not given or _plain_dates(given) else None
    if key in ("amount", "refunded"):
        if not _only(column, str) or not all(map(_PLAIN_AMOUNT.fullmatch, column)):
            return None
        return [int(v.replace(".", "")) for v in column]
    if key == "evaluated":
        return column if _only(column, bool) else None
    if key == "hand_edited":
        if not _only(column, list):
            return None
        names = list(itertools.chain.from_iterable(column))
        if not names:
            return [_NO_NAMES] * len(column)
        if not _only(names, str) or not set(names) <= _EDITABLE:
            return None
        return [frozenset(v) if v else _NO_NAMES for v in column]
    raise AssertionError(key)  # pragma: no cover - every key of PURCHASE_KEYS is read above
