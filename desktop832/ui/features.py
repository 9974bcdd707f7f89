"""Menu actions that open a feature's own dialog (letter, export, import, verify, year-end report).

Features are imported when first used, so the window starts without reportlab or openpyxl.
"""

from __future__ import annotations

def run_feature(name: str, window) -> None:
    runner = {"letter": _letter, "export": _export, "import_orders": _import_orders, "verify": _verify, "report": _report,
              "evidence": _evidence}[name]
    runner(window)


def _letter(window) -> None:
    from .dialogs.letter import LetterDialog

    document = window.document
    # the document's values, so edits not yet saved are in the letter too
    LetterDialog(window, document.profile, document.plan, document.policy, window.workspace.today,
                 fingerprint=window.workspace.last_filing_fingerprint(document.plan.year)).exec()


def _export(window) -> None:
    from .dialogs.export import export_with_dialog

    year, workspace = window.document.year, window.workspace

    def exported(result) -> None:
        # the export set the filing status and date in the file: show them (if still open),
        # with the findings the export ran the rules for
        if window.workspace is workspace and window.document is not None and window.document.year == year:
            window.document.replace_plan(result.plan, result)

    task = export_with_dialog(window, workspace, year, on_exported=exported)
    if task is not None:
        # one export at a time: the menu entry waits while the file is written
        window.export_action.setEnabled(False)

        def ended() -> None:
            if window.workspace is workspace:
                window.export_action.setEnabled(not window.readonly)

        task.finished.connect(ended)


def _import_orders(window) -> None:
    from PySide6.QtWidgets import QMessageBox

    from .dialogs.import_orders import ImportOrdersCommand, import_orders_with_dialog

    result = import_orders_with_dialog(window, window.workspace)
    if result is not None:
        window.reload_purchases(([], []))  # the dialog has told the workspace what it wrote
        window.undo_stack.push(ImportOrdersCommand(
            window.workspace.store, result, window.reload_purchases,
            lambda message: QMessageBox.warning(window, "导入平台订单", message),
        ))


def _verify(window) -> None:
    from .dialogs.verify import verify_with_dialog

    verify_with_dialog(window, window.workspace.library if window.workspace else None)


def _one_at_a_time(window, action, start) -> None:
    """Run ``start(window, workspace, year)``; while its task writes, ``action`` waits."""
    workspace = window.workspace
    task = start(window, workspace, window.document.year)
    if task is not None:
        action.setEnabled(False)

        def ended() -> None:
            if window.workspace is workspace:  # a file opened meanwhile sets its own actions
                action.setEnabled(True)

        task.finished.connect(ended)


def _report(window) -> None:
    from .dialogs.year_report import report_with_dialog

    _one_at_a_time(window, window.report_action, report_with_dialog)


def _evidence(window) -> None:
    from .dialogs.year_report import pack_with_dialog

    _one_at_a_time(window, window.evidence_action, pack_with_dialog)
