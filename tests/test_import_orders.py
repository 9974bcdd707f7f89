"""Importing the platform's order lists: formats, mapping, the preview's groups, all or nothing."""

import dataclasses
import datetime as dt
import json
from decimal import Decimal as D

import pytest

from desktop832.cli import main
from desktop832.domain.model import Channel, OrderState, Purpose
from desktop832.app.importing import (
    ImportBlocked, build_preview, commit, counted_purposes_for, existing_orders, import_orders, load_layouts,
    remember_layout,
)
from desktop832.documents import order_mapping as columns
from desktop832.documents.errors import ExchangeError
from desktop832.documents.order_fields import Field, header_key, order_state
from desktop832.documents.orders import MappingError, inspect_orders, read_orders
from desktop832.documents.progress import Cancelled

from .exchange_helpers import ORDER_HEADERS, ORDER_ROWS, write_orders_csv, write_orders_xlsx, workspace


@pytest.fixture
def ws(tmp_path, profile, plan):
    w = workspace(tmp_path / "unit.sqlite", profile, plan)
    yield w
    w.close()


def _stored(ws):
    return [dataclasses.replace(p, id=None) for p in ws.store.purchases()]


def test_gbk_csv_utf8_bom_csv_and_xlsx_give_the_same_purchases(tmp_path, profile, plan):
    files = [
        write_orders_csv(tmp_path / "gbk.csv", "gbk"),
        write_orders_csv(tmp_path / "bom.csv", "utf-8-sig"),
        write_orders_xlsx(tmp_path / "list.xlsx"),
        write_orders_xlsx(tmp_path / "saved-as.xls", title=None),  # an xlsx behind a .xls name
    ]
    results = []
    for i, path in enumerate(files):
        w = workspace(tmp_path / f"{i}.sqlite", profile, plan)
        preview, result = import_orders(w, path)
        assert result.added == 4 and result.not_counted == 2, preview.summary()
        results.append(_stored(w))
        w.close()
    assert results[0] == results[1] == results[2] == results[3]
    first = results[0][0]
    assert (first.order_no, first.date, first.amount, first.state, first.paid_on) == (
        "8322024030100001", dt.date(2024, 3, 1), D("1234.50"), OrderState.DONE, dt.date(2024, 3, 2))
    assert first.channel is Channel.PLATFORM and first.purpose is Purpose.CANTEEN
    assert [p.state for p in results[0]] == [OrderState.DONE, OrderState.DONE, OrderState.OPEN, OrderState.REFUNDED]


def test_preview_groups_and_a_duplicate_order_number_is_skipped(ws, tmp_path):
    path = write_orders_xlsx(tmp_path / "a.xlsx")
    first, result = import_orders(ws, path)
    assert (len(first.new), len(first.not_counted), len(first.known), first.error_rows) == (2, 2, 0, 0)
    assert {reason for *_, reason in first.not_counted} == {"订单未完结，不计入", "已退款，不计入"}
    again, result = import_orders(ws, path)
    assert len(again.known) == 4 and not again.new and not again.not_counted
    assert result.added == 0 and result.skipped == 4
    assert len(ws.store.purchases()) == 4


def test_a_finished_order_updates_the_logged_state(ws, tmp_path):
    import_orders(ws, write_orders_xlsx(tmp_path / "march.xlsx"))
    later = [row[:] for row in ORDER_ROWS]
    later[2][5], later[2][6] = "已完成", "2024-03-20 10:00:00"
    preview, result = import_orders(ws, write_orders_xlsx(tmp_path / "april.xlsx", rows=later))
    assert result.updated == 1 and result.added == 0
    (change,) = preview.changes
    assert "订单状态 未完结 → 已完结" in change.describe() and "付款日期 空 → 2024-03-20" in change.describe()
    stored = {p.order_no: p for p in ws.store.purchases()}["8322024031000003"]
    assert stored.state is OrderState.DONE and stored.paid_on == dt.date(2024, 3, 20)


def test_in_file_repeats(ws, tmp_path):
    rows = ORDER_ROWS + [ORDER_ROWS[0][:], ORDER_ROWS[1][:4] + ["1.00"] + ORDER_ROWS[1][5:]]
    parsed = read_orders(write_orders_xlsx(tmp_path / "r.xlsx", rows=rows))
    assert len(parsed.orders) == 4 and [first for _, first in parsed.duplicates_in_file] == [3]
    assert len(parsed.errors) == 1 and "与第 4 行相同但内容不同" in parsed.errors[0].message


