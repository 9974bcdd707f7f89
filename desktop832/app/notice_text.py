"""The text of a notice the clerk was sent, read from .txt, .docx or .pdf, to check quotes against.

.docx is read with python-docx and .pdf with pypdf (both imported only when such a file is read);
a file that cannot be read is refused with a Chinese message.
"""

from __future__ import annotations

from pathlib import Path

from ..domain.errors import ClerkError


class NoticeTextError(ClerkError):
    pass


def read_notice_text(path: Path) -> str:
    path = Path(path)
    suffix = path.suffix.lower()
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
            import docx

            document = docx.Document(str(path))
            cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
            return "\n".join([p.text for p in document.paragraphs] + cells)
        if suffix == ".pdf":
            from pypdf import PdfReader

            return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    except NoticeTextError:
        raise
    except OSError as exc:
        raise NoticeTextError(f"无法读取“{path.name}”：{exc.strerror or exc}") from None
    except Exception:  # noqa: BLE001  (a damaged .docx or .pdf: refused, never a traceback)
        raise NoticeTextError(f"无法读取“{path.name}”的文字（文件可能已损坏或是扫描图片）") from None
    raise NoticeTextError(f"只能读取 .txt、.docx 或 .pdf 文件，“{path.name}”不是")
