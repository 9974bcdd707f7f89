"""Export the purchase log's shown rows (its filter, order and visible columns) to ``.xlsx``.

openpyxl is imported here only, when the clerk exports, so the window starts without it. The file
is written as every exported file is (:func:`~desktop832.documents.files.write_atomically`), so a
failed export never leaves half a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ...documents.files import write_atomically
from ...store import purchase_queries as q
from . import fields as fields

_NUMBER_FORMATS = {"amount": "#,##0.00", "date": "yyyy-mm-dd", "paid_on": "yyyy-mm-dd"}
_ROWS_PER_READ = 2000


def export_xlsx(path: Path, store, ids: Sequence[int], keys: Sequence[str], judge: q.Judge, title: str) -> int:
    """Write the purchases ``ids`` (in that order) with the columns ``keys``; returns the row count.

    Raises :class:`~desktop832.documents.errors.ExchangeError` (its message in Chinese) when the
    file cannot be written (e.g. it is open in Excel, the disk is full).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    columns = [fields.COLUMNS[fields.column_index(key)] for key in keys]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("采购记录")
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width * 2 + 2
    sheet.freeze_panes = "A3"
    title_cell = WriteOnlyCell(sheet, title)
    title_cell.font = Font(bold=True, size=12)
    sheet.append([title_cell])
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, column.title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    count = 0
    for start in range(0, len(ids), _ROWS_PER_READ):
        chunk = ids[start:start + _ROWS_PER_READ]
        rows = q.purchase_rows(store, chunk)
        for pid in chunk:
            raw = rows.get(pid)
            if raw is None:
                continue
            reason, overdue = judge.reason(raw), judge.overdue_days(raw)
            line = []
            for column in columns:
                cell = WriteOnlyCell(sheet, fields.export_value(column.key, raw, reason, overdue))
                if column.key in _NUMBER_FORMATS:
                    cell.number_format = _NUMBER_FORMATS[column.key]
                line.append(cell)
            sheet.append(line)
            count += 1
    write_atomically(Path(path), book.save)
    return count
