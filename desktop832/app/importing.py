"""Importing the 832 platform's order lists into the purchase log: what the window and the command
line both do.

Three steps, so the clerk sees everything before anything is written:

1. :func:`~desktop832.documents.orders.read_orders` reads the file (the columns mapped, with
   the layout the clerk saved for this set of headers);
2. :func:`build_preview` decides what each order becomes, cheaply enough to rerun whenever the
   clerk changes a choice (the default purpose, a state text's meaning, other units included):

   * new orders that count, and new orders logged as not counted (with the reason);
   * orders already in the log that come back different: a change per field, old → new. A field
     the clerk edited by hand in the log is never overwritten: it is listed as kept;
   * orders of other budget units (所属预算单位), apart, imported only when the clerk says so;
   * orders in the log, inside the period the list covers, that the list no longer has: listed
     to check, never deleted;
   * rows that are not orders (titles, totals and signature lines), with the reason;
   * rows with errors, including state texts nobody has mapped yet;
3. :func:`commit` writes the new orders and the changes in one transaction (all or none) and
   returns what it did, so the window can undo it as one step.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import functools
from decimal import Decimal
from pathlib import Path
from typing import Callable, Mapping

from ..documents import order_mapping as columns
from ..documents.errors import ExchangeError
from ..documents.order_fields import Field, StateMeaning, state_key, state_meaning
from ..documents.order_mapping import ColumnMapping, Layout
from ..documents.orders import ParsedOrder, ParsedOrders, RowError, SkippedRow, read_orders
from ..documents.progress import Progress, no_progress
from ..domain.counting import Counting, why_not_counted
from ..domain.model import RECONCILED_FIELDS, Channel, OrderState, Purchase, Purpose, UnitProfile
from ..domain.money import ZERO, format_money
from ..domain.text import normalise

FIELD_TITLES = {"amount": "计入金额", "refunded": "退款金额", "state": "订单状态", "date": "下单日期",
                "paid_on": "付款日期", "delivered_on": "收货日期"}


class ImportBlocked(ExchangeError):
    """The preview has rows with errors and the clerk did not choose to skip them."""

    def __init__(self, message: str, preview: ImportPreview):
        super().__init__(message)
        self.preview = preview


@dataclasses.dataclass(frozen=True)
class FieldChange:
    field: str  # a Purchase field name
    old: object
    new: object
    kept: bool  # the clerk edited this field by hand: the log keeps its value

    def __str__(self) -> str:
        text = f"{FIELD_TITLES[self.field]} {_show(self.old)} → {_show(self.new)}"
        return text + "（手工修改过，保留台账中的值）" if self.kept else text


def _show(value) -> str:
    if value is None:
        return "空"
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    return str(getattr(value, "value", value))


@dataclasses.dataclass(frozen=True)
class Change:
    """An order already in the log that the list has differently."""

    order: ParsedOrder
    before: Purchase
    after: Purchase  # what the log will hold: ``before`` with the applied changes
    fields: tuple[FieldChange, ...]

    @property
    def applied(self) -> tuple[FieldChange, ...]:
        return tuple(f for f in self.fields if not f.kept)

    def describe(self) -> str:
        return "；".join(str(f) for f in self.fields)


@dataclasses.dataclass(frozen=True)
class Known:
    """A row the import leaves alone: already in the log unchanged, in another channel, or repeated."""

    order: ParsedOrder
    note: str


@dataclasses.dataclass
class ImportPreview:
    parsed: ParsedOrders
    default_purpose: Purpose
    include_other_units: bool
    new: list[tuple[ParsedOrder, Purchase]]  # new and counted
    not_counted: list[tuple[ParsedOrder, Purchase, str]]  # new, logged with the reason it does not count
    changes: list[Change]
    known: list[Known]
    other_units: list[tuple[ParsedOrder, str]]  # (order, why it is not ours)
    missing: list[Purchase]  # in the log and in the list's period, not in the list
    errors: list[RowError]
    states: dict[str, tuple[StateMeaning | None, int, str]]  # state text → (meaning, rows, "shipped"/"mapped"/"")

    @property
    def skipped(self) -> list[SkippedRow]:
        return self.parsed.skipped

    @property
    def to_add(self) -> list[Purchase]:
        return [p for _, p in self.new] + [p for _, p, _ in self.not_counted]

    @property
    def updates(self) -> list[Change]:
        return [c for c in self.changes if c.applied]

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def unmapped_states(self) -> list[str]:
        return [text for text, (meaning, _, _) in self.states.items() if meaning is None]

    @property
    def anything_to_write(self) -> bool:
        return bool(self.new or self.not_counted or self.updates)

    def summary(self) -> str:
        """One paragraph for the clerk and the command line."""

        def total(purchases):
            return format_money(sum((p.amount for p in purchases), ZERO))

        kept = sum(1 for c in self.changes for f in c.fields if f.kept)
        lines = [
            f"新增并计入：{len(self.new)} 笔，{total(p for _, p in self.new)} 元",
            f"新增但不计入（未完结、已退款等）：{len(self.not_counted)} 笔，{total(p for _, p, _ in self.not_counted)} 元",
            f"台账中已有、平台数据有变化：{len(self.changes)} 笔，将更新 {len(self.updates)} 笔"
            + (f"（{kept} 处手工修改过的值保留不变）" if kept else ""),
            f"台账中已有、无变化或不更新：{len(self.known)} 笔",
        ]
        if self.other_units:
            lines.append(
                f"其他预算单位的订单：{len(self.other_units)} 笔，" + ("将一并导入" if self.include_other_units else "不导入")
            )
        if self.missing:
            lines.append(f"台账中有、本列表期间内却没有的订单：{len(self.missing)} 笔（请核对，不会删除）")
        if self.skipped:
            lines.append(f"跳过的非订单行（标题、合计、签名等）：{len(self.skipped)} 行")
        lines.append(f"有错误：{self.error_rows} 行")
        return "\n".join(lines)


# --- the preview -----------------------------------------------------------------------------------


def state_table(parsed: ParsedOrders, mapped: Mapping[str, StateMeaning]) -> dict[str, tuple[StateMeaning | None, int, str]]:
    """Each state text in the list: its meaning, its rows and where the meaning comes from."""
    out = {}
    for text, n in sorted(parsed.states.items(), key=lambda item: -item[1]):
        key = state_key(text)
        if key in mapped:
            out[text] = (mapped[key], n, "mapped")
        else:
            meaning = state_meaning(text)
            out[text] = (meaning, n, "shipped" if meaning else "")
    return out


def _ours(order: ParsedOrder, profile: UnitProfile | None) -> str | None:
    """``None`` when the order is this unit's (or the list does not say), else why it is not."""
    if not order.unit and not order.unit_code:
        return None
    if profile is None or (not profile.name.strip() and not profile.credit_code.strip()):
        return "本单位的名称和统一社会信用代码未填写，无法核对所属预算单位"
    if order.unit_code and profile.credit_code.strip():
        if _code(order.unit_code) == _code(profile.credit_code):
            return None
        return f"统一社会信用代码 {order.unit_code} 不是本单位的"
    if order.unit and profile.name.strip():
        if _name(order.unit) == _name(profile.name):
            return None
        return f"所属预算单位为“{order.unit}”"
    return None


