"""The import, export and verify dialogs, driven as a clerk would (headless)."""

import time

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from desktop832.domain.model import FilingStatus, Purpose
from desktop832.app.importing import load_layouts
from desktop832.documents import order_mapping as columns
from desktop832.documents.order_fields import Field
from desktop832.documents.progress import Cancelled
from desktop832.ui.dialogs import export as export_dialog, import_orders as import_dialog
from desktop832.ui.background_task import run_in_background
from desktop832.ui.dialogs.export import ExportDoneDialog, export_with_dialog
from desktop832.ui.dialogs.import_orders import COLUMNS_PAGE, PREVIEW_PAGE, TABS, ImportOrdersDialog
from desktop832.ui.dialogs.verify import VerifyDialog

from .exchange_helpers import ORDER_HEADERS, ORDER_ROWS, sample_purchases, workspace, write_orders_csv, write_orders_xlsx


@pytest.fixture
def ws(tmp_path, profile, plan):
    w = workspace(tmp_path / "unit.sqlite", profile, plan)
    yield w
    w.close()


def test_import_maps_previews_and_commits(qtbot, ws, tmp_path, messages):
    path = write_orders_xlsx(tmp_path / "orders.xlsx")
    dialog = ImportOrdersDialog(None, ws, path)
    qtbot.addWidget(dialog)
    # 收货人 is not a known column: the clerk is asked once
    assert dialog.pages.currentIndex() == COLUMNS_PAGE
    assert dialog.columns_table.item(7, 0).text() == "收货人" and dialog.column_combo(7).currentText() == "不导入"
    assert dialog.next_button.isEnabled()
    dialog.next_button.click()
    assert dialog.pages.currentIndex() == PREVIEW_PAGE
    tabs = dialog.preview_tabs
    assert [tabs.tabText(TABS.index(t)) for t in ("new", "not_counted", "known", "skipped", "errors")] == [
        "新增并计入（2）", "新增但不计入（2）", "台账中已有（0）", "跳过的行（1）", "有错误（0）"]
    # empty groups are not shown; the title line above the header is listed as skipped
    assert not tabs.isTabVisible(TABS.index("known")) and tabs.isTabVisible(TABS.index("skipped"))
    assert dialog.skipped_view.model().index(0, 1).data() == "表头上方的标题或说明行"
    assert dialog.new_view.model().rowCount() == 2
    assert dialog.new_view.model().index(0, 1).data() == "8322024030100001"
    dialog.purpose_combo.setCurrentText(Purpose.STATE_ENTERPRISE.value)
    assert dialog.preview_tabs.tabText(0) == "新增并计入（0）"  # the 2024 policy does not count this purpose
    dialog.purpose_combo.setCurrentText(Purpose.UNION.value)
    dialog.next_button.click()
    assert dialog.changed and dialog.result.added == 4
    assert messages[-1].startswith("已导入 4 笔订单")
    assert {p.purpose for p in ws.store.purchases()} == {Purpose.UNION}
    assert load_layouts(ws.store)[columns.layout_key(ORDER_HEADERS)].columns == {"收货人": None}

    again = ImportOrdersDialog(None, ws, path)  # remembered: straight to the preview
    qtbot.addWidget(again)
    assert again.pages.currentIndex() == PREVIEW_PAGE
    assert again.purpose is Purpose.UNION
    assert again.preview_tabs.tabText(TABS.index("known")) == "台账中已有（4）" and not again.next_button.isEnabled()


