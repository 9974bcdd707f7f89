"""Verification as a reviewer attacks it: every way of making the printed form lie is caught and named."""

import dataclasses
import os
import shutil
import subprocess
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Font

from desktop832.app.exporting import export_year
from desktop832.cli import main
from desktop832.documents import export_layout as layout
from desktop832.documents import fingerprint as fp
from desktop832.documents.errors import ExchangeError
from desktop832.documents.verify import verify_file

from .exchange_helpers import sample_purchases, workspace


@pytest.fixture
def ws(tmp_path, profile, plan):
    w = workspace(tmp_path / "unit.sqlite", profile, plan, sample_purchases(24))
    yield w
    w.close()


@pytest.fixture
def exported(ws, tmp_path):
    return export_year(ws, 2024, tmp_path / "out.xlsx")


def _form(path):
    wb = load_workbook(path)
    return wb, wb[layout.PRINT_SHEET]


def _cells(sheet, text):
    return [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith(text)]


def _changed(path, library, *expected):
    report = verify_file(path, library)
    assert not report.unchanged and report.exit_code == 1, report.text()
    text = report.text()
    for part in expected:
        assert part in text, text
    return report


def test_hidden_warning_rows_are_named(exported, ws):
    wb, sheet = _form(exported.path)
    rows = [c.row for c in _cells(sheet, "警告") if c.column == 1]
    assert rows
    for r in rows:
        sheet.row_dimensions[r].hidden = True
    wb.save(exported.path)
    _changed(exported.path, ws.library, f"隐藏了第 {'、'.join(map(str, rows))} 行")


def test_a_rewritten_findings_heading_is_named(exported, ws):
    wb, sheet = _form(exported.path)
    heading = _cells(sheet, "四、检查结果")[0]
    heading.value = "四、检查结果（全部达标）"
    wb.save(exported.path)
    _changed(exported.path, ws.library, f"预留份额填报表 {heading.coordinate}", "全部达标")


def test_a_warning_relabelled_as_met_is_named(exported, ws):
    wb, sheet = _form(exported.path)
    cell = _cells(sheet, "警告")[0]
    cell.value = "达标"
    wb.save(exported.path)
    _changed(exported.path, ws.library, f"预留份额填报表 {cell.coordinate}", "内容应为 “警告”，表中为 “达标”")


def test_a_number_format_that_prints_another_figure_is_named(exported, ws):
    wb, sheet = _form(exported.path)
    label = _cells(sheet, "食堂食材预留金额")[0]
    cell = sheet.cell(label.row, label.column + 1)
    cell.number_format = '"250,000.00"'
    wb.save(exported.path)
    _changed(exported.path, ws.library, f"预留份额填报表 {cell.coordinate}（食堂食材预留金额）：数字格式应为 #,##0.00")


def test_white_text_is_named(exported, ws):
    wb, sheet = _form(exported.path)
    cell = _cells(sheet, "警告")[0]
    cell.font = Font(color="FFFFFF")
    wb.save(exported.path)
    _changed(exported.path, ws.library, f"预留份额填报表 {cell.coordinate}", "字体颜色应为", "白色（FFFFFF）")


def test_a_deleted_finding_row_is_named(exported, ws):
    wb, sheet = _form(exported.path)
    row = _cells(sheet, "警告")[0].row
    sheet.delete_rows(row)
    wb.save(exported.path)
    report = _changed(exported.path, ws.library)
    assert report.changes[0].where in (f"预留份额填报表 A{row}", f"预留份额填报表 B{row}"), report.text()  # named at the row


def test_a_fill_an_unmerged_range_and_a_print_area_are_named(exported, ws):
    wb, sheet = _form(exported.path)
    from openpyxl.styles import PatternFill

    sheet["B5"].fill = PatternFill("solid", fgColor="000000")
    first = sorted(sheet.merged_cells.ranges, key=str)[0]
    sheet.unmerge_cells(str(first))
    sheet.print_area = "A1:D10"
    wb.save(exported.path)
    _changed(exported.path, ws.library, "预留份额填报表 B5", "填充应为 无", "应合并而未合并", "（打印区域）：应为 A1:D")


