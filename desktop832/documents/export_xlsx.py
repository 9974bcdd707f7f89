"""The upward export: one ``.xlsx`` per unit and year for the supervising department.

Entry point: :func:`write_workbook`, called by :func:`desktop832.app.exporting.export_year` (used by
``desktop832 export`` and the export dialog), which then marks the year's filing 已导出待确认: this
module never writes to the data file. The workbook is streamed with openpyxl's write-only mode (a
year of 100,000 purchases stays cheap), written to a temporary file and moved into place.

Sheets: 预留份额填报表 (printable A4), 汇总数据 (one machine-readable row to stack), 采购汇总,
采购明细 (every purchase of the year, with a check code per row), 校验数据 (every field with a
check code, and the fingerprint). The layout lives in :mod:`.export_layout`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from copy import copy
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell  # the type only: cells come from cells.write_cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break

from .cells import is_formula_like, write_cell
from .files import write_atomically
from .progress import STEP, Progress, no_progress
from . import export_layout as layout
from . import fingerprint as fp
from .export_data import FINDING_KEY, FINGERPRINT_KEY, ExportData, data_fields
from .export_layout import C, SheetSpec

FILE_SUFFIX = "预留份额填报.xlsx"
BODY_FONT = "宋体"
HEAD_FONT = "黑体"

_thin = Side(style="thin", color="808080")
_BOX = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(vertical="center", wrap_text=True)
_SEVERITY_COLOURS = {"error": "C00000", "warning": "C65911", "info": "2F5597", "ok": "548235"}

# style name → (font, fill, border, alignment)
STYLES = {
    "title": (Font(name=HEAD_FONT, size=16, bold=True), None, None, Alignment(horizontal="center", vertical="center")),
    "subtitle": (Font(name=BODY_FONT, size=11), None, None, Alignment(vertical="center", wrap_text=True)),
    "subtitle_right": (Font(name=BODY_FONT, size=11), None, None, Alignment(horizontal="right", vertical="center", wrap_text=True)),
    "section": (Font(name=HEAD_FONT, size=12, bold=True), None, Border(bottom=_thin), Alignment(vertical="center")),
    "label": (Font(name=BODY_FONT, size=11), _LABEL_FILL, _BOX, _WRAP),
    "value": (Font(name=BODY_FONT, size=11), None, _BOX, _WRAP),
    # a figure written as text (such as 114.78%, above what a percent cell may hold): right-aligned like the numbers
    "figure": (Font(name=BODY_FONT, size=11), None, _BOX, Alignment(horizontal="right", vertical="center", wrap_text=True)),
    "head": (Font(name=BODY_FONT, size=11, bold=True), _HEAD_FILL, _BOX,
             Alignment(horizontal="center", vertical="center", wrap_text=True)),
    "total": (Font(name=BODY_FONT, size=11, bold=True), _LABEL_FILL, _BOX, _WRAP),
    "finding": (Font(name=BODY_FONT, size=10), None, _BOX, Alignment(vertical="top", wrap_text=True)),
    "sign": (Font(name=BODY_FONT, size=11), None, _BOX, Alignment(horizontal="right", vertical="bottom")),
    "small": (Font(name=BODY_FONT, size=8.5, color="595959"), None, None, Alignment(vertical="center", wrap_text=True)),
    "plain": (Font(name=BODY_FONT, size=10), None, None, None),
    "seal": (Font(name=BODY_FONT, size=11), None, _BOX, Alignment(horizontal="right", vertical="bottom")),
    "fingerprint": (Font(name="Courier New", size=14, bold=True), None, None, Alignment(vertical="center")),
    "cell": (Font(name=BODY_FONT, size=10), None, _BOX, Alignment(vertical="center")),
}
for _key, _colour in _SEVERITY_COLOURS.items():
    STYLES["finding_" + _key] = (
        Font(name=BODY_FONT, size=10, bold=True, color=_colour), None, _BOX,
        Alignment(horizontal="center", vertical="top"),
    )


def default_file_name(year: int, unit_name: str) -> str:
    """``2024_单位全称_预留份额填报.xlsx``, with characters Windows refuses in names removed."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "", unit_name).strip(" .") or "未命名单位"
    return f"{year}_{name}_{FILE_SUFFIX}"


# --- cells ---------------------------------------------------------------------------------------


def cell_value(spec: C):
    """What goes into the cell: ratios as fractions so Excel's percent format shows 15.00%."""
    value = spec.value
    if value is None or value == "":
        return None
    if spec.kind == "percent":
        return Decimal(value) / 100
    return value


def _styled(ws, spec: C) -> WriteOnlyCell:
    value = cell_value(spec)
    cell = write_cell(ws, value)  # formula-like text stays text
    formula_like = is_formula_like(value)
    cell._style = copy(_style_array(ws, spec.style, spec.kind, formula_like))
    return cell


