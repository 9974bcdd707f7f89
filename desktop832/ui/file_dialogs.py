"""Every file dialog the app shows comes from here, and none of them reads a file's content.

Why: on POSIX systems closing *any* descriptor of a file releases every ``fcntl`` lock the process
holds on it, SQLite's included. Qt's own file dialog opens each file it lists (the data file and
its ``-wal``/``-shm`` among them) to guess its type for the icon and the 类型 column, and closes
it again. That silently drops the window's SQLite locks: the next reading command in another
process then takes itself for the last connection, checkpoints and deletes the WAL the window is
still writing into, and a crash loses every later save.

So the dialogs here use an icon provider that decides from the name and ``stat`` alone, and on
POSIX always Qt's own dialog (a native one runs the desktop's code, in this process, which may
sniff files too). On Windows locks belong to a handle and closing another handle leaves them, so
the native dialog is safe there and the clerk keeps the one she knows.

The static helpers mirror ``QFileDialog.getOpenFileName`` / ``getSaveFileName``: (path, filter),
with an empty path when the clerk cancelled.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QFileInfo
from PySide6.QtGui import QAbstractFileIconProvider
from PySide6.QtWidgets import QApplication, QFileDialog, QStyle, QWidget

NATIVE_DIALOGS_ARE_SAFE = sys.platform == "win32"

# what Qt's Chinese translation (qtbase_zh_CN, Qt 6.12) leaves in English in its own dialog, beside
# 文件名称(&N)：; supplied at start (app.install_qt_translation, through mnemonics.QtTextFixes)
UNTRANSLATED = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
}


class NameOnlyIconProvider(QAbstractFileIconProvider):
    """Icons and type names from the file name and ``stat``: never opens a file."""

    def icon(self, what):  # noqa: D401  (Qt's overloads: an IconType or a QFileInfo)
        style = QApplication.style()
        if isinstance(what, QFileInfo):
            folder = what.isDir()
        else:
            folder = what in (QAbstractFileIconProvider.IconType.Folder, QAbstractFileIconProvider.IconType.Drive)
        return style.standardIcon(QStyle.StandardPixmap.SP_DirIcon if folder else QStyle.StandardPixmap.SP_FileIcon)

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return "文件夹"
        suffix = info.suffix()
        return f"{suffix.upper()} 文件" if suffix else "文件"


def make_file_dialog(parent: QWidget | None, caption: str, start: str, name_filter: str, *, save: bool) -> QFileDialog:
    """A file dialog that never reads the files it lists (see the module's docstring)."""
    dialog = QFileDialog(parent, caption, start, name_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile if save else QFileDialog.FileMode.ExistingFile)
    if not NATIVE_DIALOGS_ARE_SAFE:
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setOption(QFileDialog.Option.DontUseCustomDirectoryIcons, True)
    provider = NameOnlyIconProvider()
    dialog.setIconProvider(provider)
    dialog._icon_provider = provider  # Qt does not own it: it must live as long as the dialog
    return dialog


def _run(parent, caption: str, start: str, name_filter: str, save: bool) -> tuple[str, str]:
    folder, name = start, ""
    if start and not os.path.isdir(start):  # a suggested file: its folder, with its name filled in
        folder, name = os.path.split(start)
    dialog = make_file_dialog(parent, caption, folder, name_filter, save=save)
    try:
        if name:
            dialog.selectFile(name)
        if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return "", ""
        return dialog.selectedFiles()[0], dialog.selectedNameFilter()
    finally:
        dialog.deleteLater()


def get_open_file_name(parent: QWidget | None, caption: str = "", start: str = "", name_filter: str = "") -> tuple[str, str]:
    """Ask for an existing file, like ``QFileDialog.getOpenFileName``."""
    return _run(parent, caption, start, name_filter, save=False)


def get_save_file_name(parent: QWidget | None, caption: str = "", start: str = "", name_filter: str = "") -> tuple[str, str]:
    """Ask where to save, like ``QFileDialog.getSaveFileName`` (it asks before replacing a file)."""
    return _run(parent, caption, start, name_filter, save=True)


def get_open_file_names(parent: QWidget | None, caption: str = "", start: str = "", name_filter: str = "") -> list[str]:
    """Ask for one or more existing files, like ``QFileDialog.getOpenFileNames`` (``[]``: cancelled)."""
    dialog = make_file_dialog(parent, caption, start, name_filter, save=False)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    try:
        if dialog.exec() != QFileDialog.DialogCode.Accepted:
            return []
        return list(dialog.selectedFiles())
    finally:
        dialog.deleteLater()
