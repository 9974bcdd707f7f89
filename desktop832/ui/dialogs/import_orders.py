"""导入平台订单: choose an order list, map its columns, preview what becomes of each order (map
unknown state texts there), then import.

Entry points for the main window:

* ``import_orders_with_dialog(parent, workspace, path=None) -> ImportResult | None`` runs the
  dialog and returns what was written (the window pushes :class:`ImportOrdersCommand` so the
  whole import, re-import changes included, is one undo step);
* ``ImportOrdersDialog(parent, workspace, path=None)`` for embedding; its ``imported`` signal
  carries the :class:`~desktop832.app.importing.ImportResult`, ``changed`` says whether
  anything was written.

Reading and writing run on a worker thread with a progress dialog that can cancel (the dialog
stays responsive; its buttons wait while a step runs, and closing it cancels the step); nothing
is written before the clerk presses 导入, and the import is one transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QHeaderView, QLabel, QLineEdit, QMessageBox, QPushButton,
    QStackedWidget, QTableView, QTableWidget, QTableWidgetItem, QTabWidget, QWidget,
)

from .. import file_dialogs
from ...app.importing import (
    ImportPreview, ImportResult, build_preview, commit, counted_purposes_for, existing_orders, load_layouts,
    import_delta, redo_import, remember_layout, undo_import,
)
from ...domain.model import Purpose
from ...domain.money import format_money
from ...documents import order_mapping as columns
from ...documents.errors import ExchangeError
from ...documents.order_fields import Field, StateMeaning, state_key
from ...documents.order_mapping import Layout
from ...documents.orders import MappingError, ParsedOrders, inspect_orders, read_orders
from ...store.errors import StoreError
from ..background_task import DialogTask
from ..forms import adopt_form
from ..screen_fit import fit_dialog

TITLE = "导入平台订单"
FORM = "import_orders_dialog.ui"
WIDGETS = {
    "step_label": QLabel, "pages": QStackedWidget, "file_edit": QLineEdit, "browse_button": QPushButton,
    "file_problem": QLabel, "columns_table": QTableWidget, "columns_problem": QLabel, "remember_check": QCheckBox,
    "preview_source": QLabel, "purpose_combo": QComboBox, "preview_summary": QLabel, "preview_tabs": QTabWidget,
    "new_view": QTableView, "not_counted_view": QTableView, "changes_view": QTableView, "known_view": QTableView,
    "other_units_view": QTableView, "missing_view": QTableView, "skipped_view": QTableView,
    "states_table": QTableWidget, "errors_view": QTableView, "skip_errors_check": QCheckBox,
    "include_others_check": QCheckBox, "back_button": QPushButton, "next_button": QPushButton,
    "cancel_button": QPushButton,
}
# the preview's tabs, in the form's order
TABS = ("new", "not_counted", "changes", "known", "other_units", "missing", "skipped", "states", "errors")
TAB_TITLES = {"new": "新增并计入", "not_counted": "新增但不计入", "changes": "变化", "known": "台账中已有",
              "other_units": "其他单位", "missing": "列表中没有", "skipped": "跳过的行", "states": "订单状态",
              "errors": "有错误"}
STATE_SOURCE = {"shipped": "内置识别", "mapped": "已选择", "": "未识别，请选择"}
FILE_PAGE, COLUMNS_PAGE, PREVIEW_PAGE = 0, 1, 2
STEPS = ("选择订单列表", "确认各列的含义", "预览并导入")
IGNORE_TEXT = "不导入"
HOW_TEXT = {"known": "按列名自动识别", "remembered": "上次导入时的选择", "chosen": "本次选择",
            "duplicate": "已有更合适的同类列", "unknown": "未识别"}
LAST_DIR_KEY = "import.orders.last_dir"
PURPOSE_KEY = "import.orders.purpose"


class RowsModel(QAbstractTableModel):
    """A read-only table over a list of items, formatting only the rows on screen."""

    def __init__(self, headers: list[str], items: list, row: Callable[[object], tuple], parent=None):
        super().__init__(parent)
        self.headers, self.items, self.row = headers, items, row

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return str(self.row(self.items[index.row()])[index.column()])
        if role == Qt.ItemDataRole.TextAlignmentRole and self.headers[index.column()] == "金额":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


def _order_row(item) -> tuple:
    order, purchase = item[0], item[1]
    amount = format_money(purchase.amount)
    if purchase.refunded:
        amount += f"（已退 {format_money(purchase.refunded)}）"
    return (order.row, order.order_no, f"{order.date:%Y-%m-%d}", order.supplier, order.description,
            amount, order.state_text)


ORDER_HEADERS = ["行号", "订单编号", "下单日期", "店铺名称", "商品名称", "金额", "订单状态"]
# widths by header; measuring 50,000 rows to fit them would take seconds
COLUMN_WIDTHS = {"行号": 56, "订单编号": 170, "下单日期": 90, "店铺名称": 190, "商品名称": 170, "金额": 90,
                 "订单状态": 70, "列": 110, "说明": 260, "变化": 420, "原因": 300, "内容": 300}


def _show_rows(view: QTableView, model: RowsModel) -> None:
    view.setModel(model)
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    for i, title in enumerate(model.headers):
        view.setColumnWidth(i, COLUMN_WIDTHS.get(title, 120))
    view.verticalHeader().setVisible(False)


class ImportOrdersDialog(QDialog):
    imported = Signal(object)  # ImportResult, after the transaction committed

    def __init__(self, parent: QWidget | None, workspace, path: Path | str | None = None):
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.workspace = workspace
        self.changed = False
        self.path: Path | None = None
        self.mapping: columns.ColumnMapping | None = None
        self.chosen: dict[int, Field | None] = {}
        self.parsed: ParsedOrders | None = None
        self.preview: ImportPreview | None = None
        self.result: ImportResult | None = None
        self.layouts = load_layouts(workspace.store)
        self.layout = Layout()  # what is saved for the open file's headers
        self.state_choices: dict[str, StateMeaning] = {}  # chosen in this import, by state key
        adopt_form(self, FORM, WIDGETS, buttons_outside=1)
        # reading and writing run behind a progress dialog; no second step while one runs
        self.tasks = DialogTask(self, TITLE, [self.browse_button, self.back_button, self.next_button],
                                on_idle=lambda: self._show_page(self.pages.currentIndex()))
        self.columns_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.columns_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.purpose_combo.addItems([p.value for p in Purpose])  # by text: Qt turns a StrEnum into str
        saved = workspace.store.setting(PURPOSE_KEY, Purpose.CANTEEN.value)
        self.purpose_combo.setCurrentIndex(max(0, self.purpose_combo.findText(saved)))
        self.browse_button.clicked.connect(self.browse)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.cancel_button.clicked.connect(self.reject)
        self.purpose_combo.currentIndexChanged.connect(self._regroup)
        self.skip_errors_check.toggled.connect(self._update_buttons)
        self.include_others_check.toggled.connect(self._regroup)
        states = self.states_table.horizontalHeader()
        states.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        states.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self._show_page(FILE_PAGE)
        fit_dialog(self)
        if path is not None:
            self.load_file(Path(path))

    # --- pages --------------------------------------------------------------------------------

    def _show_page(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self.step_label.setText(f"第 {page + 1} 步，共 3 步：{STEPS[page]}")
        self.back_button.setEnabled(page > FILE_PAGE and not self.tasks.running)
        self.next_button.setText("导入(&I)" if page == PREVIEW_PAGE else "下一步(&N)")
        self._update_buttons()

    def _update_buttons(self) -> None:
        page = self.pages.currentIndex()
        if page == FILE_PAGE:
            ok = self.mapping is not None
        elif page == COLUMNS_PAGE:
            ok = self.mapping is not None and self.mapping.complete
        else:
            p = self.preview
            ok = p is not None and p.anything_to_write and (not p.errors or self.skip_errors_check.isChecked())
        self.next_button.setEnabled(ok and not self.tasks.running)

    @property
    def busy(self) -> bool:
        """A step (opening, reading or importing the list) is running."""
        return self.tasks.running

    def done(self, result: int) -> None:
        if not self.tasks.close_deferred(result):  # a running step is cancelled first
            super().done(result)

    def back(self) -> None:
        if self.busy:
            return
        page = self.pages.currentIndex()
        self._show_page(COLUMNS_PAGE if page == PREVIEW_PAGE else FILE_PAGE)

    def next(self) -> None:
        if self.busy:
            return
        page = self.pages.currentIndex()
        if page == FILE_PAGE:
            self._show_columns() if self._needs_columns() else self._read()
        elif page == COLUMNS_PAGE:
            if self.remember_check.isChecked():
                self._remember()
            self._read()
        else:
            self._commit()

    # --- step 1: the file --------------------------------------------------------------------

    def browse(self) -> None:
        start = self.workspace.store.setting(LAST_DIR_KEY, str(Path.home()))
        name, _ = file_dialogs.get_open_file_name(
            self, "选择订单列表", start, "订单列表 (*.xlsx *.xls *.csv);;所有文件 (*)"
        )
        if name:
            self.load_file(Path(name))

    def load_file(self, path: Path) -> None:
        """Read the file's header row (off the window's thread) and map its columns; go on when
        nothing needs asking."""
        if self.busy:
            return
        self.path, self.mapping, self.chosen, self.parsed, self.preview = path, None, {}, None, None
        self.state_choices = {}
        self.file_edit.setText(str(path))
        self.file_problem.setText("")
        layouts = self.layouts

        def opened(found) -> None:
            description, self.mapping = found
            self.layout = self.layouts.get(self.mapping.key, Layout())
            try:
                self.workspace.store.set_setting(LAST_DIR_KEY, str(path.parent))
            except StoreError:
                pass  # a read-only file still previews
            self.preview_source.setText(f"读取：{description}")
            self.next()

        def failed(error: BaseException) -> None:
            if not isinstance(error, ExchangeError):
                raise error
            self.file_problem.setText(error.message)

        self.tasks.run("正在打开文件…", lambda progress: inspect_orders(path, layouts),
                       on_success=opened, on_failure=failed)

    def _needs_columns(self) -> bool:
        return self.mapping is not None and (not self.mapping.complete or bool(self.mapping.unknown))

    # --- step 2: columns ---------------------------------------------------------------------

    def _show_columns(self) -> None:
        self._fill_columns()
        self._show_page(COLUMNS_PAGE)

    def _fill_columns(self) -> None:
        m = self.mapping
        table = self.columns_table
        table.setRowCount(len(m.headers))
        for i, header in enumerate(m.headers):
            item = QTableWidgetItem(header or f"（第 {i + 1} 列，无列名）")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            table.setItem(i, 0, item)
            combo = QComboBox()
            combo.addItem(IGNORE_TEXT, None)
            for field in Field:
                combo.addItem(field.label, field)
            combo.setCurrentIndex(combo.findData(m.fields[i]) if m.fields[i] else 0)
            combo.currentIndexChanged.connect(lambda _, row=i, box=combo: self._column_chosen(row, box.currentData()))
            table.setCellWidget(i, 1, combo)
            note = QTableWidgetItem(HOW_TEXT.get(m.how[i], ""))
            note.setFlags(Qt.ItemFlag.ItemIsEnabled)
            table.setItem(i, 2, note)
        table.resizeColumnsToContents()  # a few dozen columns at most
        table.setColumnWidth(0, max(table.columnWidth(0), 150))
        table.setColumnWidth(1, max(table.columnWidth(1), 130))
        self._show_missing()

    def column_combo(self, row: int) -> QComboBox:
        return self.columns_table.cellWidget(row, 1)

    def _column_chosen(self, row: int, field: Field | None) -> None:
        self.chosen[row] = field
        self.mapping = columns.resolve(self.mapping.headers, self.layout, self.chosen)
        # another column that had this field loses it: show that
        for i, assigned in enumerate(self.mapping.fields):
            combo = self.column_combo(i)
            wanted = combo.findData(assigned) if assigned else 0
            if combo.currentIndex() != wanted:
                combo.blockSignals(True)
                combo.setCurrentIndex(wanted)
                combo.blockSignals(False)
            self.columns_table.item(i, 2).setText(HOW_TEXT.get(self.mapping.how[i], ""))
        self._show_missing()

    def _show_missing(self) -> None:
        self.columns_problem.setText(self.mapping.describe_missing() if self.mapping.missing else "")
        self._update_buttons()

    def _remember(self) -> None:
        # unknown columns left as 不导入 are remembered too, so the next import asks nothing
        chosen = dict(self.chosen)
        for i in self.mapping.unknown:
            chosen.setdefault(i, None)
        self.mapping = columns.resolve(self.mapping.headers, self.layout, chosen)
        try:
            remember_layout(self.workspace.store, self.mapping)
        except StoreError:
            return  # remembering is a convenience; the import itself goes on
        self.layouts = load_layouts(self.workspace.store)
        self.layout = self.layouts.get(self.mapping.key, self.layout)

    # --- step 3: preview and import -------------------------------------------------------------

    def _read(self) -> None:
        path, mapping, store = self.path, self.mapping, self.workspace.store

        def done(parsed: ParsedOrders) -> None:
            try:
                existing = existing_orders(store)
            except StoreError as exc:
                QMessageBox.warning(self, TITLE, exc.message)
                return
            self.parsed, self.existing = parsed, existing
            self.counted = counted_purposes_for(self.workspace)
            self.profile = self.workspace.store.profile()
            self.states_table.setRowCount(0)
            self._regroup()
            self._show_page(PREVIEW_PAGE)

        def failed(error: BaseException) -> None:
            if isinstance(error, MappingError):
                self.mapping = error.mapping
                self._show_columns()
            elif isinstance(error, (ExchangeError, StoreError)):
                QMessageBox.warning(self, TITLE, error.message)
            else:
                raise error

        self.tasks.run(f"正在读取 {path.name}…", lambda progress: read_orders(path, mapping, progress=progress),
                       on_success=done, on_failure=failed)

    @property
    def purpose(self) -> Purpose:
        """The purpose given to imported rows that do not name their own."""
        return Purpose(self.purpose_combo.currentText())

    @property
    def states(self) -> dict[str, StateMeaning]:
        return {**self.layout.states, **self.state_choices}

    def _fill_states(self) -> None:
        """One row per state text in the list, with a combo for its meaning (built once per read)."""
        table = self.states_table
        texts = sorted(self.parsed.states.items(), key=lambda item: -item[1])
        table.setRowCount(len(texts))
        for row, (text, n) in enumerate(texts):
            for column, value in ((0, text), (1, str(n))):
                item = QTableWidgetItem(value)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                table.setItem(row, column, item)
            combo = QComboBox()
            combo.addItem("（请选择）", None)
            for meaning in StateMeaning:
                combo.addItem(meaning.value, meaning)
            combo.currentIndexChanged.connect(lambda _, t=text, box=combo: self._state_chosen(t, box.currentData()))
            table.setCellWidget(row, 2, combo)
            table.setItem(row, 3, QTableWidgetItem(""))
        table.setColumnWidth(2, 120)

    def state_combo(self, text: str) -> QComboBox:
        for row in range(self.states_table.rowCount()):
            if self.states_table.item(row, 0).text() == text:
                return self.states_table.cellWidget(row, 2)
        raise KeyError(text)

    def _state_chosen(self, text: str, meaning: StateMeaning | None) -> None:
        if meaning is None:
            self.state_choices.pop(state_key(text), None)
        else:
            self.state_choices[state_key(text)] = meaning
        self._regroup()

    def _show_states(self, preview: ImportPreview) -> None:
        for row in range(self.states_table.rowCount()):
            text = self.states_table.item(row, 0).text()
            meaning, _, source = preview.states[text]
            combo = self.states_table.cellWidget(row, 2)
            wanted = combo.findData(meaning) if meaning else 0
            if combo.currentIndex() != wanted:
                combo.blockSignals(True)
                combo.setCurrentIndex(wanted)
                combo.blockSignals(False)
            self.states_table.item(row, 3).setText(STATE_SOURCE[source])

    def _regroup(self) -> None:
        if self.parsed is None:
            return
        if self.states_table.rowCount() != len(self.parsed.states):
            self._fill_states()
        purpose = self.purpose
        self.preview = p = build_preview(
            self.parsed, self.existing, purpose, self.counted, states=self.states, profile=self.profile,
            include_other_units=self.include_others_check.isChecked(),
        )
        self.preview_summary.setText(p.summary())
        _show_rows(self.new_view, RowsModel(ORDER_HEADERS, p.new, _order_row, self))
        _show_rows(self.not_counted_view, RowsModel(ORDER_HEADERS + ["不计入的原因"], p.not_counted, lambda x: _order_row(x) + (x[2],), self))
        _show_rows(self.changes_view, RowsModel(
            ["行号", "订单编号", "下单日期", "变化"], p.changes,
            lambda c: (c.order.row, c.before.order_no, f"{c.before.date:%Y-%m-%d}", c.describe()), self))
        _show_rows(self.known_view, RowsModel(
            ["行号", "订单编号", "下单日期", "金额", "说明"], p.known,
            lambda k: (k.order.row, k.order.order_no, f"{k.order.date:%Y-%m-%d}", format_money(k.order.amount), k.note),
            self))
        _show_rows(self.other_units_view, RowsModel(
            ["行号", "订单编号", "下单日期", "金额", "原因"], p.other_units,
            lambda x: (x[0].row, x[0].order_no, f"{x[0].date:%Y-%m-%d}", format_money(x[0].amount), x[1]), self))
        _show_rows(self.missing_view, RowsModel(
            ["订单编号", "下单日期", "金额", "订单状态", "说明"], p.missing,
            lambda m: (m.order_no, f"{m.date:%Y-%m-%d}", format_money(m.amount), m.state.value,
                       "台账中有，本列表所覆盖的日期内却没有：请到平台核对（不会删除）"), self))
        _show_rows(self.skipped_view, RowsModel(["行号", "原因", "内容"], p.skipped, lambda x: (x.row, x.reason, x.text), self))
        _show_rows(self.errors_view, RowsModel(["行号", "列", "原因"], p.errors, lambda e: (e.row, e.column, e.reason), self))
        self._show_states(p)
        counts = {"new": len(p.new), "not_counted": len(p.not_counted), "changes": len(p.changes),
                  "known": len(p.known), "other_units": len(p.other_units), "missing": len(p.missing),
                  "skipped": len(p.skipped), "states": len(p.states), "errors": p.error_rows}
        always = {"new", "not_counted", "states"}
        for tab, name in enumerate(TABS):
            title = TAB_TITLES[name] + (f"（未识别 {len(p.unmapped_states)}）" if name == "states" and p.unmapped_states
                                        else f"（{counts[name]}）")
            self.preview_tabs.setTabText(tab, title)
            self.preview_tabs.setTabVisible(tab, name in always or counts[name] > 0)
        self.skip_errors_check.setVisible(bool(p.errors))
        self.include_others_check.setVisible(bool(p.other_units))
        if p.other_units:
            self.include_others_check.setText(f"也导入其他预算单位的 {len(p.other_units)} 笔订单(&U)")
        if p.unmapped_states:
            self.preview_tabs.setCurrentIndex(TABS.index("states"))
        elif p.errors:
            self.preview_tabs.setCurrentIndex(TABS.index("errors"))
        if p.errors:
            self.skip_errors_check.setText(f"跳过有错误的 {p.error_rows} 行，导入其余的行(&K)")
        self._update_buttons()

    def _commit(self) -> None:
        preview, store, skip = self.preview, self.workspace.store, self.skip_errors_check.isChecked()

        def written(result: ImportResult) -> None:
            self.changed = result.changed
            self.workspace.purchases_written(*import_delta(result))
            try:
                store.set_setting(PURPOSE_KEY, preview.default_purpose.value)
                if self.state_choices:
                    remember_layout(store, self.parsed.mapping, self.state_choices)
            except StoreError:
                pass
            self.result = result
            self.imported.emit(result)
            QMessageBox.information(self, TITLE, result.summary() + "。可用“撤销”（Ctrl+Z）整体撤回本次导入。")
            self.accept()

        def failed(error: BaseException) -> None:
            if not isinstance(error, (ExchangeError, StoreError)):
                raise error
            QMessageBox.warning(self, TITLE, error.message)

        self.tasks.run(
            "正在写入采购台账…", lambda progress: commit(store, preview, skip_errors=skip, progress=progress),
            on_success=written, on_failure=failed,
            on_cancel=lambda: QMessageBox.information(self, TITLE, "已取消，未导入任何数据。"),
        )


class ImportOrdersCommand(QUndoCommand):
    """The whole import, its re-import changes included, as one undo step. It only calls the
    import's plain undo and redo; ``refresh(written)`` shows the log again afterwards, told what
    the undo or redo took out and put in."""

    def __init__(self, store, result: ImportResult, refresh: Callable[[], None], report: Callable[[str], None]):
        super().__init__(f"导入平台订单（新增 {result.added} 笔，更新 {result.updated} 笔）")
        self.store, self.result, self.refresh, self.report = store, result, refresh, report
        self.done = True  # pushed after the import wrote: the first redo has nothing to do

    def redo(self) -> None:
        if self.done:
            return
        self._run(redo_import)

    def undo(self) -> None:
        self._run(undo_import)

    def _run(self, action) -> None:
        try:
            action(self.store, self.result)
        except StoreError as exc:
            self.setObsolete(True)
            self.report(f"未能{'撤销' if action is undo_import else '重做'}导入：{exc.message}")
            return
        self.done = action is redo_import
        self.refresh(import_delta(self.result, undone=action is undo_import))


def import_orders_with_dialog(parent: QWidget | None, workspace, path: Path | str | None = None) -> ImportResult | None:
    """Run the import dialog; what was written, or ``None`` when nothing was."""
    dialog = ImportOrdersDialog(parent, workspace, path)
    try:
        if path is None:
            dialog.browse()  # straight to the file chooser: that is what the clerk came for
            if dialog.path is None:
                return None
        dialog.exec()
        return dialog.result if dialog.changed else None
    finally:
        dialog.deleteLater()