def _style_array(ws, style: str, kind: str, quote: bool = False, filler: bool = False):
    """The workbook's style index for a look, built once per workbook: setting fonts and borders
    cell by cell hashes every style object each time and costs more than writing the cell."""
    cache = ws.parent.__dict__.setdefault("_desktop832_styles", {})
    key = (style, kind, quote, filler)
    if key not in cache:
        cell = write_cell(ws)
        font, fill, border, alignment = STYLES[style]
        if fill is not None:
            cell.fill = fill
        if border is not None:
            cell.border = border
        if not filler:
            cell.font = font
            if alignment is not None:
                if kind in ("money", "percent", "int") and alignment.horizontal is None:
                    alignment = Alignment(horizontal="right", vertical=alignment.vertical, wrap_text=alignment.wrap_text)
                cell.alignment = alignment
            if kind in layout.NUMBER_FORMATS:
                cell.number_format = layout.NUMBER_FORMATS[kind]
            if quote:
                cell.quotePrefix = True
        cache[key] = cell._style
    return cache[key]


def _filler(ws, spec: C) -> WriteOnlyCell:
    """The covered cells of a merged range: empty, but bordered like the range."""
    cell = write_cell(ws)
    cell._style = copy(_style_array(ws, spec.style, "", filler=True))
    return cell


def _escape_header(text: str) -> str:
    return text.replace("&", "&&")


def _page_setup(ws, spec: SheetSpec, fingerprint: str) -> None:
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.orientation = "landscape" if spec.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = spec.pages_tall  # 0: as many pages down as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.45, bottom=0.45, header=0.2, footer=0.2)
    ws.oddHeader.left.text = _escape_header("desktop832")
    ws.oddHeader.left.size = 8
    ws.oddHeader.right.text = _escape_header(spec.header)
    ws.oddHeader.right.size = 8
    ws.oddFooter.left.text = _escape_header(f"数据指纹 {fp.short(fingerprint)}")
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = "第 &P 页，共 &N 页"
    ws.oddFooter.right.size = 8
    if spec.print_rows:
        ws.print_title_rows = spec.print_rows
    if spec.freeze:
        ws.freeze_panes = spec.freeze


def write_sheet(wb: Workbook, spec: SheetSpec, fingerprint: str):
    ws = wb.create_sheet(spec.name)
    # only the first sheet (the form) is selected: printing the selected sheet prints the form alone
    ws.sheet_view.tabSelected = len(wb.worksheets) == 1
    for i, width in enumerate(spec.widths):
        ws.column_dimensions[_letter(i)].width = width
    for row, height in spec.heights.items():
        ws.row_dimensions[row].height = height
    _page_setup(ws, spec, fingerprint)
    for row in spec.breaks:
        ws.row_breaks.append(Break(id=row))
    if spec.print_area:
        ws.print_area = spec.print_area
    if spec.qr_row and fingerprint:
        _add_qr(ws, fingerprint, f"{_letter(len(spec.widths) - 1)}{spec.qr_row}")
    for r, row in enumerate(spec.rows, 1):
        out = []
        col = 0
        for cell in row:
            out.append(_styled(ws, cell))
            if cell.span > 1:
                out.extend(_filler(ws, cell) for _ in range(cell.span - 1))
                ws.merged_cells.add(f"{_letter(col)}{r}:{_letter(col + cell.span - 1)}{r}")
            col += cell.span
        ws.append(out)
    return ws


QR_POINTS = 72.0  # about 25 mm square on paper


def _add_qr(ws, fingerprint: str, anchor: str) -> None:
    import io

    from openpyxl.drawing.image import Image

    image = Image(io.BytesIO(fp.qr_png(fingerprint)))
    image.width = image.height = int(QR_POINTS * 96 / 72)  # openpyxl sizes images in pixels at 96 dpi
    ws.add_image(image, anchor)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


# --- the big sheets ------------------------------------------------------------------------------