def test_a_missing_column_is_chosen_by_the_clerk(qtbot, ws, tmp_path, messages):
    headers = ORDER_HEADERS[:4] + ["付款"] + ORDER_HEADERS[5:7]
    path = write_orders_csv(tmp_path / "o.csv", "gbk", headers, [r[:7] for r in ORDER_ROWS])
    dialog = ImportOrdersDialog(None, ws, path)
    qtbot.addWidget(dialog)
    assert dialog.pages.currentIndex() == COLUMNS_PAGE
    assert "缺少“实付金额”列" in dialog.columns_problem.text() and not dialog.next_button.isEnabled()
    combo = dialog.column_combo(4)
    combo.setCurrentIndex(combo.findData(Field.AMOUNT))
    assert dialog.columns_problem.text() == "" and dialog.next_button.isEnabled()
    combo0 = dialog.column_combo(0)
    combo0.setCurrentIndex(combo0.findData(Field.AMOUNT))  # moving the field clears the other column
    assert dialog.column_combo(4).currentText() == "不导入" and not dialog.next_button.isEnabled()
    combo.setCurrentIndex(combo.findData(Field.AMOUNT))
    combo0.setCurrentIndex(combo0.findData(Field.ORDER_NO))
    dialog.next_button.click()
    assert dialog.pages.currentIndex() == PREVIEW_PAGE and dialog.preview.new
    assert load_layouts(ws.store)[columns.layout_key(headers)].columns["付款"] is Field.AMOUNT
    dialog.back_button.click()
    assert dialog.pages.currentIndex() == COLUMNS_PAGE


def test_rows_with_errors_need_the_clerk_to_skip_them(qtbot, ws, tmp_path, messages):
    rows = [r[:] for r in ORDER_ROWS]
    rows[0][4] = "abc"
    dialog = ImportOrdersDialog(None, ws, write_orders_csv(tmp_path / "e.csv", "utf-8", ORDER_HEADERS[:7], [r[:7] for r in rows]))
    qtbot.addWidget(dialog)
    assert dialog.pages.currentIndex() == PREVIEW_PAGE and dialog.preview_tabs.currentIndex() == TABS.index("errors")
    assert dialog.errors_view.model().index(0, 0).data() == "2"
    assert dialog.errors_view.model().index(0, 1).data() == "实付金额"
    assert not dialog.next_button.isEnabled()
    dialog.skip_errors_check.setChecked(True)
    assert dialog.next_button.isEnabled()


def test_an_unreadable_file_says_why_on_the_first_page(qtbot, ws, tmp_path, messages):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(write_orders_xlsx(tmp_path / "ok.xlsx").read_bytes()[:300])
    dialog = ImportOrdersDialog(None, ws, path)
    qtbot.addWidget(dialog)
    assert dialog.pages.currentIndex() == 0 and "损坏或不完整" in dialog.file_problem.text()
    assert not dialog.next_button.isEnabled()


def test_cancelling_the_import_writes_nothing(qtbot, ws, tmp_path, messages, monkeypatch):
    dialog = ImportOrdersDialog(None, ws, write_orders_csv(tmp_path / "o.csv", "utf-8", ORDER_HEADERS[:7], [r[:7] for r in ORDER_ROWS]))
    qtbot.addWidget(dialog)

    def cancelling(parent, title, label, work, **kw):
        def progress(done, total):
            if done:
                raise Cancelled
        return work(progress)

    monkeypatch.setattr(import_dialog, "run_in_background", cancelling)
    dialog.next_button.click()
    assert messages[-1] == "已取消，未导入任何数据。" and not dialog.changed
    assert ws.store.purchases() == []


def test_background_work_can_be_cancelled(qtbot):
    def work(progress):
        for i in range(2000):
            progress(i, 2000)
            time.sleep(0.002)
        return "done"

    def press_cancel():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QProgressDialog):
                widget.canceled.emit()  # what its cancel button and closing it do

    QTimer.singleShot(50, press_cancel)
    with pytest.raises(Cancelled):
        run_in_background(None, "t", "l", work)
    assert run_in_background(None, "t", "l", lambda progress: 42) == 42
    with pytest.raises(ZeroDivisionError):
        run_in_background(None, "t", "l", lambda progress: 1 / 0)


def export_and_wait(qtbot, w, year, path):
    """The export dialog returns at once; the result comes once the worker has written the file."""
    results = []
    task = export_with_dialog(None, w, year, path, on_exported=results.append)
    if task is None:
        return None
    assert not results  # returned before the file was written and shown
    with qtbot.waitSignal(task.finished, timeout=20_000):
        pass
    return results[0] if results else None


