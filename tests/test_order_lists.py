"""Order lists as the platform and the clerks' tools really write them: each generated layout is
imported, and what lands in the log is checked; each refused file leaves the data file
byte-identical."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import Workbook

from desktop832.app.importing import ImportBlocked, import_orders, load_layouts
from desktop832.cli import main
from desktop832.documents import order_mapping as columns
from desktop832.documents import spreadsheets
from desktop832.documents.errors import ExchangeError
from desktop832.documents.order_fields import SHIPPED_STATES, StateMeaning, state_meaning
from desktop832.documents.orders import MappingError, read_orders
from desktop832.domain.model import OrderState, mark_hand_edits

from .exchange_helpers import workspace

HEADERS = ["订单编号", "下单时间", "店铺名称", "商品名称", "实付金额", "订单状态", "支付时间", "收货时间"]


def order(no: str, amount="1000.00", state="已完结", date="2024-03-01 10:00:00", paid="2024-03-02 09:00:00",
          delivered="2024-03-05 16:00:00", supplier="光山县原味农业", goods="光山糯米") -> list:
    return [no, date, supplier, goods, amount, state, paid, delivered]


ORDERS = [order("832A1"), order("832A2", "880.00", "待评价"), order("832A3", "99.90", "待发货", paid="", delivered="")]


def xlsx(path: Path, rows, headers=HEADERS, above=(), merge_title=False) -> Path:
    wb = Workbook()
    ws = wb.active
    for line in above:
        ws.append(line)
    if merge_title and above:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def text_csv(path: Path, rows, headers=HEADERS, encoding="utf-8", delimiter=",", above=()) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for line in (*above, headers, *rows):
        writer.writerow(line)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.fixture
def db(tmp_path, profile, plan):
    path = tmp_path / "unit.sqlite"
    workspace(path, profile, plan).close()
    return path


@pytest.fixture
def ws(db):
    from desktop832.app.workspace import Workspace

    w = Workspace.open(db, today=dt.date(2024, 6, 1))
    yield w
    w.close()


class _opened:
    """The data file opened again (after the command line wrote it)."""

    def __init__(self, db):
        from desktop832.app.workspace import Workspace

        self.ws = Workspace.open(db)

    def __enter__(self):
        return self.ws

    def __exit__(self, *exc):
        self.ws.close()


def logged(ws) -> dict:
    return {p.order_no: p for p in ws.store.purchases()}


def refused_untouched(db: Path, path: Path, message: str, **kwargs) -> ExchangeError:
    """Import ``path`` into a closed data file: it must be refused with ``message`` and the data
    file (and the list) must stay byte-identical."""
    from desktop832.app.workspace import Workspace

    before, listed = db.read_bytes(), path.read_bytes()
    w = Workspace.open(db, today=dt.date(2024, 6, 1))
    try:
        with pytest.raises(ExchangeError) as caught:
            import_orders(w, path, **kwargs)
    finally:
        w.close()
    told = caught.value.message + "".join(f"\n{e}" for e in getattr(caught.value, "preview", None) and caught.value.preview.errors or [])
    assert message in told
    assert db.read_bytes() == before and path.read_bytes() == listed
    return caught.value


# --- header detection --------------------------------------------------------------------------


def test_title_lines_and_a_merged_banner_above_the_header_are_skipped(ws, tmp_path):
    above = [["832平台订单导出"], ["导出时间：2024-04-01 08:00  共 3 条"], []]
    path = xlsx(tmp_path / "t.xlsx", ORDERS, above=above, merge_title=True)
    preview, result = import_orders(ws, path)
    assert "第 4 行为表头" in preview.parsed.table
    assert [(s.row, s.reason) for s in preview.skipped] == [(1, "表头上方的标题或说明行"), (2, "表头上方的标题或说明行")]
    assert result.added == 3 and set(logged(ws)) == {"832A1", "832A2", "832A3"}


def test_undocumented_headers_under_a_title_are_found_and_mapped_from_a_file(ws, db, tmp_path, capsys):
    headers = ["单号", "日期", "商户", "品名", "付款额", "交易状况"]
    rows = [["832B1", "2024-03-01", "店", "货", "12.50", "订单已确认完成"]]
    path = text_csv(tmp_path / "u.csv", rows, headers, above=[["832平台订单导出"]])
    with pytest.raises(MappingError) as caught:
        import_orders(ws, path)
    # the header row is the one with the column names, not the title above it
    assert caught.value.mapping.headers == tuple(headers)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({
        "columns": {"单号": "订单编号", "日期": "下单时间", "付款额": "实付金额", "交易状况": "订单状态"},
        "states": {"订单已确认完成": "已完结"},
    }, ensure_ascii=False), "utf-8")
    ws.close()
    assert main(["--db", str(db), "import-orders", str(path), "--mapping", str(mapping)]) == 0
    assert "已导入 1 笔订单" in capsys.readouterr().out
    with _opened(db) as again:
        assert logged(again)["832B1"].amount == D("12.50") and logged(again)["832B1"].state is OrderState.DONE
        # the mapping is kept for this layout: the next import needs no file
        layout = load_layouts(again.store)[columns.layout_key(headers)]
        assert layout.states == {"订单已确认完成": StateMeaning.DONE}
    assert main(["--db", str(db), "import-orders", str(path), "--dry-run"]) == 0
    assert "台账中已有、无变化或不更新：1 笔" in capsys.readouterr().out


def test_a_bad_mapping_file_is_refused_naming_the_entry(db, tmp_path, capsys):
    path = text_csv(tmp_path / "o.csv", ORDERS)
    mapping = tmp_path / "m.json"
    mapping.write_text('{"columns": {"付款额": "金钱"}}', "utf-8")
    before = db.read_bytes()
    assert main(["--db", str(db), "import-orders", str(path), "--mapping", str(mapping)]) == 2
    assert "列“付款额”的字段“金钱”不认识" in capsys.readouterr().err
    assert db.read_bytes() == before


# --- totals, signatures and notes ----------------------------------------------------------------


@pytest.mark.parametrize("column", range(len(HEADERS)))
def test_a_totals_line_in_any_column_is_skipped_with_its_reason(ws, tmp_path, column):
    totals = [None] * len(HEADERS)
    totals[column] = "合计"
    if column != 4:
        totals[4] = "1979.90"
    rows = ORDERS + [totals, ["总计：3 笔"], [None, "制表人：张三", None, "审核人：李四"], ["打印时间：2024-04-01 09:00"]]
    preview, result = import_orders(ws, xlsx(tmp_path / "f.xlsx", rows))
    assert preview.errors == [] and result.added == 3
    reasons = [s.reason for s in preview.skipped]
    assert reasons == [f"“{w}”行（合计、签名或说明行，不是订单）" for w in ("合计", "总计", "制表人", "打印时间")]
    assert sum((p.amount for p in logged(ws).values()), D(0)) == D("1979.90")


def test_a_blank_order_number_is_still_an_error_not_a_footer(ws, tmp_path):
    rows = ORDERS + [["", "2024-03-09", "店", "审核中的货", "5", "待验货", "", ""]]
    refused = pytest.raises(ImportBlocked)
    with refused as caught:
        import_orders(ws, xlsx(tmp_path / "b.xlsx", rows))
    (error,) = caught.value.preview.errors
    assert (error.row, error.column) == (5, "订单编号") and "不能为空" in error.message


# --- states --------------------------------------------------------------------------------------


def test_every_state_the_platform_is_known_to_use_is_shipped():
    for text, meaning in {
        "待发货": StateMeaning.OPEN, "待验货": StateMeaning.OPEN, "待验票": StateMeaning.OPEN,
        "待评价": StateMeaning.DONE, "已完结": StateMeaning.DONE, "退款": StateMeaning.REFUNDED,
        "部分退款": StateMeaning.PARTIAL, "售后完成": StateMeaning.DONE, "交易關閉": StateMeaning.REFUNDED,
    }.items():
        assert state_meaning(text) is meaning, text
    every = [t for texts in SHIPPED_STATES.values() for t in texts]
    assert len(every) == len(set(every))  # no text means two things


def test_an_unknown_state_blocks_until_mapped_and_the_mapping_is_remembered(ws, tmp_path):
    rows = ORDERS + [order("832A4", "10.00", "已验收待付款")]
    path = xlsx(tmp_path / "s.xlsx", rows)
    with pytest.raises(ImportBlocked) as caught:
        import_orders(ws, path)
    assert caught.value.preview.unmapped_states == ["已验收待付款"]
    assert logged(ws) == {}
    mapping = columns.Layout(states={"已验收待付款": StateMeaning.OPEN})
    preview, result = import_orders(ws, path, mapping_file=mapping)
    assert result.added == 4 and logged(ws)["832A4"].state is OrderState.OPEN
    assert load_layouts(ws.store)[columns.layout_key(HEADERS)].states == {"已验收待付款": StateMeaning.OPEN}


# --- refunds -------------------------------------------------------------------------------------


def test_refund_lines_and_partial_refunds_reduce_what_counts_and_the_log_shows_both(ws, tmp_path):
    headers = HEADERS + ["退款金额"]
    rows = [
        order("832R1", "1000.00", "部分退款") + ["100.00"],  # partial refund from the refund column
        order("832R2", "500.00", "已完结") + [""],
        order("832R2", "-200.00", "退款", supplier="", goods="退款") + [""],  # a refund line of R2
        order("832R3", "300.00", "已完结") + [""],
        order("832R3", "-300.00", "退款") + [""],  # refunded in full
        order("832R4", "80.00", "退款") + [""],  # a refunded order, amount unknown
    ]
    preview, result = import_orders(ws, xlsx(tmp_path / "r.xlsx", rows, headers))
    assert preview.errors == [] and result.added == 4
    log = logged(ws)
    assert (log["832R1"].amount, log["832R1"].refunded, log["832R1"].state) == (D("900.00"), D("100.00"), OrderState.DONE)
    assert log["832R1"].note == "退款 100.00 元（实付 1,000.00 元）"
    assert (log["832R2"].amount, log["832R2"].refunded, log["832R2"].state) == (D("300.00"), D("200.00"), OrderState.DONE)
    assert (log["832R3"].amount, log["832R3"].refunded, log["832R3"].state) == (D("0.00"), D("300.00"), OrderState.REFUNDED)
    assert log["832R4"].state is OrderState.REFUNDED
    assert {o.order_no for o, _ in preview.new} == {"832R1", "832R2"}
    tally = ws.tally(2024, ws.policy_for(ws.store.profile(), ws.plan(2024)))
    assert tally.counted_total == D("1200.00")  # 900 + 300: refunds taken off


def test_a_partial_refund_without_a_refund_amount_is_an_error(ws, tmp_path):
    rows = [order("832P1", "1000.00", "部分退款")]
    with pytest.raises(ImportBlocked) as caught:
        import_orders(ws, xlsx(tmp_path / "p.xlsx", rows))
    assert "没有退款金额" in caught.value.preview.errors[0].message and logged(ws) == {}


def test_refunds_over_the_amount_paid_and_orphan_refund_lines_are_errors(ws, tmp_path):
    rows = [order("832X1", "100.00"), order("832X1", "-150.00", "退款"), order("832X9", "-5.00", "退款")]
    with pytest.raises(ImportBlocked) as caught:
        import_orders(ws, xlsx(tmp_path / "x.xlsx", rows))
    messages = [e.message for e in caught.value.preview.errors]
    assert any("超过实付金额" in m for m in messages) and any("都没有这笔订单" in m for m in messages)


# --- re-import as reconciliation -------------------------------------------------------------------


def test_re_import_brings_changes_field_by_field_and_keeps_hand_edits(ws, tmp_path):
    first = [order("832C1", "1000.00"), order("832C2", "200.00", "待验货", paid="", delivered=""),
             order("832C3", "50.00"), order("832C4", "60.00", date="2024-03-20 08:00:00")]
    import_orders(ws, xlsx(tmp_path / "march.xlsx", first))
    # the clerk corrects C3's payment date by hand in the log
    c3 = logged(ws)["832C3"]
    ws.store.update_purchase(mark_hand_edits(c3, dataclasses.replace(c3, paid_on=dt.date(2024, 3, 3))))
    later = [order("832C1", "900.00", paid="2024-03-04 10:00:00"),
             order("832C2", "200.00", "已完结", paid="2024-03-10 10:00:00", delivered="2024-03-08 10:00:00"),
             order("832C3", "50.00", paid="2024-03-09 10:00:00"),
             order("832C5", "70.00", date="2024-03-31 12:00:00")]  # C4, inside the period, is gone
    preview, result = import_orders(ws, xlsx(tmp_path / "april.xlsx", later))
    described = {c.before.order_no: c.describe() for c in preview.changes}
    assert described == {
        "832C1": "计入金额 1,000.00 → 900.00；付款日期 2024-03-02 → 2024-03-04",
        "832C2": "订单状态 未完结 → 已完结；付款日期 空 → 2024-03-10；收货日期 空 → 2024-03-08",
        "832C3": "付款日期 2024-03-03 → 2024-03-09（手工修改过，保留台账中的值）",
    }
    assert [p.order_no for p in preview.missing] == ["832C4"]
    assert result.updated == 2 and result.added == 1
    log = logged(ws)
    assert (log["832C1"].amount, log["832C1"].paid_on) == (D("900.00"), dt.date(2024, 3, 4))
    assert (log["832C2"].state, log["832C2"].delivered_on) == (OrderState.DONE, dt.date(2024, 3, 8))
    assert log["832C3"].paid_on == dt.date(2024, 3, 3)  # the hand edit stands
    assert "832C4" in log  # listed to check, never deleted
    again, result = import_orders(ws, xlsx(tmp_path / "april.xlsx", later))
    assert result.updated == 0 and [c.before.order_no for c in again.changes] == ["832C3"]  # only the kept one


def test_an_exact_repeat_in_one_file_is_a_repeat_not_an_order_of_the_log(ws, tmp_path):
    preview, result = import_orders(ws, xlsx(tmp_path / "d.xlsx", ORDERS + [ORDERS[0]]))
    assert result.added == 3 and [k.note for k in preview.known] == ["与文件第 2 行重复"]


# --- 所属预算单位 ----------------------------------------------------------------------------------


def test_other_units_orders_are_shown_apart_and_imported_only_when_asked(ws, db, tmp_path, profile):
    headers = HEADERS + ["所属预算单位", "统一社会信用代码"]
    rows = [
        order("832U1") + [profile.name, profile.credit_code],
        order("832U2") + ["测 试 市 财 政 局", ""],  # our name, spaced out, no code
        order("832U3") + ["测试市教育局", ""],
        order("832U4") + [profile.name, "91410100MA000000X1"],  # the code decides: not ours
    ]
    path = xlsx(tmp_path / "units.xlsx", rows, headers)
    preview, result = import_orders(ws, path)
    assert result.added == 2 and set(logged(ws)) == {"832U1", "832U2"}
    assert [(o.order_no, why) for o, why in preview.other_units] == [
        ("832U3", "所属预算单位为“测试市教育局”"), ("832U4", "统一社会信用代码 91410100MA000000X1 不是本单位的")]
    _, result = import_orders(ws, path, include_other_units=True)
    assert result.added == 2 and len(logged(ws)) == 4


# --- encodings and hostile files -------------------------------------------------------------------


def test_big5_is_decoded_not_taken_for_gb18030(ws, tmp_path):
    headers = ["訂單編號", "下單時間", "店鋪名稱", "商品名稱", "實付金額", "訂單狀態"]
    rows = [["832T1", "2024-03-01", "臺灣農產", "香菇禮盒", "1234.50", "已完成"], ["832T2", "2024-03-02", "臺灣農產", "茶葉", "10", "交易關閉"]]
    path = text_csv(tmp_path / "big5.csv", rows, headers, encoding="big5")
    preview, result = import_orders(ws, path)
    assert "Big5" in preview.parsed.table and result.added == 2
    log = logged(ws)
    assert log["832T1"].description == "香菇禮盒" and log["832T1"].state is OrderState.DONE
    assert log["832T2"].state is OrderState.REFUNDED


def test_gbk_is_still_gbk(ws, tmp_path):
    rows = [order("832G1", goods="信阳毛尖 礼盒装"), order("832G2", goods="光山麻鸭")]
    preview, _ = import_orders(ws, text_csv(tmp_path / "gbk.csv", rows, encoding="gbk"))
    assert "GBK" in preview.parsed.table and logged(ws)["832G1"].description == "信阳毛尖 礼盒装"


@pytest.mark.parametrize("encoding, delimiter", [("utf-16", "\t"), ("utf-16-le", ","), ("utf-16-be", "\t")])
def test_utf16_with_and_without_bom(ws, tmp_path, encoding, delimiter):
    path = text_csv(tmp_path / "u16.csv", ORDERS, encoding=encoding, delimiter=delimiter)
    preview, result = import_orders(ws, path)
    assert "UTF-16" in preview.parsed.table and result.added == 3
    assert logged(ws)["832A1"].supplier == "光山县原味农业"


def test_an_encrypted_workbook_is_refused_with_what_to_do(db, tmp_path):
    import msoffcrypto

    plain = xlsx(tmp_path / "plain.xlsx", ORDERS)
    locked = tmp_path / "locked.xlsx"
    with open(plain, "rb") as source, open(locked, "wb") as target:
        msoffcrypto.OfficeFile(source).encrypt("123456", target)
    refused_untouched(db, locked, "文件已加密，请先在 Excel/WPS 中取消密码后另存")


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(db, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(xlsx(tmp_path / "ok.xlsx", ORDERS)) as good, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in good.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info, good.read(info))
        with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b" " * (1 << 20)
            for _ in range(80):  # 80 MiB of blanks pack to well under a MiB
                sheet.write(block)
    refused_untouched(db, bomb, "不像是订单列表（可能是恶意构造的压缩文件）")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_list_far_bigger_than_any_order_list_is_refused(db, tmp_path, monkeypatch, kind):
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 50)
    rows = [order(f"832M{i}") for i in range(120)]
    path = text_csv(tmp_path / "m.csv", rows) if kind == "csv" else xlsx(tmp_path / "m.xlsx", rows)
    refused_untouched(db, path, "超出订单列表的合理规模（最多 50 行）")


def test_a_file_whose_every_row_fails_writes_nothing(db, tmp_path):
    rows = [order(f"832E{i}", amount="一千元") for i in range(5)]
    error = refused_untouched(db, xlsx(tmp_path / "e.xlsx", rows), "有 5 行数据有错误，未导入任何数据")
    assert len(error.preview.errors) == 5


def test_defusedxml_is_what_openpyxl_parses_with():
    from openpyxl import xml

    assert xml.DEFUSEDXML is True


def test_the_documentation_lists_every_header_state_and_totals_word():
    from desktop832.documents.order_fields import FOOTER_WORDS, SYNONYMS

    from .conftest import ROOT

    doc = (ROOT / "docs" / "order-import.md").read_text("utf-8")
    tables = {line.split("|")[1].strip(): line for line in doc.splitlines() if line.startswith("| ")}
    for field, names in SYNONYMS.items():
        row = next(line for key, line in tables.items() if key.startswith(field.label))
        assert all(f" {name}" in row or f"、{name}" in row for name in names), field
    for meaning, texts in SHIPPED_STATES.items():
        assert tables[meaning.value].count("、") == len(texts) - 1 and all(t in tables[meaning.value] for t in texts)
    assert "、".join(FOOTER_WORDS) in doc


# --- layouts nobody documented: what odd exports (or someone trying to break the import) bring ----


def test_a_header_over_two_rows_with_merged_cells_is_read_as_one(ws, tmp_path):
    # a title, then 金额 merged over 实付金额 and 退款金额, the other names merged down over both rows
    wb = Workbook()
    sheet = wb.active
    sheet.append(["832平台订单导出"])
    sheet.append(["订单编号", "下单时间", "店铺名称", "金额", None, "订单状态"])
    sheet.append([None, None, None, "实付金额", "退款金额", None])
    for column in "ABCF":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("D2:E2")
    sheet.append(["832H1", "2024-03-01 10:00:00", "光山县原味农业", "1000.00", "100.00", "部分退款"])
    sheet.append(["832H2", "2024-03-02 10:00:00", "光山县原味农业", "50.00", None, "已完成"])
    wb.save(tmp_path / "two.xlsx")
    preview, result = import_orders(ws, tmp_path / "two.xlsx")
    assert "第 2–3 行为表头" in preview.parsed.table and preview.errors == []
    assert [(s.row, s.reason) for s in preview.skipped] == [(1, "表头上方的标题或说明行")]
    log = logged(ws)
    assert (log["832H1"].amount, log["832H1"].refunded) == (D("900.00"), D("100.00")) and log["832H2"].amount == D("50.00")


def test_group_titles_over_the_header_and_a_name_merged_down_from_them(ws, tmp_path):
    # 订单信息 / 商品信息 / 金额信息 over the names, and 订单状态 merged down from the first row
    wb = Workbook()
    sheet = wb.active
    sheet.append(["订单状态", "订单信息", None, None, "商品信息", None, "金额信息", None])
    sheet.append([None, "订单编号", "下单时间", "店铺名称", "商品名称", "商品数量", "实付金额", "退款金额"])
    for cells in ("A1:A2", "B1:D1", "E1:F1", "G1:H1"):
        sheet.merge_cells(cells)
    sheet.append(["待验货", "832G1", "2024-03-01", "店", "米", 1, "100", None])
    sheet.append(["已完成", "832G2", "2024-03-01", "店", "面", 2, "200", "20"])
    path = tmp_path / "groups.xlsx"
    wb.save(path)
    preview, result = import_orders(ws, path)
    assert preview.parsed.mapping.headers[0] == "订单状态" and "第 1–2 行为表头" in preview.parsed.table
    log = logged(ws)
    assert (log["832G1"].state, log["832G1"].amount) == (OrderState.OPEN, D("100.00"))
    assert (log["832G2"].state, log["832G2"].amount, log["832G2"].refunded) == (OrderState.DONE, D("180.00"), D("20.00"))


def test_an_order_s_other_goods_under_merged_cells_are_skipped_not_errors(ws, tmp_path):
    wb = Workbook()
    sheet = wb.active
    sheet.append(["订单编号", "下单时间", "商品名称", "实付金额", "订单状态"])
    sheet.append(["832M1", "2024-03-01", "光山糯米", "100", "已完成"])
    sheet.append([None, None, "光山麻鸭", None, None])
    sheet.append([None, None, "信阳毛尖", None, None])
    for column in "ABDE":
        sheet.merge_cells(f"{column}2:{column}4")
    sheet.append(["832M2", "2024-03-02", "香菇", "50", "已完成"])
    wb.save(tmp_path / "merged.xlsx")
    preview, result = import_orders(ws, tmp_path / "merged.xlsx")
    assert preview.errors == [] and {no: p.amount for no, p in logged(ws).items()} == {"832M1": D("100.00"), "832M2": D("50.00")}
    assert [(s.row, s.reason) for s in preview.skipped] == [
        (3, "没有订单编号、日期和金额的续行（合并单元格下同一订单的其他商品）"),
        (4, "没有订单编号、日期和金额的续行（合并单元格下同一订单的其他商品）"),
    ]


@pytest.mark.parametrize("epoch", ["1900", "1904"])
def test_dates_as_excel_serial_numbers(ws, tmp_path, epoch):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, to_excel

    wb = Workbook()
    if epoch == "1904":
        wb.epoch = CALENDAR_MAC_1904
    sheet = wb.active
    sheet.append(["订单编号", "下单时间", "实付金额", "订单状态", "支付时间", "收货时间"])
    ordered, paid, delivered = dt.datetime(2024, 3, 1, 10, 30), dt.datetime(2024, 3, 2), dt.datetime(2024, 3, 5, 16)
    # number cells without a date format, as a sheet pasted as values or an export tool writes them
    serial = lambda when: to_excel(when, wb.epoch)  # noqa: E731
    sheet.append(["832S1", serial(ordered), 100, "已完成", int(serial(paid)), serial(delivered)])
    sheet.append(["832S2", f"{serial(ordered):.6f}", 100, "已完成", str(int(serial(paid))), None])  # as text
    sheet.append(["832S3", 20240301, 100, "已完成", None, None])  # yyyymmdd as a number
    wb.save(tmp_path / "serial.xlsx")
    preview, result = import_orders(ws, tmp_path / "serial.xlsx")
    assert preview.errors == [] and result.added == 3
    log = logged(ws)
    assert (log["832S1"].date, log["832S1"].paid_on, log["832S1"].delivered_on) == (ordered.date(), paid.date(), delivered.date())
    assert (log["832S2"].date, log["832S2"].paid_on) == (ordered.date(), paid.date())
    assert log["832S3"].date == dt.date(2024, 3, 1)


def test_serial_numbers_in_a_csv_and_dates_with_odd_time_parts(ws, tmp_path):
    headers = ["订单编号", "下单时间", "实付金额", "订单状态", "支付时间"]
    rows = [["832D1", "45352", "10", "已完成", "45353.75"], ["832D2", "2024/3/1上午10:00", "10", "已完成", "2024年03月02日10时"],
            ["832D3", "２０２４－０３－０１　１０：００：００", "10", "已完成", "2024.3.2"]]
    preview, result = import_orders(ws, text_csv(tmp_path / "serial.csv", rows, headers, encoding="gbk"))
    assert preview.errors == [] and result.added == 3
    assert {(p.date, p.paid_on) for p in logged(ws).values()} == {(dt.date(2024, 3, 1), dt.date(2024, 3, 2))}


def test_a_number_in_a_date_column_that_is_no_date_is_refused(db, tmp_path):
    headers = ["订单编号", "下单时间", "实付金额", "订单状态"]
    path = xlsx(tmp_path / "n.xlsx", [["832N1", 12.5, 10, "已完成"], ["832N2", 99999, 10, "已完成"]], headers)
    error = refused_untouched(db, path, "有 2 行数据有错误")
    assert [e.reason for e in error.preview.errors] == ["应为日期，例如 2024-03-01：12.5", "应为日期，例如 2024-03-01：99999"]


def test_amounts_with_currency_signs_separators_and_full_width_digits(ws, tmp_path):
    headers = ["订单编号", "下单时间", "实付金额（元）", "订单状态"]
    amounts = {"832Y1": "￥1,234.50", "832Y2": "¥ 12,345.00", "832Y3": "RMB 1,000", "832Y4": "人民币88元",
               "832Y5": "１，２３４．５０", "832Y6": "\u00a01,000.00 元\u00a0", "832Y7": "1，000"}
    rows = [[no, "2024-03-01", text, "已完成"] for no, text in amounts.items()]
    rows += [["832Y1", "2024-03-05", "￥-200.00", "退款"], ["832Y2", "2024-03-05", "\u2212345.00", "退款"]]  # refund lines
    for path in (xlsx(tmp_path / "y.xlsx", rows, headers), text_csv(tmp_path / "y.csv", rows, headers, encoding="gb18030")):
        with _fresh(ws) as w:
            preview, result = import_orders(w, path)
            assert preview.errors == [] and result.added == 7
            log = logged(w)
            assert {no: p.amount for no, p in log.items()} == {
                "832Y1": D("1034.50"), "832Y2": D("12000.00"), "832Y3": D("1000.00"), "832Y4": D("88.00"),
                "832Y5": D("1234.50"), "832Y6": D("1000.00"), "832Y7": D("1000.00")}
            assert (log["832Y1"].refunded, log["832Y2"].refunded) == (D("200.00"), D("345.00"))


def test_an_amount_with_a_doubled_sign_is_an_error_not_a_refund(db, tmp_path):
    headers = ["订单编号", "下单时间", "实付金额", "订单状态"]
    rows = [["832Z1", "2024-03-01", "100", "已完成"], ["832Z1", "2024-03-02", "--5", "退款"]]
    error = refused_untouched(db, xlsx(tmp_path / "z.xlsx", rows, headers), "有 1 行数据有错误")
    assert [(e.row, e.reason) for e in error.preview.errors] == [(3, "格式不正确：--5")]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_extra_columns_and_blank_rows_in_the_middle(ws, tmp_path, kind):
    headers = ["序号", "订单编号", "子订单编号", "下单时间", "商品名称", "规格", "数量", "单价", "实付金额", "运费", "订单状态",
               "收货人", "收货地址", "联系电话", "发票类型", "支付时间"]
    def row(n, no, amount):
        return [n, no, f"{no}-1", "2024-03-01 10:00:00", "光山糯米", "10kg", 2, 50, amount, 0, "已完成", "张三", "光山县",
                "13800000000", "普票", "2024-03-02"]
    blank = [None] * len(headers) if kind == "xlsx" else [""] * len(headers)
    rows = [row(1, "832E1", "100.00"), blank, [], [" ", "\u3000"], row(2, "832E2", "200.00"), blank, row(3, "832E3", "300.00")]
    path = xlsx(tmp_path / "e.xlsx", rows, headers) if kind == "xlsx" else text_csv(tmp_path / "e.csv", rows, headers, encoding="gbk")
    preview, result = import_orders(ws, path)
    assert preview.errors == [] and preview.skipped == [] and preview.parsed.blank_rows == 4
    assert {no: (p.amount, p.paid_on) for no, p in logged(ws).items()} == {
        no: (D(a), dt.date(2024, 3, 2)) for no, a in (("832E1", "100.00"), ("832E2", "200.00"), ("832E3", "300.00"))}


def test_a_workbook_that_hides_its_size_is_refused_while_it_is_read(db, tmp_path, monkeypatch):
    import re

    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 50)
    plain = xlsx(tmp_path / "plain.xlsx", [order(f"832L{i}") for i in range(120)])
    hidden = tmp_path / "hidden.xlsx"
    with zipfile.ZipFile(plain) as good, zipfile.ZipFile(hidden, "w", zipfile.ZIP_DEFLATED) as out:
        for info in good.infolist():
            data = good.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<dimension [^>]*/>", b"", data)  # the sheet no longer says how big it is
            out.writestr(info, data)
    refused_untouched(db, hidden, "超出订单列表的合理规模（最多 50 行）")


def test_shared_strings_too_big_to_hold_are_refused_before_reading(db, tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_UNPACKED_WHOLE", 1 << 10)
    path = xlsx(tmp_path / "strings.xlsx", [order(f"832K{i}", goods=f"商品{i}" * 5) for i in range(100)])
    refused_untouched(db, path, "不像是订单列表（可能是恶意构造的压缩文件）")


class _fresh:
    """Another empty data file like ``ws``'s, for importing the same list once more from nothing."""

    def __init__(self, ws):
        self.ws = ws

    def __enter__(self):
        import shutil
        import tempfile

        from desktop832.app.workspace import Workspace

        folder = Path(tempfile.mkdtemp(prefix="d832-fresh-"))
        self.folder = folder
        copy = folder / "copy.sqlite"
        workspace(copy, self.ws.store.profile(), self.ws.store.plan(2024)).close()
        self.opened = Workspace.open(copy, today=dt.date(2024, 6, 1))
        self.shutil = shutil
        return self.opened

    def __exit__(self, *exc):
        self.opened.close()
        self.shutil.rmtree(self.folder, ignore_errors=True)


