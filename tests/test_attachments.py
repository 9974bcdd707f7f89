"""Attachments: stored once by content inside the data file, linked from purchases and a year's
filing, kept byte for byte by dump/load and by backups; what is missing said as hints."""

import dataclasses
import datetime as dt
import hashlib
import json
import zlib
from decimal import Decimal as D

import pytest

from desktop832.app import attachments as att
from desktop832.app.workspace import Workspace
from desktop832.domain.attachments import MAX_SIZE, EvidenceKind, MediaType
from desktop832.domain.errors import InputError
from desktop832.domain.model import AnnualPlan, CanteenMode, FeeSource, OrderState, Purchase
from desktop832.store.database import Store

TODAY = dt.date(2024, 6, 1)


def pdf_bytes(text: str = "invoice") -> bytes:
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


def png_bytes(seed: int = 0) -> bytes:
    """A real 2x2 PNG (Qt can show it), its pixel values from ``seed``."""
    raw = b"".join(b"\x00" + bytes([seed % 256, 0, 0] * 2) for _ in range(2))

    def chunk(kind, data):
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", (2).to_bytes(4, "big") * 2 + b"\x08\x02\x00\x00\x00")
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
def ws(tmp_path):
    store = Store.open(tmp_path / "unit.sqlite")
    store.save_plan(AnnualPlan(2024))
    workspace = Workspace(store, today=TODAY)
    yield workspace
    workspace.close()


def add(ws, n=1, state=OrderState.DONE, **kwargs):
    return [ws.store.add_purchase(Purchase(dt.date(2024, 3, 1 + i), D("100.00"), order_no=f"832-{i}", state=state, **kwargs))
            for i in range(n)]


def blob_rows(ws):
    return ws.store.blob_count()


# --- attach, dedupe, remove --------------------------------------------------------------------


def test_a_file_attached_to_a_purchase_is_listed_and_read_back(ws, tmp_path):
    [p] = add(ws)
    path = tmp_path / "发票 2024-03.pdf"
    path.write_bytes(pdf_bytes())
    a = att.attach_to_purchase(ws, p.id, path, EvidenceKind.INVOICE)
    assert (a.file_name, a.kind, a.media_type, a.size, a.added_on) == (
        "发票 2024-03.pdf", EvidenceKind.INVOICE, MediaType.PDF, len(pdf_bytes()), TODAY)
    assert a.sha256 == hashlib.sha256(pdf_bytes()).hexdigest()
    assert att.of_purchase(ws, p.id) == [a]
    assert att.read_bytes(ws, a) == pdf_bytes()


def test_the_same_bytes_twice_are_stored_once(ws, tmp_path):
    first, second = add(ws, 2)
    (tmp_path / "a.pdf").write_bytes(pdf_bytes())
    (tmp_path / "copy of a.pdf").write_bytes(pdf_bytes())
    att.attach_to_purchase(ws, first.id, tmp_path / "a.pdf")
    att.attach_to_purchase(ws, second.id, tmp_path / "copy of a.pdf")
    att.attach_to_filing(ws, 2024, tmp_path / "a.pdf", EvidenceKind.CONFIRMATION)
    assert blob_rows(ws) == 1
    assert [a.file_name for a in att.of_purchase(ws, second.id)] == ["copy of a.pdf"]  # the clerk's own name
    (tmp_path / "b.png").write_bytes(png_bytes())
    att.attach_to_purchase(ws, first.id, tmp_path / "b.png")
    assert blob_rows(ws) == 2


def test_remove_and_restore_keep_the_bytes_until_the_next_opening(ws, tmp_path):
    [p] = add(ws)
    (tmp_path / "a.pdf").write_bytes(pdf_bytes())
    a = att.attach_to_purchase(ws, p.id, tmp_path / "a.pdf")
    att.remove(ws, a)
    assert att.of_purchase(ws, p.id) == []
    assert att.restore(ws, a)
    assert att.of_purchase(ws, p.id) == [a]  # same id, name, date
    att.remove(ws, a)
    assert att.tidy(ws) == 1 and blob_rows(ws) == 0
    assert not att.restore(ws, a)  # its bytes are gone: nothing half restored
    assert att.of_purchase(ws, p.id) == []


