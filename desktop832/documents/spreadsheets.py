"""Reading a table from an order list file: ``.xlsx`` (whatever its name says), or ``.csv``.

The file's kind is decided by its first bytes, not its name: platforms and browsers often save
an xlsx as ``.xls``. A real Excel 97-2003 file or a web page saved as ``.xls`` gets a message that
says how to convert it. CSV text is read as UTF-8 (with or without BOM), UTF-16 with BOM, or
GB18030 (the superset of GBK that Chinese Excel and WPS write).
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import zipfile
from pathlib import Path
from typing import Callable, Iterator

from .errors import ExchangeError

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEADER_SCAN_ROWS = 20  # a title or export note may sit above the header row

Row = tuple[int, tuple]  # (row number as the clerk sees it, cell values)


@dataclasses.dataclass
class Table:
    """An open table: headers found, and the data rows after them (read once, lazily)."""

    path: Path
    kind: str  # "xlsx" or "csv"
    detail: str  # sheet name, or the CSV encoding
    header_row: int  # 1-based
    headers: list[str]
    total_rows: int | None  # for progress; None when the file does not say
    rows: Iterator[Row]

    @property
    def description(self) -> str:
        where = f"工作表“{self.detail}”" if self.kind == "xlsx" else f"{self.detail} 编码"
        return f"{self.path.name}（{where}，第 {self.header_row} 行为表头）"


def _unreadable(path: Path, why: str) -> ExchangeError:
    return ExchangeError(f"无法读取“{path.name}”：{why}，未导入任何数据")


def sniff(path: Path) -> str:
    """``"xlsx"`` or ``"csv"``, or an :class:`ExchangeError` saying what the file really is."""
    from .. import protected_files

    try:
        protected_files.refuse_reading(path)  # never opened outside SQLite: see that module
    except protected_files.ProtectedFileError as exc:
        raise ExchangeError(exc.message) from None
    try:
        with open(path, "rb") as handle:
            head = handle.read(512)
    except FileNotFoundError:
        raise ExchangeError(f"文件不存在：{path}") from None
    except OSError as exc:
        raise _unreadable(path, exc.strerror or str(exc)) from None
    if not head:
        raise _unreadable(path, "文件是空的")
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        raise _unreadable(path, "这是旧版 Excel 97-2003（.xls）文件，请用 Excel 或 WPS 打开后“另存为” .xlsx 再导入")
    lowered = head.lstrip(b"\xef\xbb\xbf \r\n\t").lower()
    if lowered.startswith((b"<html", b"<!doctype", b"<table", b"<?xml")):
        raise _unreadable(path, "这是网页格式的表格（扩展名虽为 .xls），请用 Excel 或 WPS 打开后“另存为” .xlsx 再导入")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _unreadable(path, "这不是表格文件（.xlsx 或 .csv）")
    return "csv"


@contextlib.contextmanager
def open_table(path: Path | str, score: Callable[[tuple], int]) -> Iterator[Table]:
    """Open ``path`` and find its header row: the first of the top rows that ``score`` rates
    highest (at least 2 known column names), else the first non-empty row."""
    path = Path(path)
    kind = sniff(path)
    if kind == "xlsx":
        with _open_xlsx(path, score) as table:
            yield table
    else:
        yield _open_csv(path, score)


def _find_header(rows: Iterator[Row], score: Callable[[tuple], int], path: Path) -> tuple[int, tuple, list[Row]]:
    """Read the top rows; return the header row number, its values and the rows read after it."""
    top: list[Row] = []
    for row in rows:
        top.append(row)
        if len(top) >= HEADER_SCAN_ROWS:
            break
    candidates = [(score(values), -i) for i, (_, values) in enumerate(top) if any(_filled(v) for v in values)]
    if not candidates:
        raise _unreadable(path, "文件中没有数据")
    best_score, neg_index = max(candidates)
    index = -neg_index if best_score >= 2 else next(i for i, (_, v) in enumerate(top) if any(_filled(x) for x in v))
    number, values = top[index]
    return number, values, top[index + 1 :]


def _filled(value) -> bool:
    return value is not None and str(value).strip() != ""


def _headers(values: tuple) -> list[str]:
    from .cells import cell_text

    headers = [cell_text(v) for v in values]
    while headers and not headers[-1]:
        headers.pop()
    return headers


# --- xlsx ---------------------------------------------------------------------------------------

def xlsx_errors() -> tuple[type[BaseException], ...]:
    """What zipfile, zlib, the XML parser and openpyxl raise for a damaged or truncated file.

    openpyxl reports malformed parts with plain ``ValueError``/``TypeError``/``KeyError`` from its
    descriptors, so those are included; they are caught only around reading a workbook.
    """
    import zlib
    from xml.etree.ElementTree import ParseError

    from openpyxl.utils.exceptions import InvalidFileException

    return (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ParseError, zlib.error, EOFError,
            InvalidFileException, ValueError, TypeError, IndexError, OSError)


BROKEN_XLSX = "文件已损坏或不完整（可能下载或复制没有完成），无法作为 .xlsx 读取"


@contextlib.contextmanager
def _open_xlsx(path: Path, score: Callable[[tuple], int]) -> Iterator[Table]:
    from openpyxl import load_workbook

    errors = xlsx_errors()
    handle = open(path, "rb")
    workbook = None
    try:
        try:
            # a file object, not the name: openpyxl refuses names not ending in .xlsx
            workbook = load_workbook(handle, read_only=True, data_only=True)
            best = None
            for sheet in workbook.worksheets:
                if getattr(sheet, "sheet_state", "visible") != "visible" or not hasattr(sheet, "iter_rows"):
                    continue
                rows = _numbered(sheet.iter_rows(values_only=True))
                try:
                    number, values, after = _find_header(rows, score, path)
                except ExchangeError:
                    continue
                rating = score(values)
                if best is None or rating > best[0]:
                    best = (rating, sheet, number, values, after, rows)
                if rating >= 2:
                    break
            if best is None:
                raise _unreadable(path, "文件中没有数据")
        except errors as exc:
            raise _unreadable(path, BROKEN_XLSX) from exc
        _, sheet, number, values, after, rows = best
        total = sheet.max_row if isinstance(sheet.max_row, int) and sheet.max_row > 1 else None
        yield Table(path, "xlsx", sheet.title, number, _headers(values), total, _guarded(after, rows, path, errors))
    finally:
        if workbook is not None:
            workbook.close()
        handle.close()


def _numbered(rows) -> Iterator[Row]:
    for number, values in enumerate(rows, 1):
        yield number, values


def _guarded(first: list[Row], rest: Iterator[Row], path: Path, errors) -> Iterator[Row]:
    """The data rows, turning a damage found half-way through into the clerk's message."""
    yield from first
    try:
        yield from rest
    except errors as exc:
        raise _unreadable(path, BROKEN_XLSX) from exc


