"""Reading a table from an order list file: ``.xlsx`` (whatever its name says), or ``.csv``.

The file's kind is decided by its first bytes, not its name: platforms and browsers often save
an xlsx as ``.xls``. A real Excel 97-2003 file or a web page saved as ``.xls`` gets a message that
says how to convert it. CSV text is read as UTF-8 (with or without BOM), UTF-16 (with a BOM, or
recognised by its zero bytes), GB18030 (the superset of GBK that Chinese Excel and WPS write) or
Big5 (traditional Chinese), which GB18030 would otherwise decode into garbage without complaint.

Hostile files: an encrypted workbook gets its own message; a zip whose parts would unpack to far
more than any order list (a zip bomb) and lists over :data:`MAX_ROWS` rows are refused before any
row is read; xlsx XML is parsed by openpyxl through ``defusedxml``; rows are streamed, never all
held as text.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Callable, Iterator

from ..oserrors import read_failure_reason
from .errors import ExchangeError

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEADER_SCAN_ROWS = 30  # titles, merged banners and export notes may sit above the header row
MAX_ROWS = 300_000  # a unit's year of platform orders is thousands; far more is not an order list
MAX_UNPACKED = 1 << 30  # bytes one part of an xlsx may unpack to
# openpyxl streams a sheet's rows but reads every other part (the shared strings above all) whole
# into memory: a 300,000-row list of unique texts needs well under 100 MiB of shared strings
MAX_UNPACKED_WHOLE = 256 << 20
MAX_PACK_RATIO = 200  # unpacked/packed: real sheets stay under ~30, a zip bomb is thousands
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")  # the stream an encrypted OOXML file holds

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 (with Excel's 29 February 1900 counted)
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
    above: list[Row] = dataclasses.field(default_factory=list)  # non-empty rows above the header
    header_last: int | None = None  # the header's second row, when it takes two
    epoch: dt.date = EXCEL_EPOCH  # day 0 of the workbook's date serial numbers

    @property
    def description(self) -> str:
        where = f"工作表“{self.detail}”" if self.kind == "xlsx" else f"{self.detail} 编码"
        rows = f"{self.header_row}–{self.header_last}" if self.header_last and self.header_last != self.header_row else self.header_row
        return f"{self.path.name}（{where}，第 {rows} 行为表头）"


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
        raise _unreadable(path, read_failure_reason(exc)) from None
    if not head:
        raise _unreadable(path, "文件是空的")
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        if _encrypted(path):
            raise _unreadable(path, ENCRYPTED)
        raise _unreadable(path, "这是旧版 Excel 97-2003（.xls）文件，请用 Excel 或 WPS 打开后“另存为” .xlsx 再导入")
    lowered = head.lstrip(b"\xef\xbb\xbf \r\n\t").lower()
    if lowered.startswith((b"<html", b"<!doctype", b"<table", b"<?xml")):
        raise _unreadable(path, "这是网页格式的表格（扩展名虽为 .xls），请用 Excel 或 WPS 打开后“另存为” .xlsx 再导入")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")) and _utf16_order(head) is None:
        raise _unreadable(path, "这不是表格文件（.xlsx 或 .csv）")
    return "csv"


ENCRYPTED = "文件已加密，请先在 Excel/WPS 中取消密码后另存"


def _encrypted(path: Path) -> bool:
    """An Excel or WPS workbook saved with a password is an OLE container holding the encrypted
    package (MS-OFFCRYPTO); its directory names the stream. Read in blocks: the name is near the
    start of small files and may be far in for big ones."""
    with open(path, "rb") as handle:
        tail = b""
        while block := handle.read(1 << 20):
            if _ENCRYPTED_MARK in tail + block:
                return True
            tail = block[-len(_ENCRYPTED_MARK):]
    return False


def _utf16_order(head: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` for text without a BOM whose every other byte is zero
    (ASCII and CJK punctuation in UTF-16), else ``None``."""
    even, odd = head[0::2], head[1::2]
    if len(head) < 8:
        return None
    zero_even, zero_odd = even.count(0) / len(even), odd.count(0) / max(1, len(odd))
    if zero_odd > 0.3 and zero_even < 0.05:
        return "utf-16-le"
    if zero_even > 0.3 and zero_odd < 0.05:
        return "utf-16-be"
    return None


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
        raw = open(path, "rb")
        closing = [raw]  # the text reader over it, once made, closes both
        try:
            yield _open_csv(path, raw, score, closing)
        finally:
            closing[-1].close()


