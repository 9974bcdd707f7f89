"""The keyboard as a clerk uses it: a letter (Alt+X) on every button and menu command, unique in its
window or menu; every key shown in the menu bar; the purchase log's keys; Qt's own dialogs in
Chinese with their letters."""

import dataclasses
import datetime as dt
import re
import types
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton, QApplication, QDialogButtonBox, QFileDialog, QLabel, QMenu, QMessageBox, QWidget,
)

from desktop832.domain.model import AnnualPlan, CanteenMode, Purchase
from desktop832.store.database import Store
from desktop832.ui.main_window import TAB_PURCHASES, TAB_TITLES
from desktop832.ui.mnemonics import letter

from .gui_helpers import choose, settled, type_ascii

CTRL = Qt.KeyboardModifier.ControlModifier


def buttons_with_text(root: QWidget) -> list[QAbstractButton]:
    """The buttons with words in ``root``'s own window (a progress dialog it owns is another)."""
    return [b for b in root.findChildren(QAbstractButton) if b.text() and b.window() is root.window()]


def label_letters(root: QWidget) -> list[str]:
    """The letters of the field labels in ``root``'s window (a label with a buddy and a letter:
    Alt+letter puts the cursor in its field), which a button's letter must not repeat."""
    labels = [w for w in root.findChildren(QLabel) if w.buddy() is not None and w.window() is root.window()]
    return [key for key in (letter(w.text()) for w in labels) if key]


def assert_letters(items, taken=(), where=""):
    """Every item's text marks a letter, and no letter is used twice (nor one of ``taken``)."""
    texts = [item.text() for item in items]
    missing = [t for t in texts if letter(t) is None]
    assert not missing, f"{where}: no letter on {missing}"
    letters = [letter(t) for t in texts] + [key.upper() for key in taken]
    doubled = sorted({key for key in letters if letters.count(key) > 1})
    assert not doubled, f"{where}: letter(s) {doubled} twice among {texts} (taken: {sorted(taken)})"


def menu_actions(menu: QMenu) -> list[QAction]:
    return [a for a in menu.actions() if not a.isSeparator() and a.text()]


def assert_menus_lettered(root: QWidget, where: str) -> None:
    for menu in root.findChildren(QMenu):
        assert_letters(menu_actions(menu), where=f"{where}, menu {menu.title() or menu.objectName()}")
    for widget in [root, *root.findChildren(QWidget)]:  # right-click menus made of a widget's actions
        if widget.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu:
            assert_letters([a for a in widget.actions() if a.text() and not a.isSeparator()],
                           where=f"{where}, right-click menu of {widget.objectName()}")


def assert_dialog_lettered(dialog: QWidget) -> None:
    where = dialog.windowTitle() or type(dialog).__name__
    assert buttons_with_text(dialog), f"{where}: no buttons found"
    assert_letters(buttons_with_text(dialog), taken=label_letters(dialog), where=where)
    assert_menus_lettered(dialog, where)


# --- the main window ------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", list(CanteenMode), ids=lambda m: m.name)
def test_every_button_on_every_tab_has_a_letter_not_taken_by_the_menu_bar(qtbot, make_window, tmp_path, mode):
    path = tmp_path / "unit.sqlite"
    window = make_window(path)
    choose(window.profile_tab.canteen_mode_combo, mode.value)  # each canteen situation shows other boxes
    bar = [letter(a.text()) for a in window.menuBar().actions()]
    assert None not in bar and len(set(bar)) == len(bar)
    beside = buttons_with_text(window.findings_dock)  # on screen beside every tab
    assert beside
    for index, title in enumerate(TAB_TITLES):
        window.tabs.setCurrentIndex(index)
        page = window.tabs.widget(index)
        buttons = buttons_with_text(page) + beside
        assert len(buttons) > len(beside), title
        assert_letters(buttons, taken=bar + label_letters(page), where=title)
    assert window.purchase_tab is not None
    assert_menus_lettered(window, "main window")


