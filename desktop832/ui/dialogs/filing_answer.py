"""记录审核结果: the supervising or finance department confirmed the filing, or returned it.

Entry point for the main window::

    plan = record_answer_with_dialog(window, workspace, year)   # -> AnnualPlan | None

The answer goes into the filing record with the date the clerk types (the record keeps every
answer); adopt the returned plan with ``document.replace_plan(plan)``. ``None``: cancelled.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QWidget

from ...domain.errors import InputError
from ...domain.filings import EventKind, last_filing, short
from ...domain.values import parse_date
from ..forms import adopt_form
from ..screen_fit import fit_dialog

TITLE = "记录审核结果"
FORM = "filing_answer_dialog.ui"
WIDGETS = {
    "filing_label": QLabel, "kind_combo": QComboBox, "date_edit": QLineEdit, "reason_edit": QPlainTextEdit,
    "reason_edit_label": QLabel, "message_label": QLabel, "record_button": QPushButton, "cancel_button": QPushButton,
}


class FilingAnswerDialog(QDialog):
    def __init__(self, parent: QWidget | None, workspace, year: int):
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        adopt_form(self, FORM, WIDGETS, buttons_outside=2)  # the message and the buttons
        self.workspace, self.year, self.plan = workspace, year, None
        last = last_filing(workspace.filing_events(year))
        self.filing_label.setText(
            f"{year} 年度最近一次报送：{last.on:%Y-%m-%d}（{last.kind.value}，{last.file_name}，指纹 {short(last.fingerprint)}）。"
            "记录的结果连同日期记入填报记录，以前的记录不会改动。" if last else f"{year} 年度还没有填报记录。"
        )
        self.date_edit.setText(f"{workspace.today:%Y-%m-%d}")
        self.kind_combo.currentTextChanged.connect(self._kind_changed)
        self.record_button.clicked.connect(self.record)
        self.cancel_button.clicked.connect(self.reject)
        self._kind_changed(self.kind_combo.currentText())
        fit_dialog(self)

    def _kind_changed(self, text: str) -> None:
        returned = text == EventKind.RETURNED.value
        self.reason_edit.setEnabled(returned)
        self.reason_edit_label.setText("退回原因（必填）" if returned else "退回原因")

    def record(self) -> None:
        """Check and record; a refusal is said in the dialog and records nothing."""
        from ...app.filings import record_answer
        from ...store.errors import StoreError

        try:
            on = parse_date(self.date_edit.text(), required=True, label="日期")
            kind = EventKind(self.kind_combo.currentText())
            reason = self.reason_edit.toPlainText() if kind is EventKind.RETURNED else ""
            self.plan = record_answer(self.workspace, self.year, kind, on, reason)
        except (InputError, StoreError) as exc:
            self.message_label.setText(exc.message)
            return
        self.accept()


def record_answer_with_dialog(parent: QWidget | None, workspace, year: int):
    dialog = FilingAnswerDialog(parent, workspace, year)
    try:
        return dialog.plan if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


__all__ = ["FilingAnswerDialog", "record_answer_with_dialog"]
