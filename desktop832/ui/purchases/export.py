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

_NUMBER_FORMATS = {"amount": "#,##0.00", "refunded": "#,##0.00", "date": "yyyy-mm-dd", "paid_on": "yyyy-mm-dd",
                   "delivered_on": "yyyy-mm-dd"}
_ROWS_PER_READ = 2000


def export_xlsx(path: Path, store, ids: Sequence[int], keys: Sequence[str], judge: q.Judge, title: str) -> int:
    """Write the purchases ``ids`` (in that order) with the columns ``keys``; returns the row count.

    Raises :class:`~desktop832.documents.errors.ExchangeError` (its message in Chinese) when the
    file cannot be written (e.g. it is open in Excel, the disk is full).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ...documents.cells import write_cell
    from openpyxl.utils import get_column_letter

    columns = [fields.COLUMNS[fields.column_index(key)] for key in keys]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("采购记录")
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width * 2 + 2
    sheet.freeze_panes = "A3"
    sheet.append([write_cell(sheet, title, font=Font(bold=True, size=12))])
    bold = Font(bold=True)
    sheet.append([write_cell(sheet, column.title, font=bold) for column in columns])
    count = 0
    for start in range(0, len(ids), _ROWS_PER_READ):
        chunk = ids[start:start + _ROWS_PER_READ]
        rows = q.purchase_rows(store, chunk)
        for pid in chunk:
            raw = rows.get(pid)
            if raw is None:
                continue
            reason, overdue = judge.reason(raw), judge.overdue_days(raw)
            # one cell writer for every workbook: an imported 店铺名称 "=HYPERLINK(…)" stays text
            sheet.append([
                write_cell(sheet, fields.export_value(column.key, raw, reason, overdue),
                           number_format=_NUMBER_FORMATS.get(column.key))
                for column in columns
            ])
            count += 1
    write_atomically(Path(path), book.save)
    return count
