"""The purchase log's table model: a year's purchases, a million rows and more, without lag.

SQL sorts and filters. When an index yields the rows in display order (the year or a month by
date, a purpose by date, the year by amount: ``purchase_queries.pages_by_offset``) the model only
counts them and reads each page the view paints by its offset, so opening the log costs a count and
a page whatever its size; otherwise it holds the ids in display order (a compact array) from one
query. Rows come a page at a time as plain tuples formatted in ``data()``, a few pages kept. A change
resets the model, which costs a query, not a re-sort in Qt (``QSortFilterProxyModel`` took 14–27 s
for 100,000 rows).

Writes are plain methods (``add``, ``update``, ``remove``, ``restore``) so undo commands can call
them; each writes the data file, reloads, keeps what it took out and put in (``last_write``: the
purchases as they were and as written, for the year's running tally) and emits ``purchasesChanged``. In-place edits do not
write: ``setData`` parses the text and emits ``editRequested`` for the tab to push an undo command.
"""

from __future__ import annotations

import dataclasses
from array import array
from collections import OrderedDict

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from ...domain.errors import InputError
from ...domain.model import Purchase
from ...domain.money import format_money, from_fen
from ...store import purchase_queries as q
from ...store.errors import StoreError
from . import fields as fields
from .. import palette

R = Qt.ItemDataRole
OVERDUE_BACKGROUND = palette.brush(palette.ERROR_BACKGROUND)
OVERDUE_TEXT = palette.brush(palette.ERROR)
COUNTED_TEXT = palette.brush(palette.OK)
NOT_COUNTED_TEXT = palette.brush(palette.WARNING)
HAND_EDITED_TEXT = palette.brush(palette.EDITED)  # with an italic face: a value the clerk set by hand
HAND_EDITED_FONT = QFont()
HAND_EDITED_FONT.setItalic(True)
ID_ROLE = R.UserRole
_AMOUNT = fields.column_index("amount")
_REFUNDED = fields.column_index("refunded")
_EVALUATED = fields.column_index("evaluated")
_COUNTED = fields.column_index(q.COUNTED)
_PAID_ON = fields.column_index("paid_on")
# the view asks for about ten roles per cell on every paint: answer the rest before any lookup
_ROLES = frozenset(int(role) for role in (
    R.DisplayRole, R.EditRole, R.CheckStateRole, R.TextAlignmentRole, R.BackgroundRole, R.ForegroundRole,
    R.ToolTipRole, R.FontRole, ID_ROLE,
))


