"""Menu actions that open a feature's own dialog (letter, export, import, verify).

Features are imported when first used, so the window starts without reportlab or openpyxl.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox


def run_feature(name: str, window) -> None:
    runner = {"letter": _letter, "export": _export, "import_orders": _import_orders, "verify": _verify}[name]
    runner(window)


def _unavailable(window, what: str) -> None:
    QMessageBox.information(window, what, f"“{what}”功能尚未提供。")


def _letter(window) -> None:
    from .letter_dialog import LetterDialog

    document = window.document
    # the document's values, so edits not yet saved are in the letter too
    LetterDialog(window, document.profile, document.plan, document.policy, window.workspace.today).exec()


def _export(window) -> None:
    _unavailable(window, "导出上报文件")


def _import_orders(window) -> None:
    _unavailable(window, "导入平台订单")


def _verify(window) -> None:
    _unavailable(window, "核验上报文件")