@functools.lru_cache(maxsize=256)  # a list names a handful of units over thousands of rows
def _code(text: str) -> str:
    return "".join(normalise(text).split()).upper()


@functools.lru_cache(maxsize=256)
def _name(text: str) -> str:
    return "".join(normalise(text).split()).replace("(", "（").replace(")", "）")


def _meaning_of(order: ParsedOrder, states) -> StateMeaning | None:
    return states[order.state_text][0] if order.state_text in states else None


def _new_values(order: ParsedOrder, meaning: StateMeaning) -> dict:
    """The reconciled fields as the list has them (a date the list lacks is ``None``)."""
    state = meaning.order_state
    refunded = order.refunded
    if order.amount > 0 and refunded >= order.amount:
        state = OrderState.REFUNDED  # refunded in full, whatever the state text says
    return {"amount": order.net, "refunded": refunded, "state": state, "date": order.date,
            "paid_on": order.paid_on, "delivered_on": order.delivered_on}


def _note(order: ParsedOrder) -> str:
    if not order.refunded:
        return order.note
    text = f"退款 {format_money(order.refunded)} 元（实付 {format_money(order.amount)} 元）"
    return f"{order.note}；{text}" if order.note else text


def _row_problem(order: ParsedOrder, meaning: StateMeaning | None, state_column: str) -> RowError | None:
    if meaning is None:
        return RowError(order.row, state_column, f"无法识别的订单状态“{order.state_text}”：请选择它的含义（已完结、未完结、已退款或部分退款）")
    if meaning is StateMeaning.PARTIAL and not order.refunded:
        return RowError(order.row, state_column, f"订单状态为“{order.state_text}”，但列表中没有退款金额（退款金额列或负数的退款行）")
    return None


