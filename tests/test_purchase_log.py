"""The purchase log tab, used as a clerk uses it: the form, the cells, the filters, undo."""

import dataclasses
import datetime as dt
from decimal import Decimal as D

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QStyle, QStyleOptionViewItem

from desktop832.domain.counting import REASON_CHANNEL, REASON_OPEN, REASON_REFUNDED
from desktop832.domain.model import Channel, OrderState, Purchase, Purpose
from desktop832.store.database import Store
from desktop832.store.errors import StoreError
from desktop832.ui.purchases import fields as fields
from desktop832.ui.purchases.commands import AddPurchase
from desktop832.ui.main_window import TAB_PURCHASES
from desktop832.ui.purchases.log import PurchaseLogTab
from desktop832.app.workspace import Workspace
from tests.gui_helpers import choose, type_ascii, type_chinese

TODAY = dt.date(2024, 6, 1)
COL = {key: i for i, key in enumerate(fields.COLUMN_KEYS)}


@pytest.fixture
def workspace(tmp_path, profile):
    store = Store.open(tmp_path / "unit.sqlite")
    store.save_profile(profile)
    workspace = Workspace(store, today=TODAY)
    yield workspace
    workspace.close()


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_tab(qtbot, workspace, plan, settings):
    stacks = []

    def make(year_plan=plan):
        stack = QUndoStack()
        stacks.append(stack)
        tab = PurchaseLogTab(workspace, stack, settings=settings)
        tab.stack = stack
        qtbot.addWidget(tab)
        tab.resize(1200, 700)
        tab.show()
        tab.set_year(2024, year_plan, workspace.library.get("qinghai-2024"))
        return tab

    yield make
    for stack in stacks:
        stack.clear()


@pytest.fixture
def tab(make_tab):
    return make_tab()


def seed(workspace, *purchases):
    workspace.store.add_purchases(purchases)
    workspace.purchases_changed()  # written past the log, as an import is: the cached tally goes


def buy(amount, order_no, date=dt.date(2024, 5, 20), **kw):
    return Purchase(date=date, amount=D(amount), order_no=order_no, supplier="光山县原味农业", paid_on=kw.pop("paid_on", date), **kw)


def cell(tab, row, key, role=Qt.ItemDataRole.DisplayRole):
    return tab.model.index(row, COL[key]).data(role)


def column(tab, key):
    return [cell(tab, row, key) for row in range(tab.model.rowCount())]


def row_of(tab, order_no):
    return column(tab, "order_no").index(order_no)


