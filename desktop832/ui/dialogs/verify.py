"""核验上报文件: what a supervising department runs on a file it received.

Entry point for the main window::

    verify_with_dialog(window, library, path=None)   # -> VerifyReport | None

``library`` is the :class:`~desktop832.app.policies.PolicyLibrary` to find the file's policy in
(``workspace.library``, or ``None`` to use the shipped and the clerk's policy files). No data
file is needed: the report is built from the export alone.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QWidget

from .. import file_dialogs
from ...documents.errors import ExchangeError
from ...documents.verify import VerifyReport, verify_file
from ..background_task import BackgroundTask, DialogTask
from ..forms import adopt_form
from ..palette import set_tone
from ..screen_fit import fit_dialog

TITLE = "核验上报文件"
FORM = "verify_dialog.ui"
WIDGETS = {
    "file_edit": QLineEdit, "browse_button": QPushButton, "policy_button": QPushButton, "verdict_label": QLabel,
    "report_text": QPlainTextEdit, "copy_button": QPushButton, "close_button": QPushButton,
}
GOOD, BAD = "ok", "error"  # tones of the palette


class VerifyDialog(QDialog):
    def __init__(self, parent: QWidget | None, library=None, path: Path | str | None = None):
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        if library is None:
            from ...app.policies import PolicyLibrary

            library = PolicyLibrary()
        self.library = library
        self.policy_file: Path | None = None
        self.path: Path | None = None
        self.report: VerifyReport | None = None
        adopt_form(self, FORM, WIDGETS, buttons_outside=1)
        # the file is read behind a progress dialog; no second file or policy while it is
        self.tasks = DialogTask(self, TITLE, [self.browse_button, self.policy_button])
        self.browse_button.clicked.connect(self.browse)
        self.policy_button.clicked.connect(self.choose_policy)
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.report_text.toPlainText()))
        self.close_button.clicked.connect(self.accept)
        self.copy_button.setEnabled(False)
        fit_dialog(self)
        if path is not None:
            self.verify(Path(path))

    def browse(self) -> None:
        name, _ = file_dialogs.get_open_file_name(self, TITLE, str(self.path.parent if self.path else Path.home()),
                                              "上报文件 (*.xlsx);;所有文件 (*)")
        if name:
            self.verify(Path(name))

    def choose_policy(self) -> None:
        name, _ = file_dialogs.get_open_file_name(self, "指定政策文件", str(Path.home()), "政策文件 (*.toml)")
        if name:
            self.policy_file = Path(name)
            self.policy_button.setText(f"政策文件：{self.policy_file.name}(&P)")
            if self.path:
                self.verify(self.path)

    @property
    def busy(self) -> bool:
        """A file is being verified."""
        return self.tasks.running

    def done(self, result: int) -> None:
        if not self.tasks.close_deferred(result):  # a running verification is cancelled first
            super().done(result)

    def verify(self, path: Path) -> BackgroundTask | None:
        """Verify ``path`` off the window's thread and show the report once it is read (the task
        reading it, ``None`` while another file is being read)."""
        if self.busy:
            return None
        self.path = path
        self.file_edit.setText(str(path))
        self.report = None
        self._show("正在核验…", "", "")
        library, policy_file = self.library, self.policy_file

        def verified(report: VerifyReport) -> None:
            self.report = report
            if report.unchanged:
                verdict = "✔ 导出后未被改动" + (f"；复核发现 {report.errors} 项错误" if report.errors else "")
            else:
                verdict = f"✘ 导出后被改动过（{len(report.changes)} 处不符）"
            self._show(verdict, report.text(), GOOD if report.unchanged else BAD)

        def failed(error: BaseException) -> None:
            if not isinstance(error, ExchangeError):
                raise error
            self._show(error.message, "", BAD)

        return self.tasks.run(
            f"正在核验 {path.name}…",
            lambda progress: verify_file(path, library, policy_file=policy_file, progress=progress),
            on_success=verified, on_failure=failed,
        )

    def _show(self, verdict: str, text: str, tone: str) -> None:
        self.verdict_label.setText(verdict)
        set_tone(self.verdict_label, tone)
        self.report_text.setPlainText(text)
        self.copy_button.setEnabled(bool(text))


def verify_with_dialog(parent: QWidget | None, library=None, path: Path | str | None = None) -> VerifyReport | None:
    """Ask for the file (unless given), verify it and show the report."""
    dialog = VerifyDialog(parent, library, path)
    try:
        if path is None:
            dialog.browse()
            if dialog.path is None:
                return None
        dialog.exec()
        return dialog.report
    finally:
        dialog.deleteLater()
