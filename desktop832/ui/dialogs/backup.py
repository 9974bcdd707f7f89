"""文件 → 备份: the data file's backups (time, size, reason), 立即备份 and 恢复.

The dialog knows nothing of the main window: whoever opens it passes the data file's path and
callables to save pending edits, close the file and open it again (a restore replaces the file,
which must not be open meanwhile). The work itself is :mod:`desktop832.store.backups`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QHeaderView, QLabel, QMessageBox, QPushButton, QTableWidget, QTableWidgetItem,
    QWidget,
)

from ... import paths
from ...store import backups
from ...store.errors import StoreError
from ..background_task import BackgroundTask, wait_for
from ..forms import FormWidget
from ..palette import set_tone
from ..screen_fit import fit_dialog, scroll_content

log = logging.getLogger("desktop832.backups")
BACKUP_ROLE = Qt.ItemDataRole.UserRole
OFFER_RESTORE_KINDS = {"corrupt"}  # a backup helps with a damaged file; not with a newer or foreign one


def _ask(parent: QWidget | None, title: str, text: str) -> bool:
    answer = QMessageBox.question(
        parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


class BackupPanel(FormWidget):
    FORM = "backup_dialog.ui"
    WIDGETS = {
        "folder_label": QLabel, "backup_table": QTableWidget, "status_label": QLabel,
        "backup_now_button": QPushButton, "restore_button": QPushButton, "folder_button": QPushButton,
        "button_box": QDialogButtonBox,
    }


class BackupDialog(QDialog):
    """The backups of one data file.

    ``save_pending()`` writes edits not yet saved and returns whether it could (a backup or a
    restore must not silently leave them out); ``close_file()`` closes every connection to the
    file; ``reopen_file(path)`` opens it again and returns whether it could. Without
    ``close_file``/``reopen_file`` the dialog only makes backups (恢复 is hidden).
    ``confirm(title, text)`` asks before a restore (a message box unless a test passes another).
    """

    def __init__(
        self, parent: QWidget | None, source: Path | str, *, backup_dir: Path | None = None,
        save_pending: Callable[[], bool] = lambda: True, close_file: Callable[[], object] | None = None,
        reopen_file: Callable[[Path], bool] | None = None, confirm: Callable[[str, str], bool] | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("备份与恢复")
        self.source = Path(source)
        self.backup_dir = Path(backup_dir) if backup_dir is not None else paths.backup_dir()
        self.save_pending = save_pending
        self.close_file = close_file
        self.reopen_file = reopen_file
        self.confirm = confirm or (lambda title, text: _ask(self, title, text))
        self.restored = False  # whether the data file was replaced while the dialog was open
        self.panel = BackupPanel(self)
        scroll_content(self, self.panel, self.panel.form.layout())  # the buttons below, always visible
        p = self.panel
        self.table, self.status_label = p.backup_table, p.status_label
        p.folder_label.setText(f"数据文件：{self.source}\n备份文件夹：{self.backup_dir}")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        p.backup_now_button.clicked.connect(self.backup_now)
        p.restore_button.clicked.connect(self.restore_selected)
        p.restore_button.setVisible(close_file is not None and reopen_file is not None)
        p.folder_button.clicked.connect(self._open_folder)
        p.button_box.rejected.connect(self.reject)
        p.button_box.button(QDialogButtonBox.StandardButton.Close).setText("关闭(&C)")
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _item: self.restore_selected())
        self.refresh()
        fit_dialog(self)

    # --- list ---------------------------------------------------------------------------------

    def refresh(self, select: Path | None = None) -> None:
        try:
            found = backups.list_backups(self.backup_dir, self.source)
        except StoreError as exc:
            found = []
            self._say(exc.message, ok=False)
        self.table.setRowCount(len(found))
        for row, backup in enumerate(found):
            cells = (f"{backup.created:%Y-%m-%d %H:%M:%S}", backup.size_label, backup.reason_label)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(BACKUP_ROLE, str(backup.path))
                item.setToolTip(str(backup.path))
                if column == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        if not found and not self.status_label.text():
            self._say("还没有备份。点“立即备份”可以马上备份一份。")
        target = next((i for i, b in enumerate(found) if select is not None and b.path == select), 0 if found else -1)
        if target >= 0:
            self.table.selectRow(target)
        self._selection_changed()

    def backups(self) -> list[backups.Backup]:
        return [self._backup_at(row) for row in range(self.table.rowCount())]

    def _backup_at(self, row: int) -> backups.Backup:
        backup = backups.parse_name(Path(self.table.item(row, 0).data(BACKUP_ROLE)))
        assert backup is not None
        return backup

    def selected(self) -> backups.Backup | None:
        rows = self.table.selectionModel().selectedRows()
        return self._backup_at(rows[0].row()) if rows else None

    def _selection_changed(self) -> None:
        self.panel.restore_button.setEnabled(self.selected() is not None)

    def _say(self, text: str, ok: bool = True) -> None:
        self.status_label.setText(text)
        set_tone(self.status_label, None if ok else "error")

    # --- actions ------------------------------------------------------------------------------

    def backup_now(self) -> backups.Backup | None:
        if not self.save_pending():
            self._say("刚才的修改未能保存，所以没有备份（备份里会缺少它们）。请先解决保存问题。", ok=False)
            return None
        try:
            backup = backups.make_backup(self.source, self.backup_dir, backups.MANUAL)
        except StoreError as exc:
            self._say(exc.message, ok=False)
            return None
        self.refresh(select=backup.path)
        self._say(f"已备份（{backup.created:%Y-%m-%d %H:%M:%S}，{backup.size_label}）。")
        return backup

    def restore_selected(self) -> bool:
        backup = self.selected()
        if backup is None or self.close_file is None or self.reopen_file is None:
            return False
        question = (
            f"用 {backup.created:%Y-%m-%d %H:%M:%S} 的备份（{backup.reason_label}）替换当前数据文件？\n\n"
            "此后做的修改将不在恢复后的文件中。当前数据文件会先另存为一个备份，需要时可以再恢复回来。"
        )
        if not self.confirm("恢复备份", question):
            return False
        if not self.save_pending():
            self._say("当前的修改未能保存，为免丢失，没有进行恢复。", ok=False)
            return False
        wait_for_open_backups()  # the file is about to be replaced: let a backup of it finish first
        try:
            backups.check_backup(backup)
        except StoreError as exc:
            self._say(exc.message, ok=False)
            return False
        self.close_file()
        try:
            kept = backups.restore(backup, self.source, self.backup_dir)
        except StoreError as exc:
            reopened = self.reopen_file(self.source)
            self._say(exc.message + ("" if reopened else "\n原数据文件也未能重新打开，请重新启动程序。"), ok=False)
            self.refresh()
            return False
        self.restored = True
        reopened = self.reopen_file(self.source)
        self.refresh(select=kept.path if kept else None)
        kept_text = f"恢复前的数据文件已另存为备份（{kept.created:%Y-%m-%d %H:%M:%S}）。" if kept else ""
        if reopened:
            self._say(f"已恢复 {backup.created:%Y-%m-%d %H:%M:%S} 的备份。{kept_text}")
        else:
            self._say(f"已恢复 {backup.created:%Y-%m-%d %H:%M:%S} 的备份，但未能重新打开数据文件。{kept_text}", ok=False)
        return reopened

    def _open_folder(self) -> None:
        try:
            self.backup_dir.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.backup_dir)))


OPEN_BACKUP = "desktop832-open-backup"  # the name its task runs under


def backup_on_open(source: Path | str, backup_dir: Path | None = None) -> tuple[object, str]:
    """The automatic backup when a file is opened: ``(backup or None, problem)``, ``problem`` a
    Chinese message ("" when all went well, or nothing changed). Run off the window's thread."""
    backup_dir = Path(backup_dir) if backup_dir is not None else paths.backup_dir()
    try:
        backup = backups.backup_on_open(Path(source), backup_dir)
    except StoreError as exc:
        log.warning("backup on open failed: %s", exc.message)
        return None, f"自动备份未能完成：{exc.message}"
    if backup is not None:
        log.info("backup on open: %s", backup.path)
    return backup, ""


