"""The evidence pack's file format: names by order number and date, the index workbook's rows,
file hashes equal to the stored bytes, and nothing written when a stored file does not match."""

import datetime as dt
import hashlib
import io
import zipfile
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from desktop832.documents.errors import ExchangeError
from desktop832.documents.evidence_pack import (
    INDEX_COLUMNS, INDEX_NAME, NAME_COLUMN, PACKED_COLUMN, SHA_COLUMN, SIZE_COLUMN, Attachment, pack_names, write_pack,
)


def attachment(order_no, date, name, data, kind="发票"):
    return Attachment(order_no, date, D("12.50") if order_no else None, "光山县原味农业" if order_no else "", kind, name,
                      hashlib.sha256(data).hexdigest(), len(data), lambda: data)


ATTACHMENTS = [
    attachment("8322024021700050", dt.date(2024, 2, 17), "发票.PDF", b"%PDF-1.4 invoice"),
    attachment("8322024021700050", dt.date(2024, 2, 17), "发票.pdf", b"%PDF-1.4 second invoice"),
    attachment("8322024021700050", dt.date(2024, 2, 17), "验收单.jpg", b"\xff\xd8jpeg", kind="验收单"),
    attachment("A/B:C", dt.date(2024, 3, 1), "截图", b"png?", kind="订单截图"),
    attachment("", None, "承诺函盖章.pdf", b"%PDF letter", kind="承诺函"),
]


def test_names_carry_the_order_number_and_date_and_never_collide():
    names = [p.name for p in pack_names(ATTACHMENTS, 2024)]
    assert names == [
        "附件/8322024021700050_2024-02-17_发票.pdf", "附件/8322024021700050_2024-02-17_发票_2.pdf",
        "附件/8322024021700050_2024-02-17_验收单.jpg", "附件/A_B_C_2024-03-01_截图", "附件/填报_2024_承诺函盖章.pdf",
    ]
    # a name given by the caller is kept, made safe
    given = pack_names([Attachment("1", dt.date(2024, 1, 1), None, "", "发票", "a.pdf", "0", 1, bytes, name="1_<x>.pdf")], 2024)
    assert given[0].name == "附件/1__x_.pdf"