def test_export_dialog_writes_marks_and_shows_the_fingerprint(qtbot, tmp_path, profile, plan, messages, monkeypatch):
    w = workspace(tmp_path / "e.sqlite", profile, plan.with_(filing_status=FilingStatus.SUPERVISOR_CONFIRMED), sample_purchases(4))
    shown = []
    monkeypatch.setattr(ExportDoneDialog, "exec", lambda self: shown.append(self) or 1)
    result = export_and_wait(qtbot, w, 2024, tmp_path / "up.xlsx")
    assert result is not None and result.plan.filing_status is FilingStatus.EXPORTED
    assert w.store.plan(2024).filing_status is FilingStatus.EXPORTED
    (done,) = shown
    assert done.fingerprint_edit.text() == result.fingerprint and done.short_label.text() == result.short_fingerprint
    done.copy_button.click()
    assert QApplication.clipboard().text() == result.fingerprint
    assert w.store.setting(export_dialog.LAST_DIR_KEY) == str(tmp_path)

    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.No))
    w.store.save_plan(plan.with_(filing_status=FilingStatus.FINANCE_CONFIRMED))
    assert export_with_dialog(None, w, 2024, tmp_path / "again.xlsx") is None  # the clerk said no
    assert not (tmp_path / "again.xlsx").exists()
    assert export_with_dialog(None, w, 2031, tmp_path / "none.xlsx") is None
    assert "2031 年度还没有填报数据" in messages[-1]
    w.close()


def test_verify_dialog_reports_unchanged_and_changed(qtbot, tmp_path, profile, plan, messages, monkeypatch):
    w = workspace(tmp_path / "v.sqlite", profile, plan, sample_purchases(3))
    monkeypatch.setattr(ExportDoneDialog, "exec", lambda self: 1)
    result = export_and_wait(qtbot, w, 2024, tmp_path / "up.xlsx")
    dialog = VerifyDialog(None, w.library, result.path)
    qtbot.addWidget(dialog)
    assert dialog.verdict_label.text().startswith("✔ 导出后未被改动")
    assert result.fingerprint in dialog.report_text.toPlainText()
    wb = load_workbook(result.path)
    wb["汇总数据"]["I2"] = 1
    wb.save(result.path)
    dialog.verify(result.path)
    assert dialog.verdict_label.text().startswith("✘") and "汇总数据 I2" in dialog.report_text.toPlainText()
    (tmp_path / "x.xlsx").write_bytes(b"not a workbook")
    dialog.verify(tmp_path / "x.xlsx")
    assert "不是 .xlsx 文件" in dialog.verdict_label.text()
    w.close()


def test_a_list_that_hides_its_size_is_refused_while_read_in_the_background(qtbot, ws, tmp_path, messages, monkeypatch):
    # the sheet does not say how many rows it has: the dialog opens it, then the worker reading it
    # (behind the progress dialog with 取消) stops once it passes the limit; nothing is written
    import re
    import zipfile

    from desktop832.documents import spreadsheets

    from .test_order_lists import order, xlsx

    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 50)
    plain = xlsx(tmp_path / "plain.xlsx", [order(f"832L{i}") for i in range(120)])
    hidden = tmp_path / "hidden.xlsx"
    with zipfile.ZipFile(plain) as good, zipfile.ZipFile(hidden, "w", zipfile.ZIP_DEFLATED) as out:
        for info in good.infolist():
            data = good.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            out.writestr(info, data)
    ran = []

    def spy(parent, title, label, work, **kw):
        ran.append(label)
        return run_in_background(parent, title, label, work, **kw)

    monkeypatch.setattr(import_dialog, "run_in_background", spy)
    dialog = ImportOrdersDialog(None, ws, hidden)
    qtbot.addWidget(dialog)
    assert ran == ["正在打开文件…", "正在读取 hidden.xlsx…"]
    assert "超出订单列表的合理规模（最多 50 行）" in messages[-1] and dialog.pages.currentIndex() != PREVIEW_PAGE
    assert ws.store.purchases() == [] and not dialog.changed
