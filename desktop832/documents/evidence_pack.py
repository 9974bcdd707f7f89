"""The evidence pack (证据包): one zip with every attachment of a year, named by order number and
date, an index workbook and the year-end report.

Pure file format: it is given the entries (each with a function that returns the attachment's
bytes, so only one attachment is in memory at a time), the index rows and the report's bytes,
and writes its own file through :func:`~desktop832.documents.files.write_atomically`: the whole
zip or nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

from .files import write_atomically
from .progress import Progress

FOLDER = "附件"
INDEX_NAME = "证据索引.xlsx"
INDEX_COLUMNS = (
    ("序号", 6), ("订单号", 24), ("下单日期", 12), ("金额（元）", 14), ("发票号", 18), ("费用来源", 12), ("供应商", 28),
    ("类别", 14), ("原文件名", 30), ("包内文件", 44), ("大小（字节）", 12), ("SHA-256", 68),
)
SHA_COLUMN, SIZE_COLUMN, NAME_COLUMN, PACKED_COLUMN = 11, 10, 8, 9  # 0-based places in a row
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclasses.dataclass(frozen=True)
class Attachment:
    """One attachment to pack: what it belongs to, and how to read its stored bytes."""

    order_no: str  # '' for the year's filing (the stamped letter, the supervisor's confirmation)
    date: dt.date | None  # the order's date (None for the filing's)
    amount: Decimal | None
    supplier: str
    kind: str  # 发票, 验收单, 订单截图, 承诺函, …
    file_name: str  # as the clerk added it
    sha256: str  # as stored (content-addressed)
    size: int
    read: Callable[[], bytes]
    name: str = ""  # what to call it in the pack (the order number and date first); '' : built here
    invoice_no: str = ""
    fee_source: str = ""


@dataclasses.dataclass(frozen=True)
class PackedFile:
    attachment: Attachment
    name: str  # inside the zip


def pack_names(attachments: Iterable[Attachment], year: int) -> list[PackedFile]:
    """Each attachment's name in the pack, under ``附件/``: the name it was given (the order
    number and date first), else ``订单号_下单日期_原文件名`` (the filing's: ``填报_年度_原文件名``);
    made safe for any file system, and numbered when two would be the same."""
    taken: set[str] = set()
    packed = []
    for attachment in attachments:
        name = attachment.name
        if not name:
            if attachment.order_no or attachment.date:
                day = f"_{attachment.date:%Y-%m-%d}" if attachment.date else ""
                name = f"{attachment.order_no or '无订单号'}{day}_{attachment.file_name}"
            else:
                name = f"填报_{year}_{attachment.file_name}"
        stem, suffix = _split(safe_name(name))
        candidate, number = stem + suffix, 1
        while candidate.lower() in taken:
            number += 1
            candidate = f"{stem}_{number}{suffix}"
        taken.add(candidate.lower())
        packed.append(PackedFile(attachment, f"{FOLDER}/{candidate}"))
    return packed


def safe_name(name: str, limit: int = 120) -> str:
    """A file name any file system takes: no separators or reserved characters, no leading dots,
    at most ``limit`` characters with its suffix kept."""
    stem, suffix = _split(_UNSAFE.sub("_", name).strip(" ."))
    return (stem[: limit - len(suffix)].strip(" .") or "_") + suffix


def _split(name: str) -> tuple[str, str]:
    suffix = PurePosixPath(name).suffix
    if not re.fullmatch(r"\.[A-Za-z0-9]{1,5}", suffix or "x"):
        return name, ""
    return name[: -len(suffix)], suffix.lower()


def index_workbook(packed: list[PackedFile], title: str, generated: dt.date) -> bytes:
    """The index (证据索引.xlsx): one row per packed file, with its SHA-256 to check it by."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "证据索引"
    sheet.append([title])
    sheet.append([f"生成日期 {generated:%Y-%m-%d}；每个文件的 SHA-256 可用于核对文件未被改动。"])
    sheet.append([name for name, _width in INDEX_COLUMNS])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for number, item in enumerate(packed, 1):
        a = item.attachment
        sheet.append([
            number, a.order_no or "（年度填报）", a.date, a.amount, a.invoice_no, a.fee_source,
            a.supplier, a.kind, a.file_name, item.name, a.size, a.sha256,
        ])
        row = sheet.max_row
        sheet.cell(row, 3).number_format = "yyyy-mm-dd"
        sheet.cell(row, 4).number_format = "#,##0.00"  # a Decimal: openpyxl writes it as the number it is
    for column, (_name, width) in enumerate(INDEX_COLUMNS, 1):
        sheet.column_dimensions[sheet.cell(3, column).column_letter].width = width
    sheet.freeze_panes = "A4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_pack(
    path: Path, year: int, attachments: list[Attachment], report_name: str, report_pdf: bytes, title: str, generated: dt.date,
    *, progress: Progress | None = None, inputs: tuple = (),
) -> list[PackedFile]:
    """Write the zip atomically; returns what was packed. Each attachment's bytes are checked
    against its SHA-256 as they are packed (:class:`~desktop832.documents.errors.ExchangeError`
    naming the file when one does not match: nothing is written)."""
    from .errors import ExchangeError

    packed = pack_names(attachments, year)
    total = len(packed) + 2

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for done, item in enumerate(packed):
                data = item.attachment.read()
                if hashlib.sha256(data).hexdigest() != item.attachment.sha256:
                    raise ExchangeError(f"附件“{item.attachment.file_name}”的内容与记录的 SHA-256 不符，未生成证据包")
                archive.writestr(item.name, data)
                if progress is not None:
                    progress(done + 1, total)
            archive.writestr(INDEX_NAME, index_workbook(packed, title, generated))
            archive.writestr(report_name, report_pdf)
            if progress is not None:
                progress(total, total)

    write_atomically(Path(path), write, inputs=inputs)
    return packed


__all__ = ["Attachment", "FOLDER", "INDEX_COLUMNS", "INDEX_NAME", "PackedFile", "index_workbook", "pack_names", "safe_name", "write_pack"]
