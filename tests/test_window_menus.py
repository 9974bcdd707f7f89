"""The main window used as a clerk uses it: menus and shortcuts, undo from the keyboard, the canteen
situations, the overview, the order Tab walks the forms in, saving and closing."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton, QApplication, QComboBox, QDialogButtonBox, QLayout, QLineEdit, QMessageBox,
    QPlainTextEdit, QStyle, QStyleOptionButton, QWidget,
)

from desktop832.ui import file_dialogs
from desktop832 import __version__, paths
from desktop832.domain.model import CanteenMode, OrderState, Purchase
from desktop832.store.database import Store
from desktop832.store.errors import StoreError
from desktop832.ui.main_window import TAB_OVERVIEW, TAB_PROFILE, TAB_QUOTA, TAB_UNION
from desktop832.ui.dialogs.about import AboutDialog
from desktop832.ui.dialogs.policy import PolicyDialog
from desktop832.ui.dialogs.verify import VerifyDialog

from .gui_helpers import choose, type_ascii, type_chinese

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def menus(window) -> dict[str, list[str]]:
    """Menu title (without its accelerator) → the texts of its actions, separators left out."""
    found = {}
    for action in window.menuBar().actions():
        title = re.sub(r"\(&\w\)$", "", action.text())
        found[title] = [re.sub(r"\(&\w\)", "", a.text()) for a in action.menu().actions() if not a.isSeparator()]
    return found


def on_next_modal(kind, handle, attempts=300):
    """Call ``handle(widget)`` once a modal ``kind`` shows (in the exec() loop of a dialog or
    message box); ``handle`` must close it. Returns the list of widgets handled."""
    handled = []

    def poll(left=attempts):
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible():
            handled.append(widget)
            try:
                handle(widget)
            except BaseException:
                widget.close()  # a failed check must not leave the test waiting on the dialog
                raise
        elif left:
            QTimer.singleShot(10, lambda: poll(left - 1))

    QTimer.singleShot(0, poll)
    return handled


def click_check(qtbot, check) -> None:
    """Click a check box on its box, as the clerk does (a wide box's centre may be empty space)."""
    option = QStyleOptionButton()
    check.initStyleOption(option)
    box = check.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, check)
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=box.center())


def press(qtbot, key, modifiers=Qt.KeyboardModifier.NoModifier):
    """A key pressed as the keyboard does: it goes to the widget that has the focus."""
    qtbot.keyClick(QApplication.focusWidget(), key, modifiers)


# --- the menus ----------------------------------------------------------------------------------


def test_every_menu_and_command_has_a_letter_unique_in_its_menu(make_window):
    window = make_window()
    titles = [a.text() for a in window.menuBar().actions()]
    assert all(re.search(r"\(&\w\)$", t) for t in titles)
    for menu_action in window.menuBar().actions():
        actions = [a for a in menu_action.menu().actions() if not a.isSeparator()]
        letters = [re.search(r"&(\w)", a.text()) for a in actions if a not in (window.undo_action, window.redo_action)]
        assert all(letters), [a.text() for a in actions]
        letters = [m.group(1) for m in letters]
        assert len(set(letters)) == len(letters), letters


def test_menu_bar_has_file_edit_policy_and_help_with_the_clerks_commands(make_window):
    window = make_window()
    found = menus(window)
    assert list(found) == ["文件", "编辑", "政策", "帮助"]
    expected = {
        "文件": ["新建数据文件", "打开数据文件", "备份与恢复", "导出上报文件", "核验上报文件", "打印承诺函", "退出"],
        "编辑": ["撤销", "重做"],
        "政策": ["新建年度政策", "编辑政策", "复制政策", "删除政策", "导入政策文件", "导出政策文件"],
        "帮助": ["政策文件", "关于"],
    }
    for menu, wanted in expected.items():
        for text in wanted:
            assert any(t.startswith(text) for t in found[menu]), (menu, text, found[menu])
    # in the order of the clerk's work: new and open first, quit last
    file_menu = found["文件"]
    assert file_menu[0].startswith("新建数据文件") and file_menu[1].startswith("打开数据文件")
    assert file_menu[-1] == "退出"
    # with a data file open, everything in the file menu can be used
    file_actions = [a for a in window.menuBar().actions()[0].menu().actions() if not a.isSeparator()]
    assert all(a.isEnabled() for a in file_actions), [a.text() for a in file_actions if not a.isEnabled()]