def test_every_menu_command_has_its_letter_undo_and_redo_too(qtbot, make_window):
    window = make_window()
    for menu_action in window.menuBar().actions():
        assert_letters(menu_actions(menu_action.menu()), where=menu_action.text())
    assert window.undo_action.text() == "撤销(&U)" and window.redo_action.text() == "重做(&R)"
    type_ascii(qtbot, window.quota_tab.canteen_total_edit, "1000")
    assert window.undo_action.text().startswith("撤销(&U) ")  # the step's name follows the letter


def all_actions_in(menu: QMenu) -> set[QAction]:
    found = set()
    for action in menu.actions():
        found.add(action)
        if action.menu() is not None:
            found |= all_actions_in(action.menu())
    return found


def test_every_key_of_the_window_is_shown_in_the_menu_bar(qtbot, make_window):
    window = make_window()
    window.tabs.setCurrentIndex(TAB_PURCHASES)  # the purchase log's commands are there too
    assert window.purchase_tab is not None
    window.form_tab(1)
    reachable = set()
    for action in window.menuBar().actions():
        reachable |= all_actions_in(action.menu())
    with_keys = [a for a in window.findChildren(QAction) if not a.shortcut().isEmpty()]
    assert len(with_keys) >= 10
    hidden = [(a.text(), a.shortcut().toString()) for a in with_keys if a not in reachable]
    assert not hidden, hidden
    edit_menu = window.menuBar().actions()[1].menu()
    keys = {a.text(): a.shortcut().toString() for a in menu_actions(edit_menu)}
    assert keys["新增采购(&N)…"] == "Ctrl+Shift+N" and keys["删除采购(&D)"] == "Del"


@pytest.fixture
def unit_with_two_purchases(tmp_path, profile, plan):
    path = tmp_path / "unit.sqlite"
    with Store.open(path) as store:
        store.save_profile(profile)
        store.save_plan(plan)
        store.add_purchases([
            Purchase(date=dt.date(2024, 1, 10), amount=Decimal("1200"), order_no="8320001", supplier="光山县原味农业",
                     paid_on=dt.date(2024, 1, 12)),
            Purchase(date=dt.date(2024, 1, 20), amount=Decimal("800"), order_no="8320002", supplier="信阳毛尖合作社",
                     paid_on=dt.date(2024, 1, 22)),
        ])
    return path