def build_preview(
    parsed: ParsedOrders,
    existing: Mapping[str, Purchase],
    default_purpose: Purpose,
    counted_purposes: Callable[[int], "Counting | frozenset[Purpose]"],
    *,
    states: Mapping[str, StateMeaning] | None = None,
    profile: UnitProfile | None = None,
    include_other_units: bool = False,
) -> ImportPreview:
    """Decide what each parsed order becomes; ``states`` are the clerk's meanings by state key.

    ``counted_purposes(year)`` is what the policy governing that year counts.
    """
    table = state_table(parsed, states or {})
    mapping = parsed.mapping
    state_column = mapping.headers[mapping.column(Field.STATE)]
    purposes_by_year: dict[int, frozenset[Purpose]] = {}
    new, not_counted, changes, known, other_units = [], [], [], [], []
    errors = list(parsed.errors)
    bad_rows = {e.row for e in errors}
    seen: set[str] = set()
    for order in parsed.orders:
        seen.add(order.order_no)
        if order.row in bad_rows:
            continue  # e.g. refunds over the amount paid
        meaning = _meaning_of(order, table)
        problem = _row_problem(order, meaning, state_column)
        if problem is not None:
            errors.append(problem)
            continue
        why_not_ours = _ours(order, profile)
        if why_not_ours is not None:
            other_units.append((order, why_not_ours))
            if not include_other_units:
                continue
        values = _new_values(order, meaning)
        have = existing.get(order.order_no)
        if have is not None:
            change = _reconcile(order, have, values, parsed.has)
            if isinstance(change, Change):
                changes.append(change)
            else:
                known.append(Known(order, change))
            continue
        purchase = Purchase(
            date=order.date, amount=values["amount"], order_no=order.order_no, supplier=order.supplier,
            description=order.description, purpose=order.purpose or default_purpose, channel=Channel.PLATFORM,
            state=values["state"], paid_on=order.paid_on, note=_note(order), delivered_on=order.delivered_on,
            refunded=values["refunded"],
        )
        year = order.date.year
        if year not in purposes_by_year:
            purposes_by_year[year] = counted_purposes(year)
        counting = purposes_by_year[year]
        if isinstance(counting, Counting):  # the policy's whole rule: purposes, exclusions, when
            reason = counting.reason(purchase)
        else:
            reason = why_not_counted(Channel.PLATFORM, purchase.state, purchase.purpose, counting)
        if reason is None:
            new.append((order, purchase))
        else:
            not_counted.append((order, purchase, reason))
    for line in parsed.refund_lines:
        seen.add(line.order_no)
        have = existing.get(line.order_no)
        if have is None:
            errors.append(RowError(line.row, "", f"这是订单 {line.order_no} 的退款行，但本文件和台账中都没有这笔订单"))
            continue
        gross = have.amount + have.refunded
        values = {"amount": max(ZERO, gross - line.refunded), "refunded": line.refunded}
        if line.refunded >= gross:
            values["state"] = OrderState.REFUNDED
        change = _reconcile(line, have, values, frozenset())
        if isinstance(change, Change):
            changes.append(change)
        else:
            known.append(Known(line, change))
    for repeat, first in parsed.duplicates_in_file:
        known.append(Known(repeat, f"与文件第 {first} 行重复"))
    missing = _missing(parsed, existing, seen)
    return ImportPreview(
        parsed, default_purpose, include_other_units, new, not_counted, changes, known, other_units, missing,
        errors, table,
    )