def test_new_data_file_switches_to_an_empty_unit_on_the_profile_tab(qtbot, make_window, tmp_path, monkeypatch):
    old_path = tmp_path / "unit.sqlite"
    window = make_window(old_path)
    type_chinese(window.profile_tab.name_edit, "原来的单位")
    window.tabs.setCurrentIndex(TAB_QUOTA)
    new_path = tmp_path / "新单位.sqlite"
    asked = []
    monkeypatch.setattr(
        file_dialogs, "get_save_file_name", lambda *a, **k: asked.append(a) or (str(new_path), "")
    )

    window.new_action.trigger()

    assert asked, "no file name was asked for"
    assert new_path.exists()
    assert window.workspace.store.path.resolve() == new_path.resolve()
    assert window.tabs.currentIndex() == TAB_PROFILE
    assert window.profile_tab.name_edit.text() == ""
    assert window.profile_tab.welcome_label.isVisible()
    assert "新单位.sqlite" in window.windowTitle() and "原来的单位" not in window.windowTitle()
    assert "已建立新的数据文件" in window.save_label.text()
    # the unit typed before is in the old file, saved on the way out
    with Store.open(old_path, readonly=True) as store:
        assert store.profile().name == "原来的单位"


def test_new_data_file_refuses_to_overwrite_an_existing_file(make_window, tmp_path, monkeypatch, messages):
    window = make_window()
    taken = tmp_path / "taken.sqlite"
    taken.write_bytes(b"not empty")
    monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, **k: (str(taken), ""))
    window.new_action.trigger()
    assert any("新的文件名" in m for m in messages), messages
    assert window.workspace.store.path.name == "unit.sqlite"
    assert taken.read_bytes() == b"not empty"


def test_open_data_file_shows_the_other_units_name(qtbot, make_window, tmp_path, monkeypatch, profile, plan):
    other = tmp_path / "other.sqlite"
    with Store.open(other) as store:
        store.save_profile(profile)
        store.save_plan(plan)
    window = make_window()
    assert profile.name not in window.windowTitle()
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(other), ""))

    window.open_action.trigger()

    assert window.windowTitle().startswith(f"{profile.name} — other.sqlite")
    assert window.profile_tab.name_edit.text() == profile.name
    assert window.quota_tab.reserve_amount_edit.text() == "150,000.00"
    assert not window.readonly


def test_policy_files_dialog_lists_the_shipped_policies(qtbot, make_window, policies):
    window = make_window()
    shown = {}

    def read_and_close(dialog):
        shown["text"] = dialog.browser.toPlainText()
        box = dialog.findChild(QDialogButtonBox, "button_box")
        qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Close), Qt.MouseButton.LeftButton)

    handled = on_next_modal(PolicyDialog, read_and_close)
    window.policies_action.trigger()

    assert handled
    assert len(policies) >= 3
    for policy in policies.values():
        assert policy.name in shown["text"], policy.name
    current = window.document.policy.name
    assert f"{current} （当前适用）" in shown["text"]
    assert shown["text"].count("当前适用") == 1
    assert not handled[0].isVisible()


def table_rows(html: str) -> list[list[str]]:
    """The table's rows as the browser holds them, each a list of its cells' text."""
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)]


