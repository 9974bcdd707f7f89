"""Menu actions of the main window that open the export, import and letter features."""

from decimal import Decimal

from PySide6.QtWidgets import QDialog

from desktop832.ui import file_dialogs
from desktop832.domain.model import FilingStatus
from desktop832.ui.dialogs import export as export_dialog, import_orders as import_dialog
from desktop832.ui.main_window import TAB_PURCHASES

from .exchange_helpers import write_orders_xlsx
from .gui_helpers import choose, settled, type_ascii


def test_export_from_the_menu_marks_the_year_exported(qtbot, make_window, tmp_path, monkeypatch, messages):
    window = make_window()
    type_ascii(qtbot, window.quota_tab.canteen_total_edit, "1000000")
    type_ascii(qtbot, window.quota_tab.reserve_amount_edit, "150000")
    target = tmp_path / "上报.xlsx"
    monkeypatch.setattr(export_dialog, "choose_path", lambda *a: target)
    shown = []
    monkeypatch.setattr(export_dialog.ExportDoneDialog, "exec", lambda self: shown.append(self) or QDialog.DialogCode.Accepted)
    window.export_action.trigger()
    assert not window.export_action.isEnabled()  # no second export while the file is written
    qtbot.waitUntil(lambda: bool(shown) and window.quota_tab.filing_status_combo.currentText() == FilingStatus.EXPORTED.value, timeout=10_000)
    qtbot.waitUntil(window.export_action.isEnabled)
    assert target.exists(), messages
    assert window.quota_tab.filing_status_combo.currentText() == FilingStatus.EXPORTED.value
    assert window.quota_tab.filed_on_edit.text() == "2024-02-01"
    assert window.workspace.store.plan(2024).reserve_amount == Decimal("150000.00")
    assert not window.undo_action.isEnabled()  # an undo must not take the export back


def test_import_from_the_menu_fills_the_purchase_log(qtbot, make_window, tmp_path, monkeypatch, messages):
    window = make_window()
    choose(window.profile_tab.province_combo, "青海省")  # a notice that says what counts
    orders = write_orders_xlsx(tmp_path / "orders.xlsx")
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(orders), ""))

    def run_dialog(dialog):
        # the clerk accepts the column page and the preview, waiting for each step
        while settled(qtbot, dialog).next_button.isEnabled() and not dialog.changed:
            dialog.next_button.click()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(import_dialog.ImportOrdersDialog, "exec", run_dialog)
    before = window.document.tally.count
    window.import_action.trigger()
    assert window.document.tally.count == before + 4
    window.tabs.setCurrentIndex(TAB_PURCHASES)
    assert window.purchase_tab.model.rowCount() == 4
    assert any("不计入" in m or "未完结" in m or "已退款" in m for m in window.findings_panel.messages())


def test_letter_from_the_menu_opens_the_preview(qtbot, make_window, monkeypatch):
    from desktop832.ui.dialogs.letter import LetterDialog

    window = make_window()
    opened = []
    monkeypatch.setattr(LetterDialog, "exec", lambda self: opened.append(self) or QDialog.DialogCode.Rejected)
    window.letter_action.trigger()
    [dialog] = opened
    dialog.deleteLater()