def _find_header(rows: Iterator[Row], score: Callable[[tuple], int], path: Path) -> tuple[int, int, tuple, list[Row], list[Row]]:
    """Read the top rows; return the header's first and last row numbers, its values, the rows
    read after it and the non-empty rows above it (titles, banners, notes: listed to the clerk as
    skipped).

    A header may take two rows, as exports with merged cells have it: a group title (``金额``)
    over its columns (``实付金额``, ``退款金额``), while other names (``订单编号``) are merged down
    over both rows. The row under the best-scoring one, or the row above it, is joined in when
    it holds only header texts and joining names at least one more known field.
    """
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
    first = last = index
    values = top[index][1]
    if best_score >= 2:
        if index + 1 < len(top) and _header_texts(top[index + 1][1]):
            joined = _joined(values, top[index + 1][1])
            if score(joined) >= score(values) + 10:
                values, last = joined, index + 1
        if index > 0 and _header_texts(top[index - 1][1]):
            joined = _joined(top[index - 1][1], values)  # names above fill the cells merged down
            if score(joined) >= score(values) + 10:
                values, first = joined, index - 1
    above = [row for row in top[:first] if any(_filled(v) for v in row[1])]
    return top[first][0], top[last][0], values, top[last + 1 :], above


def _header_texts(values: tuple) -> bool:
    """Whether a row holds only short texts without digits (header names), and at least one."""
    filled = [v for v in values if _filled(v)]
    return bool(filled) and all(
        isinstance(v, str) and len(v.strip()) <= 30 and not any(c.isdigit() for c in v) for v in filled
    )


def _joined(upper: tuple, lower: tuple) -> tuple:
    """Two header rows as one: the lower row's name where it has one, else the upper row's."""
    width = max(len(upper), len(lower))
    return tuple(
        lower[i] if i < len(lower) and _filled(lower[i]) else (upper[i] if i < len(upper) else None)
        for i in range(width)
    )


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
            InvalidFileException, ValueError, TypeError, IndexError, OSError,
            # zipfile on a part flagged encrypted or in a form it does not implement
            RuntimeError, NotImplementedError)


BROKEN_XLSX = "文件已损坏或不完整（可能下载或复制没有完成），无法作为 .xlsx 读取"


# which reader opens an xlsx: None for the fastest installed (python-calamine, else openpyxl);
# "openpyxl" or "calamine" to choose one (the tests run both over the same files)
XLSX_READER: str | None = None


def calamine_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("python_calamine") is not None


@contextlib.contextmanager
def _open_xlsx(path: Path, score: Callable[[tuple], int]) -> Iterator[Table]:
    _check_unpacked_sizes(path)
    if XLSX_READER != "openpyxl" and (XLSX_READER == "calamine" or calamine_available()):
        table = _calamine_table(path, score)
        if table is not None:
            yield table
            return
    with _openpyxl_table(path, score) as table:
        yield table


@contextlib.contextmanager
def _openpyxl_table(path: Path, score: Callable[[tuple], int]) -> Iterator[Table]:
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
                    number, last, values, after, above = _find_header(rows, score, path)
                except ExchangeError:
                    continue
                rating = score(values)
                if best is None or rating > best[0]:
                    best = (rating, sheet, number, last, values, after, rows, above)
                if rating >= 2:
                    break
            if best is None:
                raise _unreadable(path, "文件中没有数据")
        except errors as exc:
            raise _unreadable(path, BROKEN_XLSX) from exc
        _, sheet, number, last, values, after, rows, above = best
        epoch = workbook.epoch.date() if isinstance(workbook.epoch, dt.datetime) else EXCEL_EPOCH
        total = sheet.max_row if isinstance(sheet.max_row, int) and sheet.max_row > 1 else None
        if total is not None and total > MAX_ROWS:
            raise _too_many(path, total)
        rows = _guarded(after, _capped(rows, path), path, errors)
        yield Table(path, "xlsx", sheet.title, number, _headers(values), total, rows, above, last, epoch)
    finally:
        if workbook is not None:
            workbook.close()
        handle.close()