def test_missing_amount_column_is_a_clear_error_and_writes_nothing(ws, tmp_path):
    headers = [h for h in ORDER_HEADERS if h != "实付金额"]
    rows = [r[:4] + r[5:] for r in ORDER_ROWS]
    with pytest.raises(MappingError) as caught:
        import_orders(ws, write_orders_csv(tmp_path / "no-amount.csv", "utf-8", headers, rows))
    assert "缺少“实付金额”列" in caught.value.message and "订单金额" in caught.value.message
    assert ws.store.purchases() == []


def test_text_in_an_amount_cell_names_row_and_column_and_writes_nothing(ws, tmp_path):
    rows = [r[:] for r in ORDER_ROWS]
    rows[1][4] = "八百八十元"
    path = write_orders_xlsx(tmp_path / "bad.xlsx", rows=rows)
    with pytest.raises(ImportBlocked) as caught:
        import_orders(ws, path)
    assert ws.store.purchases() == []
    (error,) = caught.value.preview.errors
    assert (error.row, error.column) == (4, "实付金额")  # title row, header row, then the second order
    assert str(error).startswith("第 4 行“实付金额”列：") and "八百八十元" in str(error)
    _, result = import_orders(ws, path, skip_errors=True)
    assert result.added == 3 and result.error_rows == 1


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_a_truncated_xlsx_is_a_clear_error_and_writes_nothing(ws, tmp_path, cut):
    whole = write_orders_xlsx(tmp_path / "whole.xlsx").read_bytes()
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(whole[: int(len(whole) * cut)])
    with pytest.raises(ExchangeError, match="损坏或不完整"):
        import_orders(ws, broken)
    assert ws.store.purchases() == []


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Excel 97-2003"),
        (b"<html><table><tr><td>1</td></tr></table></html>", "网页格式"),
        (b"", "文件是空的"),
        ("订单编号,金额\n".encode("utf-8") + b"\xff\xfe\xfa bad", "无法识别文字编码"),
    ],
)
def test_files_that_are_not_order_lists(ws, tmp_path, content, message):
    path = tmp_path / "x.xls"
    path.write_bytes(content)
    with pytest.raises(ExchangeError, match=message):
        import_orders(ws, path)


def _big_csv(tmp_path, n):
    rows = [[f"8322024{i:09d}", "2024-05-01", "店", "货", "10.00", "已完成" if i % 2 else "待发货", "", ""] for i in range(n)]
    return write_orders_csv(tmp_path / "big.csv", "gb18030", rows=rows)


def test_cancelling_half_way_writes_nothing(ws, tmp_path):
    path = _big_csv(tmp_path, 1210)
    parsed = read_orders(path)
    preview = build_preview(parsed, existing_orders(ws.store), Purpose.CANTEEN, counted_purposes_for(ws))
    seen = []

    def cancel_after_first_chunk(done, total):
        seen.append(done)
        if done >= 500:
            raise Cancelled

    with pytest.raises(Cancelled):
        commit(ws.store, preview, progress=cancel_after_first_chunk, chunk=500)
    assert seen[-1] == 500 and ws.store.purchase_count() == 0

    def cancel_reading(done, total):
        if done > 1000:
            raise Cancelled

    with pytest.raises(Cancelled):
        read_orders(path, progress=cancel_reading)
    assert commit(ws.store, preview).added == 1210


def test_cells_as_excel_and_platforms_write_them(ws, tmp_path):
    rows = [
        [8322024030100001, dt.datetime(2024, 3, 1, 10, 0), "店", "货", 12.5, "交易成功", None, ""],
        ["\t8322024030100002", "2024年3月2日", "店", "货\r\n第二行", "￥1,000", "已收货", "2024/3/3", ""],
        ["8.32202E+15", "2024-03-04", "店", "货", "5", "已完成", "", ""],
        [None, None, "合计", None, "1022.5", None, None, None],
    ]
    parsed = read_orders(write_orders_xlsx(tmp_path / "c.xlsx", rows=rows))
    assert [o.order_no for o in parsed.orders] == ["8322024030100001", "8322024030100002"]
    assert parsed.orders[0].amount == D("12.50") and parsed.orders[1].amount == D("1000.00")
    assert parsed.orders[1].description == "货 第二行" and parsed.orders[1].date == dt.date(2024, 3, 2)
    (error,) = parsed.errors
    assert error.row == 5 and "科学计数法" in error.message
    assert [(s.row, s.reason[:5]) for s in parsed.skipped] == [(1, "表头上方的"), (6, "“合计”行")]
    # the CSV trick that keeps leading zeros, and a state with spaces around it
    csv_rows = [['="0832"', "2024-03-03", "店", "货", "5", " 已发货 ", "", ""]]
    (order,) = read_orders(write_orders_csv(tmp_path / "z.csv", "utf-8", rows=csv_rows)).orders
    assert order.order_no == "0832" and order_state(order.state_text) is OrderState.OPEN