def test_recomputing_the_fingerprint_passes_alone_but_not_against_the_paper(tmp_path, profile, plan, exported):
    """What the fingerprint proves: a forger can recompute it, so only the number on the paper anchors it."""
    paper = exported.short_fingerprint
    forged = dataclasses.replace(profile, phone="13900000000", person_in_charge="李四")
    purchases = [dataclasses.replace(p, supplier="别的供应商") if i == 0 else p for i, p in enumerate(sample_purchases(24))]
    w = workspace(tmp_path / "forged.sqlite", forged, plan, purchases)
    out = export_year(w, 2024, tmp_path / "forged.xlsx")
    w.close()
    alone = verify_file(out.path, w.library)
    assert alone.unchanged and "不能证明文件由谁制作" in alone.text()
    against = verify_file(out.path, w.library, paper=paper)
    assert not against.unchanged and against.exit_code == 1
    assert "与纸质表上的指纹不一致" in against.verdict
    genuine = verify_file(exported.path, w.library, paper=paper.lower().replace(" ", "-"))
    assert genuine.unchanged and genuine.paper_matches and "与纸质表上的指纹一致" in genuine.verdict


def test_exit_codes(tmp_path, profile, plan, exported, capsys):
    assert main(["verify", str(exported.path), "--fingerprint", exported.short_fingerprint]) == 0
    assert "一致" in capsys.readouterr().out
    assert main(["verify", str(exported.path), "--fingerprint", "0000 0000 0000 0000"]) == 1
    assert main(["verify", str(exported.path), "--fingerprint", "12ab"]) == 2
    assert "至少" in capsys.readouterr().err
    low = plan.with_reserve_amount(D("100000"))  # 10% of the canteen total: below the 15% the notice requires
    w = workspace(tmp_path / "low.sqlite", profile, low, sample_purchases(3))
    bad = export_year(w, 2024, tmp_path / "low.xlsx")
    w.close()
    assert bad.errors
    capsys.readouterr()
    assert main(["verify", str(bad.path)]) == 3
    assert "复核（政策" in capsys.readouterr().out
    assert main(["verify", str(tmp_path / "missing.xlsx")]) == 2
    assert "文件不存在" in capsys.readouterr().err


def _edit_data(path, key, value):
    wb = load_workbook(path)
    sheet = wb[layout.DATA_SHEET]
    for row in sheet.iter_rows(min_row=2):
        if row[2].value == key:
            row[1].value = value
    wb.save(path)


def test_precise_messages_for_a_missing_sheet_a_missing_fingerprint_and_a_newer_version(exported, ws, tmp_path):
    for name in (layout.DETAIL_SHEET, layout.DATA_SHEET):
        copy = tmp_path / f"no-{name}.xlsx"
        shutil.copyfile(exported.path, copy)
        wb = load_workbook(copy)
        del wb[name]
        wb.save(copy)
        with pytest.raises(ExchangeError, match=f"缺少“{name}”工作表（被删除或改名）"):
            verify_file(copy, ws.library)
    copy = tmp_path / "no-summary.xlsx"
    shutil.copyfile(exported.path, copy)
    wb = load_workbook(copy)
    del wb[layout.PURCHASE_SUMMARY_SHEET]
    wb.save(copy)
    _changed(copy, ws.library, "采购汇总：该工作表被删除或改名")
    copy = tmp_path / "no-fingerprint.xlsx"
    shutil.copyfile(exported.path, copy)
    _edit_data(copy, "fingerprint", None)
    _changed(copy, ws.library, "文件中没有数据指纹")
    copy = tmp_path / "newer.xlsx"
    shutil.copyfile(exported.path, copy)
    _edit_data(copy, "export.version", fp.VERSION + 1)
    with pytest.raises(ExchangeError, match=f"格式版本是 {fp.VERSION + 1}，比本程序能核验的版本 {fp.VERSION} 新"):
        verify_file(copy, ws.library)


def test_a_file_only_opened_and_saved_in_libreoffice_still_verifies(exported, ws, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is not installed: .ci/run installs libreoffice-calc")
        pytest.skip("LibreOffice is not installed here")
    out = tmp_path / "lo"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx", "--outdir", str(out),
         str(exported.path)], check=True, capture_output=True, timeout=180,
    )
    saved = out / exported.path.name
    assert saved.read_bytes() != exported.path.read_bytes()
    report = verify_file(saved, ws.library, paper=exported.short_fingerprint)
    assert report.unchanged and report.exit_code == 0, report.text()
    # and a change made there is still caught
    wb, sheet = _form(saved)
    cell = _cells(sheet, "警告")[0]
    cell.font = Font(color="FFFFFF")
    wb.save(saved)
    assert not verify_file(saved, ws.library).unchanged