def _calamine_table(path: Path, score: Callable[[tuple], int]) -> Table | None:
    """The table as :func:`_openpyxl_table` gives it (the same sheet, header, rows and cell values:
    a test holds the two equal), read by python-calamine, which parses the workbook in compiled
    code many times faster. ``None`` for anything out of the ordinary (a damaged or odd file, a
    sheet without a header, a list too long): openpyxl then reads it and says what is wrong, so
    a file is never refused or accepted differently for the reader that happened to be installed."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        with zipfile.ZipFile(path) as archive, CalamineWorkbook.from_path(str(path)) as workbook:
            facts = _workbook_facts(archive)
            best = None
            for meta in workbook.sheets_metadata:
                if meta.typ != SheetTypeEnum.WorkSheet or meta.visible != SheetVisibleEnum.Visible:
                    continue
                dimension, errors = _sheet_facts(archive, facts.parts[meta.name])
                if errors:
                    return None  # openpyxl reads it: the error cells' text is part of the rows
                sheet = workbook.get_sheet_by_name(meta.name)
                rows = _numbered(_calamine_rows(sheet, dimension))
                try:
                    number, last, values, after, above = _find_header(rows, score, path)
                except ExchangeError:
                    continue
                rating = score(values)
                if best is None or rating > best[0]:
                    best = (rating, sheet, number, last, values, after, rows, above, dimension)
                if rating >= 2:
                    break
        if best is None:
            return None
        _, sheet, number, last, values, after, rows, above, dimension = best
        total = dimension[0] if dimension is not None and dimension[0] > 1 else None  # openpyxl's max_row
        if total is not None and total > MAX_ROWS:
            return None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - CalamineError, zip and XML errors, a panic in its Rust code
        return None
    return Table(path, "xlsx", sheet.name, number, _headers(values), total, _chain(after, _capped(rows, path)),
                 above, last, facts.epoch)


_LARGEST_EXACT = float(2**53)


def _calamine_rows(sheet, dimension: tuple[int, int] | None) -> Iterator[tuple]:
    """The sheet's rows from A1 as openpyxl's read-only reading gives them: as many rows and
    columns as the sheet records (``dimension``; without one, up to the last value), an empty
    cell None (calamine gives ""), a whole number an int (openpyxl reads "5" as 5, calamine as
    5.0), a date cell a datetime (calamine gives a date at midnight)."""
    if sheet.start is None:
        return  # no value in the sheet
    pad = (None,) * sheet.start[1]  # calamine leaves out the empty columns left of the data
    last_row, width = dimension if dimension is not None else (None, None)
    date, datetime = dt.date, dt.datetime
    number = 0
    for row in sheet.iter_rows():
        number += 1
        if last_row is not None and number > last_row:
            return
        values = []
        for value in row:
            kind = type(value)
            if kind is str:
                values.append(value if value else None)
            elif kind is float:
                values.append(int(value) if value.is_integer() and -_LARGEST_EXACT < value < _LARGEST_EXACT else value)
            elif kind is date:
                values.append(datetime(value.year, value.month, value.day))
            else:
                values.append(value)
        cells = pad + tuple(values)
        if width is not None:
            cells = cells[:width] + (None,) * (width - len(cells))
        yield cells
    if last_row is not None:
        blank = (None,) * width
        for _ in range(number, last_row):
            yield blank  # rows the sheet records after its last value


@dataclasses.dataclass
class _WorkbookFacts:
    """What openpyxl reads from a workbook's XML beyond the cells, which calamine does not say."""

    epoch: dt.date  # day 0 of the serial dates (the workbook's 1904 flag)
    parts: dict[str, str]  # sheet name → its part in the zip


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref\s*=\s*["\']([^"\']*)["\']')
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)$")


def _workbook_facts(archive: zipfile.ZipFile) -> _WorkbookFacts:
    from defusedxml.ElementTree import fromstring

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    target = "xl/workbook.xml"
    for item in fromstring(archive.read("_rels/.rels")).iter(f"{{{package}}}Relationship"):
        if item.get("Type", "").endswith("/officeDocument"):
            target = item.get("Target", target).lstrip("/")
    folder = target.rpartition("/")[0]
    book = fromstring(archive.read(target))
    pr = book.find(f"{{{main}}}workbookPr")
    flag = (pr.get("date1904") or "").lower() if pr is not None else ""
    links = {}
    rels_name = f"{folder}/_rels/{target.rpartition('/')[2]}.rels" if folder else f"_rels/{target}.rels"
    for item in fromstring(archive.read(rels_name)).iter(f"{{{package}}}Relationship"):
        where = item.get("Target", "")
        links[item.get("Id")] = where.lstrip("/") if where.startswith("/") else f"{folder}/{where}" if folder else where
    parts = {}
    sheets = book.find(f"{{{main}}}sheets")
    for sheet in sheets if sheets is not None else ():
        part = links.get(sheet.get(f"{{{rel}}}id"))
        if part is not None:
            parts[sheet.get("name")] = part
    return _WorkbookFacts(dt.date(1904, 1, 1) if flag in ("1", "true") else EXCEL_EPOCH, parts)


