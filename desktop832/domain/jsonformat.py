"""The documented JSON form of a whole data file (``desktop832 dump`` / ``load``).

Validation is complete before anything is written: an error names the JSON path and the problem.
The format is described in ``docs/json-format.md``; bump ``VERSION`` for incompatible changes.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import base64
import binascii
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
from .attachments import MAX_SIZE, NAME_LENGTH, Attachment, EvidenceKind, MediaType, sha256_of
from .errors import ClerkError, InputError
from .fields import Kind
from .identifiers import parse_credit_code
from .model import (
    AnnualPlan, CanteenMode, Channel, FeeSource, FilingStatus, Level, OrderState, Purchase, Purpose, ReserveBasis,
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


class AttachmentsOut:
    """What ``dump`` writes of a file's attachments: each purchase's links (by purchase id), the
    filings' links, and the stored contents, given one at a time (they are written last)."""

    def __init__(self, purchase_links: Iterable[Attachment] = (), filing_links: Iterable[Attachment] = (),
                 blobs: Callable[[], Iterable[tuple[str, Any, str, bytes]]] = tuple):
        self.by_purchase: dict[int, list[Attachment]] = {}
        for link in purchase_links:
            self.by_purchase.setdefault(link.purchase_id, []).append(link)
        self.filing_links = list(filing_links)
        self.blobs = blobs  # called once, after the purchases

    @property
    def empty(self) -> bool:
        return not self.by_purchase and not self.filing_links


def _link_json(a: Attachment, with_year: bool = False) -> dict:
    return {**({"year": a.year} if with_year else {}), "sha256": a.sha256, "file_name": a.file_name,
            "added_on": a.added_on.isoformat(), "kind": a.kind.value}


def _purchase_json(p: Purchase, attachments: AttachmentsOut | None) -> dict:
    d = _to_json(p)
    d.pop("id")
    links = attachments.by_purchase.get(p.id) if attachments is not None else None
    if links:
        d["attachments"] = [_link_json(a) for a in links]
    return d


def _blob_json(sha256: str, media_type, file_name: str, data: bytes) -> dict:
    return {"sha256": sha256, "media_type": MediaType(media_type).value, "file_name": file_name, "size": len(data),
            "data": base64.b64encode(data).decode("ascii")}


def dump(profile: UnitProfile, plans: list[AnnualPlan], purchases: list[Purchase], filings=None,
         attachments: AttachmentsOut | None = None) -> dict:
    """The whole data file; ``filings`` (the filing record, all years) is written when given, the
    attachments when there are any (the keys a file without them had stay as they were)."""
    attachments = None if attachments is None or attachments.empty else attachments
    purchase_dicts = [_purchase_json(p, attachments) for p in purchases]
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "profile": _to_json(profile),
        "plans": [_to_json(p) for p in plans],
        # before the purchases: dump_chunks writes the purchases last, one at a time
        **({"filings": [_filing_json(e) for e in filings]} if filings is not None else {}),
        **({"filing_attachments": [_link_json(a, True) for a in attachments.filing_links]}
           if attachments is not None and attachments.filing_links else {}),
        "purchases": purchase_dicts,
    }
    if attachments is not None:
        doc["blobs"] = [_blob_json(*blob) for blob in attachments.blobs()]
    return doc


def dump_chunks(profile: UnitProfile, plans: list[AnnualPlan], purchases: Iterable[Purchase], filings=None,
                attachments: AttachmentsOut | None = None) -> Iterator[str]:
    """The text ``json.dumps(dump(...), ensure_ascii=False, indent=2) + "\\n"`` gives, in pieces,
    one purchase at a time: a log of any size is written in bounded memory, byte for byte the same.

    ``purchases`` is the last key but ``blobs`` (the attachments' contents, one at a time), so
    everything before it is written whole and the lists follow item by item with the indentation
    ``json.dumps`` gives a list nested one level deep."""
    attachments = None if attachments is None or attachments.empty else attachments
    head = dump(profile, plans, [], filings, attachments and AttachmentsOut(filing_links=attachments.filing_links))
    del head["purchases"]
    head.pop("blobs", None)
    text = json.dumps(head, ensure_ascii=False, indent=2)
    yield text[:-2] + ',\n  "purchases": ['  # the head without its closing "\n}"
    separator = "\n    "
    for purchase in purchases:
        yield separator + _item_text(_purchase_json(purchase, attachments))
        separator = ",\n    "
    yield "]" if separator == "\n    " else "\n  ]"
    if attachments is not None:
        yield ',\n  "blobs": ['
        separator = "\n    "
        for blob in attachments.blobs():
            yield separator + _item_text(_blob_json(*blob))
            separator = ",\n    "
        yield "]" if separator == "\n    " else "\n  ]"
    yield "\n}\n"


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
                "[\n        " + ",\n        ".join(_nested_text(v) for v in value) + "\n      ]")
        else:
            value = _scalar(value)
        lines.append(f"{_scalar(key)}: {value}")
    return "{\n      " + ",\n      ".join(lines) + "\n    }" if lines else "{}"