# --- csv ----------------------------------------------------------------------------------------

ENCODINGS = ("utf-8", "gb18030")


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """The text and the name of its encoding."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", path), "UTF-8（带 BOM）"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", path), "UTF-16"
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), {"utf-8": "UTF-8", "gb18030": "GBK/GB18030"}[encoding]
        except UnicodeDecodeError:
            continue
    raise _unreadable(path, "无法识别文字编码（支持 UTF-8 和 GBK/GB18030），请用 Excel 另存为 .xlsx 再导入")


def _strict(data: bytes, encoding: str, path: Path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise _unreadable(path, f"文件标明为 {encoding.upper()} 编码，但内容有乱码") from None


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def _open_csv(path: Path, score: Callable[[tuple], int]) -> Table:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc.strerror or str(exc)) from None
    text, encoding = decode(data, path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=False)
    rows = _csv_rows(reader, path)
    number, values, after = _find_header(rows, score, path)
    total = text.count("\n") + 1
    return Table(path, "csv", encoding, number, _headers(values), total, _chain(after, rows))


def _csv_rows(reader, path: Path) -> Iterator[Row]:
    try:
        for values in reader:
            # reader.line_num is the physical line a record ends on: what an editor shows
            yield reader.line_num, tuple(values)
    except csv.Error as exc:
        raise _unreadable(path, f"第 {reader.line_num} 行 CSV 格式有误（{exc}）") from None


def _chain(first: list[Row], rest: Iterator[Row]) -> Iterator[Row]:
    yield from first
    yield from rest
