"""打印承诺函 driven as a clerk would: edit, watch the preview, save a PDF, print."""

import dataclasses
import datetime as dt
import io

import pypdf
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from desktop832.ui import file_dialogs
from desktop832 import paths
from desktop832.domain.model import AnnualPlan, CanteenMode, Level
from desktop832.documents import fonts
from desktop832.documents.fonts import Role
from desktop832.documents.letter import DateStyle
from desktop832.ui.dialogs.letter import LetterDialog

from .conftest import VALID_CODE


@pytest.fixture
def unit(profile):
    return dataclasses.replace(
        profile, name="青海省示例农业技术推广总站", level=Level.PROVINCIAL, province="青海省", city="",
        canteen_mode=CanteenMode.NONE, meal_arrangement="职工自行解决用餐", supervising_department="青海省农业农村厅",
    )


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def open_dialog(qtbot, policies, settings):
    def make(profile):
        dialog = LetterDialog(None, profile, AnnualPlan(2024), policies["qinghai-2024"], dt.date(2024, 2, 19),
                              settings=settings, use_system_fonts=False)
        qtbot.addWidget(dialog)
        return dialog

    return make


def type_chinese(widget, text):
    """Commit text the way a Chinese input method does (keyClicks cannot send CJK characters)."""
    widget.setFocus()
    widget.selectAll()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def text_of(data: bytes) -> str:
    return "".join("".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_opens_with_the_units_letter_previewed(open_dialog, unit):
    dialog = open_dialog(unit)
    assert dialog.pdf.pageCount() == 1
    assert dialog.form.warning_label.isHidden()
    assert dialog.form.title_edit.toPlainText() == "关于青海省示例农业技术推广总站无食堂的承诺"
    assert dialog.form.addressee_edit.text() == "青海省财政厅政府采购监督管理处"
    assert VALID_CODE in dialog.form.body_edit.toPlainText()
    assert "共 1 页" in dialog.form.status_label.text()
    # the fonts standing in for 仿宋 and 小标宋, and their styles, are named
    assert "正文：桌面832楷体（程序自带，楷体），不是公文要求的仿宋" in dialog.form.font_label.text()
    assert "标题：桌面832宋体（程序自带，宋体），不是公文要求的小标宋" in dialog.form.font_label.text()


def test_warns_but_still_offers_the_letter_to_a_unit_with_a_canteen(open_dialog, profile):
    dialog = open_dialog(profile)
    assert not dialog.form.warning_label.isHidden()
    assert "自有食堂" in dialog.form.warning_label.text()
    assert dialog.form.save_button.isEnabled() and dialog.pdf.pageCount() >= 1


def test_an_edit_updates_the_preview(qtbot, open_dialog, unit):
    dialog = open_dialog(unit)
    before = dialog.rendered
    type_chinese(dialog.form.unit_edit, "青海省另一个单位<&>")
    qtbot.waitUntil(lambda: dialog.rendered is not before, timeout=3000)
    assert "青海省另一个单位<&>" in text_of(dialog.rendered.pdf)
    assert dialog.pdf.pageCount() == 1


def test_save_pdf_writes_what_the_preview_shows(open_dialog, unit, tmp_path, monkeypatch):
    dialog = open_dialog(unit)
    dialog.form.date_style_combo.setCurrentIndex(dialog.form.date_style_combo.findData(DateStyle.CHINESE))
    offered = {}

    def fake_save(parent, caption, directory, file_filter):
        offered["name"] = directory
        return str(tmp_path / "承诺函"), file_filter

    monkeypatch.setattr(file_dialogs, "get_save_file_name", fake_save)
    path = dialog.save_pdf()
    assert path == tmp_path / "承诺函.pdf"
    assert offered["name"].endswith("2024年无食堂承诺函-青海省示例农业技术推广总站.pdf")
    text = text_of(path.read_bytes())
    assert "关于青海省示例农业技术推广总站无食堂的承诺" in text and "二〇二四年二月十九日" in text
    assert settings_value(dialog, "letter/last_folder") == str(tmp_path)


def settings_value(dialog, key):
    return dialog.settings.value(key, "", type=str)


def test_print_sends_a4_pages_to_the_printer(open_dialog, unit, tmp_path, monkeypatch):
    dialog = open_dialog(unit)
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert dialog.print_letter(printer)
    reader = pypdf.PdfReader(tmp_path / "printed.pdf")
    assert len(reader.pages) == 1
    assert (tmp_path / "printed.pdf").stat().st_size > 50_000  # the pages' pictures, not blank sheets
    assert float(reader.pages[0].mediabox.width) == pytest.approx(595.3, abs=1)
    assert float(reader.pages[0].mediabox.height) == pytest.approx(841.9, abs=1)


def test_cancelled_print_dialog_prints_nothing(open_dialog, unit, tmp_path, monkeypatch):
    dialog = open_dialog(unit)
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert not dialog.print_letter(printer)
    assert not (tmp_path / "printed.pdf").exists()


def test_a_character_no_font_has_is_named_and_blocks_saving(open_dialog, unit):
    dialog = open_dialog(unit)
    dialog.form.unit_edit.setText("测试\U00020000单位")
    assert not dialog.refresh_preview()
    assert "U+20000" in dialog.form.status_label.text()
    assert not dialog.form.save_button.isEnabled() and not dialog.form.print_button.isEnabled()
    assert dialog.pdf.pageCount() == 1  # the last good preview stays
    dialog.form.unit_edit.setText("测试单位")
    assert dialog.refresh_preview() and dialog.form.save_button.isEnabled()


def test_reset_restores_the_text_from_the_profile(open_dialog, unit):
    dialog = open_dialog(unit)
    dialog.form.body_edit.setPlainText("随便写的")
    dialog.form.reset_button.click()
    assert "职工自行解决用餐" in dialog.form.body_edit.toPlainText()


def test_clerks_font_is_kept_and_a_bad_one_refused(open_dialog, unit, tmp_path, monkeypatch):
    dialog = open_dialog(unit)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text: warnings.append(text)))
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"not a font")
    assert not dialog.set_font_file(Role.BODY, bad)
    assert warnings and "无法读取" in warnings[0]
    assert settings_value(dialog, "letter/body_font") == ""
    kai = paths.resources_dir() / "fonts" / fonts.SHIPPED[Role.BODY][0]
    assert dialog.set_font_file(Role.TITLE, kai)
    assert settings_value(dialog, "letter/title_font") == str(kai)
    assert "标题：桌面832楷体（自选字体，楷体），不是公文要求的小标宋" in dialog.form.font_label.text()
    assert "本机没有可用的小标宋" not in dialog.form.font_label.text()  # the clerk chose it
    dialog.reset_fonts()
    assert "标题：桌面832宋体（程序自带，宋体）" in dialog.form.font_label.text()