def test_an_export_made_under_the_previous_field_list_still_verifies(exported, ws, monkeypatch):
    """Once a field is added (a new export version with a longer list), a file exported before
    is read by its own version's list: nothing reported missing, the fingerprint still agrees."""
    from desktop832.documents import export_data
    from desktop832.domain import fields as catalogue

    previous = max(export_data.RECORD_FIELDS)
    county = catalogue.Field("profile.county", "所在区县", catalogue.Kind.TEXT, 40)
    monkeypatch.setitem(catalogue.FIELDS, county.key, county)
    monkeypatch.setitem(export_data.RECORD_FIELDS, previous + 1, export_data.RECORD_FIELDS[previous] + (county.key,))
    monkeypatch.setattr(fp, "VERSION", previous + 1)
    assert "profile.county" in [f.key for f in export_data.data_fields(previous + 1)]
    report = verify_file(exported.path, ws.library)
    assert report.unchanged and report.exit_code == 0, report.text()
    assert report.stored_fingerprint == report.computed_fingerprint


def test_an_export_of_a_version_never_made_is_refused_by_name(exported, ws):
    _edit_data(exported.path, "export.version", 1)
    with pytest.raises(ExchangeError, match="格式版本是 1，本程序只核验版本 2、3、4 的文件"):
        verify_file(exported.path, ws.library)


def _detail_rows(path):
    wb = load_workbook(path)
    sheet = wb[layout.DETAIL_SHEET]
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    return wb, sheet, header, rows[1:]


def test_each_purchase_goes_up_with_its_invoice_number_and_fee_source_and_an_edit_of_them_is_named(ws, tmp_path):
    import datetime as dt

    from desktop832.domain.model import FeeSource, Purchase

    ws.store.add_purchase(Purchase(dt.date(2024, 5, 6), D("880.00"), "832-INV", "光山县原味农业", description="茶叶",
                                   paid_on=dt.date(2024, 5, 7), invoice_no="No.0012,No.0013", fee_source=FeeSource.UNION))
    out = export_year(ws, 2024, tmp_path / "带发票.xlsx").path
    wb, sheet, header, rows = _detail_rows(out)
    assert header[-3:] == ["发票号", "费用来源", "校验码"]
    row = next(r for r in rows if r[header.index("订单编号")].value == "832-INV")
    assert (row[header.index("发票号")].value, row[header.index("费用来源")].value) == ("No.0012,No.0013", "工会经费")
    others = [r for r in rows if r[header.index("订单编号")].value != "832-INV"]
    assert all(r[header.index("发票号")].value is None and r[header.index("费用来源")].value is None for r in others)
    assert verify_file(out, ws.library).unchanged

    row[header.index("发票号")].value = "No.9999"  # a reviewer "corrects" the invoice
    edited = tmp_path / "改发票.xlsx"
    wb.save(edited)
    report = _changed(edited, ws.library, "订单 832-INV", "导出后被改动")
    assert len([c for c in report.changes if layout.DETAIL_SHEET in c.where]) == 1

    wb, sheet, header, rows = _detail_rows(out)  # a workbook with the QR image saves once
    row = next(r for r in rows if r[header.index("订单编号")].value == "832-INV")
    row[header.index("费用来源")].value = "现金"
    wb.save(edited)
    _changed(edited, ws.library, "费用来源应为以下之一：福利费、工会经费、食堂、其他（或留空）")


def test_an_export_of_version_3_without_those_columns_still_verifies(ws, tmp_path):
    """A file sent before the invoice number joined the detail is read by its own version's
    columns: nothing missing, the same fingerprint, unchanged."""
    from desktop832.app.exporting import check_export
    from desktop832.documents.export_data import ExportData
    from desktop832.documents.export_xlsx import write_workbook

    check = check_export(ws, 2024)
    data = ExportData(check.profile, check.plan, check.info, ws.store.purchases(2024), check.today, check.findings,
                      check.summary, version=3)
    out = tmp_path / "版本3.xlsx"
    stored = write_workbook(out, data)
    _, _, header, rows = _detail_rows(out)
    assert "发票号" not in header and "费用来源" not in header and header[-1] == "校验码" and len(rows) == 24
    report = verify_file(out, ws.library)
    assert report.unchanged and report.exit_code == 0, report.text()
    assert report.stored_fingerprint == report.computed_fingerprint == stored
    assert stored != export_year(ws, 2024, tmp_path / "版本4.xlsx", save_status=False).fingerprint
