"""The text of a notice the clerk was sent, read from .txt, .docx or .pdf, to check quotes against.

.docx is read straight from its zip (word/document.xml, paragraphs and table cells in document
order): a library for it would pull lxml into the installer, which must stay within its size target.
.pdf is read with pypdf, imported only when such a file is read. A file that cannot be read is
refused with a Chinese message.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .. import protected_files
from ..domain.errors import ClerkError
from ..oserrors import read_failure_reason


class NoticeTextError(ClerkError):
    pass


def read_notice_text(path: Path) -> str:
    path = Path(path)
    suffix = path.suffix.lower()
    try:  # a named pipe would block the open for ever; a data file must not be opened outside SQLite
        protected_files.refuse_reading(path)
    except protected_files.ProtectedFileError as exc:
        raise NoticeTextError(exc.message) from None
    try:
        if suffix == ".txt":
            data = path.read_bytes()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    return data.decode(encoding)
                except UnicodeDecodeError:
                    continue
            raise NoticeTextError(f"“{path.name}”不是 UTF-8 或 GBK 编码的文本")
        if suffix == ".docx":
            return _docx_text(path)
        if suffix == ".pdf":
            from pypdf import PdfReader

            return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    except NoticeTextError:
        raise
    except OSError as exc:
        raise NoticeTextError(f"无法读取“{path.name}”：{read_failure_reason(exc)}") from None
    except Exception:  # noqa: BLE001  (a damaged .docx or .pdf: refused, never a traceback)
        raise NoticeTextError(f"无法读取“{path.name}”的文字（文件可能已损坏或是扫描图片）") from None
    raise NoticeTextError(f"只能读取 .txt、.docx 或 .pdf 文件，“{path.name}”不是")


_WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# A notice is a few dozen pages; a larger document.xml is refused before it is inflated (zip bomb).
_MAX_DOCUMENT_XML = 50 * 1024 * 1024


def _docx_text(path: Path) -> str:
    from xml.etree import ElementTree

    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("word/document.xml")
        if info.file_size > _MAX_DOCUMENT_XML:
            raise NoticeTextError(f"“{path.name}”的正文超过 50 MB，不像是一份通知")
        root = ElementTree.fromstring(archive.read(info))
    lines = []
    for paragraph in root.iter(f"{_WORD}p"):
        parts = []
        for node in paragraph.iter():
            if node.tag == f"{_WORD}t":
                parts.append(node.text or "")
            elif node.tag == f"{_WORD}tab":
                parts.append("\t")
            elif node.tag in (f"{_WORD}br", f"{_WORD}cr"):
                parts.append("\n")
        lines.append("".join(parts))
    return "\n".join(lines)