def _no_save_dialog(monkeypatch, tmp_path):
    asked = []

    def fake_save(parent, caption, directory, file_filter):
        asked.append(directory)
        return str(tmp_path / "letter.pdf"), file_filter

    monkeypatch.setattr(file_dialogs, "get_save_file_name", fake_save)
    return asked


def test_saving_and_printing_are_refused_while_a_prompt_remains_naming_it(open_dialog, unit, tmp_path, monkeypatch):
    dialog = open_dialog(dataclasses.replace(unit, meal_arrangement=""))
    banner = dialog.form.warning_label
    assert not banner.isHidden() and "（请填写职工用餐安排）" in banner.text() and "正文" in banner.text()
    refusals = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text: refusals.append(text)))
    asked = _no_save_dialog(monkeypatch, tmp_path)
    assert dialog.save_pdf() is None
    assert refusals and "正文" in refusals[0] and "（请填写职工用餐安排）" in refusals[0]
    assert not asked and not (tmp_path / "letter.pdf").exists()
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    assert not dialog.print_letter(QPrinter())
    # the clerk writes the arrangement into the body: the banner clears and saving works
    body = dialog.form.body_edit.toPlainText().replace("（请填写职工用餐安排）", "职工自行解决用餐")
    dialog.form.body_edit.setPlainText(body)
    assert dialog.save_pdf() == tmp_path / "letter.pdf"
    assert "职工自行解决用餐" in text_of((tmp_path / "letter.pdf").read_bytes())


def test_an_emptied_required_field_is_named(open_dialog, unit, tmp_path, monkeypatch):
    dialog = open_dialog(unit)
    dialog.form.supervisor_edit.setText("")
    refusals = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text: refusals.append(text)))
    _no_save_dialog(monkeypatch, tmp_path)
    assert dialog.save_pdf() is None
    assert "主管部门：未填写。" in refusals[0]


@pytest.mark.parametrize("answer", [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
def test_a_unit_with_a_canteen_is_asked_to_confirm(open_dialog, profile, tmp_path, monkeypatch, answer):
    unit = dataclasses.replace(profile, canteen_mode=CanteenMode.OUTSOURCED, meal_arrangement="职工在食堂用餐")
    dialog = open_dialog(unit)
    questions = []

    def ask(parent, title, text, buttons, default):
        questions.append((text, default))
        return answer

    monkeypatch.setattr(QMessageBox, "question", staticmethod(ask))
    _no_save_dialog(monkeypatch, tmp_path)
    saved = dialog.save_pdf()
    assert len(questions) == 1 and "食堂外包" in questions[0][0]
    assert questions[0][1] == QMessageBox.StandardButton.No  # the safe answer is the default
    assert (saved is not None) == (answer == QMessageBox.StandardButton.Yes)
    assert (tmp_path / "letter.pdf").exists() == (answer == QMessageBox.StandardButton.Yes)


def test_a_late_date_is_flagged_as_the_clerk_changes_it(qtbot, open_dialog, unit):
    dialog = open_dialog(unit)
    assert dialog.form.warning_label.isHidden()
    from PySide6.QtCore import QDate

    dialog.form.date_edit.setDate(QDate(2024, 3, 5))
    qtbot.waitUntil(lambda: not dialog.form.warning_label.isHidden(), timeout=3000)
    assert "晚于2024年度的填报截止日期2024年2月20日" in dialog.form.warning_label.text()