def _reconcile(order: ParsedOrder, have: Purchase, values: dict, has: frozenset[Field]) -> Change | str:
    """The change the list brings to ``have``, or the note for an order left as it is."""
    if have.channel is not Channel.PLATFORM:
        return "台账中已有（记为其他渠道，不作改动）"
    fields = []
    for name in RECONCILED_FIELDS:
        if name not in values:
            continue
        new = values[name]
        if name in ("paid_on", "delivered_on") and new is None:
            continue  # a date the list does not give (or no longer shows) never erases the log's
        old = getattr(have, name)
        if new != old:
            fields.append(FieldChange(name, old, new, kept=name in have.hand_edited))
    if not fields:
        return "台账中已有，无变化"
    after = dataclasses.replace(have, **{f.field: f.new for f in fields if not f.kept})
    return Change(order, have, after, tuple(fields))


def _missing(parsed: ParsedOrders, existing: Mapping[str, Purchase], seen: set[str]) -> list[Purchase]:
    period = parsed.period
    if period is None:
        return []
    first, last = period
    return sorted(
        (p for no, p in existing.items()
         if p.channel is Channel.PLATFORM and first <= p.date <= last and no not in seen),
        key=lambda p: (p.date, p.order_no),
    )


def counted_purposes_for(workspace) -> Callable[[int], Counting]:
    """What each year's governing policy counts, for :func:`build_preview`."""
    profile = workspace.store.profile()

    def lookup(year: int) -> Counting:
        return Counting.of(workspace.policy_for(profile, workspace.plan(year)))

    return lookup


def existing_orders(store) -> dict[str, Purchase]:
    """Order number → what the log holds."""
    from ..store.orders import purchases_by_order_no

    return purchases_by_order_no(store)


# --- saved layouts --------------------------------------------------------------------------------


def load_layouts(store) -> dict[str, Layout]:
    return columns.load_layouts(store.setting(columns.SETTING_KEY, ""))


def remember_layout(store, mapping: ColumnMapping, states: Mapping[str, StateMeaning] = {}) -> None:
    """Save the clerk's column choices and state meanings for this layout (its set of headers)."""
    layouts = load_layouts(store)
    key = mapping.key
    layout = layouts.get(key, Layout()).with_choices(mapping.choices(), states)
    if not layout.columns and not layout.states:
        return
    layouts[key] = layout
    store.set_setting(columns.SETTING_KEY, columns.dump_layouts(layouts, {key: mapping.headers}))


# --- writing ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ImportResult:
    added_purchases: list[Purchase]  # as stored, with their ids
    not_counted: int
    updates: list[tuple[Purchase, Purchase]]  # (before, after)
    skipped: int  # already in the log, unchanged
    error_rows: int  # skipped rows with errors
    other_units: int  # left out: other budget units' orders

    @property
    def added(self) -> int:
        return len(self.added_purchases)

    @property
    def updated(self) -> int:
        return len(self.updates)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)

    def summary(self) -> str:
        text = f"已导入 {self.added} 笔订单"
        if self.not_counted:
            text += f"（其中 {self.not_counted} 笔不计入年度采购总额）"
        if self.updated:
            text += f"，按平台数据更新 {self.updated} 笔订单"
        if self.skipped:
            text += f"，跳过台账中已有的 {self.skipped} 笔"
        if self.other_units:
            text += f"，未导入其他预算单位的 {self.other_units} 笔"
        if self.error_rows:
            text += f"，跳过有错误的 {self.error_rows} 行"
        return text


CHUNK = 2000


