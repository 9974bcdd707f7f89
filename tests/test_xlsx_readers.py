"""The two xlsx readers of the order import give the same results: python-calamine (compiled, many
times faster) where it is installed, openpyxl otherwise. Both read the same workbooks here:
dates as date cells and as serial numbers in both date systems, merged and two-row headers, empty
cells and rows, numbers stored as text, data that does not start in A1, hidden sheets, damaged
files; what the import makes of each (orders, errors, skipped rows, the table's description) is
the same, and so is every row's cells."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904, to_excel

from desktop832.documents import order_mapping as columns
from desktop832.documents import spreadsheets
from desktop832.documents.errors import ExchangeError
from desktop832.documents.orders import read_orders

pytest.importorskip("python_calamine")

HEADERS = ["订单编号", "下单时间", "店铺名称", "商品名称", "实付金额", "订单状态", "支付时间", "收货时间"]


def _plain(wb: Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def text_orders(path):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append(["832A1", "2024-03-01 10:00:00", "光山县原味农业", "光山糯米", "1000.00", "已完结", "2024-03-02 09:00:00", "2024-03-05"])
    ws.append(["832A2", "2024/3/2", "店", "米", "1,234.50", "待评价", "", None])
    ws.append(["832A3", "2024年3月3日", "店", "米", "¥99.9", "已退款", None, None])
    ws.append(["832A3", "2024-03-03", "店", "米", "-99.9", "已退款", None, None])  # a refund line
    ws.append(["合计", None, None, None, "2234.40", None, None, None])
    return _plain(wb, path)


def date_cells(path):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append(["832D1", dt.datetime(2024, 3, 1, 10, 30), "店", "米", 100, "已完成", dt.date(2024, 3, 2), dt.datetime(2024, 3, 5, 16, 0, 1)])
    ws.append(["832D2", dt.date(2024, 3, 1), "店", "米", 100.5, "已完成", dt.time(10, 30), None])  # a time is no date: an error
    ws.append(["832D3", dt.datetime(2024, 12, 31, 23, 59, 59), "店", "米", 0.1 + 0.2, "已完成", None, None])
    return _plain(wb, path)


def serial_dates(epoch):
    def make(path):
        wb = Workbook()
        if epoch == "1904":
            wb.epoch = CALENDAR_MAC_1904
        ws = wb.active
        ws.append(["订单编号", "下单时间", "实付金额", "订单状态", "支付时间", "收货时间"])
        serial = lambda when: to_excel(when, wb.epoch)  # noqa: E731
        ordered, paid = dt.datetime(2024, 3, 1, 10, 30), dt.datetime(2024, 3, 2)
        ws.append(["832S1", serial(ordered), 100, "已完成", int(serial(paid)), serial(dt.datetime(2024, 3, 5, 16))])
        ws.append(["832S2", f"{serial(ordered):.6f}", 100, "已完成", str(int(serial(paid))), None])
        ws.append(["832S3", 20240301, 100, "已完成", None, None])
        ws.append(["832S4", 12.5, 100, "已完成", 99999, None])  # numbers that are no dates: errors
        ws.append(["832S5", dt.datetime(2024, 3, 1), 100, "已完成", dt.datetime(2024, 3, 2, 8), None])  # date cells too
        return _plain(wb, path)

    return make


def merged_headers(path):
    wb = Workbook()
    ws = wb.active
    ws.append(["832平台订单导出（导出时间 2025-01-05）"])
    ws.merge_cells("A1:F1")
    ws.append(["订单编号", "下单时间", "店铺名称", "金额", None, "订单状态"])
    ws.append([None, None, None, "实付金额", "退款金额", None])
    for column in "ABCF":
        ws.merge_cells(f"{column}2:{column}3")
    ws.merge_cells("D2:E2")
    ws.append(["832H1", "2024-03-01 10:00:00", "光山县原味农业", "1000.00", "100.00", "部分退款"])
    ws.append(["832H2", "2024-03-02 10:00:00", "光山县原味农业", "50.00", None, "已完成"])
    ws.append(["832H3", "2024-03-03", "店", "50", None, "已完成"])
    ws.append([None, None, "店", None, None, None])  # another good of the order above, merged
    ws.merge_cells("A6:A7")
    return _plain(wb, path)


def group_titles(path):
    wb = Workbook()
    ws = wb.active
    ws.append(["订单状态", "订单信息", None, None, "商品信息", None, "金额信息", None])
    ws.append([None, "订单编号", "下单时间", "店铺名称", "商品名称", "商品数量", "实付金额", "退款金额"])
    for cells in ("A1:A2", "B1:D1", "E1:F1", "G1:H1"):
        ws.merge_cells(cells)
    ws.append(["待验货", "832G1", "2024-03-01", "店", "米", 1, "100", None])
    ws.append(["已完成", "832G2", "2024-03-01", "店", "面", 2, "200", "20"])
    return _plain(wb, path)


def empty_cells_and_rows(path):
    wb = Workbook()
    ws = wb.active
    ws["C3"] = "订单列表"
    for i, name in enumerate(HEADERS):
        ws.cell(row=5, column=3 + i, value=name)  # the table starts at C5, two empty rows above
    rows = [
        ["832E1", "2024-03-01", "", "米", "10", "已完成", "", ""],
        [None] * 8,
        ["832E2", "2024-03-02", None, None, "20", "已完成", None, None],
        ["", "", "", "", "", "", "", ""],
        ["832E3", "", "店", "米", "", "已完成", None, None],  # no date, no amount: errors
    ]
    for r, values in enumerate(rows, 6):
        for c, value in enumerate(values, 3):
            ws.cell(row=r, column=c, value=value)
    ws.cell(row=14, column=12, value=None)
    ws.cell(row=12, column=3, value="   ")
    return _plain(wb, path)


def numbers_as_text(path):
    wb = Workbook()
    ws = wb.active
    ws.append(["订单编号", "下单时间", "实付金额", "订单状态", "商品数量", "备注"])
    ws.append(["00123", "2024-03-01", "0012.30", "已完成", "7", "1e3"])
    ws.append([832000123, "2024-03-01", 1e20, "已完成", 5.0, 12345678901234567890])
    ws.append([832000124, "2024-03-01", "12.5万", "已完成", -0.0, True])
    ws.append(["832T4", "2024-03-01", "１２３．４", "已完成", "#N/A", "=SUM(A1:A2)"])
    ws.append(["832T5", "2024-03-01", 123.456, "已完成", 2**60, "  空格  "])
    return _plain(wb, path)


def hidden_and_headerless_sheets(path):
    wb = Workbook()
    hidden = wb.active
    hidden.title = "隐藏"
    hidden.append(HEADERS)
    hidden.append(["832X1", "2024-03-01", "店", "米", "1", "已完成", None, None])
    hidden.sheet_state = "hidden"
    notes = wb.create_sheet("说明")
    notes.append(["本表由平台导出"])
    wb.create_sheet("空白")
    orders = wb.create_sheet("订单")
    orders.append(HEADERS)
    orders.append(["832V1", "2024-03-01", "店", "米", "1", "已完成", None, None])
    return _plain(wb, path)


def write_only(path):
    wb = Workbook(write_only=True)  # no dimension recorded: rows of uneven width
    ws = wb.create_sheet("订单列表")
    ws.append(["订单列表（导出时间 2025-01-05 09:00:00）"])
    ws.append(HEADERS)
    for i in range(300):
        ws.append([f"832W{i}", f"2024-03-{1 + i % 28:02d} 10:00:00", "店", "米", round(10 + i * 1.37, 2), "已完成"])
    ws.append(["832W0", "2024-03-01 10:00:00", "店", "米", 10.0, "已完成"])  # a repeat
    wb.save(path)
    return path


WORKBOOKS = {
    "text": text_orders, "date cells": date_cells, "serial 1900": serial_dates("1900"),
    "serial 1904": serial_dates("1904"), "merged": merged_headers, "group titles": group_titles,
    "empty": empty_cells_and_rows, "numbers as text": numbers_as_text, "sheets": hidden_and_headerless_sheets,
    "write-only": write_only,
}


def _read(path, reader, monkeypatch):
    monkeypatch.setattr(spreadsheets, "XLSX_READER", reader)
    with spreadsheets.open_table(path, columns.score([])) as table:
        rows = [(n, _trimmed(v)) for n, v in table.rows]
        head = (table.kind, table.detail, table.header_row, table.header_last, table.headers, table.epoch,
                [(n, _trimmed(v)) for n, v in table.above], table.description)
        total = table.total_rows
    return head, rows, total, read_orders(path)


def _trimmed(values: tuple) -> tuple:
    """A row without its empty cells at the end (openpyxl gives a row as wide as the cells the
    file wrote for it when the sheet records no size), text of only spaces as empty (calamine
    drops the spaces of a ``<t>`` that does not say to keep them; the import takes either as
    an empty cell)."""
    values = [None if isinstance(v, str) and not v.strip() else v for v in values]
    while values and values[-1] is None:
        values.pop()
    return tuple(values)


@pytest.mark.parametrize("name", list(WORKBOOKS))
def test_both_readers_give_the_same_rows_and_the_same_import(tmp_path, monkeypatch, name):
    path = WORKBOOKS[name](tmp_path / f"{name}.xlsx")
    fast = _read(path, "calamine", monkeypatch)
    slow = _read(path, "openpyxl", monkeypatch)
    assert fast[0] == slow[0]
    assert fast[1] == slow[1] and fast[1]
    assert fast[2] == slow[2] or (slow[2] is None and fast[2] == fast[1][-1][0])  # no size recorded: counted
    assert fast[3] == slow[3]


def test_the_fast_reader_is_the_one_used_where_it_is_installed(tmp_path, monkeypatch):
    path = text_orders(tmp_path / "t.xlsx")
    used = []
    original = spreadsheets._calamine_table
    monkeypatch.setattr(spreadsheets, "_calamine_table", lambda *a: used.append(a) or original(*a))
    monkeypatch.setattr(spreadsheets, "_openpyxl_table", None)  # not reached
    assert read_orders(path).orders
    assert used


@pytest.mark.parametrize("damage", ["truncated", "sheet xml", "no workbook"])
def test_a_damaged_workbook_is_refused_alike_by_both(tmp_path, monkeypatch, damage):
    good = text_orders(tmp_path / "good.xlsx")
    bad = tmp_path / "bad.xlsx"
    if damage == "truncated":
        bad.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    else:
        with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
            for info in source.infolist():
                data = source.read(info)
                if damage == "sheet xml" and info.filename.startswith("xl/worksheets/"):
                    data = data[: len(data) // 2]
                if damage == "no workbook" and info.filename == "xl/workbook.xml":
                    continue
                target.writestr(info, data)
    messages = []
    for reader in ("calamine", "openpyxl"):
        monkeypatch.setattr(spreadsheets, "XLSX_READER", reader)
        with pytest.raises(ExchangeError) as caught:
            read_orders(bad)
        messages.append(caught.value.message)
    assert messages[0] == messages[1] and "未导入任何数据" in messages[0]
