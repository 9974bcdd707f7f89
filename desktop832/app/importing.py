"""Importing the platform's order lists into a data file: what the import dialog and
``desktop832 import-orders`` both do. Reading and sorting the rows is the document layer's
(:mod:`desktop832.documents.orders`); the SQL is the store's (:mod:`desktop832.store.orders`)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Callable

from ..documents import order_mapping as columns
from ..documents.order_fields import Field
from ..documents.orders import ImportBlocked, ImportPreview, build_preview, inspect_orders, read_orders
from ..documents.progress import Progress, no_progress
from ..domain.model import Purpose

CHUNK = 2000


def load_remembered(store) -> dict[str, str]:
    """The column choices the clerk made in earlier imports into this data file."""
    try:
        data = json.loads(store.setting(columns.SETTING_KEY, "{}") or "{}")
    except ValueError:
        return {}  # a damaged setting only costs the clerk the mapping dialog once more
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def remember(store, mapping: columns.ColumnMapping) -> None:
    """Keep the clerk's choices for the next import into this data file."""
    choices = mapping.choices()
    if not choices:
        return
    merged = load_remembered(store)
    merged.update(choices)
    store.set_setting(columns.SETTING_KEY, json.dumps(merged, ensure_ascii=False, sort_keys=True))


def existing_orders(store):
    """Order number → what the log holds (:class:`desktop832.store.orders.ExistingOrder`)."""
    from ..store.orders import existing_orders as query

    return query(store)


def counted_purposes_for(workspace) -> Callable[[int], frozenset[Purpose]]:
    """What each year's governing policy counts, for :func:`build_preview`."""
    from ..domain.counting import counted_purposes

    profile = workspace.store.profile()

    def lookup(year: int) -> frozenset[Purpose]:
        return counted_purposes(workspace.policy_for(profile, workspace.plan(year)))

    return lookup


@dataclasses.dataclass(frozen=True)
class ImportResult:
    added: int
    not_counted: int
    updated: int
    skipped: int  # already in the log
    error_rows: int  # skipped rows with errors

    def summary(self) -> str:
        text = f"已导入 {self.added} 笔订单"
        if self.not_counted:
            text += f"（其中 {self.not_counted} 笔不计入年度采购总额）"
        if self.updated:
            text += f"，更新 {self.updated} 笔订单状态"
        if self.skipped:
            text += f"，跳过台账中已有的 {self.skipped} 笔"
        if self.error_rows:
            text += f"，跳过有错误的 {self.error_rows} 行"
        return text


def commit(
    store, preview: ImportPreview, *, skip_errors: bool = False, progress: Progress | None = None, chunk: int = CHUNK,
) -> ImportResult:
    """Write the accepted rows in one transaction. Rows with errors block the import unless
    ``skip_errors``; a cancel (or any failure) part-way rolls everything back."""
    from ..store.orders import apply_import

    if preview.errors and not skip_errors:
        raise ImportBlocked(f"有 {preview.error_rows} 行数据有错误，未导入任何数据：请改正后重新导入，或选择跳过有错误的行", preview)
    orders = preview.to_add
    updates = preview.updates
    added = apply_import(
        store, [o.purchase(preview.default_purpose) for o in orders], updates,
        progress=progress or no_progress, chunk=chunk,
    )
    added_numbers = {p.order_no for p in added}
    fresh_rows = {o.row for o in orders if o.order_no in added_numbers}
    return ImportResult(
        added=len(added),
        not_counted=sum(1 for o, _ in preview.not_counted if o.row in fresh_rows),
        updated=len(updates),
        skipped=len(preview.known) - len(updates) + (len(orders) - len(added)),
        error_rows=preview.error_rows,
    )


def import_orders(
    workspace,
    path: Path | str,
    *,
    default_purpose: Purpose = Purpose.CANTEEN,
    skip_errors: bool = False,
    dry_run: bool = False,
    chosen: dict[int, Field | None] | None = None,
    progress: Progress | None = None,
) -> tuple[ImportPreview, ImportResult | None]:
    """Read, preview and (unless ``dry_run``) commit in one call: what the command line does."""
    remembered = load_remembered(workspace.store)
    mapping = None
    if chosen:
        _, found = inspect_orders(path, remembered)
        mapping = columns.resolve(found.headers, remembered, chosen)
    parsed = read_orders(path, mapping, remembered=remembered, progress=progress)
    preview = build_preview(parsed, existing_orders(workspace.store), default_purpose, counted_purposes_for(workspace))
    if dry_run:
        return preview, None
    result = commit(workspace.store, preview, skip_errors=skip_errors, progress=progress)
    if chosen:
        remember(workspace.store, parsed.mapping)
    workspace.purchases_changed()
    return preview, result
