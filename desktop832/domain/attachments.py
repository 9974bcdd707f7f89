"""Evidence kept with a purchase or a year's filing: invoices, acceptance notes, order screenshots,
the stamped commitment letter, a department's confirmation.

The bytes are stored once per content (SHA-256) inside the data file; what a purchase or a year
holds is a link naming that content with the clerk's file name, the date it was added and what it
is. This module is pure: it checks a file the clerk chose (size, type) and describes links.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib

from .errors import InputError

MAX_SIZE = 20 * 1024 * 1024  # per file: a scanned multi-page invoice is far smaller
MAX_SIZE_TEXT = "20 MB"
NAME_LENGTH = 260  # a file name as Windows allows it


class MediaType(enum.StrEnum):
    PDF = "application/pdf"
    JPEG = "image/jpeg"
    PNG = "image/png"
    OFD = "application/ofd"  # 版式文档 (GB/T 33190), the format of Chinese e-invoices: opened by the system's viewer

    @property
    def is_image(self) -> bool:
        return self in (MediaType.JPEG, MediaType.PNG)

    @property
    def suffix(self) -> str:
        return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", "application/ofd": ".ofd"}[self.value]


ACCEPTED_TEXT = "PDF、JPG、PNG 或 OFD"
ACCEPTED_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".ofd")


class EvidenceKind(enum.StrEnum):
    """What an attachment proves (the clerk picks it when adding; the evidence pack names it)."""

    INVOICE = "发票"
    ACCEPTANCE = "验收单"
    ORDER = "订单截图"
    LETTER = "盖章承诺函"  # the no-canteen commitment letter as stamped and sent
    CONFIRMATION = "审核确认"  # a supervising or finance department's confirmation
    OTHER = "其他"


PURCHASE_KINDS = (EvidenceKind.INVOICE, EvidenceKind.ACCEPTANCE, EvidenceKind.ORDER, EvidenceKind.OTHER)
FILING_KINDS = (EvidenceKind.LETTER, EvidenceKind.CONFIRMATION, EvidenceKind.OTHER)


@dataclasses.dataclass(frozen=True, slots=True)
class Attachment:
    """One link of a purchase (``purchase_id``) or of a year's filing (``year``) to stored bytes."""

    sha256: str
    file_name: str
    added_on: dt.date
    kind: EvidenceKind = EvidenceKind.OTHER
    media_type: MediaType = MediaType.PDF
    size: int = 0
    purchase_id: int | None = None
    year: int | None = None  # the filing's year (for a purchase's link: None)
    id: int | None = None  # the link's id in the data file

    @property
    def on_filing(self) -> bool:
        return self.purchase_id is None


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def media_type_of(file_name: str, data: bytes) -> MediaType:
    """The type of a file the clerk chose, by its content (the name alone may lie), or a Chinese
    :class:`InputError` saying what is accepted."""
    name = _shown(file_name)
    if not data:
        raise InputError(f"“{name}”是空文件，不能作为附件")
    if len(data) > MAX_SIZE:
        raise InputError(too_big_message(file_name, len(data)))
    if data.startswith(b"%PDF-"):
        return MediaType.PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return MediaType.PNG
    if data.startswith(b"\xff\xd8\xff"):
        return MediaType.JPEG
    # an OFD file is a zip package (OFD.xml at its root); a zip of another name is no OFD
    if data.startswith(b"PK\x03\x04") and file_name.lower().endswith(".ofd"):
        return MediaType.OFD
    raise InputError(f"“{name}”不是 {ACCEPTED_TEXT} 文件，不能作为附件（发票、验收单请扫描或另存为 PDF 或图片）")


def too_big_message(file_name: str, size: int) -> str:
    return (f"“{_shown(file_name)}”有 {size / (1024 * 1024):.1f} MB，超过每个附件 {MAX_SIZE_TEXT} 的上限，未添加；"
            "请压缩或降低扫描分辨率后再添加")


def clean_file_name(file_name: str) -> str:
    """The name kept for the clerk: its last path part, without control characters, bounded."""
    name = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF).strip()
    if len(name) > NAME_LENGTH:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: NAME_LENGTH - len(suffix) - 1] + dot + suffix) if dot and len(suffix) < 10 else name[:NAME_LENGTH]
    return name or "附件"


def _shown(file_name: str) -> str:
    name = clean_file_name(file_name)
    return name if len(name) <= 60 else name[:57] + "…"