def test_about_box_names_the_version_the_data_file_and_the_licences(qtbot, make_window):
    window = make_window()
    shown = {}

    def read_and_close(dialog):
        shown["text"] = dialog.browser.toPlainText()
        shown["rows"] = table_rows(dialog.browser.toHtml())
        shown["folder button"] = dialog.licenses_button.isVisibleTo(dialog)
        box = dialog.findChild(QDialogButtonBox, "button_box")
        qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Close), Qt.MouseButton.LeftButton)

    handled = on_next_modal(AboutDialog, read_and_close)
    window.about_action.trigger()

    assert handled
    text = shown["text"]
    assert __version__ in text and str(window.workspace.store.path) in text
    assert str(paths.settings_file()) in text and "MIT 许可证" in text
    # run from source: every runtime requirement is listed with the licence its metadata states
    for name, licence in [("PySide6_Essentials", "LGPL-3.0"), ("SQLAlchemy", "MIT"), ("openpyxl", "MIT"),
                          ("reportlab", "BSD"), ("Python", "PSF-2.0")]:
        row = next((row for row in shown["rows"] if row[0] == name), None)
        assert row is not None and licence in row[2], (name, shown["rows"])
    assert not shown["folder button"]  # no licenses/ folder beside a source checkout


def test_about_box_in_a_bundle_reads_its_licenses_folder(qtbot, make_window, monkeypatch, tmp_path):
    from desktop832.app import licences

    folder = tmp_path / "licenses"
    folder.mkdir()
    (folder / licences.INDEX).write_text(
        '[{"name": "Qt", "version": "6.12.0", "licence": "LGPL-3.0-only", "files": ["LGPL-3.0.txt"]},'
        ' {"name": "Desktop832Song", "version": "", "licence": "OFL-1.1", "files": ["OFL-Desktop832Song.txt"]}]',
        "utf-8")
    monkeypatch.setattr(paths, "licenses_dir", lambda: folder)
    window = make_window()
    shown = {}

    def read_and_close(dialog):
        shown["text"] = dialog.browser.toPlainText()
        shown["rows"] = table_rows(dialog.browser.toHtml())
        shown["folder button"] = dialog.licenses_button.isVisibleTo(dialog)
        dialog.reject()

    on_next_modal(AboutDialog, read_and_close)
    window.about_action.trigger()
    assert shown["rows"][1:] == [["Qt", "6.12.0", "LGPL-3.0-only"], ["Desktop832Song", "", "OFL-1.1"]]
    assert str(folder) in shown["text"]
    assert "SQLAlchemy" not in shown["text"]  # the bundle's own list, not this machine's packages
    assert shown["folder button"]


def test_quit_closes_the_window_and_frees_the_file(qtbot, make_window, tmp_path):
    path = tmp_path / "unit.sqlite"
    window = make_window(path)
    type_ascii(qtbot, window.quota_tab.canteen_total_edit, "1000")
    window.quit_action.trigger()
    assert not window.isVisible()
    again = make_window(path)
    assert not again.readonly  # the lock went with the closed window
    assert again.quota_tab.canteen_total_edit.text() == "1,000.00"  # saved on the way out


def test_verify_export_file_opens_its_dialog(qtbot, make_window, tmp_path, monkeypatch):
    from openpyxl import Workbook

    window = make_window()
    wrong = tmp_path / "别的表格.xlsx"
    book = Workbook()
    book.active["A1"] = "不是上报文件"
    book.save(wrong)
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(wrong), ""))
    shown = {}

    def read_and_close(dialog):
        qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)  # the file is read off the window's thread
        shown.update(file=dialog.file_edit.text(), verdict=dialog.verdict_label.text(), title=dialog.windowTitle())
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)

    handled = on_next_modal(VerifyDialog, read_and_close)
    window.verify_action.trigger()

    assert handled, "the verify dialog did not show"
    assert shown["title"] == "核验上报文件"
    assert shown["file"] == str(wrong)
    assert "不是 desktop832 导出的上报文件" in shown["verdict"]


# --- undo and redo from the keyboard --------------------------------------------------------------


def test_ctrl_z_right_after_typing_restores_the_old_value(qtbot, make_window):
    window = make_window()
    field = window.quota_tab.canteen_total_edit
    window.tabs.setCurrentIndex(TAB_QUOTA)
    type_ascii(qtbot, field, "1000")
    qtbot.keyClick(field, Qt.Key.Key_Tab)  # on to the next field: "1,000.00"
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "2500")
    assert window.document.plan.canteen_total == 2500

    press(qtbot, Qt.Key.Key_Z, CTRL)

    assert field.text() == "1,000.00"
    assert window.document.plan.canteen_total == 1000