def _nested_text(value: Any) -> str:
    """A list item three levels deep: a scalar, or a flat object of scalars (an attachment's link)."""
    if not isinstance(value, dict):
        return _scalar(value)
    if not value:
        return "{}"
    return "{\n          " + ",\n          ".join(f"{_scalar(k)}: {_scalar(v)}" for k, v in value.items()) + "\n        }"

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
        if key not in ("format", "version", "profile", "plans", "purchases", "filings", "filing_attachments", "blobs"):
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
    purchases = [_read_purchase(p, f"$.purchases[{i}]", i, None) for i, p in enumerate(purchases_raw)]
    load_filings(doc)  # validated with the rest: a document is taken whole or not at all
    load_attachments(doc)
    return profile, plans, purchases


# --- attachments -----------------------------------------------------------------------------

_LINK_KEYS = ("sha256", "file_name", "added_on", "kind")
_BLOB_KEYS = ("sha256", "media_type", "file_name", "size", "data")


def _sha256(value, path: str) -> str:
    if not isinstance(value, str) or len(value) != 64 or not all(c in "0123456789abcdef" for c in value):
        raise JsonFormatError(path, "应为 SHA-256 的十六进制小写数字（64 位）")
    return value


def _file_name(value, path: str) -> str:
    from .attachments import clean_file_name

    if not isinstance(value, str) or not value or len(value) > NAME_LENGTH or clean_file_name(value) != value:
        raise JsonFormatError(path, f"应为不超过 {NAME_LENGTH} 个字的文件名（不含路径和控制字符）")
    return value


def _read_link(raw, path: str, *, purchase_id: int | None = None) -> Attachment:
    keys = _LINK_KEYS if purchase_id is not None else ("year", *_LINK_KEYS)
    _check_keys(raw, path, keys, keys)
    try:
        kind = EvidenceKind(raw["kind"])
    except (ValueError, TypeError):
        raise JsonFormatError(f"{path}.kind", "应为以下之一：" + "、".join(k.value for k in EvidenceKind)) from None
    added = _required_date(raw["added_on"], f"{path}.added_on")
    year = None if purchase_id is not None else _year(raw["year"], f"{path}.year")
    return Attachment(_sha256(raw["sha256"], f"{path}.sha256"), _file_name(raw["file_name"], f"{path}.file_name"),
                      added, kind, purchase_id=purchase_id, year=year)


def _read_purchase(raw, path: str, index: int, links: list[Attachment] | None) -> Purchase:
    """One purchase; its attachments' links (``"attachments"``, optional) go to ``links``, each
    naming the purchase by its place in the list (the first is 1)."""
    if isinstance(raw, dict) and "attachments" in raw:
        raw = dict(raw)
        _purchase_links(raw.pop("attachments"), path, index, links)
    return _read_object(raw, path, PURCHASE_READERS, Purchase, _REQUIRED["purchases"])


def _purchase_links(items, path: str, index: int, links: list[Attachment] | None) -> None:
    if not isinstance(items, list):
        raise JsonFormatError(f"{path}.attachments", "应为数组 […]")
    for j, item in enumerate(items):
        link = _read_link(item, f"{path}.attachments[{j}]", purchase_id=index + 1)
        if links is not None:
            links.append(link)


