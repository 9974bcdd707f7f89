"""The import, export and verify dialogs, driven as a clerk would (headless)."""

import threading

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from desktop832.domain.model import FilingStatus, Purpose
from desktop832.app.importing import load_layouts
from desktop832.documents import order_mapping as columns
from desktop832.documents.order_fields import Field
from desktop832.ui.dialogs import export as export_dialog, import_orders as import_dialog
from desktop832.ui.dialogs.export import ExportDoneDialog, export_with_dialog
from desktop832.ui.dialogs.import_orders import COLUMNS_PAGE, PREVIEW_PAGE, TABS, ImportOrdersDialog
from desktop832.ui.dialogs.verify import VerifyDialog

from .gui_helpers import settled
from .exchange_helpers import ORDER_HEADERS, ORDER_ROWS, sample_purchases, workspace, write_orders_csv, write_orders_xlsx


def opened(qtbot, dialog):
    qtbot.addWidget(dialog)
    return settled(qtbot, dialog)


@pytest.fixture
def ws(tmp_path, profile, plan):
    w = workspace(tmp_path / "unit.sqlite", profile, plan)
    yield w
    w.close()


def test_import_maps_previews_and_commits(qtbot, ws, tmp_path, messages):
    path = write_orders_xlsx(tmp_path / "orders.xlsx")
    dialog = opened(qtbot, ImportOrdersDialog(None, ws, path))
    # 收货人 is not a known column: the clerk is asked once
    assert dialog.pages.currentIndex() == COLUMNS_PAGE
    assert dialog.columns_table.item(7, 0).text() == "收货人" and dialog.column_combo(7).currentText() == "不导入"
    assert dialog.next_button.isEnabled()
    dialog.next_button.click()
    # the list is read on a worker thread: meanwhile nothing can start a second step
    assert dialog.busy and not dialog.next_button.isEnabled() and not dialog.back_button.isEnabled()
    assert not dialog.browse_button.isEnabled()
    settled(qtbot, dialog)
    assert dialog.pages.currentIndex() == PREVIEW_PAGE and dialog.browse_button.isEnabled()
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
    settled(qtbot, dialog)
    assert dialog.changed and dialog.result.added == 4
    assert messages[-1].startswith("已导入 4 笔订单")
    assert {p.purpose for p in ws.store.purchases()} == {Purpose.UNION}
    assert load_layouts(ws.store)[columns.layout_key(ORDER_HEADERS)].columns == {"收货人": None}

    again = opened(qtbot, ImportOrdersDialog(None, ws, path))  # remembered: straight to the preview
    assert again.pages.currentIndex() == PREVIEW_PAGE
    assert again.purpose is Purpose.UNION
    assert again.preview_tabs.tabText(TABS.index("known")) == "台账中已有（4）" and not again.next_button.isEnabled()


def test_a_missing_column_is_chosen_by_the_clerk(qtbot, ws, tmp_path, messages):
    headers = ORDER_HEADERS[:4] + ["付款"] + ORDER_HEADERS[5:7]
    path = write_orders_csv(tmp_path / "o.csv", "gbk", headers, [r[:7] for r in ORDER_ROWS])
    dialog = opened(qtbot, ImportOrdersDialog(None, ws, path))
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
    settled(qtbot, dialog)
    assert dialog.pages.currentIndex() == PREVIEW_PAGE and dialog.preview.new
    assert load_layouts(ws.store)[columns.layout_key(headers)].columns["付款"] is Field.AMOUNT
    dialog.back_button.click()
    assert dialog.pages.currentIndex() == COLUMNS_PAGE


def test_rows_with_errors_need_the_clerk_to_skip_them(qtbot, ws, tmp_path, messages):
    rows = [r[:] for r in ORDER_ROWS]
    rows[0][4] = "abc"
    dialog = opened(qtbot, ImportOrdersDialog(None, ws, write_orders_csv(tmp_path / "e.csv", "utf-8", ORDER_HEADERS[:7], [r[:7] for r in rows])))
    assert dialog.pages.currentIndex() == PREVIEW_PAGE and dialog.preview_tabs.currentIndex() == TABS.index("errors")
    assert dialog.errors_view.model().index(0, 0).data() == "2"
    assert dialog.errors_view.model().index(0, 1).data() == "实付金额"
    assert not dialog.next_button.isEnabled()
    dialog.skip_errors_check.setChecked(True)
    assert dialog.next_button.isEnabled()


def test_an_unreadable_file_says_why_on_the_first_page(qtbot, ws, tmp_path, messages):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(write_orders_xlsx(tmp_path / "ok.xlsx").read_bytes()[:300])
    dialog = opened(qtbot, ImportOrdersDialog(None, ws, path))
    assert dialog.pages.currentIndex() == 0 and "损坏或不完整" in dialog.file_problem.text()
    assert not dialog.next_button.isEnabled()


def slowed_commit(monkeypatch):
    """The import's write waits at its first progress report until ``gate`` is set."""
    gate, real = threading.Event(), import_dialog.commit

    def commit(store, preview, *, progress, **kw):
        def report(done, total):
            gate.wait(10)
            progress(done, total)
        return real(store, preview, progress=report, **kw)

    monkeypatch.setattr(import_dialog, "commit", commit)
    return gate