def open_backup_task(source: Path | str, backup_dir: Path | None = None, parent: QObject | None = None) -> BackgroundTask:
    """The backup on open as a background task (not started): SQLite's backup copies a 20 MB
    file in a fraction of a second, but not in a frame, so the clerk never waits for it. Its
    ``succeeded`` carries ``(backup or None, problem)``."""
    return BackgroundTask(lambda _progress: backup_on_open(source, backup_dir), name=OPEN_BACKUP, parent=parent)


def _raise(error: BaseException) -> None:
    raise error


def wait_for_open_backups(timeout: float = 30.0) -> None:
    """Let running backups on open finish (before a restore replaces the file they read)."""
    wait_for(OPEN_BACKUP, timeout)


def start_open_backup(parent: QObject | None, source: Path | str, report: Callable[[str], object] | None = None) -> BackgroundTask:
    """Start the automatic backup of ``source``; ``report(problem)`` is called only on a problem."""
    task = open_backup_task(source, parent=parent)
    if report is not None:
        task.succeeded.connect(lambda outcome: outcome[1] and report(outcome[1]))
    task.failed.connect(_raise)  # not a StoreError: a bug, for the crash report
    task.finished.connect(task.deleteLater)
    return task.start()


def show_backup_dialog(
    parent: QWidget | None, source: Path | str, *, save_pending: Callable[[], bool] = lambda: True,
    close_file: Callable[[], object] | None = None, reopen_file: Callable[[Path], bool] | None = None,
    backup_dir: Path | None = None,
) -> bool:
    """Run the dialog modally; returns whether a backup was restored."""
    dialog = BackupDialog(
        parent, source, backup_dir=backup_dir, save_pending=save_pending, close_file=close_file, reopen_file=reopen_file
    )
    dialog.exec()
    dialog.deleteLater()
    return dialog.restored