def test_state_texts():
    assert order_state("交易成功") is OrderState.DONE and order_state("已收货") is OrderState.DONE
    assert order_state("待付款") is OrderState.OPEN and order_state("退款中") is OrderState.OPEN
    assert order_state("交易关闭") is OrderState.REFUNDED and order_state("已取消") is OrderState.REFUNDED
    assert order_state("火星") is None


def test_header_synonyms_and_remembered_mapping(ws, tmp_path):
    headers = ["订单号", "创建时间", "供应商", "商品名称", "订单金额", "金额", "状态", "付款金额 （元）"]
    rows = [["8322024030100001", "2024-03-01", "店", "货", "10", "9", "已完成", "8"]]
    path = write_orders_csv(tmp_path / "m.csv", "utf-8", headers, rows)
    _, found = inspect_orders(path)
    assert found.fields[4] is Field.AMOUNT and found.how[5] == "duplicate"  # 订单金额 ranks above 金额
    assert found.unknown == [7] and header_key("付款金额 （元）") == "付款金额"
    chosen = columns.resolve(found.headers, None, {7: Field.AMOUNT, 4: None})
    assert chosen.fields[7] is Field.AMOUNT and chosen.fields[4] is None
    remember_layout(ws.store, chosen)
    layouts = load_layouts(ws.store)
    saved = json.loads(ws.store.setting(columns.SETTING_KEY))["layouts"][chosen.key]
    assert saved["columns"] == {"付款金额": "实付金额", "订单金额": "不导入"} and saved["headers"] == headers
    _, again = inspect_orders(path, layouts)
    assert again.fields == chosen.fields and again.unknown == []
    assert read_orders(path, layouts=layouts).orders[0].amount == D("8.00")
    # another layout (one more column) is a different export: it is not mapped by this one
    other = write_orders_csv(tmp_path / "n.csv", "utf-8", headers + ["收货时间"], [rows[0] + [""]])
    assert inspect_orders(other, layouts)[1].unknown == [7]


def test_purpose_column_and_default_purpose(ws, tmp_path):
    headers = ORDER_HEADERS + ["用途"]
    rows = [ORDER_ROWS[0] + ["工会"], ORDER_ROWS[1] + [""]]
    preview, _ = import_orders(ws, write_orders_csv(tmp_path / "p.csv", "utf-8", headers, rows),
                               default_purpose=Purpose.OTHER)
    purposes = {p.order_no: p.purpose for p in ws.store.purchases()}
    assert purposes == {"8322024030100001": Purpose.UNION, "8322024030500002": Purpose.OTHER}


def test_cli_import_orders(tmp_path, profile, plan, capsys):
    db = tmp_path / "cli.sqlite"
    workspace(db, profile, plan).close()
    path = write_orders_csv(tmp_path / "o.csv", "gbk")
    assert main(["--db", str(db), "import-orders", str(path), "--dry-run"]) == 0
    assert "未写入任何数据" in capsys.readouterr().out
    assert main(["--db", str(db), "import-orders", str(path), "--purpose", "工会福利"]) == 0
    assert "已导入 4 笔订单（其中 2 笔不计入年度采购总额）" in capsys.readouterr().out
    bad = write_orders_csv(tmp_path / "bad.csv", "utf-8", rows=[ORDER_ROWS[0][:4] + ["x"] + ORDER_ROWS[0][5:]])
    assert main(["--db", str(db), "import-orders", str(bad)]) == 1
    captured = capsys.readouterr()
    assert "第 2 行“实付金额”列" in captured.out and "未导入任何数据" in captured.err
    headers = ORDER_HEADERS[:4] + ["付款"] + ORDER_HEADERS[5:]
    odd = write_orders_csv(tmp_path / "odd.csv", "utf-8", headers, [["8329", *ORDER_ROWS[0][1:]]])
    assert main(["--db", str(db), "import-orders", str(odd)]) == 1
    assert "缺少“实付金额”列" in capsys.readouterr().err
    assert main(["--db", str(db), "import-orders", str(odd), "--map", "付款=实付金额"]) == 0
    assert main(["--db", str(db), "import-orders", str(odd), "--dry-run"]) == 0  # remembered


def test_the_copy_with_an_id_an_import_stores_is_the_purchase_with_that_id():
    import dataclasses
    import datetime as dt
    from decimal import Decimal

    from desktop832.domain.model import Purchase
    from desktop832.store.orders import _with_id

    p = Purchase(date=dt.date(2024, 3, 1), amount=Decimal("12.30"), order_no="832X", hand_edited=frozenset({"amount"}))
    copy = _with_id(p, 7)
    assert copy == dataclasses.replace(p, id=7) and hash(copy) == hash(dataclasses.replace(p, id=7))
    assert copy.id == 7 and p.id is None