def test_deleting_a_purchase_takes_its_links_and_undo_brings_them_back(ws, tmp_path):
    [p] = add(ws)
    (tmp_path / "a.pdf").write_bytes(pdf_bytes())
    a = att.attach_to_purchase(ws, p.id, tmp_path / "a.pdf")
    links = att.of_purchases(ws, [p.id])
    ws.store.delete_purchases([p.id])
    assert ws.store.attachments_of_purchases([p.id]) == []
    new = ws.store.add_purchase(Purchase(dt.date(2024, 4, 1), D("1.00")))  # may get the old id
    assert att.of_purchase(ws, new.id) == []
    ws.store.delete_purchases([new.id])
    ws.store.add_purchases([p])
    att.restore_all(ws, links)
    assert att.of_purchase(ws, p.id) == [a]


@pytest.mark.parametrize("name, data, says", [
    ("big.pdf", b"%PDF-" + b"0" * MAX_SIZE, "超过每个附件 20 MB 的上限"),
    ("empty.pdf", b"", "是空文件"),
    ("notes.docx", b"PK\x03\x04 a word file", "不是 PDF、JPG、PNG 或 OFD 文件"),
    ("fake.pdf", b"MZ\x90\x00 a program", "不是 PDF、JPG、PNG 或 OFD 文件"),
])
def test_a_file_that_cannot_be_an_attachment_is_refused_in_chinese(ws, tmp_path, name, data, says):
    [p] = add(ws)
    (tmp_path / name).write_bytes(data)
    with pytest.raises(InputError, match=says):
        att.attach_to_purchase(ws, p.id, tmp_path / name)
    assert att.of_purchase(ws, p.id) == [] and blob_rows(ws) == 0


def test_ofd_jpeg_and_png_are_accepted_by_content(ws, tmp_path):
    [p] = add(ws)
    for name, data, media in (("电子发票.ofd", b"PK\x03\x04ofd package", MediaType.OFD),
                              ("scan.JPG", b"\xff\xd8\xff\xe0jpeg", MediaType.JPEG), ("shot.png", png_bytes(), MediaType.PNG)):
        (tmp_path / name).write_bytes(data)
        assert att.attach_to_purchase(ws, p.id, tmp_path / name).media_type is media


def test_the_data_file_itself_is_refused(ws):
    [p] = add(ws)
    with pytest.raises(InputError):
        att.attach_to_purchase(ws, p.id, ws.store.path)


def test_attachments_of_the_year_for_the_evidence_pack(ws, tmp_path):
    first, second = add(ws, 2)
    other_year = ws.store.add_purchase(Purchase(dt.date(2023, 5, 1), D("1.00"), order_no="old"))
    for i, pid in enumerate((second.id, first.id, other_year.id)):
        (tmp_path / f"{i}.pdf").write_bytes(pdf_bytes(str(i)))
        att.attach_to_purchase(ws, pid, tmp_path / f"{i}.pdf", EvidenceKind.INVOICE)
    (tmp_path / "letter.png").write_bytes(png_bytes())
    att.attach_to_filing(ws, 2024, tmp_path / "letter.png", EvidenceKind.LETTER)
    items = att.attachments_of_year(ws, 2024)
    assert [(i.purchase.order_no if i.purchase else None, i.attachment.file_name) for i in items] == [
        ("832-0", "1.pdf"), ("832-1", "0.pdf"), (None, "letter.png")]
    assert [i.suggested_name for i in items] == [
        "832-0_2024-03-01_发票_1.pdf", "832-1_2024-03-02_发票_0.pdf", "填报_盖章承诺函_letter.png"]
    assert att.read_bytes(ws, items[0].attachment) == pdf_bytes("1")


def test_the_log_query_does_not_read_the_attachment_tables(ws, tmp_path):
    from sqlalchemy import event

    from desktop832.store import purchase_queries as q

    [p] = add(ws, 1)
    (tmp_path / "a.pdf").write_bytes(pdf_bytes())
    att.attach_to_purchase(ws, p.id, tmp_path / "a.pdf")
    statements = []
    ws.store.reconnect()  # every connection from now on traces its statements
    event.listen(ws.store._engine, "connect", lambda dbapi, _record: dbapi.set_trace_callback(statements.append))
    judge = q.Judge(None, TODAY)
    rows = q.purchase_rows(ws.store, q.purchase_ids(ws.store, q.LogQuery(2024), judge))
    q.year_tally(ws.store, 2024, None, TODAY)
    assert [r[q.ORDER_NO] for r in rows.values()] == ["832-0"]
    text = " ".join(statements).lower()
    assert "from purchase" in text and "blob" not in text and "attachment" not in text


# --- findings ------------------------------------------------------------------------------------


def rule_ids(ws, profile, plan):
    return [f.rule_id for f in ws.evidence_findings(profile, plan)]