def _read_blob(raw, path: str, data: bytes | None = None) -> tuple[str, MediaType, str, bytes]:
    """One stored content; ``data`` when the streaming reader decoded it already."""
    _check_keys(raw, path, _BLOB_KEYS, _BLOB_KEYS)
    sha256 = _sha256(raw["sha256"], f"{path}.sha256")
    try:
        media_type = MediaType(raw["media_type"])
    except (ValueError, TypeError):
        raise JsonFormatError(f"{path}.media_type", "应为以下之一：" + "、".join(m.value for m in MediaType)) from None
    name = _file_name(raw["file_name"], f"{path}.file_name")
    if data is None:
        text = raw["data"]
        if not isinstance(text, str) or len(text) > (MAX_SIZE + 2) // 3 * 4:
            raise JsonFormatError(f"{path}.data", f"应为 base64 编码的文件内容（每个附件不超过 {MAX_SIZE // (1024 * 1024)} MB）")
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise JsonFormatError(f"{path}.data", "不是有效的 base64 编码") from None
    size = raw["size"]
    if isinstance(size, bool) or not isinstance(size, int) or size != len(data):
        raise JsonFormatError(f"{path}.size", f"应为内容的字节数 {len(data)}")
    if len(data) > MAX_SIZE:
        raise JsonFormatError(f"{path}.data", f"附件超过 {MAX_SIZE // (1024 * 1024)} MB 的上限")
    if sha256_of(data) != sha256:
        raise JsonFormatError(f"{path}.data", "内容与 sha256 不符（文件可能已损坏）")
    return sha256, media_type, name, data


class AttachmentsIn:
    """The attachments of a document being loaded: the filings' links (read with the head), the
    purchases' links (read with the purchases, so complete once they have all been taken) and
    the contents, read one at a time after them (:meth:`blobs`, once)."""

    def __init__(self, filing_links: list[Attachment], links: list[Attachment], blobs: Callable[[], Iterator], error):
        self.filing_links = filing_links
        self._links = links
        self._blobs = blobs
        self._error = error  # how a problem found at the end is raised (whole: the message; streamed: read whole)

    def purchase_links(self) -> list[Attachment]:
        return list(self._links)

    def blobs(self) -> Iterator[tuple[str, MediaType, str, bytes]]:
        """Each content once; at the end, every content a link names must have come."""
        seen: set[str] = set()
        for index, blob in enumerate(self._blobs()):
            if blob[0] in seen:
                raise self._error(f"$.blobs[{index}].sha256", "同一内容出现了两次")
            seen.add(blob[0])
            yield blob
        wanted = {a.sha256 for a in self._links} | {a.sha256 for a in self.filing_links}
        missing = sorted(wanted - seen)
        if missing:
            raise self._error("$.blobs", f"缺少附件的内容：{missing[0]}（共 {len(missing)} 个）")


def _filing_links(doc: dict) -> list[Attachment]:
    raw = doc.get("filing_attachments", [])
    if not isinstance(raw, list):
        raise JsonFormatError("$.filing_attachments", "应为数组 […]")
    return [_read_link(item, f"$.filing_attachments[{i}]") for i, item in enumerate(raw)]


def load_attachments(doc: Any) -> AttachmentsIn:
    """The attachments of a document :func:`load` accepted (validated whole, contents included)."""
    if not isinstance(doc, dict):
        raise JsonFormatError("$", "顶层应为对象 {…}")
    filing_links = _filing_links(doc)
    links: list[Attachment] = []
    for i, raw in enumerate(doc.get("purchases", [])):
        if isinstance(raw, dict) and "attachments" in raw:
            _purchase_links(raw["attachments"], f"$.purchases[{i}]", i, links)
    blobs_raw = doc.get("blobs", [])
    if not isinstance(blobs_raw, list):
        raise JsonFormatError("$.blobs", "应为数组 […]")

    def blobs() -> Iterator:
        return (_read_blob(raw, f"$.blobs[{i}]") for i, raw in enumerate(blobs_raw))

    found = AttachmentsIn(filing_links, links, blobs, JsonFormatError)
    for _ in found.blobs():  # everything checked before anything is written
        pass
    return found


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

    def plain_string(self, longest: int) -> str:
        """A string without escapes (base64 text) up to ``longest`` characters, taken piece by piece."""
        self.take('"')
        parts, length = [], 0
        while True:
            end = self.text.find('"', self.pos)
            part = self.text[self.pos:] if end < 0 else self.text[self.pos:end]
            if "\\" in part:
                raise NotStreamable
            length += len(part)
            if length > longest:
                raise NotStreamable
            parts.append(part)
            if end >= 0:
                self.pos = end + 1
                return "".join(parts)
            self.pos = len(self.text)
            if not self.more():
                raise NotStreamable

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
    """:func:`stream_load_all` without the attachments."""
    return stream_load_all(chunks, plain)[:4]


