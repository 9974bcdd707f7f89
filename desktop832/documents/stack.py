"""Stacking many units' exports into one table: what a finance department does with the files.

Each export's 汇总数据 sheet holds one header row and one row per unit and year with the same
columns, so the rows of many files line up. Before a file's row is taken the file is verified
(:func:`~.verify.verify_file`): a file changed after export is refused, or with ``skip_bad``
listed and left out. The same unit and year twice is flagged. The output has a 合计 row, widths
that show every figure, and a second sheet naming each file combined with its fingerprint.
"""

from __future__ import annotations

import dataclasses
import os
from decimal import Decimal
from pathlib import Path
from typing import Iterable

from .. import protected_files
from ..oserrors import read_failure_reason
from .cells import cell_text
from .errors import ExchangeError
from .files import write_atomically
from . import export_layout as layout

STACK_SHEET = "汇总"
FILES_SHEET = "合并的文件"
FILES_HEADERS = ["序号", "文件", "单位名称", "统一社会信用代码", "年度", "数据指纹", "核验结果"]
FILES_WIDTHS = [6, 44, 30, 22, 7, 68, 50]


@dataclasses.dataclass
class StackInput:
    path: Path
    rows: list[tuple]
    fingerprint: str = ""
    problem: str = ""  # why the file is not taken ("" when it is)
    duplicate_of: Path | None = None

    @property
    def taken(self) -> bool:
        return not self.problem

    @property
    def key(self) -> tuple[str, object] | None:
        """(credit code, year) of the file's unit, to find the same unit twice."""
        if not self.rows:
            return None
        row = self.rows[0]
        return cell_text(row[_COL["统一社会信用代码"]]) or cell_text(row[_COL["单位名称"]]), row[_COL["年度"]]


class StackRefused(ExchangeError):
    """Some inputs fail verification or repeat a unit; ``inputs`` says which and why."""

    def __init__(self, inputs: list[StackInput]):
        bad = [i for i in inputs if i.problem]
        lines = [f"{i.path.name}：{i.problem}" for i in bad]
        super().__init__(f"{len(bad)} 个文件不能合并，未写出任何文件：\n" + "\n".join(f"  · {l}" for l in lines)
                         + "\n（用 --skip-bad 跳过这些文件，合并其余的）")
        self.inputs = inputs


_COL = {name: i for i, name in enumerate(layout.SUMMARY_HEADERS)}


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
                    raise ExchangeError(f"“{path.name}”缺少“{layout.SUMMARY_SHEET}”工作表，不是完整的上报文件")
                rows = [tuple(r) for r in wb[layout.SUMMARY_SHEET].iter_rows(values_only=True)]
            finally:
                wb.close()
    except FileNotFoundError:
        raise ExchangeError(f"文件不存在：{path}") from None
    except OSError as exc:
        raise ExchangeError(f"无法读取“{path.name}”：{read_failure_reason(exc)}") from None
    except xlsx_errors():
        raise ExchangeError(f"无法读取“{path.name}”：{BROKEN_XLSX}") from None
    header = [cell_text(v) for v in rows[0]] if rows else []
    if header[: len(layout.SUMMARY_HEADERS)] != layout.SUMMARY_HEADERS:
        raise ExchangeError(f"“{path.name}”的“{layout.SUMMARY_SHEET}”列与本程序的不同（可能是旧版或新版导出的），无法合并")
    width = len(layout.SUMMARY_HEADERS)
    return [tuple(r[:width]) + (None,) * (width - len(r[:width])) for r in rows[1:] if any(v not in (None, "") for v in r)]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def check_inputs(paths: Iterable[Path | str], out: Path | str | None = None, library=None) -> list[StackInput]:
    """Read and verify every file; mark the ones that cannot be taken, and repeats of a unit."""
    from .verify import verify_file

    paths = [Path(p) for p in paths]
    if out is not None:  # refused before reading anything: the one rule every output obeys
        try:
            protected_files.refuse_writing(out, inputs=tuple(paths))
        except protected_files.ProtectedFileError as exc:
            raise ExchangeError(exc.message) from None
    inputs: list[StackInput] = []
    seen_files: dict[Path, StackInput] = {}
    for path in paths:
        item = StackInput(path, [])
        inputs.append(item)
        earlier = next((i for p, i in seen_files.items() if _same_file(p, path)), None)
        if earlier is not None:
            item.problem, item.duplicate_of = f"与“{earlier.path.name}”是同一个文件，重复列出", earlier.path
            continue
        seen_files[path] = item
        try:
            item.rows = read_summary_rows(path)
            report = verify_file(path, library)
        except ExchangeError as exc:
            item.problem = exc.message
            continue
        item.fingerprint = report.computed_fingerprint
        if not report.unchanged:
            first = str(report.changes[0]) if report.changes else "数据与指纹不符"
            item.problem = f"核验未通过：导出后被改动过（{max(len(report.changes), 1)} 处不符，如 {first}）"
    by_unit: dict[object, StackInput] = {}
    for item in inputs:
        if item.problem or item.key is None:
            continue
        earlier = by_unit.get(item.key)
        if earlier is None:
            by_unit[item.key] = item
        elif earlier.fingerprint == item.fingerprint:
            item.problem, item.duplicate_of = f"与“{earlier.path.name}”内容相同（数据指纹相同），重复列出", earlier.path
        else:
            item.problem, item.duplicate_of = (
                f"与“{earlier.path.name}”是同一单位的同一年度（{item.key[0]}，{item.key[1]} 年度）："
                "请只保留单位最后报送的那一份", earlier.path,
            )
    return inputs