def _sheet_facts(archive: zipfile.ZipFile, part: str) -> tuple[tuple[int, int] | None, bool]:
    """The sheet's recorded size (last row, last column; ``None`` when it records none), and
    whether it holds error cells (``#N/A``: openpyxl gives their text, calamine an empty cell)."""
    dimension, errors, tail, first = None, False, b"", True
    with archive.open(part) as source:
        while block := source.read(1 << 20):
            text = tail + block
            if first:
                found = _DIMENSION.search(text[:1 << 16])
                if found:
                    end = _CELL_REF.match(found.group(1).decode("ascii", "replace").rpartition(":")[2])
                    if end:
                        from openpyxl.utils.cell import column_index_from_string

                        dimension = (int(end.group(2)), column_index_from_string(end.group(1).upper()))
                first = False
            if b't="e"' in text or b"t='e'" in text:
                errors = True
                break
            tail = block[-8:]
    return dimension, errors


def _too_many(path: Path, rows: int | None = None) -> ExchangeError:
    many = f"有 {rows:,} 行" if rows else f"超过 {MAX_ROWS:,} 行"
    return _unreadable(path, f"文件{many}，超出订单列表的合理规模（最多 {MAX_ROWS:,} 行）：请在平台上按月份或季度分批导出")


def _capped(rows: Iterator[Row], path: Path) -> Iterator[Row]:
    """The rows, refusing the file once it goes past :data:`MAX_ROWS` (a sheet may not say its size)."""
    for row in rows:
        if row[0] > MAX_ROWS + HEADER_SCAN_ROWS:
            raise _too_many(path)
        yield row


def _check_unpacked_sizes(path: Path) -> None:
    """Refuse a zip whose parts claim to unpack to absurd sizes before anything is decompressed.
    The claim could lie; zipfile stops reading a part at its declared size, so it cannot lie upward."""
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                ratio = info.file_size / max(1, info.compress_size)
                streamed = info.filename.startswith("xl/worksheets/")
                limit = MAX_UNPACKED if streamed else MAX_UNPACKED_WHOLE
                if info.file_size > limit or (info.file_size > (64 << 20) and ratio > MAX_PACK_RATIO):
                    raise _unreadable(
                        path, f"文件中的“{info.filename}”解压后达 {info.file_size / (1 << 20):,.0f} MB，"
                        "不像是订单列表（可能是恶意构造的压缩文件）"
                    )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise _unreadable(path, BROKEN_XLSX) from exc


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
SNIFF_BYTES = 1 << 20  # the encoding is decided on the first MiB, then the rest is streamed


def _cjk_share(text: str, codec: str, lead_range: tuple[int, int]) -> float:
    """How much of ``text``'s non-ASCII is common hanzi of ``codec`` (lead byte in ``lead_range``):
    GBK bytes read as Big5, or Big5 read as GB18030, give rare characters, kana and symbols."""
    chars = [c for c in text if ord(c) > 0x7F and not c.isspace()]
    if not chars:
        return 1.0
    good = 0
    for c in chars:
        try:
            encoded = c.encode(codec)
        except UnicodeEncodeError:
            continue
        if len(encoded) == 2 and (lead_range[0] <= encoded[0] <= lead_range[1] or 0xA1 <= encoded[0] <= 0xA3):
            good += 1
    return good / len(chars)


