"""The purchase log as the order importer sees it: the logged orders by number, applying an import
in one transaction (all of it or nothing), and taking it back (undo) or applying it again (redo)."""

from __future__ import annotations

import operator
from typing import Callable, Iterable

from sqlalchemy import delete, func, insert, select

from ..domain.model import Purchase
from .database import _PURCHASE_FIELDS, _insert_purchases, _purchase_values, _write
from .tables import purchase


def purchases_by_order_no(store) -> dict[str, Purchase]:
    """Every purchase that has an order number, by it (the first stored, should one repeat)."""
    query = select(*[purchase.c[name] for name in _PURCHASE_FIELDS]).where(purchase.c.order_no != "")
    found: dict[str, Purchase] = {}
    with store.reader() as c:
        for row in c.execute(query.order_by(purchase.c.id)):
            p = Purchase(*row)
            found.setdefault(p.order_no, p)
    return found


def apply_import(
    store, new: list[Purchase], updated: list[Purchase], *,
    progress: Callable[[int, int], None] | None = None, chunk: int = 2000,
) -> tuple[list[Purchase], set[str]]:
    """Add ``new`` and overwrite ``updated`` (stored purchases) in one transaction.

    Returns the added purchases with their ids (so the import can be undone) and the order numbers
    left out because the log got them since the preview (another window, an undo): the numbers are
    checked again inside the transaction. An exception from ``progress`` (a cancel) rolls
    everything back.
    """
    progress = progress or (lambda done, total: None)
    total = len(new) + len(updated)
    with store.transaction() as c:
        taken = set(c.scalars(select(purchase.c.order_no).where(purchase.c.order_no != "")))
        fresh = [p for p in new if p.order_no not in taken]
        next_id = (c.scalar(select(func.max(purchase.c.id))) or 0) + 1
        added = [_with_id(p, next_id + i) for i, p in enumerate(fresh)]
        progress(0, total)
        for start in range(0, len(added), chunk):
            part = added[start : start + chunk]
            _insert_purchases(c, part)  # plain tuples: the values insert(purchase) would store
            progress(start + len(part), total)
        for p in updated:
            _write(c, purchase, _purchase_values(p))
        progress(total, total)
    return added, {p.order_no for p in new} - {p.order_no for p in fresh}


_ALL_FIELDS = operator.attrgetter(*_PURCHASE_FIELDS)


def _with_id(p: Purchase, purchase_id: int) -> Purchase:
    """``dataclasses.replace(p, id=purchase_id)`` without running ``__init__`` and its checks
    again for a value already checked (a third of an import's time at 100,000 rows)."""
    copy = object.__new__(Purchase)
    for name, value in zip(_PURCHASE_FIELDS, _ALL_FIELDS(p)):
        object.__setattr__(copy, name, value)
    object.__setattr__(copy, "id", purchase_id)
    return copy


def replace_purchases(store, remove_ids: Iterable[int], put: Iterable[Purchase]) -> None:
    """Delete ``remove_ids`` and write ``put`` (with their ids) in one transaction: the undo and
    the redo of an import."""
    rows = [_purchase_values(p) for p in put]
    ids = list(remove_ids)
    with store.transaction() as c:
        for start in range(0, len(ids), 500):
            c.execute(delete(purchase).where(purchase.c.id.in_(ids[start : start + 500])))
        if rows:
            c.execute(insert(purchase).prefix_with("OR REPLACE"), rows)