def run_backup(window) -> bool:
    """文件 → 备份 from the main window (kept for the existing menu action)."""
    document, workspace = window.document, window.workspace
    readonly = getattr(workspace.store, "readonly", False)

    def close_file() -> None:
        workspace.close()

    return show_backup_dialog(
        window, Path(workspace.store.path),
        save_pending=document.save_now if document is not None else (lambda: True),
        close_file=None if readonly else close_file,
        reopen_file=None if readonly else (lambda path: window.open_database(path)),
    )


def explain_open_failure(
    parent: QWidget | None, path: Path | str, error: StoreError, *, reopen: Callable[[Path], bool],
    backup_dir: Path | None = None,
) -> bool:
    """Say why ``path`` cannot be opened; for a damaged file with backups, offer to restore one.

    Returns whether a backup was restored and ``reopen(path)`` succeeded. The damaged file is kept
    as a backup by the restore, so nothing is lost by trying.
    """
    path = Path(path)
    backup_dir = Path(backup_dir) if backup_dir is not None else paths.backup_dir()
    found = backups.list_backups(backup_dir, path) if error.kind in OFFER_RESTORE_KINDS else []
    box = open_failure_box(parent, error, bool(found))
    box.exec()
    clicked = box.clickedButton()
    if not found or clicked is None or box.buttonRole(clicked) != QMessageBox.ButtonRole.AcceptRole:
        return False
    return show_backup_dialog(
        parent, path, backup_dir=backup_dir, close_file=lambda: None, reopen_file=reopen,
    )


def open_failure_box(parent: QWidget | None, error: StoreError, offer_backups: bool) -> QMessageBox:
    """The message for a data file that cannot be opened (built, not shown)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("无法打开数据文件")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(error.message)
    if offer_backups:
        box.setInformativeText("可以从备份恢复：恢复前，这个文件会原样另存为一个备份。")
        box.addButton("从备份恢复(&R)…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("关闭(&C)", QMessageBox.ButtonRole.RejectRole)
    else:
        box.addButton("确定(&O)", QMessageBox.ButtonRole.RejectRole)
    return box
