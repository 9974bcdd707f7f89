"""打印承诺函: edit the no-canteen commitment letter, preview the real PDF, save it or print it.

Entry point for the main window (the dialog is modal and needs nothing else)::

    from desktop832.ui.dialogs.letter import LetterDialog
    LetterDialog(window, document.profile, document.plan, document.policy, workspace.today).exec()

or, from a workspace and a year (reads the saved records)::

    LetterDialog.for_workspace(window, workspace, year).exec()

The preview shows the very PDF that is saved or printed (QtPdf, from the ``PySide6-Pdf`` wheel).
The banner above lists what a reviewer would send back (:func:`~desktop832.documents.letter.check_letter`),
kept up to date as the clerk types: a prompt still in the text or an empty required field refuses
saving and printing, naming the field; a unit whose canteen is not 无食堂 is asked to confirm. The font files the clerk picks are kept in QSettings
(``letter/body_font``, ``letter/title_font``) and passed down to the Qt-free output layer.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QDate, QIODevice, QRectF, QSettings, QSize, QTimer
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox, QDateEdit, QDialog, QLabel, QLineEdit, QMenu, QMessageBox, QPlainTextEdit,
    QPushButton, QSplitter, QVBoxLayout, QWidget,
)

from .. import file_dialogs
from ...domain.errors import InputError
from ...domain.model import AnnualPlan, UnitProfile
from ...domain.policy import Policy
from ...documents.fonts import FontChoice, FontFileError, Role, probe
from ...documents.letter import DateStyle, LetterDraft, LetterProblem, Severity, build_draft, check_letter
from ...documents.letter_pdf import RenderedLetter, render_letter, write_bytes_atomically
from ..forms import FormWidget
from .. import palette
from ..settings import app_settings

PREVIEW_DELAY_MS = 300  # typing pauses this long before the preview is rebuilt
PRINT_DPI = 300  # raster resolution sent to the printer: sharp on paper, bounded memory
FONT_KEYS = {Role.BODY: "letter/body_font", Role.TITLE: "letter/title_font"}
DATE_STYLE_TEXT = {
    DateStyle.ARABIC: "阿拉伯数字（2024年2月19日）",
    DateStyle.CHINESE: "汉字（二〇二四年二月十九日）",
    DateStyle.BLANK: "留空，手写日期",
}


class LetterForm(FormWidget):
    FORM = "letter_dialog.ui"
    WIDGETS = {
        "warning_label": QLabel, "title_edit": QPlainTextEdit, "addressee_edit": QLineEdit,
        "body_edit": QPlainTextEdit, "unit_edit": QLineEdit, "contact_edit": QLineEdit, "phone_edit": QLineEdit,
        "date_edit": QDateEdit, "date_style_combo": QComboBox, "supervisor_edit": QLineEdit,
        "opinion_edit": QLineEdit, "font_label": QLabel, "font_button": QPushButton, "reset_button": QPushButton,
        "preview_panel": QWidget, "status_label": QLabel, "save_button": QPushButton,
        "print_button": QPushButton, "close_button": QPushButton,
    }


class LetterDialog(QDialog):
    def __init__(self, parent: QWidget | None, profile: UnitProfile, plan: AnnualPlan, policy: Policy | None,
                 today: dt.date, *, settings: QSettings | None = None, use_system_fonts: bool = True,
                 fingerprint: str = ""):
        super().__init__(parent)
        self.setWindowTitle(f"无食堂承诺函（{plan.year}年度）")
        self.profile, self.plan, self.policy, self.today = profile, plan, policy, today
        self.fingerprint = fingerprint
        self.problems: list[LetterProblem] = []
        self.settings = settings if settings is not None else app_settings()
        self.use_system_fonts = use_system_fonts
        self.rendered: RenderedLetter | None = None
        self.saved_path: Path | None = None

        self.form = LetterForm(self)
        QVBoxLayout(self).addWidget(self.form)
        f = self.form
        for style, text in DATE_STYLE_TEXT.items():
            f.date_style_combo.addItem(text, style)
        self.pdf = QPdfDocument(self)
        self._buffer: QBuffer | None = None
        self.view = QPdfView(f.preview_panel)
        self.view.setObjectName("preview_view")
        self.view.setDocument(self.pdf)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setMinimumWidth(420)
        f.preview_panel.layout().insertWidget(0, self.view, 1)
        # the fields scroll when the screen is low, instead of pushing the buttons off it
        from ..screen_fit import ContentScroll

        splitter = f.findChild(QSplitter, "splitter")
        edit_panel = f.findChild(QWidget, "edit_panel")
        splitter.insertWidget(0, ContentScroll(edit_panel))
        splitter.setChildrenCollapsible(False)

        font_menu = QMenu(f.font_button)
        font_menu.addAction("选择正文字体文件(&B)…", lambda: self.pick_font(Role.BODY))
        font_menu.addAction("选择标题字体文件(&T)…", lambda: self.pick_font(Role.TITLE))
        font_menu.addAction("恢复自动选择字体(&A)", self.reset_fonts)
        f.font_button.setMenu(font_menu)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        for edit in (f.title_edit, f.body_edit):
            edit.textChanged.connect(self._timer.start)
        for edit in (f.addressee_edit, f.unit_edit, f.contact_edit, f.phone_edit, f.supervisor_edit, f.opinion_edit):
            edit.textChanged.connect(self._timer.start)
        f.date_edit.dateChanged.connect(self._timer.start)
        f.date_style_combo.currentIndexChanged.connect(self._date_style_changed)
        f.reset_button.clicked.connect(self.reset_content)
        f.save_button.clicked.connect(self.save_pdf)
        f.print_button.clicked.connect(self.print_letter)
        f.close_button.clicked.connect(self.reject)

        self.fill(self._default_draft())
        from PySide6.QtCore import QSize

        from ..screen_fit import available, fit_to_screen

        fit_to_screen(self, QSize(1180, 780), available(parent) if parent is not None else None)
        self.refresh_preview()

    @classmethod
    def for_workspace(cls, parent: QWidget | None, workspace, year: int, **kwargs) -> LetterDialog:
        profile, plan = workspace.store.profile(), workspace.plan(year)
        kwargs.setdefault("fingerprint", workspace.last_filing_fingerprint(year))
        return cls(parent, profile, plan, workspace.policy_for(profile, plan), workspace.today, **kwargs)

    def _default_draft(self) -> LetterDraft:
        return build_draft(self.profile, self.plan, self.policy, self.today, self.fingerprint)

    # --- fields <-> draft ----------------------------------------------------------------------

    def fill(self, draft: LetterDraft) -> None:
        f = self.form
        widgets = (f.title_edit, f.addressee_edit, f.body_edit, f.unit_edit, f.contact_edit, f.phone_edit,
                   f.date_edit, f.date_style_combo, f.supervisor_edit, f.opinion_edit)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            f.title_edit.setPlainText(draft.title)
            f.addressee_edit.setText(draft.addressee)
            f.body_edit.setPlainText("\n".join(draft.body))
            f.unit_edit.setText(draft.unit_name)
            f.contact_edit.setText(draft.contact_name)
            f.phone_edit.setText(draft.phone)
            date = draft.date or self.today
            f.date_edit.setDate(QDate(date.year, date.month, date.day))
            f.date_style_combo.setCurrentIndex(f.date_style_combo.findData(draft.date_style))
            f.date_edit.setEnabled(draft.date_style is not DateStyle.BLANK)
            f.supervisor_edit.setText(draft.supervisor_name)
            f.opinion_edit.setText(draft.supervisor_opinion)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self._base = draft

    def draft(self) -> LetterDraft:
        """The letter as the fields now say it."""
        f = self.form
        qdate = f.date_edit.date()
        return self._base.with_(
            title=f.title_edit.toPlainText(),
            addressee=f.addressee_edit.text(),
            body=tuple(f.body_edit.toPlainText().splitlines()),
            unit_name=f.unit_edit.text(),
            contact_name=f.contact_edit.text(),
            phone=f.phone_edit.text(),
            date=dt.date(qdate.year(), qdate.month(), qdate.day()),
            date_style=f.date_style_combo.currentData(),
            supervisor_name=f.supervisor_edit.text(),
            supervisor_opinion=f.opinion_edit.text(),
        )

    def reset_content(self) -> None:
        self.fill(self._default_draft())
        self.refresh_preview()

    def _date_style_changed(self) -> None:
        self.form.date_edit.setEnabled(self.form.date_style_combo.currentData() is not DateStyle.BLANK)
        self._timer.start()

    # --- fonts ---------------------------------------------------------------------------------

    def font_choice(self) -> FontChoice:
        chosen = {}
        for role, key in FONT_KEYS.items():
            value = self.settings.value(key, "", type=str)
            chosen[role] = Path(value) if value and Path(value).is_file() else None
        return FontChoice(title=chosen[Role.TITLE], body=chosen[Role.BODY], use_system=self.use_system_fonts)

    def pick_font(self, role: Role) -> None:
        path, _filter = file_dialogs.get_open_file_name(
            self, f"选择{role.value}字体文件", "", "TrueType 字体 (*.ttf *.ttc);;所有文件 (*)"
        )
        if path:
            self.set_font_file(role, Path(path))

    def set_font_file(self, role: Role, path: Path) -> bool:
        """Keep ``path`` as the clerk's font for ``role`` if it can be embedded; else say why."""
        try:
            face = probe(path)
        except FontFileError as exc:
            QMessageBox.warning(self, "无法使用该字体", exc.message)
            return False
        self.settings.setValue(FONT_KEYS[role], str(face.path))
        self.refresh_preview()
        return True

    def reset_fonts(self) -> None:
        for key in FONT_KEYS.values():
            self.settings.remove(key)
        self.refresh_preview()

    # --- preview -------------------------------------------------------------------------------

    def refresh_preview(self) -> bool:
        """Render the letter and show it; on a problem keep the last preview and say what is wrong."""
        self._timer.stop()
        f = self.form
        self.show_problems()
        try:
            rendered = render_letter(self.draft(), self.font_choice())
        except InputError as exc:
            self.rendered = None
            palette.set_tone(f.status_label, "error")
            f.status_label.setText(exc.message)
            f.save_button.setEnabled(False)
            f.print_button.setEnabled(False)
            return False
        self.rendered = rendered
        scroll = self.view.verticalScrollBar().value()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(rendered.pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf.close()
        self.pdf.load(self._buffer)
        self.view.verticalScrollBar().setValue(scroll)
        palette.set_tone(f.status_label, None)
        f.status_label.setText(f"共 {rendered.pages} 页，A4，{len(rendered.pdf) // 1024} KB")
        f.font_label.setText(rendered.fonts.describe())
        f.font_label.setNote("公文正文用仿宋、标题用小标宋；本机没有时用程序自带或系统中风格最接近的字体。")
        f.save_button.setEnabled(True)
        f.print_button.setEnabled(True)
        return True

    def show_problems(self) -> None:
        """The banner: what blocks the letter (red), what needs a look, as the fields now say it."""
        self.problems = check_letter(self.draft(), self.profile, self.policy)
        label = self.form.warning_label
        lines = [f"{p.severity.value}：{p}" for p in self.problems]
        label.setText("\n".join(lines))
        blocked = any(p.severity is Severity.BLOCK for p in self.problems)
        palette.set_banner(label, "error" if blocked else "warning")
        label.setVisible(bool(lines))

    def may_write(self, action: str) -> bool:
        """Refuse while a prompt or an empty required field remains (naming them); ask before a
        letter for a unit whose canteen is not 无食堂."""
        self.show_problems()
        blocked = [p for p in self.problems if p.severity is Severity.BLOCK]
        if blocked:
            QMessageBox.warning(self, f"无法{action}", f"承诺函还不能{action}，请先改好：\n"
                                + "\n".join(f"· {p}" for p in blocked))
            return False
        for problem in (p for p in self.problems if p.severity is Severity.CONFIRM):
            answer = QMessageBox.question(
                self, "请确认", f"{problem.message}\n仍要{action}这份承诺函吗？",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return False
        return True

    # --- save and print ------------------------------------------------------------------------

    def save_pdf(self) -> Path | None:
        if not self.refresh_preview() or not self.may_write("保存"):
            return None
        folder = self.settings.value("letter/last_folder", "", type=str) or str(Path.home())
        path, _filter = file_dialogs.get_save_file_name(
            self, "保存承诺函", str(Path(folder) / self.draft().file_name), "PDF 文件 (*.pdf)"
        )
        if not path:
            return None
        path = Path(path)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            write_bytes_atomically(path, self.rendered.pdf)
        except InputError as exc:
            QMessageBox.warning(self, "保存失败", exc.message)
            return None
        self.settings.setValue("letter/last_folder", str(path.parent))
        self.saved_path = path
        self.form.status_label.setText(f"已保存：{path}")
        return path

    def print_letter(self, printer: QPrinter | None = None) -> bool:
        """Ask the printer dialog, then print the previewed pages at their true A4 size."""
        if not self.refresh_preview() or not self._wait_loaded() or not self.may_write("打印"):
            return False
        printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setPageOrientation(QPageLayout.Orientation.Portrait)
        printer.setFullPage(True)  # the PDF carries its own margins
        printer.setDocName(" ".join(self.draft().title.split()))
        printer.setFromTo(1, self.pdf.pageCount())
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印承诺函")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        if not paint_pdf(self.pdf, printer):
            QMessageBox.warning(self, "打印失败", "无法开始打印，请检查打印机。")
            return False
        self.form.status_label.setText(f"已发送到打印机：{printer.printerName() or printer.outputFileName()}")
        return True

    def _wait_loaded(self) -> bool:
        return self.pdf.status() == QPdfDocument.Status.Ready and self.pdf.pageCount() > 0


def paint_pdf(document: QPdfDocument, printer: QPrinter) -> bool:
    """Paint the document's pages (or the range chosen in the dialog) onto ``printer``."""
    first, last = 1, document.pageCount()
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = max(1, printer.fromPage()), min(last, printer.toPage() or last)
    dpi = min(printer.resolution(), PRINT_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        return False
    try:
        target = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
        for number in range(first, last + 1):
            if number > first:
                printer.newPage()
            points = document.pagePointSize(number - 1)
            size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            # QtPdf renders onto a transparent image: put it on white for printers that mishandle alpha
            page = QImage(size, QImage.Format.Format_RGB32)
            page.fill(palette.qcolor(palette.PAPER))
            page_painter = QPainter(page)
            page_painter.drawImage(0, 0, document.render(number - 1, size))
            page_painter.end()
            painter.drawImage(target, page)
    finally:
        painter.end()
    return True