def test_an_import_and_its_re_import_changes_are_one_undo_step_each(qtbot, make_window, tmp_path, monkeypatch, messages):
    from desktop832.documents.order_fields import StateMeaning
    from desktop832.domain.model import OrderState
    from desktop832.ui.dialogs.import_orders import TABS

    from .test_order_lists import order, xlsx

    window = make_window()
    store = window.workspace.store
    first = xlsx(tmp_path / "march.xlsx", [order("832W1", "1000.00"), order("832W2", "10.00", "已验收待付款")])
    later = xlsx(tmp_path / "april.xlsx", [order("832W1", "900.00"), order("832W2", "10.00", "已验收待付款"),
                                           order("832W3", "5.00")])
    chosen = {"path": first}
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(chosen["path"]), ""))
    seen = {}

    def run_dialog(dialog):
        settled(qtbot, dialog)
        if dialog.preview.unmapped_states:
            # the preview opens on the state page: the clerk picks what the unknown text means
            assert dialog.preview_tabs.currentIndex() == TABS.index("states") and not dialog.next_button.isEnabled()
            combo = dialog.state_combo("已验收待付款")
            combo.setCurrentIndex(combo.findData(StateMeaning.OPEN))
        seen["changes"] = dialog.changes_view.model().rowCount()
        seen["change"] = dialog.changes_view.model().index(0, 3).data() if seen["changes"] else None
        assert dialog.next_button.isEnabled()
        dialog.next_button.click()
        settled(qtbot, dialog)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(import_dialog.ImportOrdersDialog, "exec", run_dialog)
    window.import_action.trigger()
    assert {p.order_no: p.state for p in store.purchases()} == {"832W1": OrderState.DONE, "832W2": OrderState.OPEN}
    assert window.undo_action.isEnabled() and "导入平台订单" in window.undo_action.text()

    chosen["path"] = later  # the state is remembered: no question this time
    window.import_action.trigger()
    assert seen == {"changes": 1, "change": "计入金额 1,000.00 → 900.00"}
    amounts = {p.order_no: p.amount for p in store.purchases()}
    assert amounts == {"832W1": Decimal("900.00"), "832W2": Decimal("10.00"), "832W3": Decimal("5.00")}

    window.undo_action.trigger()  # the re-import: its new order and its change, together
    assert {p.order_no: p.amount for p in store.purchases()} == {"832W1": Decimal("1000.00"), "832W2": Decimal("10.00")}
    window.tabs.setCurrentIndex(TAB_PURCHASES)
    assert window.purchase_tab.model.rowCount() == 2
    window.undo_action.trigger()  # the first import
    assert store.purchases() == [] and window.purchase_tab.model.rowCount() == 0
    window.redo_action.trigger()
    window.redo_action.trigger()
    assert {p.order_no: p.amount for p in store.purchases()} == amounts
    assert window.purchase_tab.model.rowCount() == 3


def test_the_letter_from_the_menu_carries_the_last_exports_fingerprint(qtbot, make_window, tmp_path, monkeypatch, messages):
    import io

    import pypdf

    from desktop832.ui.dialogs.letter import LetterDialog

    window = make_window()
    type_ascii(qtbot, window.quota_tab.canteen_total_edit, "1000000")
    type_ascii(qtbot, window.quota_tab.reserve_amount_edit, "150000")
    target = tmp_path / "上报.xlsx"
    monkeypatch.setattr(export_dialog, "choose_path", lambda *a: target)
    done = []
    monkeypatch.setattr(export_dialog.ExportDoneDialog, "exec", lambda self: done.append(self) or QDialog.DialogCode.Accepted)
    window.export_action.trigger()
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    fingerprint = done[0].result.fingerprint
    opened = []
    monkeypatch.setattr(LetterDialog, "exec", lambda self: opened.append(self) or QDialog.DialogCode.Rejected)
    window.letter_action.trigger()
    [dialog] = opened
    assert dialog.fingerprint == fingerprint
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(dialog.rendered.pdf)).pages)
    assert fingerprint in "".join(text.split())
    dialog.deleteLater()


