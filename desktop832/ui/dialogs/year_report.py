"""文件 → 年度采购情况报告… and 导出证据包…: the year-end report as a PDF and the year's evidence
pack as a zip, each written behind the progress dialog.

Entry point for the main window::

    report_with_dialog(window, workspace, year)   # returns at once (the task, or None)

The file dialog asks where; :func:`desktop832.app.year_report.write_report` gathers and writes
the PDF on a worker (:func:`~desktop832.ui.background_task.run_with_progress`); the window's
status bar says where it went, a refusal comes as a message.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from .. import file_dialogs
from ..background_task import BackgroundTask, run_with_progress

TITLE = "年度采购情况报告"
LAST_DIR_KEY = "report.last_dir"


def default_file_name(year: int, unit: str) -> str:
    name = "".join(c for c in (unit or "") if c not in '\\/:*?"<>|').strip()
    return f"{name + '-' if name else ''}{year}年度采购情况报告.pdf"


def choose_path(parent: QWidget | None, workspace, year: int) -> Path | None:
    start = Path(workspace.store.setting(LAST_DIR_KEY, "") or Path(workspace.store.path).parent)
    suggested = start / default_file_name(year, workspace.store.profile().name)
    name, _ = file_dialogs.get_save_file_name(parent, TITLE, str(suggested), "PDF 文件 (*.pdf)")
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")


def report_with_dialog(parent, workspace, year: int, path: Path | str | None = None, on_written=None) -> BackgroundTask | None:
    """Ask where, then write the report on a worker and return at once."""
    from ...app.year_report import write_report
    from ...domain.errors import ClerkError

    if workspace.saved_plan(year) is None:
        QMessageBox.information(parent, TITLE, f"{year} 年度还没有填报数据，无法生成报告。")
        return None
    path = Path(path) if path else choose_path(parent, workspace, year)
    if path is None:
        return None

    def written(result) -> None:
        if not workspace.store.readonly:
            try:
                workspace.store.set_setting(LAST_DIR_KEY, str(path.parent))
            except ClerkError:
                pass
        note = "" if result.report.judged else "（本年度没有政策文件，金额未按正式比例判断）"
        if hasattr(parent, "statusBar"):
            parent.statusBar().showMessage(f"已写出 {path}（{result.pages} 页）{note}", 10000)
        if on_written is not None:
            on_written(result)

    def failed(error: BaseException) -> None:
        if not isinstance(error, ClerkError):
            raise error
        QMessageBox.warning(parent, TITLE, f"没有生成报告：{error.message}")

    return run_with_progress(
        parent, TITLE, f"正在生成 {path.name}…", lambda progress: write_report(workspace, year, path, progress=progress),
        on_success=written, on_failure=failed,
    )


PACK_TITLE = "导出证据包"


def pack_with_dialog(parent, workspace, year: int, path: Path | str | None = None) -> BackgroundTask | None:
    """Ask where, then write the year's evidence pack on a worker and return at once."""
    from ...app.evidence_pack import write_pack
    from ...domain.errors import ClerkError

    if workspace.saved_plan(year) is None:
        QMessageBox.information(parent, PACK_TITLE, f"{year} 年度还没有填报数据，无法导出证据包。")
        return None
    if path is None:
        start = Path(workspace.store.setting(LAST_DIR_KEY, "") or Path(workspace.store.path).parent)
        suggested = start / default_file_name(year, workspace.store.profile().name).replace("采购情况报告.pdf", "证据包.zip")
        name, _ = file_dialogs.get_save_file_name(parent, PACK_TITLE, str(suggested), "zip 压缩包 (*.zip)")
        if not name:
            return None
        path = Path(name) if name.lower().endswith(".zip") else Path(name + ".zip")
    path = Path(path)

    def written(result) -> None:
        note = "" if result.judged else "（本年度没有政策文件，金额未按正式比例判断）"
        if hasattr(parent, "statusBar"):
            parent.statusBar().showMessage(f"已写出 {path}：附件 {result.files} 个{note}", 10000)

    def failed(error: BaseException) -> None:
        if not isinstance(error, ClerkError):
            raise error
        QMessageBox.warning(parent, PACK_TITLE, f"没有导出证据包：{error.message}")

    return run_with_progress(
        parent, PACK_TITLE, f"正在导出 {path.name}…", lambda progress: write_pack(workspace, year, path, progress=progress),
        on_success=written, on_failure=failed,
    )


__all__ = ["choose_path", "default_file_name", "pack_with_dialog", "report_with_dialog"]