@pytest.fixture
def on_quota_tab(make_window):
    """A window on a new file with 预留份额 shown: ``(window, quota_tab)``."""
    window = make_window()
    window.tabs.setCurrentIndex(TAB_QUOTA)
    return window, window.quota_tab


def test_ctrl_z_in_another_field_undoes_the_last_edit(qtbot, on_quota_tab):
    window, quota = on_quota_tab
    type_ascii(qtbot, quota.canteen_total_edit, "1000000")
    qtbot.keyClick(quota.canteen_total_edit, Qt.Key.Key_Tab)
    assert quota.reserve_ratio_edit.hasFocus()

    press(qtbot, Qt.Key.Key_Z, CTRL)  # the cursor is in an untouched field: the window's undo

    assert window.document.plan.canteen_total is None
    assert quota.canteen_total_edit.text() == ""
    window.redo_action.trigger()
    assert quota.canteen_total_edit.text() == "1,000,000.00"


def test_ctrl_z_again_after_the_field_undid_its_typing_undoes_the_edit_before(qtbot, on_quota_tab):
    window, quota = on_quota_tab
    type_ascii(qtbot, quota.canteen_total_edit, "1000000")
    quota.reserve_amount_edit.setFocus()
    qtbot.keyClicks(quota.reserve_amount_edit, "150000")

    press(qtbot, Qt.Key.Key_Z, CTRL)  # the field takes back its own typing
    assert quota.reserve_amount_edit.text() == "" and window.document.plan.reserve_amount is None
    press(qtbot, Qt.Key.Key_Z, CTRL)  # nothing left in the field: the step before
    assert window.document.plan.canteen_total is None
    assert quota.canteen_total_edit.text() == ""


def test_ctrl_z_in_a_text_box_with_nothing_typed_undoes_the_last_edit(qtbot, on_quota_tab):
    window, quota = on_quota_tab
    type_ascii(qtbot, quota.filed_on_edit, "2024-01-15")
    quota.note_edit.setFocus()
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert window.document.plan.filed_on is None and quota.filed_on_edit.text() == ""


def undo_a_click(qtbot, window):
    """Tick a check box, undo it with Ctrl+Z; the check box keeps the focus."""
    check = window.profile_tab.directly_affiliated_check
    window.tabs.setCurrentIndex(TAB_PROFILE)
    click_check(qtbot, check)
    assert window.document.profile.directly_affiliated and check.hasFocus()
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert not window.document.profile.directly_affiliated and not check.isChecked()
    assert window.redo_action.isEnabled()
    return check


def test_ctrl_y_redoes(qtbot, make_window):
    window = make_window()
    check = undo_a_click(qtbot, window)
    press(qtbot, Qt.Key.Key_Y, CTRL)
    assert window.document.profile.directly_affiliated and check.isChecked()


def test_ctrl_shift_z_redoes(qtbot, make_window):
    window = make_window()
    check = undo_a_click(qtbot, window)
    press(qtbot, Qt.Key.Key_Z, CTRL | SHIFT)
    assert window.document.profile.directly_affiliated and check.isChecked()


def test_redo_keys_are_distinct_and_include_ctrl_shift_z(make_window):
    keys = [k.toString() for k in make_window().redo_action.shortcuts()]
    assert len(keys) == len(set(keys)), keys
    assert "Ctrl+Shift+Z" in keys and "Ctrl+Y" in keys


# --- helpers for the forms ---------------------------------------------------------------------

EDITABLE = (QLineEdit, QComboBox, QAbstractButton, QPlainTextEdit)


