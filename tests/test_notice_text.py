"""The text of a notice read from .txt, .docx and .pdf, to check quotes against."""

from __future__ import annotations

import pytest

from desktop832.app.notice_text import NoticeTextError, read_notice_text

LINE = "食堂食材预留份额按不低于当年度食堂食材采购总额的12%进行填报"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_text_file_in_utf8_or_gbk(tmp_path, encoding):
    path = tmp_path / "notice.txt"
    path.write_bytes(LINE.encode(encoding))
    assert read_notice_text(path) == LINE


def test_a_docx_file_paragraphs_and_tables(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("一、" + LINE)
    document.add_table(rows=1, cols=1).cell(0, 0).text = "3月31日前完成填报"
    document.save(tmp_path / "notice.docx")
    text = read_notice_text(tmp_path / "notice.docx")
    assert LINE in text and "3月31日前完成填报" in text


def test_a_pdf_file(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "notice.pdf"
    page = canvas.Canvas(str(path))
    page.drawString(72, 720, "Filing deadline 2027-03-31, ratio 12%")
    page.save()
    assert "2027-03-31" in read_notice_text(path)


@pytest.mark.parametrize("name, content, message", [
    ("notice.pdf", b"not a pdf", "无法读取“notice.pdf”的文字"),
    ("notice.docx", b"not a zip", "无法读取“notice.docx”的文字"),
    ("notice.doc", b"old word", "只能读取 .txt、.docx 或 .pdf 文件"),
    ("notice.txt", b"\xff\xfe\x00\xd8", "不是 UTF-8 或 GBK 编码的文本"),
])
def test_unreadable_files_are_refused_in_chinese(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(NoticeTextError) as caught:
        read_notice_text(path)
    assert message in caught.value.message


def test_a_missing_file_is_refused_in_chinese(tmp_path):
    with pytest.raises(NoticeTextError, match="无法读取“gone.txt”"):
        read_notice_text(tmp_path / "gone.txt")