@pytest.mark.parametrize("encoding", ["gbk", "big5"])
def test_a_list_longer_than_the_encoding_sample_cut_inside_a_character(ws, tmp_path, monkeypatch, encoding):
    # the encoding is decided on the file's first bytes: a cut inside a two-byte character must
    # not make the whole list unreadable
    headers = HEADERS[:6] if encoding == "gbk" else ["訂單編號", "下單時間", "店鋪名稱", "商品名稱", "實付金額", "訂單狀態"]
    shop, goods = ("光山县原味农业", "信阳毛尖") if encoding == "gbk" else ("臺灣農產", "香菇禮盒")
    rows = [order(f"832Q{i}", supplier=shop, goods=goods, state="已完成")[:6] for i in range(40)]
    path = text_csv(tmp_path / "q.csv", rows, headers, encoding=encoding)
    data = path.read_bytes()
    cuts = [n for n in range(200, len(data)) if data[n - 1] >= 0x80 and data[n - 2] < 0x80]  # after a lead byte
    monkeypatch.setattr(spreadsheets, "SNIFF_BYTES", cuts[0])
    preview, result = import_orders(ws, path)
    assert result.added == 40 and logged(ws)["832Q39"].supplier == rows[0][2]


@pytest.mark.parametrize("encoding, text", [("gbk", "光山县原味农业，信阳毛尖"), ("big5", "臺灣農產，香菇禮盒")])
def test_the_encoding_sample_may_end_anywhere(encoding, text):
    data = ("832Q1," + text + "\r\n").encode(encoding) * 30
    for cut in range(100, 140):
        decoded, _, codec = spreadsheets.decode(data[:cut], Path("q.csv"), final=False)
        assert codec == ("gb18030" if encoding == "gbk" else "big5")
        assert data.decode(encoding).startswith(decoded) and len(decoded) >= len(data[:cut].decode(encoding, "ignore")) - 1