def decode(data: bytes, path: Path, final: bool = True) -> tuple[str, str, str]:
    """The text, its encoding's name for the clerk and its Python codec. ``final`` is false when
    ``data`` is only the start of the file (a character may be cut at its end)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", path, final), "UTF-8（带 BOM）", "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", path, final), "UTF-16", "utf-16"
    if (order := _utf16_order(data[:512])) is not None:
        return _strict(data, order, path, final), "UTF-16（无 BOM）", order
    try:
        return _cut(data, "utf-8", final), "UTF-8", "utf-8"
    except UnicodeDecodeError:
        pass
    # the sample may end inside a two-byte character: the incremental decoders allow for that
    try:
        gb = _cut(data, "gb18030", final)
    except UnicodeDecodeError:
        gb = None
    try:
        big5 = _cut(data, "big5", final)
    except UnicodeDecodeError:
        big5 = None
    if big5 is not None and (gb is None or _cjk_share(big5, "big5", (0xA4, 0xC6)) > _cjk_share(gb, "gb2312", (0xB0, 0xF7)) + 0.2):
        return big5, "Big5（繁体中文）", "big5"
    if gb is not None:
        return gb, "GBK/GB18030", "gb18030"
    raise _unreadable(path, "无法识别文字编码（支持 UTF-8、GBK/GB18030、Big5 和 UTF-16），请用 Excel 另存为 .xlsx 再导入")


def _cut(data: bytes, codec: str, final: bool) -> str:
    """Decode, allowing (when not ``final``) a character cut at the end of a sample."""
    import codecs

    decoder = codecs.getincrementaldecoder(codec)()
    return decoder.decode(data, final)


def _strict(data: bytes, encoding: str, path: Path, final: bool = True) -> str:
    try:
        return _cut(data, encoding, final)
    except UnicodeDecodeError:
        raise _unreadable(path, f"文件标明为 {encoding.upper()} 编码，但内容有乱码") from None


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


MAX_LINE_BYTES = 1 << 20  # an order's line is a few hundred bytes; the csv module holds a whole line's fields


def _count_lines(path: Path) -> int:
    """The file's lines, refusing a line far longer than any order's (millions of empty fields
    between commas would be held in memory at once)."""
    lines = 0
    run = 0  # bytes since the last line break
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            breaks = block.count(b"\n")
            if breaks:
                first, last = block.index(b"\n"), block.rindex(b"\n")
                longest = max(run + first, len(block) - 1 - last)
                if breaks > 1 and longest <= MAX_LINE_BYTES:
                    longest = max(longest, max(map(len, block[first + 1 : last].split(b"\n"))))
                run = len(block) - 1 - last
            else:
                run += len(block)
                longest = run
            if longest > MAX_LINE_BYTES:
                raise _unreadable(path, f"第 {lines + 1} 行附近有一行超过 {MAX_LINE_BYTES / (1 << 20):g} MB，不像是订单列表")
            lines += breaks
    return lines + 1


def _open_csv(path: Path, raw, score: Callable[[tuple], int], closing: list) -> Table:
    try:
        head = raw.read(SNIFF_BYTES)
        final = not raw.read(1)
        total = _count_lines(path)
    except OSError as exc:
        raise _unreadable(path, read_failure_reason(exc)) from None
    if total > MAX_ROWS + HEADER_SCAN_ROWS:
        raise _too_many(path, total)
    sample, encoding, codec = decode(head, path, final)
    raw.seek(0)
    text = io.TextIOWrapper(raw, encoding=codec, newline="")
    closing.append(text)
    reader = csv.reader(text, delimiter=_delimiter(sample), strict=False)
    rows = _csv_rows(reader, path, encoding)
    number, last, values, after, above = _find_header(rows, score, path)
    return Table(path, "csv", encoding, number, _headers(values), total, _chain(after, rows), above, last)


def _csv_problem(exc: csv.Error) -> str:
    """The csv module's complaint (English) as the clerk can act on it."""
    text = str(exc)
    if "field larger than field limit" in text:
        return "某一格的内容过长"
    if "NUL" in text or "null byte" in text:
        return "含有空字符，可能不是文本文件"
    if "new-line character seen in unquoted field" in text:
        return "换行符不成对"
    return "引号或分隔符不成对"


def _csv_rows(reader, path: Path, encoding: str) -> Iterator[Row]:
    try:
        for values in reader:
            # reader.line_num is the physical line a record ends on: what an editor shows
            yield reader.line_num, tuple(values)
    except csv.Error as exc:
        raise _unreadable(path, f"第 {reader.line_num} 行 CSV 格式有误（{_csv_problem(exc)}）") from None
    except UnicodeDecodeError:
        raise _unreadable(path, f"第 {reader.line_num + 1} 行附近的文字不是 {encoding} 编码（文件前后编码不一致）") from None


def _chain(first: list[Row], rest: Iterator[Row]) -> Iterator[Row]:
    yield from first
    yield from rest