def editable_fields(root):
    """The widgets in ``root`` a clerk can type into, choose from, tick or press, as shown now."""
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, EDITABLE):
            continue
        if not (widget.isVisible() and widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            continue
        if isinstance(widget.parentWidget(), QComboBox):  # an editable combo box's own line edit
            continue
        found.append(widget)
    return found


def tab_walk(qtbot, root, first, limit=80):
    """Press Tab from ``first`` until the focus leaves ``root`` or comes back to ``first``.

    Returns the editable widgets the focus visited, in order (read-only views it passes through,
    such as a table of figures, are left out)."""
    first.setFocus(Qt.FocusReason.TabFocusReason)
    assert QApplication.focusWidget() is first
    visited = [first]
    for _ in range(limit):
        current = QApplication.focusWidget()
        qtbot.keyClick(current, Qt.Key.Key_Tab)
        after = QApplication.focusWidget()
        assert after is not current, f"Tab does not leave {current.objectName() or type(current).__name__}"
        if after is first or not root.isAncestorOf(after):
            return [w for w in visited if isinstance(w, EDITABLE)]
        visited.append(after)
    raise AssertionError("Tab never leaves the form")


def assert_reading_order(root, visited, columns=()):
    """Every editable widget visited once, in reading order: column by column (``columns`` names the
    form's side-by-side layouts, left first), within a column top to bottom, and left to right
    within one row."""
    shown = editable_fields(root)
    name = lambda w: w.objectName() or w.text() if isinstance(w, QAbstractButton) else w.objectName()  # noqa: E731
    assert len(set(visited)) == len(visited), [name(w) for w in visited]
    assert set(visited) == set(shown), (
        "never reached: " + str([name(w) for w in shown if w not in visited])
        + " reached though hidden: " + str([name(w) for w in visited if w not in shown])
    )
    layouts = [root.findChild(QLayout, c) for c in columns]
    assert all(layouts), columns

    def where(widget):
        column = 0
        for index, layout in enumerate(layouts):
            centre = widget.mapTo(layout.parentWidget(), widget.rect().center())
            if layout.geometry().contains(centre):
                column = index
        top_left = widget.mapTo(root, QPoint(0, 0))
        return column, top_left.x(), top_left.y(), top_left.y() + widget.height()

    for a, b in zip(visited, visited[1:]):
        (ca, xa, ta, ba), (cb, xb, tb, bb) = where(a), where(b)
        same_row = tb < ba and ta < bb
        in_order = ca < cb or (ca == cb and (tb >= ba or (same_row and xb > xa)))
        assert in_order, f"Tab goes from {name(a)} {where(a)} to {name(b)} {where(b)}"


def any_message(window, text):
    return any(text in m for m in window.findings_panel.messages())


def stored(path):
    with Store.open(path, readonly=True) as store:
        return store.profile(), store.plan(2024), store.purchases(2024)


# --- canteen situations on 单位信息 -------------------------------------------------------------


def test_outsourced_canteen_asks_for_the_contractor_and_the_account(qtbot, make_window):
    window = make_window()
    tab = window.profile_tab
    choose(tab.province_combo, "青海省")  # the 2024 notice that states the outsourcing contract
    assert window.document.policy.id == "qinghai-2024"
    outsourced = (tab.contractor_name_edit, tab.contract_states_policy_check, tab.executing_purchaser_edit,
                  tab.purchaser_account_open_check)
    assert not any(w.isVisible() for w in outsourced)

    choose(tab.canteen_mode_combo, "食堂外包")

    assert window.document.profile.canteen_mode is CanteenMode.OUTSOURCED
    assert all(w.isVisible() for w in outsourced)
    assert not tab.representative_name_edit.isVisible() and not tab.is_representative_check.isVisible()
    assert not tab.meal_arrangement_edit.isVisible() and not tab.letter_button.isVisible()
    assert "承包方" in tab.canteen_hint_label.text()
    account = tab.purchaser_account_open_check
    assert any_message(window, "开通交易账号")
    assert account.property("finding") == "error" and "开通交易账号" in account.toolTip()

    click_check(qtbot, account)
    assert account.isChecked() and window.document.profile.purchaser_account_open
    assert not any_message(window, "开通交易账号")
    assert account.property("finding") == ""

    type_chinese(tab.contractor_name_edit, "某某餐饮管理有限公司")
    click_check(qtbot, tab.contract_states_policy_check)
    assert not any_message(window, "承包方、合同约定和交易账号均已落实")  # the executing purchaser is missing
    type_chinese(tab.executing_purchaser_edit, "某某餐饮管理有限公司")
    assert any_message(window, "承包方、合同约定和交易账号均已落实")

    click_check(qtbot, account)  # unticked again: the finding is back
    assert not window.document.profile.purchaser_account_open
    assert any_message(window, "开通交易账号")


def test_shared_canteen_asks_for_the_representative_unless_this_unit_is_it(qtbot, make_window):
    window = make_window()
    tab = window.profile_tab
    choose(tab.province_combo, "青海省")
    choose(tab.canteen_mode_combo, "共用食堂")
    assert tab.is_representative_check.isVisible()
    assert tab.representative_name_edit.isVisible() and tab.representative_code_edit.isVisible()
    assert tab.representative_name_edit.isEnabled() and tab.representative_code_edit.isEnabled()
    assert not tab.contractor_name_edit.isVisible() and not tab.purchaser_account_open_check.isVisible()
    assert any_message(window, "请填写代表填报单位的名称")

    click_check(qtbot, tab.is_representative_check)

    assert window.document.profile.is_representative
    # this unit reports for the others: whom it names as representative does not apply
    assert not tab.representative_name_edit.isEnabled() and not tab.representative_code_edit.isEnabled()
    assert not any_message(window, "请填写代表填报单位的名称")
    assert any_message(window, "本单位作为代表单位填报")
    assert any_message(window, "请填写年度食堂食材采购总额")  # it reserves the canteen share itself

    click_check(qtbot, tab.is_representative_check)
    assert tab.representative_name_edit.isEnabled() and tab.representative_code_edit.isEnabled()
    type_chinese(tab.representative_name_edit, "测试市机关事务管理局")
    type_ascii(qtbot, tab.representative_code_edit, "91330100716105852E")
    assert any_message(window, "校验位不正确")
    assert tab.representative_code_edit.property("finding") == "warning"  # GB 32100-2015, not a notice
    type_ascii(qtbot, tab.representative_code_edit, "91330100716105852F")
    assert any_message(window, "由“测试市机关事务管理局”代表填报")
    assert not any_message(window, "请填写年度食堂食材采购总额")  # the representative reserves it


# --- 概览 -----------------------------------------------------------------------------------------

OVERVIEW_TODAY = dt.date(2024, 6, 1)


@pytest.fixture
def unit_with_purchases(tmp_path, profile):
    """A complete profile and three purchases, one of them not finished (so it does not count)."""
    path = tmp_path / "unit.sqlite"
    bought = [
        Purchase(date=dt.date(2024, 3, 5), amount=Decimal("20000"), order_no="8320001", supplier="光山县原味农业",
                 paid_on=dt.date(2024, 3, 6)),
        Purchase(date=dt.date(2024, 4, 9), amount=Decimal("13000"), order_no="8320002", supplier="信阳毛尖合作社",
                 paid_on=dt.date(2024, 4, 10)),
        Purchase(date=dt.date(2024, 5, 20), amount=Decimal("5000"), order_no="8320003", supplier="光山县原味农业",
                 state=OrderState.OPEN),
    ]
    with Store.open(path) as store:
        store.save_profile(profile)
        store.add_purchases(bought)
    return path, bought


def test_overview_shows_where_the_unit_stands_and_leads_to_the_problem(qtbot, make_window, unit_with_purchases):
    path, bought = unit_with_purchases
    counted = sum(p.amount for p in bought if p.state is OrderState.DONE)
    assert counted == 33000
    window = make_window(path, today=OVERVIEW_TODAY)
    quota, union, overview = window.quota_tab, window.union_tab, window.overview_tab
    window.tabs.setCurrentIndex(TAB_QUOTA)
    type_ascii(qtbot, quota.canteen_total_edit, "1000000")
    type_ascii(qtbot, quota.reserve_amount_edit, "100000")  # below 15% of 1,000,000
    window.tabs.setCurrentIndex(TAB_UNION)
    type_ascii(qtbot, union.union_farm_total_edit, "100000")
    type_ascii(qtbot, union.union_reserve_edit, "10000")  # below 15% of 100,000

    window.tabs.setCurrentIndex(TAB_OVERVIEW)
    canteen_floor = Decimal("1000000") * 15 / 100
    assert "✖" in overview.canteen_value.text()
    assert "100,000.00" in overview.canteen_value.text() and f"{canteen_floor:,.2f}" in overview.canteen_value.text()
    assert "✖" in overview.union_value.text() and "低于标准" in overview.union_value.text()
    target = Decimal("100000") + Decimal("10000")
    progress = overview.progress_value.text()
    assert f"{counted:,.2f}" in progress and f"{target:,.2f}" in progress and "30%" in progress
    assert overview.progress_bar.value() == int(counted * 100 / target) == 30
    assert overview.progress_bar.text() == "30%"

    assert "食堂预留金额 100,000.00 元低于" in overview.first_problem_label.text()
    qtbot.mouseClick(overview.first_problem_button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentIndex() == TAB_QUOTA
    assert quota.reserve_amount_edit.hasFocus()

    type_ascii(qtbot, quota.reserve_amount_edit, "150000")
    window.tabs.setCurrentIndex(TAB_OVERVIEW)
    assert "✔" in overview.canteen_value.text() and "150,000.00" in overview.canteen_value.text()
    assert "✖" in overview.union_value.text()
    assert "工会预留金额 10,000.00 元低于标准" in overview.first_problem_label.text()
    qtbot.mouseClick(overview.first_problem_button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentIndex() == TAB_UNION
    assert union.union_reserve_edit.hasFocus()

    type_ascii(qtbot, union.union_reserve_edit, "15000")
    window.tabs.setCurrentIndex(TAB_OVERVIEW)
    assert "✔" in overview.union_value.text() and "达到标准" in overview.union_value.text()
    target = Decimal("150000") + Decimal("15000")
    progress = overview.progress_value.text()
    assert f"{counted:,.2f}" in progress and f"{target:,.2f}" in progress and "20%" in progress
    assert overview.progress_bar.value() == int(counted * 100 / target) == 20
    assert overview.progress_bar.text() == "20%"

    window.tabs.setCurrentIndex(TAB_QUOTA)
    type_ascii(qtbot, quota.reserve_amount_edit, "10000")  # the reserve is 25,000 now: 33,000 is past it
    window.tabs.setCurrentIndex(TAB_OVERVIEW)
    # past the reserve the bar stops at its end but says the share, as the purchase log's does
    assert overview.progress_bar.value() == 100 and overview.progress_bar.text() == "132%"
    assert "132%" in overview.progress_value.text()


# --- tab order ------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", list(CanteenMode), ids=lambda m: m.name)
def test_tab_on_the_profile_goes_down_the_left_column_then_the_right(qtbot, make_window, mode):
    window = make_window()
    tab = window.profile_tab
    choose(tab.canteen_mode_combo, mode.value)
    visited = tab_walk(qtbot, tab, tab.name_edit)
    assert_reading_order(tab, visited, columns=("column0", "column1"))
    assert visited[-1] in (tab.canteen_mode_combo, tab.contractor_name_edit, tab.purchaser_account_open_check,
                           tab.representative_code_edit, tab.letter_button)
    assert window.document.profile.meal_arrangement == ""  # Tab moved on, it typed nothing


def test_tab_on_the_quota_goes_down_the_left_column_then_the_right(qtbot, on_quota_tab):
    window, quota = on_quota_tab
    type_ascii(qtbot, quota.canteen_total_edit, "1000000")
    type_ascii(qtbot, quota.reserve_amount_edit, "100000")
    type_ascii(qtbot, quota.last_year_amount_edit, "160000")  # the drop explanation is now wanted
    assert quota.drop_explanation_edit.isEnabled()
    visited = tab_walk(qtbot, quota, quota.policy_combo)
    assert_reading_order(quota, visited, columns=("column0", "column1"))
    assert visited.index(quota.drop_explanation_edit) < visited.index(quota.filing_status_combo)
    # the filing's attachments below the record close the column: the kind and 添加附件…
    view = quota.attachments_view
    assert visited[-3:] == [quota.note_edit, view.kind_combo, view.add_button]
    assert window.document.plan.drop_explanation == "" and window.document.plan.note == ""


def test_tab_on_the_union_goes_top_to_bottom(qtbot, make_window):
    window = make_window()
    union = window.union_tab
    window.tabs.setCurrentIndex(TAB_UNION)
    visited = tab_walk(qtbot, union, union.u_has_union_funds_check)
    assert_reading_order(union, visited)
    assert visited == [union.u_has_union_funds_check, union.u_union_members_edit, union.u_employees_edit,
                       union.welfare_total_edit, union.union_farm_total_edit, union.union_funds_total_edit,
                       union.union_reserve_edit, union.last_year_union_reserve_edit]


# --- saving -----------------------------------------------------------------------------------------


def test_status_bar_says_saved_with_the_time(qtbot, make_window, tmp_path):
    window = make_window()
    type_ascii(qtbot, window.quota_tab.canteen_total_edit, "4321")
    assert window.save_label.text() == "有未保存的修改…"
    qtbot.waitUntil(lambda: re.fullmatch(r"已保存 \d{2}:\d{2}:\d{2}", window.save_label.text()) is not None,
                    timeout=2000)
    assert stored(tmp_path / "unit.sqlite")[1].canteen_total == Decimal("4321.00")


class FullDisk:
    """Makes a window's plan saves fail the way a full disk does, until ``room()``."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.full = True

    def fill(self, window):
        store = window.workspace.store
        save_plan = store.save_plan

        def failing(plan):
            if self.full:
                raise StoreError("磁盘已满，刚才的修改没有保存。请清理磁盘空间后再试，已保存的数据不受影响。", "full")
            save_plan(plan)

        self.monkeypatch.setattr(store, "save_plan", failing)

    def room(self):
        self.full = False


@pytest.fixture
def full_disk(monkeypatch):
    return FullDisk(monkeypatch)


def answer_close_question(qtbot, button_text, before_clicking=lambda: None):
    """When the window asks whether to close without saving, click the button reading
    ``button_text``; returns what the box said (filled in once it was answered)."""
    said = {}

    def click(box):
        said["text"] = box.text()
        said["buttons"] = sorted(b.text() for b in box.buttons())
        [button] = [b for b in box.buttons() if re.sub(r"\(&\w\)", "", b.text()) == button_text]
        before_clicking()
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    on_next_modal(QMessageBox, click)
    return said


def test_close_after_a_failed_save_cancel_keeps_the_window_and_the_value(qtbot, make_window, full_disk, tmp_path):
    window = make_window()
    try:
        full_disk.fill(window)
        field = window.quota_tab.canteen_total_edit
        type_ascii(qtbot, field, "8888")
        qtbot.waitUntil(lambda: window.save_label.text().startswith("未保存"), timeout=2000)
        assert "磁盘已满" in window.save_label.text()

        said = answer_close_question(qtbot, "取消")
        assert not window.close()

        assert said["buttons"] == sorted(["重试(&R)", "丢弃(&D)", "取消(&C)"])  # each with its letter
        assert "磁盘已满" in said["text"] and "未保存的修改将丢失" in said["text"]
        assert window.isVisible() and window.workspace is not None
        assert field.text() == "8,888.00"  # what was typed is still there (formatted as the cursor left)
        assert window.document.plan.canteen_total == Decimal("8888.00") and window.isWindowModified()

        answer_close_question(qtbot, "丢弃")
        assert window.close()
        assert not window.isVisible()
        assert stored(tmp_path / "unit.sqlite")[1].canteen_total is None  # thrown away, as the clerk chose
    finally:
        full_disk.room()  # a window a failed assertion left open closes without asking


def test_close_after_a_failed_save_retry_saves_once_the_disk_has_room(qtbot, make_window, full_disk, tmp_path):
    window = make_window()
    try:
        full_disk.fill(window)
        type_ascii(qtbot, window.quota_tab.canteen_total_edit, "7777")

        said = answer_close_question(qtbot, "重试")
        assert not window.close()  # still full: the window stays
        assert said and window.isVisible()

        answer_close_question(qtbot, "重试", before_clicking=full_disk.room)  # the clerk freed some space
        assert window.close()
        assert not window.isVisible()
        assert stored(tmp_path / "unit.sqlite")[1].canteen_total == Decimal("7777.00")
    finally:
        full_disk.room()  # a window a failed assertion left open closes without asking