def test_a_csv_line_of_millions_of_empty_fields_is_refused_before_it_is_read(db, tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_LINE_BYTES", 4096)
    path = text_csv(tmp_path / "wide.csv", ORDERS)
    with open(path, "ab") as handle:
        handle.write(b"," * 10_000 + b"\r\n")
    refused_untouched(db, path, "有一行超过")
    ok = text_csv(tmp_path / "ok.csv", ORDERS * 1 + [order(f"832W{i}") for i in range(200)])  # many short lines pass
    assert len(read_orders(ok).orders) == 203


def test_exports_pasted_one_under_another_repeat_their_title_and_header(ws, tmp_path):
    march = [order("832J1", "10.00"), order("832J2", "20.00")]
    april = [order("832J3", "30.00", date="2024-04-01 10:00:00")]
    rows = march + [["合计", None, None, None, "30.00"], [], ["832平台订单导出（4月）"], HEADERS] + april
    preview, result = import_orders(ws, xlsx(tmp_path / "pasted.xlsx", rows, above=[["832平台订单导出（3月）"]]))
    assert preview.errors == [] and {no: p.amount for no, p in logged(ws).items()} == {
        "832J1": D("10.00"), "832J2": D("20.00"), "832J3": D("30.00")}
    assert [(s.row, s.reason) for s in preview.skipped] == [
        (1, "表头上方的标题或说明行"), (5, "“合计”行（合计、签名或说明行，不是订单）"),
        (7, "只有一个单元格有文字的说明行，没有订单编号"), (8, "重复的表头行（几次导出拼接在一起时会有）")]
