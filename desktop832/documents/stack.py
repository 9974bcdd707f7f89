"""Stacking many units' exports into one table: what a finance department does with the files.

Each export's 汇总数据 sheet holds one header row and one row per unit and year with the same
columns, so the rows of many files line up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from .. import protected_files
from .cells import cell_text
from .errors import ExchangeError
from .files import write_atomically
from . import export_layout as layout


def read_summary_rows(path: Path | str) -> list[tuple]:
    """The data rows of one export's 汇总数据 sheet, checked against the expected columns."""
    from openpyxl import load_workbook

    from .spreadsheets import BROKEN_XLSX, xlsx_errors

    path = Path(path)
    try:
        protected_files.refuse_reading(path)
    except protected_files.ProtectedFileError as exc:
        raise ExchangeError(exc.message) from None
    try:
        with open(path, "rb") as handle:
            wb = load_workbook(handle, read_only=True, data_only=True)
            try:
                if layout.SUMMARY_SHEET not in wb.sheetnames:
                    raise ExchangeError(f"“{path.name}”不是 desktop832 导出的上报文件（缺少“{layout.SUMMARY_SHEET}”工作表）")
                rows = [tuple(r) for r in wb[layout.SUMMARY_SHEET].iter_rows(values_only=True)]
            finally:
                wb.close()
    except OSError as exc:
        raise ExchangeError(f"无法读取“{path.name}”：{exc.strerror or exc}") from None
    except xlsx_errors():
        raise ExchangeError(f"无法读取“{path.name}”：{BROKEN_XLSX}") from None
    header = [cell_text(v) for v in rows[0]] if rows else []
    if header[: len(layout.SUMMARY_HEADERS)] != layout.SUMMARY_HEADERS:
        raise ExchangeError(f"“{path.name}”的“{layout.SUMMARY_SHEET}”列与本程序的不同，无法合并")
    width = len(layout.SUMMARY_HEADERS)
    return [tuple(r[:width]) for r in rows[1:] if any(v not in (None, "") for v in r)]


def stack(paths: Iterable[Path | str]) -> tuple[list[str], list[tuple]]:
    """The common header and every file's rows, in the order given."""
    rows: list[tuple] = []
    for path in paths:
        rows.extend(read_summary_rows(path))
    return list(layout.SUMMARY_HEADERS), rows


def write_stack(paths: Iterable[Path | str], out: Path | str) -> int:
    """Write the stacked table to ``out`` (atomically); returns the number of rows."""
    from openpyxl import Workbook

    from .cells import write_cell

    paths = list(paths)
    headers, rows = stack(paths)
    formats = {i: layout.NUMBER_FORMATS.get(kind) for i, (_, kind, _) in enumerate(layout.SUMMARY_COLUMNS)}

    def write(tmp: Path) -> None:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("汇总")
        ws.freeze_panes = "C2"
        ws.append([write_cell(ws, header) for header in headers])
        for row in rows:
            ws.append([write_cell(ws, value, number_format=formats[i]) for i, value in enumerate(row)])
        wb.save(tmp)

    write_atomically(Path(out), write, inputs=tuple(paths))
    return len(rows)