def test_the_pack_holds_every_file_its_index_and_the_report(tmp_path):
    out = tmp_path / "证据包.zip"
    packed = write_pack(out, 2024, ATTACHMENTS, "年度采购情况报告.pdf", b"%PDF report", "2024 年度证据包", dt.date(2024, 12, 1))
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert set(names) == {p.name for p in packed} | {INDEX_NAME, "年度采购情况报告.pdf"}
        for item in packed:
            assert hashlib.sha256(archive.read(item.name)).hexdigest() == item.attachment.sha256
        sheet = load_workbook(io.BytesIO(archive.read(INDEX_NAME))).active
    rows = [row for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert len(rows) == len(ATTACHMENTS)
    assert [c.value for c in sheet[3]] == [name for name, _width in INDEX_COLUMNS]
    by_name = {row[PACKED_COLUMN]: row for row in rows}
    for item in packed:
        row = by_name[item.name]
        assert row[SHA_COLUMN] == item.attachment.sha256 and row[SIZE_COLUMN] == item.attachment.size
        assert row[NAME_COLUMN] == item.attachment.file_name
    assert by_name["附件/填报_2024_承诺函盖章.pdf"][1] == "（年度填报）"
    assert by_name["附件/8322024021700050_2024-02-17_发票.pdf"][3] == 12.5


def test_a_stored_file_that_no_longer_matches_its_hash_writes_nothing(tmp_path):
    out = tmp_path / "证据包.zip"
    out.write_bytes(b"old pack")
    bad = Attachment("X", dt.date(2024, 1, 1), D("1"), "", "发票", "x.pdf", "0" * 64, 3, lambda: b"abc")
    with pytest.raises(ExchangeError, match="x.pdf"):
        write_pack(out, 2024, [ATTACHMENTS[0], bad], "r.pdf", b"%PDF", "t", dt.date(2024, 12, 1))
    assert out.read_bytes() == b"old pack"
    assert [p.name for p in tmp_path.iterdir()] == ["证据包.zip"]


# --- a year's pack from a data file: the command line and the window -----------------------------


def _pdf(text: str) -> bytes:
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


@pytest.fixture
def unit_with_evidence(tmp_path, profile, plan):
    from desktop832.app import attachments as att
    from desktop832.app.workspace import Workspace
    from desktop832.domain.attachments import EvidenceKind
    from desktop832.domain.model import Purchase
    from desktop832.store.database import Store

    path = tmp_path / "unit.sqlite"
    store = Store.open(path)
    store.save_profile(profile)
    store.save_plan(plan)
    with Workspace(store, today=dt.date(2024, 6, 1)) as ws:
        first = ws.store.add_purchase(Purchase(dt.date(2024, 3, 5), D("1200.00"), "832-A", "光山县原味农业",
                                               paid_on=dt.date(2024, 3, 6), invoice_no="No.0012"))
        second = ws.store.add_purchase(Purchase(dt.date(2024, 4, 9), D("88.80"), "832-B", "宁夏盐池县滩羊"))
        att.attach_bytes(ws, _pdf("invoice A"), "发票.pdf", purchase_id=first.id, kind=EvidenceKind.INVOICE)
        att.attach_bytes(ws, _pdf("acceptance A"), "验收单.pdf", purchase_id=first.id, kind=EvidenceKind.ACCEPTANCE)
        att.attach_bytes(ws, _pdf("invoice A"), "发票.pdf", purchase_id=second.id, kind=EvidenceKind.INVOICE)  # same bytes
        att.attach_bytes(ws, _pdf("stamped"), "承诺函.pdf", year=2024, kind=EvidenceKind.LETTER)
        stored = {(item.purchase.order_no if item.purchase else "", item.attachment.file_name): att.read_bytes(ws, item.attachment)
                  for item in att.attachments_of_year(ws, 2024)}
    return path, stored


def test_the_evidence_command_packs_every_attachment_with_its_index_and_the_report(unit_with_evidence, tmp_path, capsys):
    from pypdf import PdfReader

    from desktop832.cli import main

    path, stored = unit_with_evidence
    out = tmp_path / "证据包.zip"
    assert main(["--db", str(path), "evidence", "--year", "2024", "-o", str(out), "--shipped-fonts-only"]) == 0
    assert "附件 4 个" in capsys.readouterr().out
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        sheet = load_workbook(io.BytesIO(archive.read(INDEX_NAME))).active
        rows = list(sheet.iter_rows(min_row=4, values_only=True))
        assert len(rows) == len(stored) == 4
        for row in rows:
            key = ("" if row[1] == "（年度填报）" else row[1], row[NAME_COLUMN])
            data = archive.read(row[PACKED_COLUMN])
            assert data == stored[key]  # byte for byte what the data file holds
            assert hashlib.sha256(data).hexdigest() == row[SHA_COLUMN] == hashlib.sha256(stored[key]).hexdigest()
        report = PdfReader(io.BytesIO(archive.read("2024年度采购情况报告.pdf")))
        text = "".join("".join(page.extract_text().split()) for page in report.pages)
    assert set(names) == {r[PACKED_COLUMN] for r in rows} | {INDEX_NAME, "2024年度采购情况报告.pdf"}
    assert all(n.startswith("附件/832-A_2024-03-05_") for n in names if "832-A" in n)
    invoice = next(r for r in rows if r[1] == "832-A" and r[NAME_COLUMN] == "发票.pdf")
    assert invoice[4] == "No.0012" and invoice[2].date() == dt.date(2024, 3, 5)
    # the report's evidence index lists the same files
    assert "七、证据索引" in text and "验收单.pdf" in text and "承诺函.pdf" in text


def test_a_pack_that_cannot_be_written_leaves_nothing(unit_with_evidence, tmp_path, capsys):
    from desktop832.cli import main

    path, _stored = unit_with_evidence
    assert main(["--db", str(path), "evidence", "-o", str(tmp_path / "x.pdf")]) == 2
    assert main(["--db", str(path), "evidence", "-o", str(tmp_path / "missing" / "x.zip")]) != 0
    assert not (tmp_path / "missing").exists() and "Traceback" not in capsys.readouterr().err


def test_the_pack_from_the_window_menu(qtbot, make_window, unit_with_evidence, tmp_path, monkeypatch):
    from desktop832.ui import file_dialogs

    path, stored = unit_with_evidence
    out = tmp_path / "窗口证据包.zip"
    monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, **k: (str(out), ""))
    window = make_window(path, today=dt.date(2024, 6, 1))
    window.evidence_action.trigger()
    assert not window.evidence_action.isEnabled()
    qtbot.waitUntil(lambda: out.exists() and "已写出" in window.statusBar().currentMessage(), timeout=30000)
    qtbot.waitUntil(window.evidence_action.isEnabled, timeout=5000)
    with zipfile.ZipFile(out) as archive:
        assert len([n for n in archive.namelist() if n.startswith("附件/")]) == len(stored)
