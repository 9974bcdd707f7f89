"""Undo commands for the purchase log: each only calls the table model's plain write methods.

A command whose write fails (the data file is read-only, the disk full) makes itself obsolete, so
the undo stack drops it instead of offering to undo something that never happened; the model has
already told the clerk why.
"""

from __future__ import annotations

import contextlib

from PySide6.QtGui import QUndoCommand

from ...domain.model import Purchase
from ...store.errors import StoreError


def _name(purchase: Purchase) -> str:
    return purchase.order_no or f"{purchase.date:%Y-%m-%d}"


class AddPurchase(QUndoCommand):
    def __init__(self, model, purchase: Purchase):
        super().__init__(f"添加采购记录 {_name(purchase)}")
        self.model = model
        self.purchase = purchase

        self.attachments: list = []  # what the purchase had when undone (its files added since)

    def redo(self) -> None:
        if self.attachments:  # a redo after undo: the links back first, then the purchase
            with contextlib.suppress(StoreError):
                self.model.store.restore_attachments(self.attachments, purchases_back=True)
        saved = self.model.add(self.purchase)
        if saved is None:
            self.setObsolete(True)
        else:
            self.purchase = saved  # a redo after undo brings back the same id

    def undo(self) -> None:
        if self.purchase.id is not None:
            self.attachments = self.model.store.attachments_of_purchases([self.purchase.id])
        if not self.model.remove([self.purchase]):
            self.setObsolete(True)


class EditPurchase(QUndoCommand):
    def __init__(self, model, before: Purchase, after: Purchase, text: str = ""):
        super().__init__(text or f"修改采购记录 {_name(before)}")
        self.model = model
        self.before = before
        self.after = after

    def redo(self) -> None:
        if not self.model.update(self.after):
            self.setObsolete(True)

    def undo(self) -> None:
        if not self.model.update(self.before):
            self.setObsolete(True)


class DeletePurchases(QUndoCommand):
    def __init__(self, model, purchases: list[Purchase]):
        text = f"删除采购记录 {_name(purchases[0])}" if len(purchases) == 1 else f"删除 {len(purchases)} 条采购记录"
        super().__init__(text)
        self.model = model
        self.purchases = purchases

        self.attachments: list = []  # the links the delete takes with it, put back by the undo

    def redo(self) -> None:
        self.attachments = self.model.store.attachments_of_purchases([p.id for p in self.purchases if p.id is not None])
        if not self.model.remove(self.purchases):
            self.setObsolete(True)

    def undo(self) -> None:
        # the links first, so the re-check the restore sets off sees the evidence back
        store = self.model.store
        try:
            store.restore_attachments(self.attachments, purchases_back=True)
        except StoreError:
            pass  # the restore below reports the same failure
        if not self.model.restore(self.purchases):
            with contextlib.suppress(StoreError):
                for link in self.attachments:
                    store.remove_attachment(link)
            self.setObsolete(True)


class DeleteManyPurchases(QUndoCommand):
    """A delete too big to hold its purchases (Ctrl+A over a million rows): done in SQL, the rows
    kept in the data file's bin, so it is still one undo step. ``ids`` None: every row the log
    shows when it is first done."""

    def __init__(self, model, ids: list[int] | None, count: int):
        super().__init__(f"删除 {count:,} 条采购记录")
        self.model = model
        self.ids = ids
        self.batch: int | None = None

    def redo(self) -> None:
        if self.batch is None:
            binned = self.model.remove_bulk(self.ids)
            self.ids = None  # the bin has them now
        else:
            binned = self.model.remove_binned(self.batch)
        if binned is None:
            self.setObsolete(True)
        else:
            self.batch = binned.batch

    def undo(self) -> None:
        if self.batch is None or self.model.restore_binned(self.batch) is None:
            self.setObsolete(True)
