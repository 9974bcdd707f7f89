"""Which data file the window opens at start, and what to do when last time's file is gone.

A clerk's file may live on a USB stick or a network drive that is not there today, or have been
moved. Silently starting an empty unit in its place would look like a year of records had been
lost, so the window says which file is missing and lets the clerk find it, use the default file,
or quit. The demo copy is temporary: it is never remembered as "last time's file".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from .. import paths

LAST_FILE_KEY = "document/path"


@dataclass(frozen=True)
class StartFile:
    path: Path
    first_start: bool  # no data file yet: the window creates one and guides to the profile
    temporary: bool = False  # the demo copy: not remembered, no backup
    missing: Path | None = None  # last time's file, no longer found (``path`` is the default then)


def remembered(path: Path) -> str:
    """How the last file is kept in the settings: a portable copy keeps a file beside it relative to its
    folder, since the USB stick gets another drive letter on another PC; any other file as it is."""
    root = paths.portable_root()
    if root is not None:
        try:
            return Path(path).resolve().relative_to(root).as_posix()
        except ValueError:
            pass
    return str(path)


def recalled(value: str) -> Path | None:
    """The last file from its kept form; ``None`` for a relative one outside a portable copy."""
    path = Path(value)
    if path.is_absolute():
        return path
    root = paths.portable_root()
    return root / path if root is not None else None


def choose_start_file(args, settings) -> StartFile:
    if args.demo:
        from ..app.demo import make_demo_copy

        return StartFile(make_demo_copy(), first_start=False, temporary=True)
    if args.db:
        path = Path(args.db)
        return StartFile(path, first_start=not path.exists())
    default = paths.default_database()
    kept = settings.value(LAST_FILE_KEY, "")
    last = recalled(kept) if kept else None
    if last is not None and last.exists():
        return StartFile(last, first_start=False)
    missing = last if last is not None and last != default else None
    return StartFile(default, first_start=not default.exists(), missing=missing)


def ask_about_missing_file(parent: QWidget, missing: Path, default: Path) -> str:
    """``"find"``, ``"default"`` or ``"quit"``: what the clerk chose about last time's missing file."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(parent.tr("找不到上次的数据文件"))
    box.setText(parent.tr("找不到上次使用的数据文件：\n%s") % missing)
    box.setInformativeText(parent.tr(
        "它可能被移动、改名或删除了，或者所在的U盘、网络盘现在没有连接。\n"
        "连接好后可以“查找数据文件”；也可以改用默认数据文件：\n%s"
    ) % default)
    find = box.addButton(parent.tr("查找数据文件(&F)…"), QMessageBox.ButtonRole.AcceptRole)
    use_default = box.addButton(parent.tr("使用默认数据文件(&D)"), QMessageBox.ButtonRole.ActionRole)
    quit_button = box.addButton(parent.tr("退出(&X)"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(find)
    box.setEscapeButton(quit_button)
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    if clicked is find:
        return "find"
    return "default" if clicked is use_default else "quit"


def open_start_file(window, start: StartFile) -> bool:
    """Open ``start`` in ``window``, first asking about a missing file; ``False``: nothing opened."""
    path, first_start = start.path, start.first_start
    while start.missing is not None:
        answer = ask_about_missing_file(window, start.missing, start.path)
        if answer == "quit":
            window.close()
            return False
        if answer == "default":
            break
        found = window.ask_for_data_file()
        if found is not None:
            path, first_start = found, False
            break
    return window.open_database(path, first_start=first_start, temporary=start.temporary)