def test_the_log_shows_refunds_delivery_dates_and_hand_edits_a_re_import_keeps(qtbot, make_window, tmp_path, monkeypatch, messages):
    import datetime as dt

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    from desktop832.ui.purchases.fields import COLUMN_KEYS, HAND_EDITED_TIP

    from .test_order_lists import HEADERS, order, xlsx

    window = make_window()
    store = window.workspace.store
    headers = HEADERS + ["退款金额"]
    first = xlsx(tmp_path / "march.xlsx", headers=headers, rows=[
        order("832V1", "1000.00", "部分退款") + ["100.00"],
        order("832V2", "500.00", "已完结") + [None],
        order("832V2", "-500.00", "退款") + [None],  # a refund line: refunded in full
        order("832V3", "300.00", "待验货", paid="", delivered="") + [None],
        order("832V4", "40.00", date="2024-03-20 09:00:00") + [None],
    ])
    later = xlsx(tmp_path / "april.xlsx", headers=headers, rows=[
        order("832V1", "1000.00", "部分退款", paid="2024-03-09 10:00:00") + ["100.00"],
        order("832V2", "500.00", "已完结") + [None], order("832V2", "-500.00", "退款") + [None],
        order("832V3", "300.00", "已完结", paid="2024-03-12 10:00:00", delivered="2024-03-10 10:00:00") + [None],
        order("832V5", "20.00", date="2024-03-31 09:00:00") + [None],
    ])  # 832V4 (20 March), inside the period the list covers, is no longer in it
    chosen = {"path": first}
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(chosen["path"]), ""))
    seen = {}

    def run_dialog(dialog):
        settled(qtbot, dialog)
        seen["missing"] = [dialog.missing_view.model().index(r, 0).data() for r in range(dialog.missing_view.model().rowCount())]
        seen["changes"] = [dialog.changes_view.model().index(r, 3).data() for r in range(dialog.changes_view.model().rowCount())]
        dialog.next_button.click()
        settled(qtbot, dialog)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(import_dialog.ImportOrdersDialog, "exec", run_dialog)
    window.import_action.trigger()
    window.tabs.setCurrentIndex(TAB_PURCHASES)
    tab = window.purchase_tab
    col = {key: i for i, key in enumerate(COLUMN_KEYS)}

    def shown(order_no, key, role=Qt.ItemDataRole.DisplayRole):
        row = next(r for r in range(tab.model.rowCount()) if tab.model.index(r, col["order_no"]).data() == order_no)
        return tab.model.index(row, col[key]).data(role)

    # a partial refund keeps the rest counted; a refund in full counts nothing; both are shown
    assert (shown("832V1", "amount"), shown("832V1", "refunded"), shown("832V1", "counted")) == ("900.00", "100.00", "计入")
    assert "部分退款" in shown("832V1", "refunded", Qt.ItemDataRole.ToolTipRole)
    assert (shown("832V2", "amount"), shown("832V2", "refunded"), shown("832V2", "state")) == ("0.00", "500.00", "已退款")
    assert "全额退款" in shown("832V2", "refunded", Qt.ItemDataRole.ToolTipRole)
    assert shown("832V1", "delivered_on") == "2024-03-05" and shown("832V3", "delivered_on") == ""

    # the clerk corrects 832V1's payment date in the log: the cell is marked as set by hand
    row = next(r for r in range(tab.model.rowCount()) if tab.model.index(r, col["order_no"]).data() == "832V1")
    tab.table.selectRow(row)
    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)  # 用表单编辑…
    form = tab.dialog.form
    type_ascii(qtbot, form.paid_on_edit, "2024-03-03")
    with qtbot.waitSignal(tab.purchasesChanged):
        qtbot.mouseClick(form.button_box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert shown("832V1", "paid_on") == "2024-03-03"
    assert shown("832V1", "paid_on", Qt.ItemDataRole.FontRole).italic()
    assert HAND_EDITED_TIP in shown("832V1", "paid_on", Qt.ItemDataRole.ToolTipRole)
    assert shown("832V1", "amount", Qt.ItemDataRole.FontRole) is None  # only the field edited

    chosen["path"] = later
    window.import_action.trigger()
    assert seen["missing"] == ["832V4"]
    assert seen["changes"] == ["付款日期 2024-03-03 → 2024-03-09（手工修改过，保留台账中的值）",
                               "订单状态 未完结 → 已完结；付款日期 空 → 2024-03-12；收货日期 空 → 2024-03-10"]
    by_no = {p.order_no: p for p in store.purchases()}
    assert by_no["832V1"].paid_on == dt.date(2024, 3, 3) and "832V4" in by_no  # kept, never deleted
    assert (shown("832V3", "state"), shown("832V3", "delivered_on")) == ("已完结", "2024-03-10")
    assert shown("832V1", "paid_on", Qt.ItemDataRole.FontRole).italic()

    window.undo_action.trigger()  # the re-import, through 编辑 → 撤销
    assert (shown("832V3", "state"), shown("832V3", "delivered_on")) == ("未完结", "")
    window.redo_action.trigger()
    assert (shown("832V3", "state"), shown("832V3", "delivered_on")) == ("已完结", "2024-03-10")
    assert shown("832V1", "paid_on") == "2024-03-03"
