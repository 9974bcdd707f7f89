"""The purchase log as the order importer sees it: which order numbers it holds, and applying an
import in one transaction (all of it or nothing)."""

from __future__ import annotations

import datetime as dt
from typing import Callable, NamedTuple, Sequence

from sqlalchemy import bindparam, select, update

from ..domain.model import Channel, OrderState, Purchase
from .tables import purchase


class ExistingOrder(NamedTuple):
    id: int
    state: OrderState
    paid_on: dt.date | None
    channel: Channel


def existing_orders(store) -> dict[str, ExistingOrder]:
    """Order number → what the log holds."""
    query = select(purchase.c.order_no, purchase.c.id, purchase.c.state, purchase.c.paid_on, purchase.c.channel)
    with store.reader() as connection:
        return {
            row[0]: ExistingOrder(*row[1:])
            for row in connection.execute(query.where(purchase.c.order_no != "").order_by(purchase.c.id))
        }


def apply_import(
    store, purchases: Sequence[Purchase], updates: Sequence[dict], *,
    progress: Callable[[int, int], None], chunk: int,
) -> list[Purchase]:
    """Add ``purchases`` whose order number the log does not hold yet and apply ``updates``
    (``{"id", "state", "paid_on"}``) in one transaction; returns the purchases added.

    The log may have changed since the clerk's preview (another window, an undo), so the order
    numbers are checked again inside the transaction. An exception from ``progress`` (a cancel)
    rolls everything back.
    """
    total = len(purchases) + len(updates)
    with store.transaction() as connection:
        taken = set(connection.scalars(select(purchase.c.order_no).where(purchase.c.order_no != "")))
        fresh = [p for p in purchases if p.order_no not in taken]
        progress(0, total)
        added = 0
        for start in range(0, len(fresh), chunk):
            part = fresh[start : start + chunk]
            store.add_purchases(part, connection=connection)
            added += len(part)
            progress(added, total)
        if updates:
            by_id = update(purchase).where(purchase.c.id == bindparam("stored_id"))
            connection.execute(by_id, [{"stored_id": u["id"], "state": u["state"], "paid_on": u["paid_on"]} for u in updates])
        progress(total, total)
    return fresh