def write_detail(wb: Workbook, data: ExportData, lines: list[str], progress: Progress) -> None:
    """Every purchase of the year, in the columns of the file's format version. Styled cells are
    made once per column and reused for every row: a styled cell per value would double the time
    for 100,000 rows."""
    headers = layout.detail_headers(data.version)
    widths = dict(layout.DETAIL_COLUMNS)
    with_invoice = len(headers) == len(layout.DETAIL_HEADERS)
    spec = SheetSpec(layout.DETAIL_SHEET, [widths[h] for h in headers], [], freeze="C2", print_rows="1:1",
                     landscape=True, header=f"{data.year}年度采购明细")
    ws = wb.create_sheet(spec.name)
    for i, width in enumerate(spec.widths):
        ws.column_dimensions[_letter(i)].width = width
    ws.row_dimensions[1].height = 22
    _page_setup(ws, spec, data.fingerprint)
    ws.auto_filter.ref = f"A1:{_letter(len(headers) - 1)}{len(data.purchases) + 1}"
    ws.append([_styled(ws, C(h, style="head")) for h in headers])
    date_cell, amount_cell, paid_cell, delivered_cell = (write_cell(ws) for _ in range(4))
    date_cell.number_format = paid_cell.number_format = delivered_cell.number_format = "yyyy-mm-dd"
    amount_cell.number_format = "#,##0.00"
    total = len(data.purchases)
    progress(0, total)
    for i, (p, line) in enumerate(zip(data.purchases, lines), 1):
        date_cell.value, amount_cell.value, paid_cell.value, delivered_cell.value = p.date, p.amount, p.paid_on, p.delivered_on
        row = [
            date_cell, _text(ws, p.order_no), _text(ws, p.supplier), _text(ws, p.description), amount_cell,
            p.purpose.value, p.channel.value, p.state.value, paid_cell, "是" if p.evaluated else "否",
            _text(ws, p.note), delivered_cell,
        ]
        if with_invoice:
            row += [_text(ws, p.invoice_no), p.fee_source.value or None]
        row.append(fp.digest(line))
        ws.append(row)
        if i % STEP == 0:
            progress(i, total)
    progress(total, total)


def _text(ws, value: str):
    if not value:
        return None
    return write_cell(ws, value) if is_formula_like(value) else value


def write_data_sheet(wb: Workbook, data: ExportData) -> None:
    spec = SheetSpec(layout.DATA_SHEET, layout.DATA_WIDTHS, [], freeze="A2", print_rows="1:1",
                     header="校验数据（请勿改动）")
    ws = wb.create_sheet(spec.name)
    ws.sheet_state = "hidden"  # machine data: not printed with the workbook; 取消隐藏 shows it
    for i, width in enumerate(spec.widths):
        ws.column_dimensions[_letter(i)].width = width
    _page_setup(ws, spec, data.fingerprint)
    ws.append([_styled(ws, C(h, style="head")) for h in layout.DATA_HEADERS])
    values = data.field_values()
    for field in data_fields(data.version):
        value = values[field.key]
        ws.append([
            field.label, _styled(ws, C(data_cell_value(field.kind, value), field.kind, "plain")), field.key,
            fp.field_digest(field.key, value),
        ])
    for i, finding in enumerate(data.head()["findings"], 1):
        key, text = FINDING_KEY.format(i), fp.canonical(finding)
        ws.append([f"检查结果 {i}", _styled(ws, C(text, "text", "plain")), key, fp.field_digest(key, finding)])
    ws.append(["数据指纹（SHA-256）", data.fingerprint, FINGERPRINT_KEY, ""])


def data_cell_value(kind: str, value):
    """A canonical (JSON-form) field value as the cell shows it."""
    if value is None or value == "":
        return None
    if kind in ("money", "percent"):
        return Decimal(value)
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "bool":
        return "是" if value else "否"
    return value


# --- the whole export ---------------------------------------------------------------------------


def write_derived_sheets(wb: Workbook, data: ExportData) -> None:
    """The sheets built from the data (the form, the stackable row, the purchase summary): what
    verification writes again from a received file's data and compares with the file's own."""
    write_sheet(wb, layout.printable_sheet(data), data.fingerprint)
    write_sheet(wb, layout.summary_sheet(data), data.fingerprint)
    write_sheet(wb, layout.purchase_summary_sheet(data), data.fingerprint)


def derived_workbook(data: ExportData) -> bytes:
    """Only the derived sheets, as an .xlsx in memory (``data.fingerprint`` must be set)."""
    import io

    wb = Workbook(write_only=True)
    write_derived_sheets(wb, data)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_workbook(path: Path, data: ExportData, progress: Progress | None = None) -> str:
    """Write ``data`` to ``path`` (atomically); returns the fingerprint."""
    progress = progress or no_progress
    lines = [fp.purchase_line(p, data.version) for p in data.purchases]
    data.fingerprint = fp.fingerprint(data.head(), lines)

    def write(tmp: Path) -> None:
        wb = Workbook(write_only=True)
        wb.properties.creator = "desktop832"
        wb.properties.title = f"{data.year}年度预留份额填报（{data.profile.name}）"
        wb.properties.keywords = data.fingerprint
        try:
            write_derived_sheets(wb, data)
            write_detail(wb, data, lines, progress)
            write_data_sheet(wb, data)
            wb.save(tmp)
        except BaseException:
            _abandon(wb)
            raise

    write_atomically(Path(path), write)
    return data.fingerprint


def _abandon(wb: Workbook) -> None:
    """Close the half-written sheets of a cancelled or failed export and remove their temporary
    files now; left to the garbage collector they would write into files already closed."""
    for ws in wb.worksheets:
        rows, writer = getattr(ws, "_rows", None), getattr(ws, "_writer", None)
        with contextlib.suppress(Exception):
            if rows is not None:
                rows.close()
        with contextlib.suppress(Exception):
            if writer is not None:
                writer.close()
                writer.cleanup()