def test_cancelling_the_import_writes_nothing(qtbot, ws, tmp_path, messages, monkeypatch):
    dialog = opened(qtbot, ImportOrdersDialog(None, ws, write_orders_csv(tmp_path / "o.csv", "utf-8", ORDER_HEADERS[:7], [r[:7] for r in ORDER_ROWS])))
    gate = slowed_commit(monkeypatch)
    dialog.next_button.click()
    task = dialog.tasks.task
    assert task is not None and not dialog.next_button.isEnabled()
    task.dialog.canceled.emit()  # what the progress dialog's 取消 does
    gate.set()
    settled(qtbot, dialog)
    assert messages[-1] == "已取消，未导入任何数据。" and not dialog.changed
    assert ws.store.purchases() == []
    assert dialog.next_button.isEnabled()  # the clerk may try again


def test_closing_the_import_dialog_while_it_writes_cancels_and_then_closes(qtbot, ws, tmp_path, messages, monkeypatch):
    dialog = opened(qtbot, ImportOrdersDialog(None, ws, write_orders_csv(tmp_path / "o.csv", "utf-8", ORDER_HEADERS[:7], [r[:7] for r in ORDER_ROWS])))
    dialog.show()
    gate = slowed_commit(monkeypatch)
    finished = []
    dialog.finished.connect(finished.append)
    dialog.next_button.click()
    assert dialog.busy
    dialog.close()  # the window's close button, or Esc: the dialog waits for the write to stop
    assert dialog.isVisible() and not finished
    assert dialog.tasks.task.cancelled and dialog.tasks.task.dialog.labelText() == "正在取消…"
    dialog.next_button.click()  # nothing new starts meanwhile
    gate.set()
    qtbot.waitUntil(lambda: bool(finished), timeout=20_000)
    assert finished == [QDialog.DialogCode.Rejected] and not dialog.isVisible() and not dialog.busy
    assert messages[-1] == "已取消，未导入任何数据。" and not dialog.changed and dialog.result is None
    assert ws.store.purchases() == []


def test_closing_the_import_dialog_while_it_opens_the_file_closes_once_it_is_read(qtbot, ws, tmp_path, messages, monkeypatch):
    # opening a list (its header row) cannot stop half-way: the dialog closes once it has, and
    # starts no reading of the rows it would have gone on to
    gate, real = threading.Event(), import_dialog.inspect_orders

    def inspect(*args, **kw):
        gate.wait(10)
        return real(*args, **kw)

    monkeypatch.setattr(import_dialog, "inspect_orders", inspect)
    read = []
    monkeypatch.setattr(import_dialog, "read_orders", lambda *a, **k: read.append(a))
    dialog = ImportOrdersDialog(None, ws, write_orders_csv(tmp_path / "o.csv", "utf-8", ORDER_HEADERS[:7], [r[:7] for r in ORDER_ROWS]))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.busy and not dialog.browse_button.isEnabled()
    dialog.reject()
    assert dialog.isVisible()
    gate.set()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)
    assert not dialog.busy and read == [] and dialog.result is None


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
    dialog = opened(qtbot, VerifyDialog(None, w.library, result.path))
    assert dialog.verdict_label.text().startswith("✔ 导出后未被改动")
    assert result.fingerprint in dialog.report_text.toPlainText()
    wb = load_workbook(result.path)
    wb["汇总数据"]["I2"] = 1
    wb.save(result.path)
    dialog.verify(result.path)
    assert dialog.busy and not dialog.browse_button.isEnabled() and not dialog.policy_button.isEnabled()
    settled(qtbot, dialog)
    assert dialog.browse_button.isEnabled() and dialog.verdict_label.text().startswith("✘") and "汇总数据 I2" in dialog.report_text.toPlainText()
    (tmp_path / "x.xlsx").write_bytes(b"not a workbook")
    dialog.verify(tmp_path / "x.xlsx")
    settled(qtbot, dialog)
    assert "不是 .xlsx 文件" in dialog.verdict_label.text()
    w.close()


def test_closing_the_verify_dialog_while_it_reads_cancels_the_reading(qtbot, tmp_path, profile, plan, messages, monkeypatch):
    from desktop832.ui.dialogs import verify as verify_dialog

    w = workspace(tmp_path / "v.sqlite", profile, plan, sample_purchases(3))
    monkeypatch.setattr(ExportDoneDialog, "exec", lambda self: 1)
    result = export_and_wait(qtbot, w, 2024, tmp_path / "up.xlsx")
    gate, real, ended = threading.Event(), verify_dialog.verify_file, []

    def verify_file(path, library, *, progress, **kw):
        def report(done, total):
            gate.wait(10)
            progress(done, total)
        try:
            report(0, None)  # a long file's first report (this one is short)
            return real(path, library, progress=report, **kw)
        except BaseException as exc:
            ended.append(type(exc).__name__)
            raise

    monkeypatch.setattr(verify_dialog, "verify_file", verify_file)
    dialog = VerifyDialog(None, w.library, result.path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.busy and dialog.verdict_label.text() == "正在核验…"
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()  # closes once the reading has stopped, not under it
    gate.set()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)
    assert ended == ["Cancelled"] and dialog.report is None and not dialog.busy
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

    run = import_dialog.DialogTask.run

    def spy(self, label, work, **kw):
        ran.append(label)
        return run(self, label, work, **kw)

    monkeypatch.setattr(import_dialog.DialogTask, "run", spy)
    dialog = opened(qtbot, ImportOrdersDialog(None, ws, hidden))
    assert ran == ["正在打开文件…", "正在读取 hidden.xlsx…"]
    assert "超出订单列表的合理规模（最多 50 行）" in messages[-1] and dialog.pages.currentIndex() != PREVIEW_PAGE
    assert ws.store.purchases() == [] and not dialog.changed
