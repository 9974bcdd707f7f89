"""The question a second window asks when its data file is in use: view read-only, or not at all."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

READ_ONLY_TEXT = "以只读方式查看(&R)"


def read_only_question(parent: QWidget | None, holder: str, path: Path | str | None = None) -> QMessageBox:
    """The message box (built, not shown), so a test can look at it without a modal loop."""
    name = f"“{Path(path).name}”" if path is not None else ""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle("数据文件正在使用")
    box.setText(f"数据文件{name}正由{holder}打开。")
    box.setInformativeText(
        "同一时间只能在一个窗口里修改它，以免两边的修改互相覆盖。\n"
        "可以以只读方式查看；要修改，请先关闭另一个窗口再打开。"
    )
    box.addButton(READ_ONLY_TEXT, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("取消(&C)", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    return box


def ask_read_only(parent: QWidget | None, holder: str, path: Path | str | None = None) -> bool:
    """Tell the clerk who holds the file; ``True`` when they choose to view it read-only."""
    box = read_only_question(parent, holder, path)
    box.exec()
    clicked = box.clickedButton()
    return clicked is not None and box.buttonRole(clicked) == QMessageBox.ButtonRole.AcceptRole


def cannot_lock(parent: QWidget | None, problem: str) -> bool:
    """The file cannot be saved where it is (read-only file or folder): offer read-only viewing."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("无法修改数据文件")
    box.setText(problem + "。")
    box.setInformativeText("在这里无法保存修改。可以以只读方式查看，或把数据文件复制到可写的文件夹后再打开。")
    box.addButton(READ_ONLY_TEXT, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("取消(&C)", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    return clicked is not None and box.buttonRole(clicked) == QMessageBox.ButtonRole.AcceptRole


def choose_open_mode(parent: QWidget | None, path: Path | str):
    """Lock ``path`` or ask what to do: returns ``(mode, lock_result)``, mode one of ``"write"``
    (locked for us; keep ``lock_result`` and call ``lock_result.release()`` when the file is
    closed), ``"readonly"`` (open with ``readonly=True``) or ``"cancel"``.

    A file this process may not write (read-only attribute, a read-only share) is offered
    read-only at once, instead of failing at the first save."""
    from ...app import locking

    problem = locking.write_problem(path)
    if problem:
        no_lock = locking.LockResult(False, problem, None, "readonly", Path(path))
        return ("readonly" if cannot_lock(parent, problem) else "cancel"), no_lock
    result = locking.acquire(path)
    if result.ok:
        return "write", result
    if result.problem == "held":
        wanted = ask_read_only(parent, result.holder_description, path)
    else:
        wanted = cannot_lock(parent, result.holder_description)
    return ("readonly" if wanted else "cancel"), result