def stream_load_all(
    chunks: Iterable[str], plain: bool = False,
) -> tuple[UnitProfile, list[AnnualPlan], Iterator[Purchase | PlainPurchases], list, AttachmentsIn]:
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
    if "blobs" in head:
        raise NotStreamable  # the contents come after the purchases
    try:
        for key, value in head.items():
            _check_characters(key)
            _check_plain(value, 1)
        # the filings' links are read here; their contents, after the purchases, are checked there
        profile, plans, _ = load({**{k: v for k, v in head.items() if k != "filing_attachments"}, "purchases": []})
        filings = load_filings(head)
        filing_links = _filing_links(head)
    except JsonFormatError:
        raise NotStreamable from None
    links: list[Attachment] = []
    state = {"blobs": False}  # whether a "blobs" key follows the purchases

    def blobs() -> Iterator:
        return _stream_blobs(reader) if state["blobs"] else iter(())

    attachments = AttachmentsIn(filing_links, links, blobs, _not_streamable)
    purchases = _stream_purchases(reader, plain, links, state) if found else iter(())
    return profile, plans, purchases, filings, attachments


def _not_streamable(_path: str, _problem: str) -> NotStreamable:
    return NotStreamable()


def _stream_purchases(reader: _Reader, plain: bool, links: list[Attachment], state: dict) -> Iterator[Purchase | PlainPurchases]:
    reader.take("[")
    index = 0
    slow_until = 0  # an offset before which the purchases are read one at a time
    if reader.peek() == "]":
        reader.take("]")
    else:
        while True:
            batch = None
            if reader.offset() >= slow_until:
                batch, slow_until = _plain_batch(reader, index, links)
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
                    yield _read_purchase(raw, f"$.purchases[{index}]", index, links)
                except JsonFormatError:
                    raise NotStreamable from None
                index += 1
            if reader.peek() == ",":
                reader.take(",")
                continue
            reader.take("]")
            break
    if reader.peek() == ",":  # the attachments' contents follow: read by blobs()
        reader.take(",")
        if reader.value() != "blobs":
            raise NotStreamable
        reader.take(":")
        state["blobs"] = True
        return
    _end(reader)


def _end(reader: _Reader) -> None:
    reader.take("}")
    if reader.peek() != "":
        raise NotStreamable


# --- purchases as dump writes them, a batch at a time ----------------------------------------

# the keys of a purchase in the order dump writes them
PURCHASE_KEYS = tuple(f.name for f in dataclasses.fields(Purchase) if f.name != "id")
assert set(PURCHASE_KEYS) == set(PURCHASE_READERS)
_BATCH_TEXT = 1 << 20  # characters of purchases decoded at once
_ITEM_END = "\n    }"  # how dump closes a purchase; a string cannot hold a raw line break
_LIST_END = "\n  ]"  # how dump closes the purchases (a list inside a purchase closes deeper)
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
    invoice_no: list[str]
    fee_source: tuple[str, ...]

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
                invoice_no=inv, fee_source=FeeSource(fee),
            )
            for d, a, o, s, desc, pu, ch, st, paid, ev, n, got, r, h, inv, fee in zip(
                self.date, self.amount, self.order_no, self.supplier, self.description, self.purpose, self.channel,
                self.state, self.paid_on, self.evaluated, self.note, self.delivered_on, self.refunded, self.hand_edited,
                self.invoice_no, self.fee_source,
            )
        ]