def commit(
    store, preview: ImportPreview, *, skip_errors: bool = False, progress: Progress | None = None, chunk: int = CHUNK,
) -> ImportResult:
    """Write the new orders and the changes in one transaction. Rows with errors block the import
    unless ``skip_errors``; a cancel (or any failure) part-way rolls everything back."""
    if preview.errors and not skip_errors:
        raise ImportBlocked(
            f"有 {preview.error_rows} 行数据有错误，未导入任何数据：请改正后重新导入，或选择跳过有错误的行", preview
        )
    progress = progress or no_progress
    updates = preview.updates
    # the log may have changed since the preview (another window, an undo): the store checks again
    from ..store.orders import apply_import

    current = existing_orders(store) if updates else {}
    fresh_updates = [c for c in updates if current.get(c.before.order_no) == c.before]
    added, taken = apply_import(store, preview.to_add, [c.after for c in fresh_updates], progress=progress, chunk=chunk)
    added_numbers = {p.order_no for p in added}
    return ImportResult(
        added_purchases=added,
        not_counted=sum(1 for _, p, _ in preview.not_counted if p.order_no in added_numbers),
        updates=[(c.before, c.after) for c in fresh_updates],
        skipped=len(preview.known) + len(preview.changes) - len(fresh_updates) + len(taken),
        error_rows=preview.error_rows if preview.errors else 0,
        other_units=0 if preview.include_other_units else len(preview.other_units),
    )


def import_delta(result: ImportResult, *, undone: bool = False) -> tuple[list[Purchase], list[Purchase]]:
    """What the import (or, ``undone``, its undo) took out of the log and put in: for the running tally."""
    before = [b for b, _ in result.updates]
    after = [*result.added_purchases, *(a for _, a in result.updates)]
    return (after, before) if undone else (before, after)


def undo_import(store, result: ImportResult) -> None:
    """Take an import back: its orders removed, the orders it changed as they were (one transaction)."""
    from ..store.orders import replace_purchases

    replace_purchases(store, [p.id for p in result.added_purchases], [before for before, _ in result.updates])


def redo_import(store, result: ImportResult) -> None:
    from ..store.orders import replace_purchases

    replace_purchases(store, [], [*result.added_purchases, *(after for _, after in result.updates)])


def import_orders(
    workspace,
    path: Path | str,
    *,
    default_purpose: Purpose = Purpose.CANTEEN,
    skip_errors: bool = False,
    dry_run: bool = False,
    chosen: dict[int, Field | None] | None = None,
    mapping_file: Layout | None = None,
    include_other_units: bool = False,
    progress: Progress | None = None,
) -> tuple[ImportPreview, ImportResult | None]:
    """Read, preview and (unless ``dry_run``) commit in one call: what the command line does.

    ``mapping_file`` (columns and state meanings, as the clerk would set them in the window) is
    applied on top of the layout saved for this file's headers, and saved with it after a
    successful import, as are ``chosen`` columns.
    """
    layouts = load_layouts(workspace.store)
    used: list[Layout] = []

    def resolve(headers: list[str]) -> ColumnMapping:
        layout = layouts.get(columns.layout_key(headers), Layout())
        if mapping_file is not None:
            layout = layout.with_choices(mapping_file.columns, mapping_file.states)
        used.append(layout)
        return columns.resolve(headers, layout, chosen)

    # one pass over the file: an xlsx without a stated size costs a whole parse just to open
    parsed = read_orders(path, layouts=layouts, progress=progress, resolve=resolve, extra_layout=mapping_file)
    layout = used[-1]
    preview = build_preview(
        parsed, existing_orders(workspace.store), default_purpose, counted_purposes_for(workspace),
        states=layout.states, profile=workspace.store.profile(), include_other_units=include_other_units,
    )
    if dry_run:
        return preview, None
    result = commit(workspace.store, preview, skip_errors=skip_errors, progress=progress)
    if chosen or mapping_file is not None:
        remember_layout(workspace.store, parsed.mapping, layout.states)
    workspace.purchases_written(*import_delta(result))
    return preview, result
