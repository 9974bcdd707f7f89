"""The text of a notice read from .txt, .docx and .pdf, to check quotes against."""

from __future__ import annotations

import zipfile

import pytest

from desktop832.app.notice_text import NoticeTextError, read_notice_text

LINE = "食堂食材预留份额按不低于当年度食堂食材采购总额的12%进行填报"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_text_file_in_utf8_or_gbk(tmp_path, encoding):
    path = tmp_path / "notice.txt"
    path.write_bytes(LINE.encode(encoding))
    assert read_notice_text(path) == LINE


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _write_docx(path, body_xml):
    # The parts Word itself writes for a minimal document: a content-types list and the body.
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body_xml}</w:body></w:document>')


def test_a_docx_file_paragraphs_and_tables(tmp_path):
    # A clause split over two runs (Word does this at every change of formatting) reads as one line.
    _write_docx(tmp_path / "notice.docx",
                f"<w:p><w:r><w:t>一、{LINE[:10]}</w:t></w:r><w:r><w:t>{LINE[10:]}</w:t></w:r></w:p>"
                "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>3月31日前完成填报</w:t></w:r></w:p></w:tc></w:tr></w:tbl>")
    text = read_notice_text(tmp_path / "notice.docx")
    assert text.splitlines() == ["一、" + LINE, "3月31日前完成填报"]


def test_a_docx_without_a_body_or_with_a_huge_one_is_refused(tmp_path):
    with zipfile.ZipFile(tmp_path / "empty.docx", "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(NoticeTextError, match="无法读取“empty.docx”的文字"):
        read_notice_text(tmp_path / "empty.docx")
    with zipfile.ZipFile(tmp_path / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b" " * (51 * 1024 * 1024))
    assert (tmp_path / "bomb.docx").stat().st_size < 1024 * 1024
    with pytest.raises(NoticeTextError, match="超过 50 MB"):
        read_notice_text(tmp_path / "bomb.docx")


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


def test_a_named_pipe_or_a_folder_is_refused_without_opening_it(tmp_path):
    import os

    os.mkfifo(tmp_path / "notice.txt")  # opening it would wait for a writer for ever
    with pytest.raises(NoticeTextError, match="“notice.txt”不是普通文件（可能是管道或设备），未读取任何内容"):
        read_notice_text(tmp_path / "notice.txt")
    (tmp_path / "folder.docx").mkdir()
    with pytest.raises(NoticeTextError, match="“folder.docx”是文件夹，不是文件"):
        read_notice_text(tmp_path / "folder.docx")
