"""文件 → 年度采购情况报告… and 导出证据包…: the year-end report as a PDF and the year's evidence
pack as a zip, each written behind the progress dialog.

Entry points for the main window::

    report_with_dialog(window, workspace, year)   # return at once (the task, or None)
    pack_with_dialog(window, workspace, year)

Both take the same steps (:func:`_write_year_file`): refuse a year with no filing, ask where
(in the folder the last one went to), write on a worker
(:func:`~desktop832.ui.background_task.run_with_progress`) through
:func:`desktop832.app.year_report.write_report` or
:func:`desktop832.app.evidence_pack.write_pack`, then say in the status bar where it went; a
refusal comes as a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from .. import file_dialogs
from ..background_task import BackgroundTask, run_with_progress

TITLE = "年度采购情况报告"
PACK_TITLE = "导出证据包"
LAST_DIR_KEY = "report.last_dir"  # one folder for both: the report and its evidence go together
NOT_JUDGED = "（本年度没有政策文件，金额未按正式比例判断）"


@dataclass(frozen=True)
class _YearFile:
    """What differs between the report and the pack: their words and their file type."""

    title: str
    noun: str  # 报告 / 证据包, in "无法生成报告" and "没有生成报告"
    verb: str  # 生成 / 导出
    suffix: str
    file_filter: str
    name_tail: str  # after the unit and the year in the suggested file name


REPORT = _YearFile(TITLE, "报告", "生成", ".pdf", "PDF 文件 (*.pdf)", "采购情况报告")
PACK = _YearFile(PACK_TITLE, "证据包", "导出", ".zip", "zip 压缩包 (*.zip)", "证据包")


def default_file_name(year: int, unit: str, kind: _YearFile = REPORT) -> str:
    name = "".join(c for c in (unit or "") if c not in '\\/:*?"<>|').strip()
    return f"{name + '-' if name else ''}{year}年度{kind.name_tail}{kind.suffix}"


def choose_path(parent: QWidget | None, workspace, year: int, kind: _YearFile = REPORT) -> Path | None:
    start = Path(workspace.store.setting(LAST_DIR_KEY, "") or Path(workspace.store.path).parent)
    suggested = start / default_file_name(year, workspace.store.profile().name, kind)
    name, _ = file_dialogs.get_save_file_name(parent, kind.title, str(suggested), kind.file_filter)
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == kind.suffix else path.with_name(path.name + kind.suffix)


def _write_year_file(
    parent, workspace, year: int, path: Path | str | None, kind: _YearFile,
    write: Callable, said: Callable[[object], str], on_written=None,
) -> BackgroundTask | None:
    from ...domain.errors import ClerkError

    if workspace.saved_plan(year) is None:
        QMessageBox.information(parent, kind.title, f"{year} 年度还没有填报数据，无法{kind.verb}{kind.noun}。")
        return None
    path = Path(path) if path else choose_path(parent, workspace, year, kind)
    if path is None:
        return None

    def written(result) -> None:
        if not workspace.store.readonly:
            try:
                workspace.store.set_setting(LAST_DIR_KEY, str(path.parent))
            except ClerkError:
                pass  # the folder is a convenience: failing to remember it is no reason to say more
        if hasattr(parent, "statusBar"):
            parent.statusBar().showMessage(f"已写出 {path}{said(result)}", 10000)
        if on_written is not None:
            on_written(result)

    def failed(error: BaseException) -> None:
        if not isinstance(error, ClerkError):
            raise error
        QMessageBox.warning(parent, kind.title, f"没有{kind.verb}{kind.noun}：{error.message}")

    return run_with_progress(
        parent, kind.title, f"正在{kind.verb} {path.name}…", lambda progress: write(workspace, year, path, progress=progress),
        on_success=written, on_failure=failed,
    )


def report_with_dialog(parent, workspace, year: int, path: Path | str | None = None, on_written=None) -> BackgroundTask | None:
    """Ask where, then write the report on a worker and return at once."""
    from ...app.year_report import write_report

    def said(result) -> str:
        return f"（{result.pages} 页）" + ("" if result.report.judged else NOT_JUDGED)

    return _write_year_file(parent, workspace, year, path, REPORT, write_report, said, on_written)


def pack_with_dialog(parent, workspace, year: int, path: Path | str | None = None, on_written=None) -> BackgroundTask | None:
    """Ask where, then write the year's evidence pack on a worker and return at once."""
    from ...app.evidence_pack import write_pack

    def said(result) -> str:
        return f"：附件 {result.files} 个" + ("" if result.judged else NOT_JUDGED)

    return _write_year_file(parent, workspace, year, path, PACK, write_pack, said, on_written)


__all__ = ["choose_path", "default_file_name", "pack_with_dialog", "report_with_dialog"]
