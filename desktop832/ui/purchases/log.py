"""采购记录: the year's purchases, what counts toward the reserve, what is left, what is unpaid.

Entry point for the main window::

    tab = PurchaseLogTab(workspace, undo_stack, purchases_changed=document.purchases_written)  # takes **write
                                                  # optional: parent, settings=QSettings(...)
    tab.purchasesChanged.connect(...)             # after every add, edit, delete, undo and redo
    tab.set_year(year, plan, policy)              # the year, the plan's reserve or the policy changed
    tab.set_workspace(workspace)                  # another data file was opened (then set_year)

``set_year`` only refreshes the summary when just the plan changed, so calling it on every
keystroke in the plan is cheap; a new year or policy reloads the table. After each write the tab
calls ``purchases_changed(**write)`` with what the write took out and put in (the one path:
the window's document updates the workspace's running tally by them and re-checks; without a
document, the workspace's own ``purchases_written``), then shows the workspace's tally, which is
that same one: the year is never summed again for a write.

Edits go through the shared ``QUndoStack`` as commands (:mod:`.purchase_commands`). A selection is
kept as Qt's ranges and never listed row by row: Ctrl+A over a million rows selects them in one
range, and deleting that many runs in SQL (the rows kept in the file's bin: one undo step). Typing
into the table finds the next row whose cell starts with the typed text by SQL, not by asking the
model for every row as Qt's own ``keyboardSearch`` does. Column order,
widths, visibility and the sort are remembered in QSettings under ``purchase_log/``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QEvent, QItemSelectionModel, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QCheckBox, QComboBox, QGroupBox, QHeaderView, QLabel,
    QLineEdit, QMenu, QProgressBar, QPushButton, QTableView, QToolButton,
)

from .. import file_dialogs
from ..background_task import BackgroundTask
from ...domain.model import OrderState, Purpose, mark_hand_edits
from ...domain.money import format_money, format_percent
from ...domain.requirements import reserve_target
from ...domain.pace import policy_pace
from ...store import purchase_queries as q
from . import fields as fields
from ..forms import FormWidget
from ..mnemonics import give_letters
from ..palette import set_tone
from ..settings import app_settings
from .commands import AddPurchase, DeleteManyPurchases, DeletePurchases, EditPurchase
from .delegate import PurchaseDelegate
from .model import PurchaseTableModel

SETTINGS_PREFIX = "purchase_log/"
FIT_ROWS = 60  # rows measured for the first screen's column widths: a screenful and some more
FIT_MAX_CHARS = 16  # no column starts wider than this (a longer text is whole in its tooltip)
PROBLEM, INFO = "error", "muted"  # tones of the palette
GOOD, BEHIND, BAD = "ok", "warning", "error"
DELETE_IN_MEMORY = 2000  # up to this many rows a delete keeps the purchases for its undo; beyond, SQL and the bin


class PurchaseLogTab(FormWidget):
    FORM = "purchase_log.ui"
    WIDGETS = {
        "summary_group": QGroupBox, "counted_value_label": QLabel, "not_counted_value_label": QLabel,
        "reserve_value_label": QLabel, "remaining_value_label": QLabel, "progress_bar": QProgressBar,
        "pace_label": QLabel, "overdue_label": QLabel,
        "search_edit": QLineEdit, "purpose_filter": QComboBox, "state_filter": QComboBox, "month_filter": QComboBox,
        "counted_filter": QComboBox, "overdue_check": QCheckBox, "clear_filters_button": QPushButton,
        "add_button": QToolButton, "edit_button": QToolButton, "delete_button": QToolButton, "shown_label": QLabel,
        "columns_button": QToolButton, "export_button": QToolButton, "table": QTableView, "message_label": QLabel,
    }
    purchasesChanged = Signal()
    status = Signal(str)  # a line for the window's status bar (what a deletion removed)

    def __init__(
        self, workspace, undo_stack: QUndoStack, parent=None, *, settings: QSettings | None = None,
        purchases_changed=None, add_action: QAction | None = None, delete_action: QAction | None = None,
    ):
        super().__init__(parent)
        self.workspace = workspace
        self._purchases_changed = purchases_changed  # (removed, added) -> None; None: the workspace's own
        self.undo_stack = undo_stack
        self.settings = settings if settings is not None else app_settings()
        self.year: int | None = None
        self.plan = self.policy = self.profile = None
        self.judge: q.Judge | None = None
        self.tally = None
        self.dialog = None  # the open add/edit form, if any
        self._scroll: int | None = None  # the scroll position before the last reload
        self.model = PurchaseTableModel(workspace.store, self)
        self.delegate = PurchaseDelegate(self.table)
        self._search_timer = QTimer(self, singleShot=True, interval=300)
        self._search_timer.timeout.connect(self.apply_filters)
        self._save_timer = QTimer(self, singleShot=True, interval=400)
        self._save_timer.timeout.connect(self.save_columns)
        self._columns_fitted = False  # the first rows shown set the column widths (unless the clerk's are kept)
        self._on_screen = True  # the window says when its tab is not shown: see set_on_screen
        self._build_table()
        self._build_filters()
        self._build_actions(add_action, delete_action)
        self.model.purchasesChanged.connect(self._written)
        self.model.modelAboutToBeReset.connect(lambda: setattr(self, "_scroll", self.table.verticalScrollBar().value()))
        # pushed after the cell editor has closed: the push reloads the model under it
        self.model.editRequested.connect(self._push_edit, Qt.ConnectionType.QueuedConnection)
        self.model.problem.connect(self.show_problem)
        self.delegate.problem.connect(self.show_problem)
        self._typed, self._typed_timer = "", QElapsedTimer()
        self.table.installEventFilter(self)
        self._update_buttons()

    # --- building -----------------------------------------------------------------------------

    def _build_table(self) -> None:
        table = self.table
        table.setModel(self.model)
        table.setItemDelegate(self.delegate)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        table.setWordWrap(False)
        table.setAlternatingRowColors(True)
        metrics = table.fontMetrics()
        rows = table.verticalHeader()
        # fixed rows: measuring 100,000 rows to fit their contents took a minute
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(metrics.height() + 10)
        rows.hide()
        header = table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        for index, column in enumerate(fields.COLUMNS):
            header.resizeSection(index, metrics.horizontalAdvance("中") * column.width + 18)
        header.setSortIndicator(fields.column_index("date"), Qt.SortOrder.AscendingOrder)
        self._restore_columns()
        table.setSortingEnabled(True)  # the model sorts in SQL (see PurchaseTableModel.sort)
        # The headers only paint from their selection model whether a whole column is selected,
        # which Qt answers by asking the model's flags() for every selected row: after Ctrl+A over
        # a million rows, minutes per repaint. They get a selection model of their own, never
        # selected; the table's own selection (what is deleted, exported, highlighted) is untouched.
        self._header_selection = QItemSelectionModel(self.model, self)
        header.setSelectionModel(self._header_selection)
        rows.setSelectionModel(self._header_selection)
        for signal in (header.sectionMoved, header.sectionResized, header.sortIndicatorChanged):
            signal.connect(lambda *_: self._save_timer.start())
        self.columns_menu = QMenu(self)
        for index, column in enumerate(fields.COLUMNS):
            action = self.columns_menu.addAction(column.title)
            action.setCheckable(True)
            action.toggled.connect(lambda shown, i=index: self.show_column(i, shown))
        give_letters(self.columns_menu.actions())
        self.columns_menu.aboutToShow.connect(self._sync_columns_menu)
        self.columns_button.setMenu(self.columns_menu)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(lambda pos: self.columns_menu.exec(header.mapToGlobal(pos)))
        table.selectionModel().selectionChanged.connect(self._update_buttons)

    def _build_filters(self) -> None:
        self.purpose_filter.addItem("全部用途", "")
        self.purpose_filter.addItems([p.value for p in Purpose])
        self.state_filter.addItem("全部状态", "")
        self.state_filter.addItems([s.value for s in OrderState])
        self.month_filter.addItem("全年", 0)
        for month in range(1, 13):
            self.month_filter.addItem(f"{month}月", month)
        for text in ("全部记录", "只看计入", "只看不计入"):
            self.counted_filter.addItem(text)
        for combo in (self.purpose_filter, self.state_filter, self.month_filter, self.counted_filter):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.overdue_check.toggled.connect(self.apply_filters)
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        self.search_edit.returnPressed.connect(self.apply_filters)
        self.clear_filters_button.clicked.connect(self.clear_filters)

    def _build_actions(self, add_action: QAction | None, delete_action: QAction | None) -> None:
        # the window passes its 编辑 menu's 新增采购 and 删除采购, so a key is bound once and shown
        # in the menu bar; standing alone, the tab makes its own
        self.add_action = self._action("新增采购(&N)…", self.open_add_form, QKeySequence("Ctrl+Shift+N"), add_action)
        self.edit_action = self._action("用表单编辑(&M)…", self.open_edit_form)
        self.delete_action = self._action(
            "删除采购(&D)", self.delete_selected, QKeySequence(QKeySequence.StandardKey.Delete), delete_action
        )
        self.export_action = self._action("导出 Excel(&X)…", lambda: self.export_shown())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.addActions([self.add_action, self.edit_action, self.delete_action, self.export_action])
        # the keys work while the table has the focus: the right-click menu and the buttons'
        # tooltips say which, so they are not known only to those who read the source
        for action, button in ((self.add_action, self.add_button), (self.delete_action, self.delete_button)):
            action.setShortcutVisibleInContextMenu(True)
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            where = "在表格中" if action.shortcutContext() == Qt.ShortcutContext.WidgetShortcut else ""
            button.setToolTip(f"{button.toolTip()}（{where}按 {keys}）")
        self.add_button.clicked.connect(self.open_add_form)
        self.edit_button.clicked.connect(self.open_edit_form)
        self.delete_button.clicked.connect(self.delete_selected)
        self.export_button.clicked.connect(lambda: self.export_shown())

    def _action(self, text: str, slot, shortcut: QKeySequence | None = None, given: QAction | None = None) -> QAction:
        """An action of the table's right-click menu: ``given`` (the window's) or a new one whose
        key works while the table has the focus."""
        action = given
        if action is None:
            action = QAction(text, self.table)
            if shortcut is not None:
                action.setShortcut(shortcut)
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        return action

    def set_on_screen(self, shown: bool) -> None:
        """The window's tab is shown or not: its menu commands apply only while it is."""
        self._on_screen = shown
        self._update_buttons()

    # --- what the window calls ----------------------------------------------------------------

    def set_workspace(self, workspace) -> None:
        self.workspace = workspace
        self.year = self.judge = self.tally = None
        self.model.query = None
        self.model.set_store(workspace.store)
        self._update_buttons()

    def set_year(self, year: int, plan, policy, profile=None) -> None:
        """``profile``: the window's current one (may be newer than the file); else the saved one."""
        self.plan = plan
        self.profile = profile if profile is not None else self.workspace.store.profile()
        today = self.workspace.today
        if year != self.year or policy != self.policy or self.judge is None or self.judge.today != today:
            self.year, self.policy = year, policy
            self.judge = q.Judge(policy, today)
            # SQLite sums the year on a worker while the table's rows are set up: the two overlap on
            # two cores (the workspace's tally is cached: the document's checks summed it already);
            # the table then takes the year's count from it instead of counting again
            workspace = self.workspace
            tally = BackgroundTask(lambda _progress: workspace.tally(year, policy), name="desktop832-log-tally").start()
            query = self._query()
            self.tally = tally.outcome()
            self.model.set_query(query, self.judge, count=self._year_count(query))
            self._fit_columns_to_content()
            self._scroll = None
            self._show_count()
        self._show_summary()
        self._update_buttons()

    # --- filters ------------------------------------------------------------------------------

    def _query(self) -> q.LogQuery:
        header = self.table.horizontalHeader()
        purpose, state = self.purpose_filter.currentIndex(), self.state_filter.currentIndex()
        return q.LogQuery(
            year=self.year,
            purpose=list(Purpose)[purpose - 1] if purpose > 0 else None,
            state=list(OrderState)[state - 1] if state > 0 else None,
            month=self.month_filter.currentData() or None,
            counted=(None, True, False)[self.counted_filter.currentIndex()],
            overdue_only=self.overdue_check.isChecked(),
            search=self.search_edit.text(),
            sort=fields.COLUMNS[header.sortIndicatorSection()].key,
            descending=header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder,
        )

    def apply_filters(self) -> None:
        self._search_timer.stop()
        if self.year is None:
            return
        query = self._query()
        if query != self.model.query:
            self.model.set_query(query, self.judge, count=self._year_count(query))
            self._scroll = None
            self.table.scrollToTop()
            self._show_count()
            self._update_buttons()

    def _year_count(self, query: q.LogQuery) -> int | None:
        """How many rows an unfiltered query shows: the year's count, from its running tally."""
        return self.tally.count if self.tally is not None and not query.filtered else None

    def clear_filters(self) -> None:
        widgets = (self.purpose_filter, self.state_filter, self.month_filter, self.counted_filter, self.overdue_check, self.search_edit)
        for widget in widgets:
            widget.blockSignals(True)
        for combo in widgets[:4]:
            combo.setCurrentIndex(0)
        self.overdue_check.setChecked(False)
        self.search_edit.clear()
        for widget in widgets:
            widget.blockSignals(False)
        self.apply_filters()

    # --- editing ------------------------------------------------------------------------------

    def selected_ranges(self) -> list[tuple[int, int]]:
        """The selected rows as (top, bottom) ranges, merged and in order: never row by row."""
        spans = sorted((r.top(), r.bottom()) for r in self.table.selectionModel().selection() if r.isValid())
        merged: list[tuple[int, int]] = []
        for top, bottom in spans:
            if merged and top <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], bottom))
            else:
                merged.append((top, bottom))
        return merged

    def selected_count(self) -> int:
        return sum(bottom - top + 1 for top, bottom in self.selected_ranges())

    def selected_rows(self) -> list[int]:
        return [row for top, bottom in self.selected_ranges() for row in range(top, bottom + 1)]

    def open_add_form(self) -> None:
        if self.year is None or self.workspace.store.readonly:
            return
        self._open_form(None)

    def open_edit_form(self) -> None:
        row = self.table.currentIndex().row()
        purchase = self.model.purchase(row) if row >= 0 else None
        if purchase is not None and not self.workspace.store.readonly:
            self._open_form(purchase)

    def _open_form(self, purchase) -> None:
        from .form import PurchaseDialog

        dialog = PurchaseDialog(
            self.year, self.judge.purposes, self.workspace.today, purchase, self, self.judge.excluded, self.judge.when,
            workspace=self.workspace, undo_stack=self.undo_stack, on_attachments_changed=self._attachments_changed,
        )
        dialog.accepted.connect(lambda: self._form_done(purchase, dialog.result_purchase, dialog.attachments))
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()

    def _attachments_changed(self) -> None:
        """A purchase's evidence changed: the findings say what is still missing."""
        self.workspace.attachments_changed()
        if self._purchases_changed is not None:
            self._purchases_changed((), ())  # no purchase changed: the document re-checks

    def _form_done(self, before, after, attachments=None) -> None:
        if before is None:
            command = AddPurchase(self.model, after)
            self.undo_stack.push(command)
            if attachments is not None and attachments.pending and command.purchase.id is not None:
                attachments.commit(command.purchase.id)  # the files chosen before the purchase had an id
        elif after != before:
            self.undo_stack.push(EditPurchase(self.model, before, mark_hand_edits(before, after)))

    def _push_edit(self, before, after) -> None:
        changed = next(c.title for c in fields.COLUMNS if c.editable and getattr(before, c.key) != getattr(after, c.key))
        after = mark_hand_edits(before, after)
        self.undo_stack.push(EditPurchase(self.model, before, after, f"修改采购记录{changed}：{before.order_no or before.date}"))

    def delete_selected(self) -> None:
        if self.workspace.store.readonly or self.year is None:
            return
        ranges = self.selected_ranges()
        count = sum(bottom - top + 1 for top, bottom in ranges)
        if count > DELETE_IN_MEMORY:
            everything = ranges == [(0, self.model.rowCount() - 1)]
            command = DeleteManyPurchases(self.model, None if everything else self.model.ids_of(ranges), count)
        else:
            purchases = [p for p in (self.model.purchase(row) for row in self.selected_rows()) if p is not None]
            command = DeletePurchases(self.model, purchases) if purchases else None
        if command is not None:
            self.undo_stack.push(command)
            # said after the push: the write's own refresh clears the message line; the key is
            # the platform's undo key, the one the window's 撤销 action is bound to
            undo_key = QKeySequence(QKeySequence.StandardKey.Undo).toString(QKeySequence.SequenceFormat.NativeText)
            said = f"已{command.text()}；按 {undo_key}（编辑 → 撤销）可恢复。"
            self.show_info(said)
            self.status.emit(said)

    def _written(self, focus_id) -> None:
        """After any write (including undo and redo): totals, findings, the cursor."""
        write = self.model.last_write
        if self._purchases_changed is not None:
            self._purchases_changed(**write)  # the document updates the tally and re-checks, once
        else:
            self.workspace.purchases_written(**write)
        if self.year is None:  # a command undone between set_workspace and set_year
            self.purchasesChanged.emit()
            return
        self.tally = self.workspace.tally(self.year, self.policy)  # that same tally, cached
        self._show_summary()
        self._show_count()
        if self._scroll is not None:  # the model was reloaded: stay where the clerk was
            self.table.verticalScrollBar().setValue(self._scroll)
            self._scroll = None
        row = self.model.row_of(focus_id) if focus_id is not None else -1
        if row >= 0:
            column = max(0, self.table.currentIndex().column())
            self.table.setCurrentIndex(self.model.index(row, column))
            self.table.scrollTo(self.model.index(row, column))
            self.show_info("")
        elif focus_id is not None:
            self.show_info("已保存；这条记录不符合当前的筛选条件，未在表中显示。")
        else:
            self.show_info("")
        self._update_buttons()
        self.purchasesChanged.emit()

    # --- typing into the table -------------------------------------------------------------------

    def eventFilter(self, watched, event) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress and self._typed_search(event):
            return True
        return super().eventFilter(watched, event)

    def _typed_search(self, event) -> bool:
        """Qt's keyboard search (typing a cell's first letters moves to the next row that has
        them; the same letter again, to the one after), answered by SQL."""
        text = event.text()
        modifiers = event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
        )
        if (
            not text or not text.isprintable() or text.isspace() or modifiers or self.model.query is None
            or self.table.state() == QAbstractItemView.State.EditingState
        ):
            return False
        if not self._typed_timer.isValid() or self._typed_timer.elapsed() > QApplication.keyboardInputInterval():
            self._typed = ""
        self._typed_timer.start()
        again = self._typed == text  # the same single letter: on to the next row that has it
        self._typed = text if again else self._typed + text
        current = self.table.currentIndex()
        column = current.column() if current.isValid() else self.table.horizontalHeader().logicalIndex(0)
        row = current.row() if current.isValid() else 0
        start = row + 1 if again else row
        start_id = self.model.raw(start)[q.ID] if 0 <= start < self.model.rowCount() else None
        found = q.find_typed(
            self.workspace.store, self.model.query, self.judge, fields.COLUMNS[column].key, self._typed, start_id,
        )
        if found is not None:
            target = self.model.row_of(found)
            if target >= 0:
                index = self.model.index(target, column)
                self.table.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.table.scrollTo(index)
        return True

    # --- showing ------------------------------------------------------------------------------

    def show_problem(self, text: str) -> None:
        set_tone(self.message_label, PROBLEM)
        self.message_label.setText(text)

    def show_info(self, text: str) -> None:
        set_tone(self.message_label, INFO)
        self.message_label.setText(text)

    def _update_buttons(self) -> None:
        writable = self.year is not None and not self.workspace.store.readonly
        selected = self.table.selectionModel().hasSelection()
        for widget in (self.add_button, self.add_action):
            widget.setEnabled(writable)
        for widget in (self.edit_button, self.edit_action, self.delete_button, self.delete_action):
            widget.setEnabled(writable and selected)
        for action in (self.add_action, self.delete_action):  # also in the window's 编辑 menu
            action.setEnabled(action.isEnabled() and self._on_screen)
        for widget in (self.export_button, self.export_action):
            widget.setEnabled(self.model.rowCount() > 0)

    def _show_count(self) -> None:
        if self.model.query is not None and self.model.query.filtered:
            # summed with the ids by the model's one query
            count, total = self.model.shown or q.shown_total(self.workspace.store, self.model.query, self.judge)
            self.shown_label.setText(f"筛选出 {count:,} 笔，合计 {format_money(total)} 元")
        elif self.tally is not None:
            total = self.tally.counted_total + self.tally.not_counted_total
            self.shown_label.setText(f"本年度共 {self.tally.count:,} 笔，合计 {format_money(total)} 元")

    def _show_summary(self) -> None:
        t = self.tally
        if t is None:
            return
        self.counted_value_label.setText(f"{format_money(t.counted_total)} 元")
        self.not_counted_value_label.setText(f"{format_money(t.not_counted_total)} 元")
        self.not_counted_value_label.setToolTip(
            "\n".join(f"{reason}：{format_money(amount)} 元" for reason, amount in sorted(t.not_counted_by_reason.items()))
            or "没有不计入的采购"
        )
        target = reserve_target(self.profile, self.plan) if self.plan is not None else None
        progress = policy_pace(self.policy, target, t.counted_total, self.year, self.workspace.today) if target else None
        if progress is None:
            self.reserve_value_label.setText("尚未填写")
            self.remaining_value_label.setText("—")
            self.progress_bar.setValue(0)
            self.progress_bar.setFormat("未填写预留份额")
            self._set(self.pace_label, "在“预留份额”和“工会预算”中填写预留金额后，这里显示完成进度。", INFO)
        else:
            self.reserve_value_label.setText(f"{format_money(progress.target)} 元")
            self.remaining_value_label.setText(f"{format_money(progress.remaining)} 元")
            self.progress_bar.setValue(min(1000, int(progress.share * 10)))
            self.progress_bar.setFormat(format_percent(progress.share))
            self._set(self.pace_label, *self._pace_text(progress))
        self._show_overdue(t)

    @staticmethod
    def _pace_text(p) -> tuple[str, str]:
        if p.complete:
            return "已完成预留份额。", GOOD
        if p.finish_by is None:
            return "政策文件未规定完成日期。", INFO
        if p.late:
            return f"已过 {p.finish_by:%Y-%m-%d} 的完成目标，尚差 {format_money(p.remaining)} 元。", BAD
        need = f"要在 {p.finish_by:%Y-%m-%d} 前完成，还剩 {p.months_left} 个月，每月需采购约 {format_money(p.per_month)} 元"
        if p.behind:
            return f"进度落后于政策规定的进度（应达到 {format_percent(p.expected_share)}）：{need}。", BEHIND
        return f"{need}。", GOOD

    def _show_overdue(self, t) -> None:
        if self.judge.max_days is None:
            self._set(self.overdue_label, "政策文件未规定付款期限。", INFO)
        elif t.overdue:
            self._set(
                self.overdue_label,
                f"{len(t.overdue):,} 笔已完结订单超过 {self.judge.max_days} 天未付款，共 {format_money(t.overdue_total)} 元"
                "（表中标红；勾选“只看超期未付”可单独查看）。",
                BAD,
            )
        else:
            self._set(self.overdue_label, f"没有超过 {self.judge.max_days} 天未付款的已完结订单。", GOOD)

    @staticmethod
    def _set(label: QLabel, text: str, tone: str) -> None:
        label.setText(text)
        set_tone(label, tone)

    # --- columns ------------------------------------------------------------------------------

    def show_column(self, index: int, shown: bool) -> None:
        header = self.table.horizontalHeader()
        visible = [i for i in range(header.count()) if not header.isSectionHidden(i)]
        if not shown and visible == [index]:
            self.show_problem("至少要显示一列。")
            return
        header.setSectionHidden(index, not shown)
        self._save_timer.start()

    def _sync_columns_menu(self) -> None:
        header = self.table.horizontalHeader()
        for index, action in enumerate(self.columns_menu.actions()):
            action.blockSignals(True)
            action.setChecked(not header.isSectionHidden(index))
            action.blockSignals(False)

    def shown_keys(self) -> list[str]:
        """Visible columns in the order the clerk arranged them."""
        header = self.table.horizontalHeader()
        logical = (header.logicalIndex(visual) for visual in range(header.count()))
        return [fields.COLUMNS[i].key for i in logical if not header.isSectionHidden(i)]

    def save_columns(self) -> None:
        self._save_timer.stop()
        self.settings.setValue(SETTINGS_PREFIX + "columns", ",".join(fields.COLUMN_KEYS))
        self.settings.setValue(SETTINGS_PREFIX + "header", self.table.horizontalHeader().saveState())

    def _restore_columns(self) -> None:
        # a saved state is only valid for the same columns: a new version's columns start afresh
        if self.settings.value(SETTINGS_PREFIX + "columns", "") != ",".join(fields.COLUMN_KEYS):
            return
        state = self.settings.value(SETTINGS_PREFIX + "header")
        if state is not None:
            self._columns_fitted = self.table.horizontalHeader().restoreState(state)  # the clerk's widths

    def _fit_columns_to_content(self) -> None:
        """Once, when the first rows are shown: each column as wide as its title and what its first
        rows say (渠道 whole, 付款日期's “超期 … 天未付” whole), at most ``FIT_MAX_CHARS``
        characters. Widths the clerk set (saved with the header) are kept instead."""
        rows = min(self.model.rowCount(), FIT_ROWS)
        if self._columns_fitted or rows == 0:
            return
        self._columns_fitted = True
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        em = metrics.horizontalAdvance("中")
        padding = 18  # the cell's text margins and grid line
        for col, column in enumerate(fields.COLUMNS):
            texts = (self.model.index(row, col).data() for row in range(rows))
            content = max((metrics.horizontalAdvance(str(text)) for text in texts if text), default=0) + padding
            title = header.sectionSizeFromContents(col).width()
            header.resizeSection(col, max(title, min(content, FIT_MAX_CHARS * em + padding)))

    def hideEvent(self, event) -> None:
        if self._save_timer.isActive():
            self.save_columns()
        super().hideEvent(event)

    # --- export -------------------------------------------------------------------------------

    def export_shown(self, path: str | Path | None = None) -> bool:
        """Write the rows as shown (filter, order, visible columns) to an .xlsx file."""
        from ...documents.errors import ExchangeError
        from .export import export_xlsx

        if self.year is None:
            return False
        if path is None:
            suggested = Path(self.workspace.store.path).parent / f"采购记录-{self.year}.xlsx"
            path, _ = file_dialogs.get_save_file_name(self, "导出采购记录", str(suggested), "Excel 工作簿 (*.xlsx)")
            if not path:
                return False
        path = Path(path)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            count = export_xlsx(
                path, self.workspace.store, self.model.ids(), self.shown_keys(), self.judge,
                f"{self.year} 年度采购记录（{self.shown_label.text()}）",
            )
        except ExchangeError as exc:
            self.show_problem(exc.message)
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.show_info(f"已导出 {count:,} 条记录到 {path}")
        return True
