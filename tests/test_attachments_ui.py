"""Attachments in the window, used as a clerk would: drop files on the list, choose them in the
file dialog, preview, open with the system's viewer, remove and undo; the new purchase fields."""

import dataclasses
import datetime as dt
from decimal import Decimal as D

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QUndoStack
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from desktop832.app import attachments as att
from desktop832.domain.model import CanteenMode, FeeSource, Purchase
from tests.gui_helpers import choose, type_ascii
from tests.test_attachments import pdf_bytes, png_bytes
from tests.test_purchase_log import add_through_form, column, make_tab, row_of, settings, tab, workspace  # noqa: F401

TODAY = dt.date(2024, 6, 1)


def real_pdf(pages: int = 2) -> bytes:
    """A PDF Qt itself wrote (QtPdf must open it)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QPageSize, QPainter, QPdfWriter

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A5))
    painter = QPainter(writer)
    for page in range(pages):
        if page:
            writer.newPage()
        painter.drawText(100, 100, f"invoice page {page + 1}")
    painter.end()
    buffer.close()
    return bytes(data)


def drop(widget, paths) -> bool:
    """Drag files from a file manager onto ``widget`` and let go: True when it took them."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = widget.rect().center()
    enter = QDragEnterEvent(QPointF(point), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    event = QDropEvent(QPointF(point), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


def listed(view):
    return [view.list.item(i).text() for i in range(view.list.count())]


def open_edit(qtbot, tab, order_no):
    tab.table.setCurrentIndex(tab.model.index(row_of(tab, order_no), 0))
    tab.open_edit_form()
    return tab.dialog


@pytest.fixture
def stored(workspace):
    p = workspace.store.add_purchase(Purchase(dt.date(2024, 5, 2), D("88.00"), order_no="832-A", paid_on=dt.date(2024, 5, 3)))
    workspace.purchases_changed()
    return p


def test_files_dropped_on_a_purchase_are_stored_removed_and_brought_back_by_undo(qtbot, stored, tab, workspace, tmp_path):
    (tmp_path / "发票.pdf").write_bytes(real_pdf())
    (tmp_path / "验收单.png").write_bytes(png_bytes(3))
    dialog = open_edit(qtbot, tab, "832-A")
    view = dialog.attachments_view
    choose(view.kind_combo, "发票")
    assert drop(view, [tmp_path / "发票.pdf", tmp_path / "验收单.png"])
    assert [a.file_name for a in att.of_purchase(workspace, stored.id)] == ["发票.pdf", "验收单.png"]
    assert [line.split("（")[0] for line in listed(view)] == ["[发票] 发票.pdf", "[发票] 验收单.png"]
    assert not view.list.item(1).icon().isNull()  # the picture's own thumbnail
    view.list.setCurrentRow(0)
    qtbot.mouseClick(view.remove_button, Qt.MouseButton.LeftButton)
    assert [a.file_name for a in att.of_purchase(workspace, stored.id)] == ["验收单.png"]
    assert tab.stack.undoText() == "删除附件 发票.pdf"
    tab.stack.undo()
    assert [a.file_name for a in att.of_purchase(workspace, stored.id)] == ["发票.pdf", "验收单.png"]
    assert len(listed(view)) == 2
    tab.stack.undo()  # the drop itself
    assert att.of_purchase(workspace, stored.id) == []
    tab.stack.redo()
    assert len(att.of_purchase(workspace, stored.id)) == 2


def test_a_file_too_big_or_of_another_type_is_refused_with_a_message(qtbot, stored, tab, workspace, tmp_path):
    big = tmp_path / "扫描件.pdf"
    with open(big, "wb") as f:
        f.write(b"%PDF-1.4\n")
        f.truncate(21 * 1024 * 1024)
    (tmp_path / "说明.docx").write_bytes(b"PK\x03\x04word")
    dialog = open_edit(qtbot, tab, "832-A")
    view = dialog.attachments_view
    assert drop(view, [big, tmp_path / "说明.docx"])
    text = view.message.text()
    assert "“扫描件.pdf”有 21.0 MB，超过每个附件 20 MB 的上限，未添加" in text
    assert "“说明.docx”不是 PDF、JPG、PNG 或 OFD 文件" in text
    assert att.of_purchase(workspace, stored.id) == [] and workspace.store.blob_count() == 0
    assert tab.stack.count() == 0


def test_a_new_purchase_keeps_its_files_until_it_is_saved(qtbot, tab, workspace, monkeypatch, tmp_path):
    (tmp_path / "a.pdf").write_bytes(pdf_bytes())
    monkeypatch.setattr("desktop832.ui.file_dialogs.get_open_file_names", lambda *a, **k: [str(tmp_path / "a.pdf")])
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    form, view = tab.dialog.form, tab.dialog.attachments_view
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    assert "保存后存入" in listed(view)[0] and workspace.store.blob_count() == 0
    type_ascii(qtbot, form.date_edit, "2024-05-20")
    type_ascii(qtbot, form.amount_edit, "120")
    type_ascii(qtbot, form.order_no_edit, "832-NEW")
    type_ascii(qtbot, form.invoice_no_edit, "12345678,87654321")
    type_ascii(qtbot, form.delivered_on_edit, "2024-05-22")
    choose(form.fee_source_combo, "工会经费")
    with qtbot.waitSignal(tab.purchasesChanged):
        qtbot.mouseClick(form.button_box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    [saved] = workspace.store.purchases(2024)
    assert (saved.invoice_no, saved.fee_source, saved.delivered_on) == ("12345678,87654321", FeeSource.UNION, dt.date(2024, 5, 22))
    assert [a.file_name for a in att.of_purchase(workspace, saved.id)] == ["a.pdf"]
    # the log shows the new columns
    assert column(tab, "invoice_no") == ["12345678,87654321"] and column(tab, "fee_source") == ["工会经费"]
    tab.stack.undo()  # the purchase goes, its file with it; redo brings both back
    assert workspace.store.purchases(2024) == []
    tab.stack.redo()
    [again] = workspace.store.purchases(2024)
    assert [a.file_name for a in att.of_purchase(workspace, again.id)] == ["a.pdf"]


def test_deleting_a_purchase_in_the_log_and_undoing_keeps_its_attachments(qtbot, stored, tab, workspace):
    att.attach_bytes(workspace, pdf_bytes(), "发票.pdf", purchase_id=stored.id)
    tab.table.selectRow(row_of(tab, "832-A"))
    tab.delete_selected()
    assert workspace.store.purchases(2024) == []
    tab.stack.undo()
    assert [a.file_name for a in att.of_purchase(workspace, stored.id)] == ["发票.pdf"]


@pytest.fixture
def with_invoice(workspace):
    p = workspace.store.add_purchase(Purchase(dt.date(2024, 5, 2), D("1.00"), order_no="832-B", invoice_no="NO.9",
                                              fee_source=FeeSource.WELFARE))
    workspace.purchases_changed()
    return p


def test_editing_a_purchase_in_the_log_keeps_its_invoice_number(qtbot, with_invoice, tab, workspace):
    p = with_invoice
    before = tab.model.purchase(row_of(tab, "832-B"))
    assert (before.invoice_no, before.fee_source) == ("NO.9", FeeSource.WELFARE)
    dialog = open_edit(qtbot, tab, "832-B")
    assert dialog.form.invoice_no_edit.text() == "NO.9" and dialog.form.fee_source_combo.currentText() == "福利费"
    type_ascii(qtbot, dialog.form.note_edit, "x")
    qtbot.mouseClick(dialog.form.button_box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    after = workspace.store.purchase(p.id)
    assert (after.invoice_no, after.fee_source, after.note) == ("NO.9", FeeSource.WELFARE, "x")


def test_preview_shows_a_pdf_with_qtpdf_and_a_picture_scaled(qtbot, stored, tab, workspace):
    from PySide6.QtPdf import QPdfDocument

    att.attach_bytes(workspace, real_pdf(2), "发票.pdf", purchase_id=stored.id)
    att.attach_bytes(workspace, png_bytes(9), "截图.png", purchase_id=stored.id)
    dialog = open_edit(qtbot, tab, "832-A")
    view = dialog.attachments_view
    view.list.setCurrentRow(0)
    qtbot.mouseClick(view.preview_button, Qt.MouseButton.LeftButton)
    preview = view.preview
    qtbot.waitUntil(lambda: preview.document.status() == QPdfDocument.Status.Ready)
    assert preview.document.pageCount() == 2 and preview.view.document() is preview.document
    preview.reject()
    view.list.setCurrentRow(1)
    qtbot.mouseClick(view.preview_button, Qt.MouseButton.LeftButton)
    picture = view.preview.picture
    qtbot.waitUntil(lambda: picture.pixmap() is not None and not picture.pixmap().isNull())
    assert picture.pixmap().width() > 2  # scaled up to the window
    view.preview.reject()


def test_open_with_the_system_viewer_writes_a_private_copy(qtbot, stored, tab, workspace, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toLocalFile()) or True))
    data = b"PK\x03\x04 an OFD invoice"
    att.attach_bytes(workspace, data, "电子发票.ofd", purchase_id=stored.id)
    dialog = open_edit(qtbot, tab, "832-A")
    view = dialog.attachments_view
    view.list.setCurrentRow(0)
    qtbot.mouseClick(view.preview_button, Qt.MouseButton.LeftButton)  # no preview for OFD: the system's viewer
    assert len(opened) == 1 and opened[0].endswith("电子发票.ofd")
    with open(opened[0], "rb") as f:
        assert f.read() == data


# --- the window ----------------------------------------------------------------------------------


def hint_ids(window):
    return {f.rule_id for f in window.document.findings}


def test_the_stamped_letter_dropped_on_the_filing_clears_its_hint(qtbot, make_window, tmp_path, profile, plan):
    from desktop832.store.database import Store
    from desktop832.ui.main_window import TAB_QUOTA

    path = tmp_path / "unit.sqlite"
    with Store.open(path) as store:
        store.save_profile(dataclasses.replace(profile, canteen_mode=CanteenMode.NONE, meal_arrangement="外出就餐"))
        store.save_plan(plan.with_(letter_sent=True))
    window = make_window(path, today=dt.date(2024, 2, 1))
    assert "letter-scan-missing" in hint_ids(window)
    window.tabs.setCurrentIndex(TAB_QUOTA)
    quota = window._form_tabs[TAB_QUOTA]
    view = quota.attachments_view
    choose(view.kind_combo, "盖章承诺函")
    (tmp_path / "承诺函.pdf").write_bytes(pdf_bytes("stamped"))
    assert drop(view, [tmp_path / "承诺函.pdf"])
    assert [a.file_name for a in att.of_filing(window.workspace, 2024)] == ["承诺函.pdf"]
    assert "letter-scan-missing" not in hint_ids(window)
    window.undo_stack.undo()
    assert "letter-scan-missing" in hint_ids(window) and att.of_filing(window.workspace, 2024) == []
    window.undo_stack.redo()
    assert "letter-scan-missing" not in hint_ids(window)