def test_completed_orders_without_evidence_are_a_hint_until_one_is_attached(ws, tmp_path, profile):
    [done] = add(ws)
    add(ws, 1, state=OrderState.OPEN)
    plan = ws.plan(2024)
    [finding] = ws.evidence_findings(profile, plan)
    assert finding.rule_id == "evidence-missing" and finding.severity.label == "提示"
    assert "1 笔已完结订单还没有附上凭证" in finding.message and "832-0" in finding.message
    assert finding.citation.startswith("本程序提示")
    (tmp_path / "a.pdf").write_bytes(pdf_bytes())
    att.attach_to_purchase(ws, done.id, tmp_path / "a.pdf")
    assert rule_ids(ws, profile, plan) == []


def test_a_sent_letter_without_its_scan_is_a_hint(ws, tmp_path, profile):
    import dataclasses

    no_canteen = dataclasses.replace(profile, canteen_mode=CanteenMode.NONE)
    plan = ws.plan(2024)
    assert rule_ids(ws, no_canteen, plan) == []  # not yet marked as sent
    sent = plan.with_(letter_sent=True)
    assert rule_ids(ws, no_canteen, sent) == ["letter-scan-missing"]
    assert rule_ids(ws, profile, sent) == []  # a unit with a canteen sends no letter
    (tmp_path / "other.pdf").write_bytes(pdf_bytes("x"))
    att.attach_to_filing(ws, 2024, tmp_path / "other.pdf", EvidenceKind.CONFIRMATION)
    assert rule_ids(ws, no_canteen, sent) == ["letter-scan-missing"]  # not the letter
    (tmp_path / "letter.pdf").write_bytes(pdf_bytes())
    a = att.attach_to_filing(ws, 2024, tmp_path / "letter.pdf", EvidenceKind.LETTER)
    assert rule_ids(ws, no_canteen, sent) == []
    att.remove(ws, a)
    assert rule_ids(ws, no_canteen, sent) == ["letter-scan-missing"]


# --- dump / load / backup --------------------------------------------------------------------------


def _fill(path, tmp_path, blobs=3):
    with Store.open(path) as store:
        ws = Workspace(store, today=TODAY)
        store.save_plan(AnnualPlan(2024))
        ps = add(ws, 4, invoice_no="NO.123", fee_source=FeeSource.UNION)
        contents = [pdf_bytes(str(i)) for i in range(blobs - 1)] + [png_bytes(7)]
        for i, data in enumerate(contents):
            (tmp_path / f"f{i}").write_bytes(data)
        att.attach_bytes(ws, contents[0], "发票.pdf", purchase_id=ps[0].id, kind=EvidenceKind.INVOICE)
        att.attach_bytes(ws, contents[0], "同一张.pdf", purchase_id=ps[2].id)
        att.attach_bytes(ws, contents[-1], "截图.png", purchase_id=ps[2].id, kind=EvidenceKind.ORDER)
        for data in contents[1:-1]:
            att.attach_bytes(ws, data, "确认.pdf", year=2024, kind=EvidenceKind.CONFIRMATION)
        removed = att.attach_bytes(ws, pdf_bytes("removed"), "removed.pdf", purchase_id=ps[1].id)
        att.remove(ws, removed)  # its bytes are still in the file: not dumped
    return contents


def _everything(path):
    with Store.open(path, readonly=True) as store:
        purchases = store.purchases()
        links = [(p.order_no, a.file_name, a.kind, a.added_on, a.sha256) for p in purchases for a in store.purchase_attachments(p.id)]
        filing = [(a.year, a.file_name, a.kind, a.sha256) for a in store.filing_attachments()]
        data = {a[-1]: store.read_blob(a[-1]) for a in links + filing}
        return [(p.order_no, p.invoice_no, p.fee_source) for p in purchases], links, filing, data