def test_purchase_commands_in_the_edit_menu_apply_only_on_the_log(qtbot, make_window, unit_with_two_purchases):
    window = make_window(unit_with_two_purchases)
    add, delete = window.add_purchase_action, window.delete_purchase_action
    assert not add.isEnabled() and not delete.isEnabled()  # the log is not on screen
    window.tabs.setCurrentIndex(TAB_PURCHASES)
    tab = window.purchase_tab
    assert add.isEnabled() and not delete.isEnabled()  # nothing chosen to delete yet
    click_row(qtbot, tab, 0)
    assert delete.isEnabled()
    assert tab.delete_action is delete and tab.add_action is add  # one action: the menu's, also right-click
    window.tabs.setCurrentIndex(0)
    assert not add.isEnabled() and not delete.isEnabled()
    window.tabs.setCurrentIndex(TAB_PURCHASES)
    assert add.isEnabled() and delete.isEnabled()

    focus_on(qtbot, window, tab.table)
    qtbot.keyClick(tab.table, Qt.Key.Key_N, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert tab.dialog is not None and tab.dialog.isVisible()
    tab.dialog.reject()


def click_row(qtbot, tab, row: int) -> None:
    """Click a row of the purchase log, as the clerk picks the one to delete."""
    table = tab.table
    column = next(c for c in range(tab.model.columnCount()) if not table.isColumnHidden(c))
    rect = table.visualRect(tab.model.index(row, column))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    assert tab.selected_rows() == [row]


def focus_on(qtbot, window, widget) -> None:
    """The keyboard's focus in ``widget`` of the active ``window``, as a click would leave it."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def test_delete_says_in_the_status_bar_what_went_and_that_undo_brings_it_back(qtbot, make_window, unit_with_two_purchases):
    window = make_window(unit_with_two_purchases)
    window.tabs.setCurrentIndex(TAB_PURCHASES)
    tab = window.purchase_tab
    assert tab.model.rowCount() == 2
    focus_on(qtbot, window, tab.table)
    click_row(qtbot, tab, 0)
    gone = tab.model.purchase(0).order_no
    with qtbot.waitSignal(tab.purchasesChanged):
        qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    assert tab.model.rowCount() == 1
    said = window.statusBar().currentMessage()
    undo_key = QKeySequence(QKeySequence.StandardKey.Undo).toString(QKeySequence.SequenceFormat.NativeText)
    assert gone in said and "删除" in said and "撤销" in said and undo_key in said, said
    with qtbot.waitSignal(tab.purchasesChanged):
        qtbot.keyClick(tab.table, Qt.Key.Key_Z, CTRL)
    assert tab.model.rowCount() == 2


def test_del_in_the_search_field_deletes_text_not_purchases(qtbot, make_window, unit_with_two_purchases):
    window = make_window(unit_with_two_purchases)
    window.tabs.setCurrentIndex(TAB_PURCHASES)
    tab = window.purchase_tab
    click_row(qtbot, tab, 0)
    focus_on(qtbot, window, tab.search_edit)
    type_ascii(qtbot, tab.search_edit, "83")
    tab.search_edit.setCursorPosition(0)
    qtbot.keyClick(tab.search_edit, Qt.Key.Key_Delete)
    assert tab.search_edit.text() == "3"
    assert window.workspace.store.purchases(2024).__len__() == 2


def test_status_bar_follows_purchase_writes_not_the_last_form_save(qtbot, make_window, unit_with_two_purchases):
    window = make_window(unit_with_two_purchases)
    window.tabs.setCurrentIndex(TAB_PURCHASES)
    tab = window.purchase_tab
    window._save_state_changed("已保存 21:47:45", True)  # a form edit saved long ago
    click_row(qtbot, tab, 0)
    with qtbot.waitSignal(tab.purchasesChanged):
        window.delete_purchase_action.trigger()
    assert window.save_label.text() != "已保存 21:47:45"
    assert window.save_label.text().startswith("已保存 ")


def test_an_order_import_is_one_step_of_the_edit_menus_undo(qtbot, make_window, tmp_path, monkeypatch, messages):
    from PySide6.QtWidgets import QDialog

    from desktop832.ui import file_dialogs
    from desktop832.ui.dialogs import import_orders as import_dialog

    from .exchange_helpers import write_orders_xlsx

    window = make_window()
    choose(window.profile_tab.province_combo, "青海省")
    store = window.workspace.store
    assert store.purchases() == []
    orders = write_orders_xlsx(tmp_path / "orders.xlsx")
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(orders), ""))

    def run_dialog(dialog):  # the clerk accepts the column page and the preview, waiting for each step
        while settled(qtbot, dialog).next_button.isEnabled() and not dialog.changed:
            dialog.next_button.click()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(import_dialog.ImportOrdersDialog, "exec", run_dialog)
    window.import_action.trigger()
    imported = store.purchases()
    assert len(imported) == 4
    edit_menu = window.menuBar().actions()[1].menu()
    [undo] = [a for a in menu_actions(edit_menu) if a.text().startswith("撤销(&U)")]
    assert undo.isEnabled() and undo.text().startswith("撤销(&U) 导入平台订单"), undo.text()
    undo.trigger()  # one step takes back every order of the list
    assert store.purchases() == []
    assert "导入" not in undo.text()  # the step before it (the province) is next
    [redo] = [a for a in menu_actions(edit_menu) if a.text().startswith("重做(&R)")]
    redo.trigger()
    assert len(store.purchases()) == 4


# --- the dialogs ------------------------------------------------------------------------------------


def test_every_dialog_gives_each_button_its_own_letter(qtbot, make_window, tmp_path, policies, profile):
    from desktop832.ui.dialogs.about import AboutDialog
    from desktop832.ui.dialogs.backup import BackupDialog
    from desktop832.ui.dialogs.export import ExportDoneDialog
    from desktop832.ui.dialogs.filing_answer import FilingAnswerDialog
    from desktop832.ui.dialogs.import_orders import ImportOrdersDialog
    from desktop832.ui.dialogs.letter import LetterDialog
    from desktop832.ui.dialogs.new_policy import NewPolicyDialog
    from desktop832.ui.dialogs.policy import PolicyDialog
    from desktop832.ui.dialogs.verify import VerifyDialog
    from desktop832.ui.purchases.form import PurchaseDialog

    from .exchange_helpers import write_orders_csv

    window = make_window()
    ws = window.workspace
    result = types.SimpleNamespace(
        path=tmp_path / "上报.xlsx", short_fingerprint="ABCD EFGH", fingerprint="ABCDEFGH" * 8,
        plan=AnnualPlan(2024).with_(filed_on=dt.date(2024, 2, 1)), findings=[], errors=0,
    )
    made = [
        lambda: AboutDialog(ws.store.path, window),
        lambda: BackupDialog(window, ws.store.path, backup_dir=tmp_path / "backups",
                             close_file=lambda: None, reopen_file=lambda path: True),
        lambda: ExportDoneDialog(window, result),
        lambda: FilingAnswerDialog(window, ws, 2024),
        lambda: ImportOrdersDialog(window, ws, write_orders_csv(tmp_path / "o.csv", "utf-8")),
        lambda: LetterDialog(window, dataclasses.replace(profile, canteen_mode=CanteenMode.NONE), AnnualPlan(2024),
                             policies["qinghai-2024"], dt.date(2024, 2, 1)),
        lambda: NewPolicyDialog(ws.library, policies["qinghai-2024"], window, year=2025),
        lambda: PolicyDialog(ws.library, None, window),
        lambda: VerifyDialog(window, ws.library),
        lambda: PurchaseDialog(2024, frozenset(), dt.date(2024, 2, 1), None, window),
    ]
    for make in made:
        dialog = make()
        qtbot.addWidget(dialog)
        dialog.show()
        assert_dialog_lettered(dialog)
        dialog.close()


def test_qts_own_buttons_and_file_dialog_speak_chinese_with_letters(qtbot, configured_app, tmp_path):
    from desktop832.ui import file_dialogs

    box = QMessageBox(QMessageBox.Icon.Question, "标题", "正文",
                      QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Retry)
    qtbot.addWidget(box)
    assert sorted(b.text() for b in box.buttons()) == sorted(["确定(&O)", "取消(&C)", "重试(&R)"])
    standard = QDialogButtonBox(QDialogButtonBox.StandardButton.Close | QDialogButtonBox.StandardButton.Yes)
    qtbot.addWidget(standard)
    assert sorted(b.text() for b in standard.buttons()) == sorted(["关闭(&C)", "是(&Y)"])

    dialog = file_dialogs.make_file_dialog(None, "打开数据文件", str(tmp_path), "数据文件 (*.sqlite)", save=False)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.testOption(QFileDialog.Option.DontUseNativeDialog) or dialog.isVisible()
    texts = [w.text() for w in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton) if w.text()]
    texts += [w.toolTip() for w in dialog.findChildren(QWidget) if w.toolTip()]
    assert "打开(&O)" in texts and "取消(&C)" in texts
    latin = [t for t in texts if any("a" <= c.lower() <= "z" for c in re.sub(r"\(&\w\)", "", t))]
    assert not latin, latin  # "Look in:", "Files of type:" were English in Qt's own translation
    dialog.close()