def _plain_batch(reader: _Reader, index: int = 0, links: list[Attachment] | None = None) -> tuple[PlainPurchases | None, int]:
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
    limit = start + _BATCH_TEXT
    closing = text.find(_LIST_END, start, limit)  # the contents may follow the list: not theirs
    end = text.rfind(_ITEM_END, start, limit if closing < 0 else closing)
    if end < 0:
        return None, reader.base + len(text)
    end += len(_ITEM_END)
    stretch = text[start:end]
    found: list[Attachment] = []  # the batch's attachments' links, kept only when it is taken
    checked = _plain_columns(stretch, index, found)
    if checked is None:
        return None, reader.base + end
    reader.pos = end
    if links is not None:
        links.extend(found)
    return checked, 0


def _plain_columns(stretch: str, index: int = 0, links: list[Attachment] | None = None) -> PlainPurchases | None:
    if "\\u" in stretch:
        return None  # an escaped character could be a lone surrogate: checked one at a time
    # decoding makes a million small tuples, none in a cycle, all freed before this returns: the
    # collector would walk them again and again (it more than doubles the time)
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _checked_columns(stretch, index, links)
    finally:
        if collecting:
            gc.enable()


def _checked_columns(stretch: str, index: int = 0, links: list[Attachment] | None = None) -> PlainPurchases | None:
    try:
        stretch.encode("utf-8")  # a lone surrogate written as such
        items = _FAST_DECODER.decode("[" + stretch + "]")
    except (ValueError, RecursionError):  # JSONDecodeError, a number too long for int(), a surrogate
        return None
    width = len(PURCHASE_KEYS)
    count = len(items)
    if '"attachments"' in stretch:  # dump writes a purchase's links last: read them, then check the rest
        items = _without_links(items, width, index, links)
        if items is None:
            return None
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


def _without_links(items: list, width: int, index: int, links: list[Attachment] | None) -> list | None:
    """The purchases without their ``attachments`` pairs, the links read into ``links`` (``None``
    when one is not as dump writes it: the one-at-a-time reading then says what is wrong)."""
    found: list[Attachment] = []
    out = []
    for i, item in enumerate(items):
        if type(item) is tuple and len(item) == width + 1 and item[-1][0] == "attachments":
            raw = _plain_dicts(item[-1][1])
            if raw is None:
                return None
            try:
                _check_plain(raw, 3)
                _purchase_links(raw, f"$.purchases[{index + i}]", index + i, found)
            except JsonFormatError:
                return None
            item = item[:-1]
        out.append(item)
    if links is not None:
        links.extend(found)
    return out


def _plain_dicts(value):
    """A list of objects decoded as tuples of pairs, as the dicts the link reader takes."""
    if type(value) is not list:
        return None
    out = []
    for item in value:
        if type(item) is not tuple:
            return None
        keys = [k for k, _ in item]
        if len(set(keys)) != len(keys):
            return None
        out.append(dict(item))
    return out


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


def _stream_blobs(reader: _Reader) -> Iterator[tuple[str, MediaType, str, bytes]]:
    """The ``blobs`` list, one content at a time; its base64 text is read without the JSON
    decoder (a 20 MB file is 27 MB of text, never worth decoding again as each piece arrives)."""
    reader.take("[")
    index = 0
    if reader.peek() == "]":
        reader.take("]")
    else:
        while True:
            reader.take("{")
            raw: dict[str, Any] = {}
            data = None
            while True:
                key = reader.value()
                if not isinstance(key, str) or key in raw:
                    raise NotStreamable
                reader.take(":")
                if key == "data" and reader.peek() == '"':
                    text = reader.plain_string((MAX_SIZE + 2) // 3 * 4)
                    raw[key] = ""
                    try:
                        data = base64.b64decode(text, validate=True)
                    except (binascii.Error, ValueError):
                        raise NotStreamable from None
                else:
                    raw[key] = reader.value()
                if reader.peek() == ",":
                    reader.take(",")
                    continue
                reader.take("}")
                break
            try:
                _check_plain(raw, 2)
                if data is None:
                    raise NotStreamable
                yield _read_blob(raw, f"$.blobs[{index}]", data)
            except JsonFormatError:
                raise NotStreamable from None
            index += 1
            if reader.peek() == ",":
                reader.take(",")
                continue
            reader.take("]")
            break
    _end(reader)