@pytest.mark.parametrize("whole", [False, True])
def test_dump_and_load_keep_attachments_byte_identical(tmp_path, whole):
    from desktop832.cli import main

    source = tmp_path / "unit.sqlite"
    contents = _fill(source, tmp_path)
    assert main(["--db", str(source), "dump", "-o", str(tmp_path / "out.json")]) == 0
    text = (tmp_path / "out.json").read_text("utf-8")
    doc = json.loads(text)
    assert list(doc)[-2:] == ["purchases", "blobs"]
    assert len(doc["blobs"]) == len(contents)  # the removed file's bytes are not written
    if whole:  # laid out otherwise: read whole, same result
        (tmp_path / "out.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    assert main(["load", str(tmp_path / "out.json"), "--db", str(tmp_path / "copy.sqlite")]) == 0
    before, after = _everything(source), _everything(tmp_path / "copy.sqlite")
    assert after == before
    assert sorted(after[3].values()) == sorted(contents)
    assert main(["--db", str(tmp_path / "copy.sqlite"), "dump", "-o", str(tmp_path / "again.json")]) == 0
    assert (tmp_path / "again.json").read_text("utf-8") == text


def test_the_streamed_dump_with_attachments_is_the_whole_dump(tmp_path):
    from desktop832.domain import jsonformat

    source = tmp_path / "unit.sqlite"
    _fill(source, tmp_path)
    with Store.open(source, readonly=True) as s:
        def out():
            return jsonformat.AttachmentsOut(s.iter_purchase_links(), s.filing_attachments(), s.iter_blobs)

        whole = json.dumps(jsonformat.dump(s.profile(), s.plans(), s.purchases(), None, out()), ensure_ascii=False, indent=2) + "\n"
        streamed = "".join(jsonformat.dump_chunks(s.profile(), s.plans(), s.iter_purchases(), None, out()))
    assert streamed == whole
    # read back in pieces small enough to split every base64 text
    profile, plans, purchases, filings, attachments = jsonformat.stream_load_all(
        whole[i:i + 37] for i in range(0, len(whole), 37))
    assert len(list(purchases)) == 4
    assert [a.purchase_id for a in attachments.purchase_links()] == [1, 3, 3]
    assert len(list(attachments.blobs())) == 3


def _other_bytes(text):
    import base64

    return base64.b64encode(base64.b64decode(text)[::-1]).decode()


@pytest.mark.parametrize("change, says", [
    (lambda d: d["blobs"].pop(), "缺少附件的内容"),
    (lambda d: d["blobs"][0].update(data=_other_bytes(d["blobs"][0]["data"])), "内容与 sha256 不符"),
    (lambda d: d["blobs"][0].update(size=1), "应为内容的字节数"),
    (lambda d: d["blobs"][0].update(data="not base64!"), "不是有效的 base64 编码"),
    (lambda d: d["purchases"][0]["attachments"][0].update(kind="收据"), "应为以下之一"),
    (lambda d: d["purchases"][0]["attachments"][0].update(file_name="../../x.pdf"), "文件名"),
    (lambda d: d["purchases"][0]["attachments"][0].pop("added_on"), "缺少必填字段"),
])
def test_load_refuses_damaged_attachments_and_writes_nothing(tmp_path, change, says, capsys):
    from desktop832.cli import main

    source = tmp_path / "unit.sqlite"
    _fill(source, tmp_path)
    assert main(["--db", str(source), "dump", "-o", str(tmp_path / "out.json")]) == 0
    doc = json.loads((tmp_path / "out.json").read_text("utf-8"))
    change(doc)
    (tmp_path / "bad.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), "utf-8")
    capsys.readouterr()
    assert main(["load", str(tmp_path / "bad.json"), "--db", str(tmp_path / "copy.sqlite")]) == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "copy.sqlite").exists()


def test_a_dump_without_attachments_is_unchanged_in_layout(tmp_path):
    from desktop832.cli import main

    with Store.open(tmp_path / "unit.sqlite") as store:
        store.save_plan(AnnualPlan(2024))
        store.add_purchase(Purchase(dt.date(2024, 3, 1), D("1.00")))
    assert main(["--db", str(tmp_path / "unit.sqlite"), "dump", "-o", str(tmp_path / "out.json")]) == 0
    doc = json.loads((tmp_path / "out.json").read_text("utf-8"))
    assert list(doc) == ["format", "version", "profile", "plans", "purchases"]
    assert "attachments" not in doc["purchases"][0]
    assert (doc["purchases"][0]["invoice_no"], doc["purchases"][0]["fee_source"]) == ("", "")


def test_a_backup_keeps_attachments_byte_identical(tmp_path):
    from desktop832.store import backups

    source = tmp_path / "unit.sqlite"
    _fill(source, tmp_path)
    backup = backups.make_backup(source, tmp_path / "backups", backups.MANUAL)
    assert _everything(backup.path) == _everything(source)
    target = tmp_path / "restored.sqlite"
    backups.restore(backup, target, tmp_path / "backups")
    assert _everything(target) == _everything(source)


def test_an_older_file_gains_the_attachment_tables(tmp_path):
    from alembic import command
    from alembic.config import Config

    from desktop832.store.database import MIGRATIONS_DIR, _make_engine

    path = tmp_path / "old.sqlite"
    with Store.open(path) as store:
        store.add_purchase(Purchase(dt.date(2024, 3, 1), D("1.00"), order_no="kept"))
    engine = _make_engine(path)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
    engine.dispose()
    with Store.open(path, backup_dir=tmp_path / "b") as store:
        [p] = store.purchases()
        assert (p.order_no, p.invoice_no, p.fee_source) == ("kept", "", FeeSource.UNSET)
        assert store.purchase_attachments(p.id) == [] and store.blob_count() == 0


def test_purchases_with_links_are_still_read_a_batch_at_a_time(tmp_path):
    """The bulk reading of dump's layout takes a purchase's links along; a stretch holding one
    is not sent to the one-at-a-time reading."""
    from desktop832.domain import jsonformat

    source = tmp_path / "unit.sqlite"
    _fill(source, tmp_path)
    with Store.open(source, readonly=True) as s:
        out = jsonformat.AttachmentsOut(s.iter_purchase_links(), s.filing_attachments(), s.iter_blobs)
        text = "".join(jsonformat.dump_chunks(s.profile(), s.plans(), s.iter_purchases(), None, out))
    _, _, purchases, _, attachments = jsonformat.stream_load_all([text], plain=True)
    [batch] = list(purchases)
    assert isinstance(batch, jsonformat.PlainPurchases) and len(batch) == 4
    assert batch.invoice_no == ["NO.123"] * 4 and set(batch.fee_source) == {"工会经费"}
    assert [(a.purchase_id, a.file_name) for a in attachments.purchase_links()] == [(1, "发票.pdf"), (3, "同一张.pdf"), (3, "截图.png")]
    assert len(list(attachments.blobs())) == 3


def test_the_evidence_hint_follows_purchase_writes_told_in_detail(ws, profile):
    [first] = add(ws)
    plan = ws.plan(2024)
    assert "1 笔已完结" in ws.evidence_findings(profile, plan)[0].message
    second = ws.store.add_purchase(Purchase(dt.date(2024, 4, 1), D("5.00"), order_no="832-X"))
    ws.purchases_written((), [second])  # as the log tells a write
    assert "2 笔已完结" in ws.evidence_findings(profile, plan)[0].message
    opened = dataclasses.replace(second, state=OrderState.OPEN)
    ws.store.update_purchase(opened)
    ws.purchases_written([second], [opened])
    assert "1 笔已完结" in ws.evidence_findings(profile, plan)[0].message


def test_the_year_report_lists_the_evidence(ws, tmp_path):
    from desktop832.app.year_report import collect

    [p] = add(ws)
    att.attach_bytes(ws, pdf_bytes(), "发票.pdf", purchase_id=p.id, kind=EvidenceKind.INVOICE)
    att.attach_bytes(ws, png_bytes(), "承诺函.png", year=2024, kind=EvidenceKind.LETTER)
    lines = att.evidence_index(ws, 2024)
    assert [(e.order_no, e.date, e.kind, e.file_name) for e in lines] == [
        ("832-0", dt.date(2024, 3, 1), "发票", "发票.pdf"), ("填报", TODAY, "盖章承诺函", "承诺函.png")]
    assert lines[0].sha256 == hashlib.sha256(pdf_bytes()).hexdigest() and lines[0].size == len(pdf_bytes())
    assert collect(ws, 2024).evidence == tuple(lines)


def test_a_bulk_delete_keeps_the_links_for_its_undo_and_the_next_opening_lets_them_go(tmp_path):
    from desktop832.store import purchase_queries as q

    path = tmp_path / "unit.sqlite"
    with Store.open(path) as store:
        ws = Workspace(store, today=TODAY)
        store.save_plan(AnnualPlan(2024))
        ps = add(ws, 3, invoice_no="NO.1", fee_source=FeeSource.CANTEEN)
        a = att.attach_bytes(ws, pdf_bytes(), "发票.pdf", purchase_id=ps[2].id)
        judge = q.Judge(None, TODAY)
        binned = q.move_to_bin(store, q.LogQuery(2024), judge)
        assert store.purchases(2024) == []
        q.restore_binned(store, binned.batch)
        assert [(p.invoice_no, p.fee_source) for p in store.purchases(2024)] == [("NO.1", FeeSource.CANTEEN)] * 3
        assert att.of_purchase(ws, ps[2].id) == [a]
        q.delete_binned(store, binned.batch)  # deleted again, and the window closes
    with Store.open(path) as store:  # the bin is emptied: the links go, then the bytes
        ws = Workspace(store, today=TODAY)
        assert store.attachments_of_purchases([p.id for p in ps]) == []
        new = store.add_purchase(Purchase(dt.date(2024, 7, 1), D("1.00")))  # may take a freed id
        assert att.of_purchase(ws, new.id) == []
        assert att.tidy(ws) == 1 and store.blob_count() == 0