def stack(paths: Iterable[Path | str]) -> tuple[list[str], list[tuple]]:
    """The common header and every file's rows, in the order given (no verification)."""
    rows: list[tuple] = []
    for path in paths:
        rows.extend(read_summary_rows(path))
    return list(layout.SUMMARY_HEADERS), rows


@dataclasses.dataclass(frozen=True)
class StackResult:
    inputs: list[StackInput]
    rows: int

    @property
    def skipped(self) -> list[StackInput]:
        return [i for i in self.inputs if not i.taken]


def totals(rows: list[tuple]) -> list:
    """The 合计 row: every money column summed; a blank where a column is not money."""
    out: list = [None] * len(layout.SUMMARY_HEADERS)
    out[_COL["单位名称"]] = f"合计（{len(rows)} 个单位）"
    for i, (_, kind, _) in enumerate(layout.SUMMARY_COLUMNS):
        if kind == "money":
            values = [Decimal(str(r[i])) for r in rows if isinstance(r[i], (int, float, Decimal))]
            out[i] = sum(values, Decimal(0)) if values else None
    return out


def write_stack(paths: Iterable[Path | str], out: Path | str, *, skip_bad: bool = False, library=None) -> StackResult:
    """Verify the inputs and write the stacked table to ``out`` (atomically).

    Raises :class:`StackRefused` when a file fails verification or repeats a unit, unless
    ``skip_bad``; then those files are left out and listed in the output's 合并的文件 sheet.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from .cells import write_cell

    inputs = check_inputs(paths, out, library)
    if any(i.problem for i in inputs) and not skip_bad:
        raise StackRefused(inputs)
    taken = [i for i in inputs if i.taken]
    if not taken:
        raise StackRefused(inputs) if inputs else ExchangeError("没有要合并的文件")
    rows = [r for i in taken for r in i.rows]
    formats = [layout.NUMBER_FORMATS.get(kind) for _, kind, _ in layout.SUMMARY_COLUMNS]
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="center", horizontal="center")

    def styled(ws, value, number_format=None, font=None, fill=None, alignment=None):
        cell = write_cell(ws, value, number_format=number_format, font=font)  # formula-like text stays text
        if fill is not None:
            cell.fill = fill
        if alignment is not None:
            cell.alignment = alignment
        return cell

    def write(tmp: Path) -> None:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(STACK_SHEET)
        ws.freeze_panes = "C2"
        for i, width in enumerate(layout.summary_widths()):
            ws.column_dimensions[_letter(i)].width = width
        ws.row_dimensions[1].height = 32
        ws.append([styled(ws, h, font=bold, fill=head_fill, alignment=wrap) for h in layout.SUMMARY_HEADERS])
        for row in rows:
            ws.append([styled(ws, v, formats[i]) for i, v in enumerate(row)])
        ws.append([styled(ws, v, formats[i], font=bold) for i, v in enumerate(totals(rows))])
        files = wb.create_sheet(FILES_SHEET)
        for i, width in enumerate(FILES_WIDTHS):
            files.column_dimensions[_letter(i)].width = width
        files.append([styled(files, h, font=bold, fill=head_fill, alignment=wrap) for h in FILES_HEADERS])
        for n, item in enumerate(inputs, 1):
            first = item.rows[0] if item.rows else (None,) * len(layout.SUMMARY_HEADERS)
            verdict = "已合并：核验通过" if item.taken else f"未合并：{item.problem}"
            files.append([
                n, styled(files, item.path.name), styled(files, cell_text(first[_COL["单位名称"]])),
                styled(files, cell_text(first[_COL["统一社会信用代码"]])), first[_COL["年度"]],
                styled(files, item.fingerprint), styled(files, verdict),
            ])
        wb.save(tmp)

    write_atomically(Path(out), write, inputs=tuple(i.path for i in inputs))
    return StackResult(inputs, len(rows))


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