class PurchaseTableModel(QAbstractTableModel):
    purchasesChanged = Signal(object)  # the id to put the cursor on, or None
    editRequested = Signal(object, object)  # Purchase before, Purchase after
    problem = Signal(str)  # a Chinese message: refused input or a failed write

    PAGE = 200  # rows fetched together: a screenful and some scrolling
    MAX_PAGES = 25  # pages kept: 5,000 rows

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.query: q.LogQuery | None = None
        self.judge: q.Judge | None = None
        self._ids: array | None = array("q")  # the ids in display order; None: pages read by offset
        self._count = 0
        self._pages: OrderedDict[int, list[tuple]] = OrderedDict()
        self._meta: dict[int, tuple[str | None, int | None]] = {}  # id → (reason, overdue days)
        self.shown: tuple[int, object] | None = None  # (count, total amount) of a filtered query
        # what the last write did, as ``purchases_written`` takes it: removed and added purchases,
        # or a bulk delete's bin batch (``binned``, ``restored``)
        self.last_write: dict = {}

    # --- reading ------------------------------------------------------------------------------

    def set_store(self, store) -> None:
        self.store = store
        self.reload()

    def set_query(self, query: q.LogQuery, judge: q.Judge, count: int | None = None) -> None:
        """``count``: how many rows ``query`` shows when the caller knows (the year's tally has it)."""
        self.query, self.judge = query, judge
        self.reload(count)

    def reload(self, count: int | None = None) -> None:
        self.beginResetModel()
        self._pages.clear()
        self._meta.clear()
        self.shown = None
        if self.query is None:
            self._ids, self._count = array("q"), 0
        elif q.pages_by_offset(self.query):
            self._ids = None
            if self.query.filtered:
                self.shown = q.shown_total(self.store, self.query, self.judge)
                self._count = self.shown[0]
            else:
                self._count = count if count is not None else q.count_shown(self.store, self.query, self.judge)
        else:
            self._ids, total = q.shown_ids(self.store, self.query, self.judge)
            self._count = len(self._ids)
            self.shown = (self._count, total) if self.query.filtered else None
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self.query is None:
            return
        query = dataclasses.replace(
            self.query, sort=fields.COLUMNS[column].key, descending=order == Qt.SortOrder.DescendingOrder
        )
        if query != self.query:
            self.query = query
            self.reload()

    def ids(self) -> list[int]:
        """Every shown id in display order (the export's rows)."""
        if self._ids is None:
            return q.purchase_ids(self.store, self.query, self.judge)
        return list(self._ids)

    def ids_of(self, ranges: list[tuple[int, int]]) -> list[int]:
        """The ids of rows ``top..bottom`` (both included) of each range, in display order."""
        ids: list[int] = []
        for top, bottom in ranges:
            if self._ids is not None:
                ids.extend(self._ids[top:bottom + 1])
            else:
                ids.extend(q.page_ids(self.store, self.query, self.judge, top, bottom - top + 1))
        return ids

    def row_of(self, purchase_id: int | None) -> int:
        if purchase_id is None or self.query is None:
            return -1
        if self._ids is None:
            return q.position(self.store, self.query, self.judge, purchase_id)
        try:
            return self._ids.index(purchase_id)
        except ValueError:
            return -1

    def raw(self, row: int) -> tuple | None:
        if not 0 <= row < self._count:
            return None
        number, at = divmod(row, self.PAGE)
        page = self._pages.get(number)
        if page is None:
            page = self._fetch_page(number)
        else:
            self._pages.move_to_end(number)
        return page[at] if at < len(page) else None

    def purchase(self, row: int) -> Purchase | None:
        raw = self.raw(row)
        return None if raw is None else q.to_purchase(raw)

    def _fetch_page(self, number: int) -> list[tuple]:
        start = number * self.PAGE
        if self._ids is not None:
            ids = self._ids[start:start + self.PAGE]
        else:
            ids = q.page_ids(self.store, self.query, self.judge, start, self.PAGE)
        found = q.purchase_rows(self.store, ids)
        page = self._pages[number] = [found[pid] for pid in ids if pid in found]
        if len(self._pages) > self.MAX_PAGES:
            self._pages.popitem(last=False)
            if len(self._meta) > self.MAX_PAGES * self.PAGE:
                self._meta.clear()
        return page

    def _judged(self, raw: tuple) -> tuple[str | None, int | None]:
        pid = raw[q.ID]
        meta = self._meta.get(pid)
        if meta is None:
            meta = self._meta[pid] = (self.judge.reason(raw), self.judge.overdue_days(raw))
        return meta

    # --- Qt model interface -------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(fields.COLUMNS)

    def headerData(self, section: int, orientation, role=R.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        column = fields.COLUMNS[section]
        if role == R.DisplayRole:
            return column.title
        if role == R.ToolTipRole:
            return column.tip or None
        return None

    def data(self, index, role=R.DisplayRole):
        if role not in _ROLES:
            return None
        raw = self.raw(index.row()) if index.isValid() else None
        if raw is None:
            return None
        col = index.column()
        key = fields.COLUMNS[col].key
        if role == R.DisplayRole:
            return fields.display(key, raw, *self._judged(raw))
        if role == R.EditRole:
            return fields.edit_text(key, raw) if key != q.COUNTED else None
        if role == R.CheckStateRole and col == _EVALUATED:
            return Qt.CheckState.Checked if raw[q.EVALUATED] else Qt.CheckState.Unchecked
        if role == R.TextAlignmentRole and col in (_AMOUNT, _REFUNDED):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == R.FontRole:
            return HAND_EDITED_FONT if key in fields.hand_edited(raw) else None
        if role == R.BackgroundRole:
            return OVERDUE_BACKGROUND if self._judged(raw)[1] is not None else None
        if role == R.ForegroundRole:
            reason, overdue = self._judged(raw)
            if col == _COUNTED:
                return COUNTED_TEXT if reason is None else NOT_COUNTED_TEXT
            if col == _PAID_ON and overdue is not None:
                return OVERDUE_TEXT
            return HAND_EDITED_TEXT if key in fields.hand_edited(raw) else None
        if role == R.ToolTipRole:
            return self._tooltip(col, raw)
        if role == ID_ROLE:
            return raw[q.ID]
        return None

    def _tooltip(self, col: int, raw: tuple) -> str | None:
        tip = self._plain_tooltip(col, raw)
        if fields.COLUMNS[col].key in fields.hand_edited(raw):
            return f"{tip}\n{fields.HAND_EDITED_TIP}" if tip else fields.HAND_EDITED_TIP
        return tip

    def _plain_tooltip(self, col: int, raw: tuple) -> str | None:
        reason, overdue = self._judged(raw)
        if col == _REFUNDED and raw[q.REFUNDED]:
            gross = format_money(from_fen(raw[q.AMOUNT] + raw[q.REFUNDED]))
            kind = "全额退款" if raw[q.AMOUNT] == 0 else "部分退款，金额为余下计入的部分"
            return f"{kind}（实付 {gross} 元，退款 {format_money(from_fen(raw[q.REFUNDED]))} 元）"
        if col == _COUNTED:
            return reason or "计入年度采购总额"
        if col == _PAID_ON and overdue is not None:
            return f"已完结的832平台订单 {overdue} 天未付款，超过政策规定的 {self.judge.max_days} 天"
        text = fields.display(fields.COLUMNS[col].key, raw, reason, overdue)
        return text if text and len(text) > 12 else None  # long text cut off by the column

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags  # the root is no cell (Qt's model rules)
        base = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        if self.store.readonly:
            return base
        if index.column() == _EVALUATED:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if fields.COLUMNS[index.column()].editable:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index, value, role=R.EditRole) -> bool:
        """Parse an in-place edit; refuse bad text with a message, keeping the stored value."""
        before = self.purchase(index.row()) if index.isValid() else None
        if before is None:
            return False
        key = fields.COLUMNS[index.column()].key
        if role == R.CheckStateRole and index.column() == _EVALUATED:
            value = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role != R.EditRole or not fields.COLUMNS[index.column()].editable:
            return False
        try:
            parsed = fields.PARSERS[key](value)
            if key == "date":
                fields.check_year(parsed, self.query.year)
        except InputError as exc:
            self.problem.emit(f"{exc.message}（未保存，仍为原值）")
            return False
        after = dataclasses.replace(before, **{key: parsed})
        if after != before:
            self.editRequested.emit(before, after)
        return True

    # --- writing (what undo commands call) ------------------------------------------------------

    def _write(self, action, *, in_place: int = -1) -> bool:
        """Run ``action``, which returns the id to put the cursor on and the purchases it took
        out (as they were) and put in (as written); a known store error is reported. ``in_place`` is the row of an edit that neither moves the row nor takes it out
        of the filter: that row is repainted instead of reloading every id."""
        try:
            focus_id, write = action()
        except StoreError as exc:
            self.problem.emit(f"未能保存：{exc.message}")
            return False
        if in_place >= 0:
            self._pages.pop(in_place // self.PAGE, None)
            self._meta.pop(focus_id, None)
            self.dataChanged.emit(self.index(in_place, 0), self.index(in_place, self.columnCount() - 1))
        else:
            self.reload()
        self.last_write = write
        self.purchasesChanged.emit(focus_id)
        return True

    def _stays(self, before: Purchase | None, after: Purchase) -> bool:
        """Whether an edit keeps the row in its place and in the filter."""
        if before is None or self.query is None:
            return False
        query = self.query
        fields_used = {"date"}  # the year, the month, and every sort's tie-break
        fields_used |= {"channel", "state", "purpose"} if query.sort == q.COUNTED else {query.sort}
        fields_used |= {"purpose"} if query.purpose else set()
        fields_used |= {"state"} if query.state else set()
        fields_used |= {"channel", "state", "purpose"} if query.counted is not None else set()
        fields_used |= {"channel", "state", "paid_on"} if query.overdue_only else set()
        fields_used |= {"order_no", "supplier", "description"} if query.search.strip() else set()
        return all(getattr(before, name) == getattr(after, name) for name in fields_used)

    def add(self, purchase: Purchase) -> Purchase | None:
        """Store a new purchase (with its id when it had one) and return it as stored."""
        saved: list[Purchase] = []

        def add():
            saved.append(self.store.add_purchase(purchase))
            return saved[0].id, {"added": saved}

        return saved[0] if self._write(add) else None

    def update(self, purchase: Purchase) -> bool:
        def update():
            before = self._stored([purchase.id])  # as the file has it: what the tally holds
            self.store.update_purchase(purchase)
            return purchase.id, {"removed": before, "added": [purchase]}

        row = self.row_of(purchase.id)
        return self._write(update, in_place=row if self._stays(self.purchase(row), purchase) else -1)

    def remove(self, purchases: list[Purchase]) -> bool:
        def remove():
            ids = [p.id for p in purchases]
            before = self._stored(ids)
            self.store.delete_purchases(ids)
            return None, {"removed": before}

        return self._write(remove)

    def _stored(self, ids: list[int]) -> list[Purchase]:
        return [q.to_purchase(row) for row in q.purchase_rows(self.store, ids).values()]

    def restore(self, purchases: list[Purchase]) -> bool:
        """Put deleted purchases back with their ids (undo of a delete)."""

        def restore():
            self.store.add_purchases(purchases)
            return purchases[0].id, {"added": list(purchases)}

        return self._write(restore)

    # --- bulk deletes: in SQL, the rows kept in the file's bin for undo ----------------------------

    def remove_bulk(self, ids: list[int] | None) -> q.Binned | None:
        """Delete what the log shows (``ids`` None: every row of the current query) or ``ids``."""
        return self._bulk(lambda: q.move_to_bin(self.store, self.query, self.judge, ids), restored=False)

    def remove_binned(self, batch: int) -> q.Binned | None:
        return self._bulk(lambda: q.delete_binned(self.store, batch), restored=False)

    def restore_binned(self, batch: int) -> q.Binned | None:
        return self._bulk(lambda: q.restore_binned(self.store, batch), restored=True)

    def _bulk(self, move, *, restored: bool) -> q.Binned | None:
        done: list[q.Binned] = []

        def action():
            done.append(move())
            return None, {"binned": done[0], "restored": restored}

        return done[0] if self._write(action) else None
