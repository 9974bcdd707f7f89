"""导出上报文件 from the window.

Entry point for the main window::

    export_with_dialog(window, workspace, year, on_exported=...)   # returns at once

Call ``document.save_now()`` first so the file holds what is on screen; ``on_exported(result)``
comes once the file is written (on the window's thread): adopt its plan and the findings the
export ran the rules for with ``document.replace_plan(result.plan, result)`` (the filing status
is now 已导出待确认, filed today).
Nothing comes when the clerk cancelled or nothing was written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QMessageBox, QPushButton, QWidget

from .. import file_dialogs
from ...domain.findings import Severity
from ...documents.errors import ExchangeError
from ...documents.export_data import ExportError
from ...app.exporting import ExportResult, check_export, export_year
from ...documents.export_xlsx import default_file_name
from ...store.errors import StoreError
from ..background_task import BackgroundTask, run_with_progress
from ..forms import adopt_form
from ..screen_fit import fit_dialog

TITLE = "导出上报文件"
LAST_DIR_KEY = "export.last_dir"
FORM = "export_done_dialog.ui"
WIDGETS = {
    "path_label": QLabel, "short_label": QLabel, "fingerprint_edit": QLineEdit, "copy_button": QPushButton,
    "status_label": QLabel, "findings_label": QLabel, "folder_button": QPushButton, "close_button": QPushButton,
}


class ExportDoneDialog(QDialog):
    """Shows where the file went and its fingerprint, to copy or note on the paper form."""

    def __init__(self, parent: QWidget | None, result: ExportResult):
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        adopt_form(self, FORM, WIDGETS, buttons_outside=1)
        self.result = result
        self.path_label.setElideMode(Qt.TextElideMode.ElideMiddle)  # a long path keeps its file name
        self.path_label.setText(str(result.path))
        self.short_label.setText(result.short_fingerprint)
        self.fingerprint_edit.setText(result.fingerprint)
        self.fingerprint_edit.setCursorPosition(0)
        plan = result.plan
        self.status_label.setText(f"{plan.filing_status.value}（{plan.filed_on:%Y-%m-%d}）")
        bad = [f for f in result.findings if f.severity >= Severity.WARNING]
        self.findings_label.setText(
            f"检查结果：有 {result.errors} 项错误、{len(bad) - result.errors} 项警告，已写入填报表。" if bad
            else "检查结果：各项要求均已达标。"
        )
        self.copy_button.clicked.connect(self.copy)
        self.folder_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(result.path.parent))))
        self.close_button.clicked.connect(self.accept)
        fit_dialog(self)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.result.fingerprint)
        self.copy_button.setText("已复制(&P)")


def choose_path(parent: QWidget | None, workspace, year: int) -> Path | None:
    start = Path(workspace.store.setting(LAST_DIR_KEY, "") or Path.home())
    suggested = start / default_file_name(year, workspace.store.profile().name)
    name, _ = file_dialogs.get_save_file_name(parent, TITLE, str(suggested), "Excel 工作簿 (*.xlsx)")
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")


def _confirm(parent, text: str) -> bool:
    answer = QMessageBox.question(parent, TITLE, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def export_with_dialog(
    parent: QWidget | None, workspace, year: int, path: Path | str | None = None,
    on_exported: Callable[[ExportResult], object] = lambda result: None,
) -> BackgroundTask | None:
    """Ask what needs asking, then write the file on a worker thread and return at once (the task
    writing it, or ``None`` when nothing is written). Once written: the fingerprint is shown, then
    ``on_exported(result)`` is called on the window's thread."""
    try:
        # the plan read, the rules run and the purchases summed once, for the questions and the file
        check = check_export(workspace, year)
    except (ExportError, StoreError) as exc:
        QMessageBox.information(parent, TITLE, f"{exc.message}。")
        return None
    if check.notice and not _confirm(parent, check.notice + "继续导出吗？"):  # a re-filing: what it changes
        return None
    errors = check.errors
    if errors and not _confirm(parent, f"检查发现 {len(errors)} 项错误（如：{errors[0].message}）。"
                                       "这些问题会如实写入填报表。仍要导出吗？"):
        return None
    path = Path(path) if path else choose_path(parent, workspace, year)
    if path is None:
        return None

    def exported(result: ExportResult) -> None:
        try:
            workspace.store.set_setting(LAST_DIR_KEY, str(path.parent))
        except StoreError:
            pass
        done = ExportDoneDialog(parent, result)
        done.exec()
        done.deleteLater()
        on_exported(result)

    def failed(error: BaseException) -> None:
        if not isinstance(error, (ExportError, ExchangeError, StoreError)):
            raise error
        QMessageBox.warning(parent, TITLE, f"没有导出：{error.message}")

    return run_with_progress(
        parent, TITLE, f"正在导出 {path.name}…",
        lambda progress: export_year(workspace, year, path, progress=progress, check=check),
        on_success=exported, on_failure=failed,
    )


__all__ = ["ExportDoneDialog", "export_with_dialog", "choose_path"]