def add_through_form(qtbot, tab, amount, order_no, date="2024-05-20", **combos):
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    form = dialog.form
    type_ascii(qtbot, form.date_edit, date)
    type_ascii(qtbot, form.amount_edit, amount)
    type_ascii(qtbot, form.order_no_edit, order_no)
    type_chinese(form.supplier_edit, "河南省光山县原味农业发展有限公司")
    for key, value in combos.items():
        choose(getattr(form, f"{key}_combo"), value)
    with qtbot.waitSignal(tab.purchasesChanged):
        qtbot.mouseClick(form.button_box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert tab.dialog is None


def edit_cell(qtbot, tab, row, key, text):
    """Double-click into a cell, replace its text with ``text`` (ASCII) and press Enter."""
    index = tab.model.index(row, COL[key])
    tab.table.setCurrentIndex(index)
    tab.table.edit(index)
    editor = tab.table.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    return editor


# --- the clerk's year -------------------------------------------------------------------------


def test_purchases_that_do_not_count_are_left_out_with_the_reason(qtbot, tab, workspace):
    add_through_form(qtbot, tab, "10,000", "8320001")
    add_through_form(qtbot, tab, "200", "OFF-1", channel=Channel.OTHER.value)
    add_through_form(qtbot, tab, "300.50", "8320002", state=OrderState.OPEN.value)
    add_through_form(qtbot, tab, "400", "8320003", state=OrderState.REFUNDED.value)

    assert tab.model.rowCount() == 4
    reasons = dict(zip(column(tab, "order_no"), column(tab, "counted")))
    assert reasons == {"8320001": "计入", "OFF-1": REASON_CHANNEL, "8320002": REASON_OPEN, "8320003": REASON_REFUNDED}
    assert tab.counted_value_label.text() == "10,000.00 元"
    assert tab.not_counted_value_label.text() == "900.50 元"
    assert REASON_REFUNDED in tab.not_counted_value_label.toolTip()
    assert tab.reserve_value_label.text() == "165,000.00 元"  # 150,000 canteen + 15,000 union
    assert tab.remaining_value_label.text() == "155,000.00 元"
    assert tab.progress_bar.format() == "6.06%"
    # the 2024 notice names no finishing date: no pace to judge against, never "进度落后"
    assert tab.pace_label.text() == "政策文件未规定完成日期。"
    assert tab.shown_label.text() == "本年度共 4 笔，合计 10,900.50 元"
    assert [p.order_no for p in workspace.store.purchases(2024)] == ["8320001", "OFF-1", "8320002", "8320003"]


def test_editing_an_amount_in_place_changes_totals_and_findings(qtbot, tab, workspace, profile, plan):
    seed(workspace, buy("1000", "A1"), buy("500", "A2", state=OrderState.OPEN))
    tab.set_year(2025, plan, tab.policy)  # the window reloads the year after an import
    tab.set_year(2024, plan, tab.policy)
    before = [f.message for f in workspace.findings(profile, plan) if f.rule_id == "purchase-progress"]
    assert "已计入采购 1,000.00 元" in before[0]

    with qtbot.waitSignal(tab.purchasesChanged):
        edit_cell(qtbot, tab, row_of(tab, "A1"), "amount", "2500")

    assert cell(tab, row_of(tab, "A1"), "amount") == "2,500.00"
    assert tab.counted_value_label.text() == "2,500.00 元"
    assert workspace.store.purchases(2024)[0].amount == D("2500.00")
    after = [f.message for f in workspace.findings(profile, plan) if f.rule_id == "purchase-progress"]
    assert "已计入采购 2,500.00 元" in after[0]
    assert tab.stack.undoText().startswith("修改采购记录金额")

    with qtbot.waitSignal(tab.purchasesChanged):
        tab.stack.undo()
    assert tab.counted_value_label.text() == "1,000.00 元"
    assert cell(tab, row_of(tab, "A1"), "amount") == "1,000.00"

    # sorted by amount, a new amount moves the row, and the cursor goes with it
    tab.table.horizontalHeader().setSortIndicator(COL["amount"], Qt.SortOrder.AscendingOrder)
    assert column(tab, "order_no") == ["A2", "A1"]
    with qtbot.waitSignal(tab.purchasesChanged):
        edit_cell(qtbot, tab, row_of(tab, "A2"), "amount", "5000")
    assert column(tab, "order_no") == ["A1", "A2"]
    assert tab.table.currentIndex().row() == 1


def test_a_wrong_amount_in_a_cell_is_refused_and_the_old_value_kept(qtbot, tab, workspace):
    seed(workspace, buy("1000", "A1"))
    tab.set_year(2025, tab.plan, tab.policy)
    tab.set_year(2024, tab.plan, tab.policy)

    editor = edit_cell(qtbot, tab, 0, "amount", "12x")
    assert "金额只能包含数字" in tab.message_label.text()
    assert editor.isVisible()  # Enter did not take it: the clerk can correct it
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert "未保存，仍为原值" in tab.message_label.text()
    assert cell(tab, 0, "amount") == "1,000.00"
    assert workspace.store.purchases(2024)[0].amount == D("1000.00")
    assert tab.stack.count() == 0

    # the model itself refuses too (e.g. a paste), with the same message
    assert not tab.model.setData(tab.model.index(0, COL["amount"]), "-5")
    assert "金额不能为负数" in tab.message_label.text()
    assert not tab.model.setData(tab.model.index(0, COL["date"]), "2023-12-31")
    assert "不在 2024 年度内" in tab.message_label.text()
    assert workspace.store.purchases(2024)[0].amount == D("1000.00")


def test_delete_then_undo_and_redo(qtbot, tab, workspace):
    seed(workspace, buy("100", "D1"), buy("200", "D2"), buy("300", "D3"))
    tab.set_year(2025, tab.plan, tab.policy)
    tab.set_year(2024, tab.plan, tab.policy)
    original = {p.order_no: p for p in workspace.store.purchases(2024)}

    tab.table.selectRow(row_of(tab, "D2"))
    tab.table.setFocus()
    with qtbot.waitSignal(tab.purchasesChanged):
        qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    assert column(tab, "order_no") == ["D1", "D3"]
    assert tab.counted_value_label.text() == "400.00 元"
    assert tab.stack.undoText() == "删除采购记录 D2"
    assert tab.message_label.text() == "已删除采购记录 D2；按 Ctrl+Z（编辑 → 撤销）可恢复。"

    with qtbot.waitSignal(tab.purchasesChanged):
        tab.stack.undo()
    assert column(tab, "order_no") == ["D1", "D2", "D3"]
    assert "已删除" not in tab.message_label.text()  # the record is back: the message goes
    assert workspace.store.purchase(original["D2"].id) == original["D2"]  # same id, same values
    assert tab.table.currentIndex().row() == row_of(tab, "D2")
    assert tab.counted_value_label.text() == "600.00 元"

    with qtbot.waitSignal(tab.purchasesChanged):
        tab.stack.redo()
    assert column(tab, "order_no") == ["D1", "D3"]


def test_add_undo_redo_keeps_the_id(qtbot, tab, workspace):
    add_through_form(qtbot, tab, "88", "N1")
    [added] = workspace.store.purchases(2024)
    tab.stack.undo()
    assert workspace.store.purchases(2024) == []
    tab.stack.redo()
    assert workspace.store.purchases(2024) == [added]


def test_filter_by_purpose_and_month_and_sort_by_amount(qtbot, tab, workspace):
    seed(
        workspace,
        buy("300", "C-MAR", dt.date(2024, 3, 5), purpose=Purpose.CANTEEN),
        buy("100", "U-MAR", dt.date(2024, 3, 9), purpose=Purpose.UNION),
        buy("200", "U-APR", dt.date(2024, 4, 2), purpose=Purpose.UNION),
        buy("50", "U-MAR2", dt.date(2024, 3, 20), purpose=Purpose.UNION),
    )
    tab.set_year(2025, tab.plan, tab.policy)
    tab.set_year(2024, tab.plan, tab.policy)
    choose(tab.purpose_filter, Purpose.UNION.value)
    assert column(tab, "order_no") == ["U-MAR", "U-MAR2", "U-APR"]
    choose(tab.month_filter, "3月")
    assert column(tab, "order_no") == ["U-MAR", "U-MAR2"]
    assert tab.shown_label.text() == "筛选出 2 笔，合计 150.00 元"

    header = tab.table.horizontalHeader()
    x = header.sectionViewportPosition(COL["amount"]) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert column(tab, "amount") == ["50.00", "100.00"]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert column(tab, "amount") == ["100.00", "50.00"]

    qtbot.mouseClick(tab.clear_filters_button, Qt.MouseButton.LeftButton)
    assert column(tab, "amount") == ["300.00", "200.00", "100.00", "50.00"]  # the sort stays
    tab.search_edit.setText("apr")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert column(tab, "order_no") == ["U-APR"]


def test_counted_filter_and_overdue_highlight(qtbot, tab, workspace):
    seed(
        workspace,
        buy("100", "PAID", dt.date(2024, 4, 1)),
        buy("200", "LATE", dt.date(2024, 4, 1), paid_on=None),  # 61 days unpaid, limit 30
        buy("300", "RECENT", dt.date(2024, 5, 20), paid_on=None),
        buy("400", "OPEN", dt.date(2024, 4, 1), paid_on=None, state=OrderState.OPEN),
    )
    tab.set_year(2025, tab.plan, tab.policy)
    tab.set_year(2024, tab.plan, tab.policy)
    late = row_of(tab, "LATE")
    assert cell(tab, late, "paid_on") == "超期 61 天未付"
    assert cell(tab, late, "amount", Qt.ItemDataRole.BackgroundRole) is not None
    assert cell(tab, row_of(tab, "RECENT"), "amount", Qt.ItemDataRole.BackgroundRole) is None
    assert "1 笔已完结订单超过 30 天未付款，共 200.00 元" in tab.overdue_label.text()

    tab.overdue_check.setChecked(True)
    assert column(tab, "order_no") == ["LATE"]
    tab.overdue_check.setChecked(False)
    choose(tab.counted_filter, "只看不计入")
    assert column(tab, "order_no") == ["OPEN"]

    with qtbot.waitSignal(tab.purchasesChanged):  # paying it clears the warning
        tab.overdue_check.setChecked(False)
        choose(tab.counted_filter, "全部记录")
        edit_cell(qtbot, tab, row_of(tab, "LATE"), "paid_on", "2024-05-30")
    assert "没有超过 30 天未付款" in tab.overdue_label.text()


def test_form_refuses_bad_input_and_edits_a_purchase(qtbot, tab, workspace):
    seed(workspace, buy("100", "F1"))
    tab.set_year(2025, tab.plan, tab.policy)
    tab.set_year(2024, tab.plan, tab.policy)
    tab.table.selectRow(0)
    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    form = tab.dialog.form
    assert form.amount_edit.text() == "100.00" and form.order_no_edit.text() == "F1"
    ok = form.button_box.button(QDialogButtonBox.StandardButton.Ok)

    type_ascii(qtbot, form.amount_edit, "1.234")
    assert "最多保留两位小数" in form.error_label.text()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert tab.dialog is not None and "最多保留两位小数" in form.error_label.text()

    type_ascii(qtbot, form.amount_edit, "150")
    type_ascii(qtbot, form.date_edit, "2023-05-01")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert "不在 2024 年度内" in form.error_label.text() and tab.dialog.focusWidget() is form.date_edit

    type_ascii(qtbot, form.date_edit, "2024-05-01")
    type_chinese(form.order_no_edit, "订单F1")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert "订单号只能包含" in form.error_label.text()

    type_ascii(qtbot, form.order_no_edit, "F1")
    choose(form.purpose_combo, Purpose.STATE_ENTERPRISE.value)
    # the 2024 notice is silent on state-owned enterprises: not mentioned, never "按政策不计入"
    assert form.counted_label.text() == "用途“所属国有企业”文件未提及是否计入，暂未计入（提示）"
    with qtbot.waitSignal(tab.purchasesChanged):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    [saved] = workspace.store.purchases(2024)
    assert (saved.amount, saved.date, saved.purpose) == (D("150.00"), dt.date(2024, 5, 1), Purpose.STATE_ENTERPRISE)
    assert cell(tab, 0, "counted") == "用途“所属国有企业”文件未提及是否计入，暂未计入（提示）"


def test_choosing_from_a_drop_down_cell(qtbot, tab, workspace):
    seed(workspace, buy("100", "S1"))
    tab.set_year(2025, tab.plan, tab.policy)
    tab.set_year(2024, tab.plan, tab.policy)
    index = tab.model.index(0, COL["state"])
    tab.table.edit(index)
    combo = tab.table.focusWidget()
    with qtbot.waitSignal(tab.purchasesChanged):
        choose(combo, OrderState.REFUNDED.value)
    assert cell(tab, 0, "counted") == REASON_REFUNDED
    assert tab.counted_value_label.text() == "0.00 元"


def test_evaluated_check_box_in_the_table(qtbot, tab, workspace):
    seed(workspace, buy("100", "E1"))
    tab.set_year(2025, tab.plan, tab.policy)
    tab.set_year(2024, tab.plan, tab.policy)
    index = tab.model.index(0, COL["evaluated"])
    with qtbot.waitSignal(tab.purchasesChanged):
        tab.model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert workspace.store.purchases(2024)[0].evaluated
    assert cell(tab, 0, "evaluated", Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked


def test_columns_hidden_and_moved_are_remembered(qtbot, make_tab, settings):
    tab = make_tab()
    header = tab.table.horizontalHeader()
    tab.columns_menu.aboutToShow.emit()
    tab.columns_menu.actions()[COL["channel"]].setChecked(False)
    header.moveSection(header.visualIndex(COL["amount"]), 0)
    header.setSortIndicator(COL["supplier"], Qt.SortOrder.DescendingOrder)
    tab.save_columns()
    assert tab.shown_keys()[0] == "amount" and "channel" not in tab.shown_keys()

    again = make_tab()
    assert again.shown_keys() == tab.shown_keys()
    assert (again.model.query.sort, again.model.query.descending) == ("supplier", True)
    for index in range(header.count()):  # hiding every column is refused
        again.show_column(index, False)
    assert again.shown_keys() and "至少要显示一列" in again.message_label.text()


def test_export_writes_the_shown_rows(qtbot, tab, workspace, tmp_path):
    from openpyxl import load_workbook

    seed(workspace, buy("1234.5", "X1", purpose=Purpose.UNION), buy("10", "X2"), buy("20", "X3", channel=Channel.OTHER))
    tab.set_year(2025, tab.plan, tab.policy)
    tab.set_year(2024, tab.plan, tab.policy)
    choose(tab.purpose_filter, Purpose.UNION.value)
    tab.show_column(COL["note"], False)
    assert tab.export_shown(tmp_path / "log.xlsx")
    sheet = load_workbook(tmp_path / "log.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert "2024 年度采购记录" in rows[0][0]
    assert rows[1][:7] == ("日期", "订单号", "供应商", "商品", "金额（元）", "退款金额（元）", "计入情况") and "备注" not in rows[1]
    assert len(rows) == 3
    assert rows[2][0] == dt.datetime(2024, 5, 20) and rows[2][1] == "X1" and rows[2][4] == 1234.5 and rows[2][6] == "计入"
    assert rows[2][5] is None  # nothing refunded: an empty cell, not 0.00

    blocked = tmp_path / "folder.xlsx"
    blocked.mkdir()  # a path that cannot be written: a message, not a traceback
    assert not tab.export_shown(blocked)
    assert "无法写入" in tab.message_label.text()


def test_a_failed_write_is_reported_and_not_left_on_the_undo_stack(qtbot, tab, workspace, monkeypatch):
    def fail(_purchase):
        raise StoreError("磁盘已满，刚才的修改没有保存。", "full")

    monkeypatch.setattr(workspace.store, "add_purchase", fail)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    form = tab.dialog.form
    type_ascii(qtbot, form.amount_edit, "5")
    qtbot.mouseClick(form.button_box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert "磁盘已满" in tab.message_label.text()
    assert tab.stack.count() == 0 and tab.model.rowCount() == 0


def test_a_new_plan_only_refreshes_the_summary(qtbot, tab, workspace, plan):
    seed(workspace, buy("16500", "P1"))
    tab.set_year(2025, plan, tab.policy)
    tab.set_year(2024, plan, tab.policy)
    reloads = []
    tab.model.modelReset.connect(lambda: reloads.append(1))
    tab.set_year(2024, plan.with_reserve_amount(D("1500")).with_(union_reserve=D("0")), tab.policy)
    assert reloads == []
    assert tab.reserve_value_label.text() == "1,500.00 元" and tab.pace_label.text() == "已完成预留份额。"
    tab.set_year(2024, plan, None)  # no policy: everything counts, no limits
    assert reloads == [1] and "未规定" in tab.overdue_label.text()


def test_read_only_file_offers_no_editing(qtbot, tmp_path, profile, plan, settings):
    path = tmp_path / "ro.sqlite"
    with Store.open(path) as store:
        store.add_purchase(buy("1", "R1"))
    workspace = Workspace(Store.open(path, readonly=True), today=TODAY)
    tab = PurchaseLogTab(workspace, QUndoStack(), settings=settings)
    qtbot.addWidget(tab)
    tab.set_year(2024, plan, workspace.library.get("qinghai-2024"))
    tab.table.selectRow(0)
    assert tab.model.rowCount() == 1
    assert not tab.add_button.isEnabled() and not tab.delete_button.isEnabled()
    assert not tab.model.flags(tab.model.index(0, COL["amount"])) & Qt.ItemFlag.ItemIsEditable
    workspace.close()


def test_in_the_main_window_a_purchase_updates_the_findings(qtbot, make_window, tmp_path, profile, plan):
    path = tmp_path / "unit.sqlite"
    with Store.open(path) as store:
        store.save_profile(profile)
        store.save_plan(plan)
    window = make_window(path, today=TODAY)
    tab = window.purchase_tab
    assert isinstance(tab, PurchaseLogTab) and tab.year is None  # nothing queried while it is hidden
    window.tabs.setCurrentWidget(tab)
    assert tab.year == 2024
    assert tab.reserve_value_label.text() == "165,000.00 元"

    def progress():
        return [m for m in window.findings_panel.messages() if "已计入采购" in m]

    assert "已计入采购 0.00 元" in progress()[0]
    tab.undo_stack.push(AddPurchase(tab.model, buy("5000", "W1")))
    assert "已计入采购 5,000.00 元" in progress()[0]
    assert tab.counted_value_label.text() == "5,000.00 元"
    window.undo_action.trigger()
    assert "已计入采购 0.00 元" in progress()[0]
    assert tab.model.rowCount() == 0


# --- the log in the window, driven with the mouse and the keyboard ----------------------------------


def progress_message(window):
    [message] = [m for m in window.findings_panel.messages() if "已计入采购" in m]
    return message


def open_window_on(make_window, tmp_path, profile, plan, *purchases, today=TODAY):
    path = tmp_path / "unit.sqlite"
    with Store.open(path) as store:
        store.save_profile(profile)
        store.save_plan(plan)
        store.add_purchases(purchases)
    window = make_window(path, today=today)
    window.tabs.setCurrentWidget(window.purchase_tab)
    return window, window.purchase_tab


def cell_centre(tab, row, key):
    return tab.table.visualRect(tab.model.index(row, COL[key])).center()


def double_click(qtbot, widget, pos):
    """What the mouse sends for a double click: press, release, then the second press as a double
    click (QTest's mouseDClick alone sends only the last, which an item view ignores)."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(widget, Qt.MouseButton.LeftButton, pos=pos)


def type_into_open_cell_editor(qtbot, tab, text):
    """The editor that double-click or F2 opened: select what is there, type, press Enter."""
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and tab.table.isAncestorOf(editor)
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, text)
    with qtbot.waitSignal(tab.purchasesChanged):
        qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_typing_a_new_amount_into_a_cell_changes_the_findings(qtbot, make_window, tmp_path, profile, plan):
    window, tab = open_window_on(
        make_window, tmp_path, profile, plan, buy("1000", "A1"), buy("500", "A2", state=OrderState.OPEN)
    )
    assert "已计入采购 1,000.00 元" in progress_message(window)
    assert any("本年度有 500.00 元采购未计入" in m for m in window.findings_panel.messages())

    double_click(qtbot, tab.table.viewport(), cell_centre(tab, row_of(tab, "A1"), "amount"))
    type_into_open_cell_editor(qtbot, tab, "2500")

    assert cell(tab, row_of(tab, "A1"), "amount") == "2,500.00"
    assert f"已计入采购 {D('2500'):,.2f} 元" in progress_message(window)
    assert {p.order_no: p.amount for p in window.workspace.store.purchases(2024)} == {"A1": D("2500.00"), "A2": D("500.00")}

    # F2 on the unfinished order's amount: what does not count changes, what counts does not
    tab.table.setCurrentIndex(tab.model.index(row_of(tab, "A2"), COL["amount"]))
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_F2)
    type_into_open_cell_editor(qtbot, tab, "800")
    assert any("本年度有 800.00 元采购未计入" in m for m in window.findings_panel.messages())
    assert f"已计入采购 {D('2500'):,.2f} 元" in progress_message(window)

    window.undo_action.trigger()
    assert any("本年度有 500.00 元采购未计入" in m for m in window.findings_panel.messages())


def test_filter_by_state_and_search_by_supplier(qtbot, tab, workspace):
    tea = "信阳毛尖茶业合作社"
    seed(
        workspace,
        buy("100", "G1"),
        buy("200", "G2", state=OrderState.OPEN),
        dataclasses.replace(buy("400", "X1", state=OrderState.OPEN), supplier=tea),
        dataclasses.replace(buy("800", "X2", state=OrderState.REFUNDED), supplier=tea),
    )
    tab.set_year(2025, tab.plan, tab.policy)
    tab.set_year(2024, tab.plan, tab.policy)

    choose(tab.state_filter, OrderState.OPEN.value)
    assert sorted(column(tab, "order_no")) == ["G2", "X1"]
    assert tab.shown_label.text() == "筛选出 2 笔，合计 600.00 元"

    type_chinese(tab.search_edit, "信阳")
    qtbot.keyClick(tab.search_edit, Qt.Key.Key_Return)
    assert column(tab, "order_no") == ["X1"]
    assert tab.shown_label.text() == "筛选出 1 笔，合计 400.00 元"

    choose(tab.state_filter, "全部状态")  # the search stays
    assert sorted(column(tab, "order_no")) == ["X1", "X2"]
    assert tab.shown_label.text() == "筛选出 2 笔，合计 1,200.00 元"

    tab.search_edit.selectAll()
    qtbot.keyClick(tab.search_edit, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 4)  # searching again after a short pause
    assert tab.shown_label.text() == "本年度共 4 笔，合计 1,500.00 元"


def test_delete_then_ctrl_z_and_redo_from_the_edit_menu(qtbot, make_window, tmp_path, profile, plan):
    window, tab = open_window_on(make_window, tmp_path, profile, plan, buy("100", "D1"), buy("200", "D2"), buy("300", "D3"))
    assert "已计入采购 600.00 元" in progress_message(window)

    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=cell_centre(tab, row_of(tab, "D2"), "supplier"))
    with qtbot.waitSignal(tab.purchasesChanged):
        qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    assert column(tab, "order_no") == ["D1", "D3"]
    assert "已计入采购 400.00 元" in progress_message(window)
    assert window.undo_action.text() == "撤销(&U) 删除采购记录 D2"
    assert tab.message_label.text() == "已删除采购记录 D2；按 Ctrl+Z（编辑 → 撤销）可恢复。"

    assert tab.table.hasFocus()
    with qtbot.waitSignal(tab.purchasesChanged):
        qtbot.keyClick(tab.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert column(tab, "order_no") == ["D1", "D2", "D3"]
    assert "已计入采购 600.00 元" in progress_message(window)

    # (Ctrl+Shift+Z does not redo: see test_window_menus.py::test_ctrl_shift_z_redoes)
    with qtbot.waitSignal(tab.purchasesChanged):
        window.redo_action.trigger()
    assert column(tab, "order_no") == ["D1", "D3"]
    assert "已计入采购 400.00 元" in progress_message(window)
    assert [p.order_no for p in window.workspace.store.purchases(2024)] == ["D1", "D3"]


def test_clicking_the_evaluated_box_ticks_it(qtbot, make_window, tmp_path, profile, plan):
    # 履约评价 is asked by Zhengzhou's notice (郑财购〔2023〕3号 二（一）): a Zhengzhou unit in 2023
    zz = dataclasses.replace(profile, province="河南省", city="郑州市")
    day = dt.date(2023, 5, 20)
    window, tab = open_window_on(
        make_window, tmp_path, zz, dataclasses.replace(plan, year=2023), buy("100", "E1", day), buy("200", "E2", day),
        today=dt.date(2023, 6, 1),
    )

    def unevaluated():
        return [m for m in window.findings_panel.messages() if "尚未在“832平台”进行履约评价" in m]

    assert unevaluated() and unevaluated()[0].startswith("2 笔")
    row = row_of(tab, "E1")
    index = tab.model.index(row, COL["evaluated"])
    option = QStyleOptionViewItem()
    option.rect = tab.table.visualRect(index)
    tab.delegate.initStyleOption(option, index)
    box = tab.table.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, tab.table)
    assert box.isValid() and option.rect.contains(box.center())

    with qtbot.waitSignal(tab.purchasesChanged):
        qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=box.center())

    assert cell(tab, row_of(tab, "E1"), "evaluated", Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert cell(tab, row_of(tab, "E2"), "evaluated", Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert {p.order_no: p.evaluated for p in window.workspace.store.purchases(2023)} == {"E1": True, "E2": False}
    assert unevaluated()[0].startswith("1 笔")
    assert window.undo_action.text().startswith("撤销(&U) 修改采购记录履约评价")


def test_tab_in_the_purchase_form_follows_the_fields_down(qtbot, tab):
    from tests.test_window_menus import assert_reading_order, tab_walk

    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    form = dialog.form
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    visited = tab_walk(qtbot, dialog, form.date_edit)
    assert_reading_order(dialog, visited)
    ok, cancel = (form.button_box.button(b) for b in (QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Cancel))
    assert visited[:-2] == [
        form.date_edit, form.amount_edit, form.order_no_edit, form.supplier_edit, form.description_edit,
        form.purpose_combo, form.channel_combo, form.state_combo, form.paid_on_edit, form.delivered_on_edit,
        form.evaluated_check, form.invoice_no_edit, form.fee_source_combo, form.note_edit,
        # the attachments: kind and 添加附件… (preview, open and remove wait for a chosen file; the
        # list between them and the buttons is a view, which the walk leaves out)
        dialog.attachments_view.kind_combo, dialog.attachments_view.add_button,
    ]
    assert set(visited[-2:]) == {ok, cancel}  # then the buttons, in the order they stand
    assert form.note_edit.toPlainText() == ""  # Tab left the note without typing into it
    dialog.reject()


def test_the_log_opens_for_a_year_no_policy_covers(qtbot, make_window, monkeypatch):
    window = make_window(today=dt.date(2026, 12, 2))  # no policy file for 2026
    assert window.document.policy is None
    window.tabs.setCurrentIndex(TAB_PURCHASES)
    assert isinstance(window.tabs.currentWidget(), PurchaseLogTab)
    assert window.tabs.currentWidget() is window.purchase_tab


def test_the_exported_log_never_holds_a_live_formula(qtbot, tab, workspace, tmp_path):
    """An imported 店铺名称 ``=HYPERLINK(…)`` is text in the export, as in the upward export."""
    from openpyxl import load_workbook

    hostile = '=HYPERLINK("http://x","点我")'
    seed(workspace, dataclasses.replace(buy("10", "F1", description="+1+1", note="@SUM(A1)"), supplier=hostile))
    tab.set_year(2025, tab.plan, tab.policy)
    tab.set_year(2024, tab.plan, tab.policy)
    assert tab.export_shown(tmp_path / "log.xlsx")
    sheet = load_workbook(tmp_path / "log.xlsx").active
    cells = {c.value: c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    for text in (hostile, "+1+1", "@SUM(A1)"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text


def test_every_workbook_cell_comes_from_the_one_cell_writer():
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "desktop832"
    makers = [
        str(p.relative_to(package)) for p in package.rglob("*.py")
        if "WriteOnlyCell(" in p.read_text("utf-8") and p.name != "cells.py"
    ]
    assert makers == []


def test_the_purchase_log_model_keeps_qts_model_rules(qtbot, tab, qtmodeltester):
    """pytest-qt's model tester over the log's model with rows, also across a sort and an edit."""
    add_through_form(qtbot, tab, "10,000", "8320001")
    add_through_form(qtbot, tab, "200", "OFF-1", channel=Channel.OTHER.value)
    add_through_form(qtbot, tab, "300.50", "8320002", state=OrderState.OPEN.value)
    qtmodeltester.check(tab.model, force_py=True)
    tab.model.sort(column_index_of("amount"), Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(tab.model, force_py=True)


def column_index_of(key):
    from desktop832.ui.purchases.fields import column_index

    return column_index(key)


def test_the_logs_keys_are_named_in_its_menu_and_tooltips(qtbot, tab):
    assert tab.add_action.shortcut().toString() == "Ctrl+Shift+N"
    assert tab.add_action.isShortcutVisibleInContextMenu() and tab.delete_action.isShortcutVisibleInContextMenu()
    assert tab.add_button.toolTip() == "用表单添加一笔采购（在表格中按 Ctrl+Shift+N）"
    assert tab.delete_button.toolTip().endswith("（在表格中按 Del）")


def test_the_first_screens_columns_are_as_wide_as_what_they_show(qtbot, make_tab, workspace, settings):
    """渠道 whole, 付款日期's “超期 … 天未付” whole, a long shop name cut at a sensible width (and
    whole in its tooltip); a width the clerk set is kept the next time instead."""
    long_name = "云南省普洱市思茅区某某某某茶业农民专业合作社联合社"
    seed(
        workspace,
        dataclasses.replace(buy("100", "8322024011300053", dt.date(2024, 1, 13), paid_on=None), supplier=long_name),
        buy("200", "OTHER", dt.date(2024, 5, 20), channel=Channel.OTHER),
    )
    tab = make_tab()
    header, metrics = tab.table.horizontalHeader(), tab.table.fontMetrics()
    em = metrics.horizontalAdvance("中")

    def fits(key, text):
        return header.sectionSize(COL[key]) >= metrics.horizontalAdvance(text) + 8  # the cell's margins

    late = row_of(tab, "8322024011300053")
    assert cell(tab, late, "paid_on") == "超期 140 天未付" and fits("paid_on", "超期 140 天未付")
    assert fits("channel", Channel.OTHER.value) and fits("order_no", "8322024011300053")
    assert fits("amount", "200.00") and fits("counted", cell(tab, row_of(tab, "OTHER"), "counted"))
    for key in COL:  # every title whole
        assert header.sectionSize(COL[key]) >= header.sectionSizeFromContents(COL[key]).width(), key
    assert not fits("supplier", long_name) and header.sectionSize(COL["supplier"]) <= 16 * em + 18
    assert cell(tab, late, "supplier", Qt.ItemDataRole.ToolTipRole) == long_name

    header.resizeSection(COL["channel"], 300)  # the clerk widens a column: kept next time
    tab.save_columns()
    again = make_tab()
    assert again.table.horizontalHeader().sectionSize(COL["channel"]) == 300
