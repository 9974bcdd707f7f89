"""The upward export: what the file holds, how it prints, and that it stays text where it must."""

import dataclasses
import datetime as dt
import zipfile
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from desktop832.domain.model import FilingStatus
from desktop832.documents.progress import Cancelled
from desktop832.documents import export_layout as layout
from desktop832.documents.export_data import ExportError
from desktop832.app.exporting import export_year
from desktop832.documents.export_xlsx import default_file_name
from desktop832.documents.verify import verify_file

from .exchange_helpers import TODAY, sample_purchases, workspace


@pytest.fixture
def ws(tmp_path, profile, plan):
    w = workspace(tmp_path / "unit.sqlite", profile, plan, sample_purchases(24) + sample_purchases(3, 2023))
    yield w
    w.close()


@pytest.fixture
def exported(ws, tmp_path):
    return export_year(ws, 2024, tmp_path / "out.xlsx")


def test_file_name_follows_the_convention():
    assert default_file_name(2024, "测试市财政局") == "2024_测试市财政局_预留份额填报.xlsx"
    assert default_file_name(2024, 'a/b:c*"d"') == "2024_abcd_预留份额填报.xlsx"


def test_export_marks_the_filing_and_verify_finds_it_unchanged(ws, exported, tmp_path):
    plan = ws.store.plan(2024)
    assert plan.filing_status is FilingStatus.EXPORTED and plan.filed_on == TODAY
    assert exported.plan == plan and len(exported.fingerprint) == 64
    assert exported.purchase_count == 24  # the year's purchases only
    report = verify_file(tmp_path / "out.xlsx", ws.library)
    assert report.unchanged, report.text()
    assert report.computed_fingerprint == exported.fingerprint
    assert [f.message for f in report.findings] == [f.message for f in exported.findings]
    assert not report.findings_differ
    assert "未被改动" in report.text()


def test_workbook_sheets_and_print_setup(exported):
    wb = load_workbook(exported.path)
    assert wb.sheetnames == [layout.PRINT_SHEET, layout.SUMMARY_SHEET, layout.PURCHASE_SUMMARY_SHEET,
                             layout.DETAIL_SHEET, layout.DATA_SHEET]
    sheet = wb[layout.PRINT_SHEET]
    assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "portrait"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 1  # a usual unit: one page
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows == "$1:$1"
    assert sheet.print_area.endswith(f"$A$1:$D${sheet.max_row}")
    assert wb[layout.DATA_SHEET].sheet_state == "hidden" and sheet.sheet_view.tabSelected
    assert not any(wb[n].sheet_view.tabSelected for n in wb.sheetnames[1:])
    assert "第 &P 页" in sheet.oddFooter.right.text and exported.short_fingerprint in sheet.oddFooter.left.text
    assert sheet.column_dimensions["A"].width == layout.PRINT_WIDTHS[0]
    assert len(sheet._images) == 1  # the fingerprint's QR code
    cells = {c.value: c for row in sheet.iter_rows() for c in row if c.value is not None}
    label = cells["食堂食材预留金额"]
    amount = sheet.cell(label.row, label.column + 1)
    assert amount.value == 150000 and amount.number_format == "#,##0.00"
    share = cells["完成预留份额"]  # text (it may pass 100%), but right-aligned like the figures
    assert sheet.cell(share.row, share.column + 1).alignment.horizontal == "right"
    assert sheet.cell(cells["合计（大写）"].row, cells["合计（大写）"].column + 1).value == "壹拾陆万伍仟元整"
    assert f"数据指纹：{exported.short_fingerprint}" in cells and any(exported.fingerprint in str(v) for v in cells)
    assert any(isinstance(v, str) and "财办库〔2023〕252号" in v for v in cells)
    assert "合计" in cells and sheet.row_dimensions[cells["年    月    日"].row].height >= layout.SEAL_POINTS
    summary = wb[layout.SUMMARY_SHEET]
    assert [c.value for c in summary[1]] == layout.SUMMARY_HEADERS
    assert summary["H2"].value == pytest.approx(0.15) and summary["H2"].number_format == "0.00%"
    purchases = wb[layout.PURCHASE_SUMMARY_SHEET]
    gaps = [row[0] for row in purchases.iter_rows(min_row=3)
            if row[0].value is None and purchases.row_dimensions[row[0].row].height == 8]
    assert len(gaps) == 3 and not any(c.border.left.style or c.border.top.style for c in gaps)  # gaps print unboxed
    data = {r[2]: r[1] for r in wb[layout.DATA_SHEET].iter_rows(min_row=2, values_only=True)}
    assert data["fingerprint"] == exported.fingerprint and data["plan.filing_status"] == "已导出待确认"


def _tamper(path, sheet, find, delta=1):
    wb = load_workbook(path)
    ws = wb[sheet]
    for row in ws.iter_rows():
        for cell in row:
            if find(cell):
                cell.value = cell.value + delta
                wb.save(path)
                return cell.coordinate
    raise AssertionError("nothing to change")


def _right_of(label):
    def find(cell, state={}):
        if cell.value == label:
            state["row"], state["col"] = cell.row, cell.column + 1
        return (cell.row, cell.column) == (state.get("row"), state.get("col"))

    return find


@pytest.mark.parametrize(
    "sheet, find, named",
    [
        (layout.SUMMARY_SHEET, lambda c: c.coordinate == "I2", "食堂预留金额（元）"),
        (layout.PRINT_SHEET, _right_of("食堂食材预留金额"), "食堂食材预留金额"),
        (layout.DETAIL_SHEET, lambda c: c.coordinate == "E3", "采购明细 第 3 行"),
        (layout.DATA_SHEET, _right_of("食堂食材预留金额"), "食堂食材预留金额"),
        (layout.PURCHASE_SUMMARY_SHEET, lambda c: c.column == 2 and isinstance(c.value, (int, float)), "计入"),
    ],
)
def test_a_changed_figure_is_named(exported, ws, sheet, find, named):
    where = _tamper(exported.path, sheet, find)
    report = verify_file(exported.path, ws.library)
    assert not report.unchanged
    assert any(named in str(c) for c in report.changes), report.text()
    if sheet in (layout.DETAIL_SHEET, layout.DATA_SHEET):
        assert report.computed_fingerprint != report.stored_fingerprint
    else:
        assert any(c.where == f"{sheet} {where}" for c in report.changes), report.text()
    assert "导出后被改动过" in report.text()


def test_re_sorting_the_detail_sheet_is_not_a_change(exported, ws):
    wb = load_workbook(exported.path)
    sheet = wb[layout.DETAIL_SHEET]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    for r, values in enumerate(reversed(rows), 2):
        for c, value in enumerate(values, 1):
            sheet.cell(r, c).value = value
    wb.save(exported.path)
    assert verify_file(exported.path, ws.library).unchanged


def test_formula_like_text_stays_text(tmp_path, profile, plan):
    name = '=HYPERLINK("x")'
    purchases = [dataclasses.replace(p, supplier="+1", note="-2", description="@x") for p in sample_purchases(2)]
    w = workspace(tmp_path / "f.sqlite", dataclasses.replace(profile, name=name, contact_name="=1+1"), plan, purchases)
    result = export_year(w, 2024, tmp_path / "f.xlsx")
    with zipfile.ZipFile(result.path) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml
    wb = load_workbook(result.path)
    assert wb[layout.SUMMARY_SHEET]["B2"].value == name and wb[layout.SUMMARY_SHEET]["B2"].data_type == "s"
    texts = [c for s in wb for row in s.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert {c.value for c in texts} >= {name, "=1+1", "+1", "-2", "@x"}
    assert all(c.data_type == "s" for c in texts)
    report = verify_file(result.path, w.library)
    assert report.unchanged and report.unit == name
    w.close()


def test_cancelled_export_leaves_no_file_and_no_status(ws, tmp_path):
    def cancel(done, total):
        if done:
            raise Cancelled

    with pytest.raises(Cancelled):
        export_year(ws, 2024, tmp_path / "x.xlsx", progress=cancel)
    assert list(tmp_path.glob("*.xlsx")) == [] and list(tmp_path.glob(".*")) == []
    assert ws.store.plan(2024).filing_status is FilingStatus.DRAFT


def test_a_year_without_a_plan_cannot_be_exported(ws, tmp_path):
    with pytest.raises(ExportError, match="2030 年度还没有填报数据"):
        export_year(ws, 2030, tmp_path / "x.xlsx")


def test_export_clears_earlier_confirmations(ws, plan, tmp_path):
    ws.store.save_plan(plan.with_(filing_status=FilingStatus.SUPERVISOR_CONFIRMED, filed_on=dt.date(2024, 1, 5),
                                  supervisor_confirmed_on=dt.date(2024, 1, 9)))
    result = export_year(ws, 2024, tmp_path / "x.xlsx")
    assert result.plan.filing_status is FilingStatus.EXPORTED and result.plan.supervisor_confirmed_on is None


def test_cli_export_and_verify(tmp_path, profile, plan, capsys):
    from desktop832.cli import main

    db = tmp_path / "cli.sqlite"
    workspace(db, profile, plan, sample_purchases(5)).close()
    assert main(["--db", str(db), "export", "--year", "2024", "-o", str(tmp_path), "--today", "2024-02-10"]) == 0
    out = capsys.readouterr().out
    path = tmp_path / default_file_name(2024, profile.name)
    assert path.exists() and "数据指纹（SHA-256）：" in out and "已导出待确认（2024-02-10）" in out
    assert main(["verify", str(path)]) == 0
    assert "导出后未被改动" in capsys.readouterr().out
    _tamper(path, layout.SUMMARY_SHEET, lambda c: c.coordinate == "J2")
    assert main(["verify", str(path)]) == 1
    assert "汇总数据 J2（工会预留金额（元））" in capsys.readouterr().out
    other = tmp_path / "other.xlsx"
    other.write_bytes(path.read_bytes()[:2000])
    assert main(["verify", str(other)]) == 2
    assert "损坏或不完整" in capsys.readouterr().err


def test_verify_without_the_policy_still_checks_the_figures(exported, tmp_path):
    from desktop832.app.policies import PolicyLibrary

    report = verify_file(exported.path, PolicyLibrary([tmp_path / "none"]))
    assert report.unchanged and report.findings is None
    assert any("本机没有上报文件所用的政策文件" in n for n in report.notes)


def test_the_printed_reserve_total_is_the_domain_reserve_target(ws, exported, profile, plan):
    # one definition of what the purchases are measured against (requirements.reserve_target),
    # on the printed form as in the overview and the log
    from openpyxl import load_workbook

    from desktop832.domain.requirements import reserve_target

    sheet = load_workbook(exported.path)[layout.PRINT_SHEET]
    cells = {(c.row, c.column): c.value for row in sheet.iter_rows() for c in row}
    [(row, column)] = [key for key, value in cells.items() if value == "预留份额合计"]
    printed = cells[(row, column + 1)]
    target = reserve_target(ws.store.profile(), ws.plan(2024))
    assert target > 0 and float(printed) == float(target)


LONG_NAME = "青海省西宁市城东区人民政府办公室机关事务服务中心后勤保障与综合服务科室第一党支部"  # 40 characters


def _units(profile, plan):
    from desktop832.domain.model import CanteenMode

    no_canteen = dataclasses.replace(profile, canteen_mode=CanteenMode.NONE, meal_arrangement="职工在附近市场自行就餐，单位发放餐补")
    return {
        "usual": (profile, plan),
        "no-canteen": (no_canteen, plan.with_(letter_sent=True)),
        "long-name": (dataclasses.replace(profile, name=LONG_NAME), plan),
    }


def test_usual_no_canteen_and_long_named_units_print_on_one_page(tmp_path, profile, plan):
    assert len(LONG_NAME) == 40
    for key, (unit, unit_plan) in _units(profile, plan).items():
        w = workspace(tmp_path / f"{key}.sqlite", unit, unit_plan, sample_purchases(24))
        try:
            result = export_year(w, 2024, tmp_path / f"{key}.xlsx")
        finally:
            w.close()
        sheet = load_workbook(result.path)[layout.PRINT_SHEET]
        assert sheet.page_setup.fitToHeight == 1 and not sheet.row_breaks.brk, key
        seal = next(c.row for row in sheet.iter_rows() for c in row if c.value == "年    月    日")
        assert sheet.row_dimensions[seal].height >= layout.SEAL_POINTS, key


def test_the_form_prints_on_one_page_through_libreoffice(tmp_path, profile, plan):
    """Rendered as a reviewer prints it: each unit's form is one A4 page (the other sheets follow)."""
    import os
    import shutil
    import subprocess
    import io

    import pypdf

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is not installed: .ci/run installs libreoffice-calc")
        pytest.skip("LibreOffice is not installed here")
    files = []
    for key, (unit, unit_plan) in _units(profile, plan).items():
        w = workspace(tmp_path / f"{key}.sqlite", unit, unit_plan, sample_purchases(24))
        try:
            files.append(export_year(w, 2024, tmp_path / f"{key}.xlsx").path)
        finally:
            w.close()
    out = tmp_path / "pdf"
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), *map(str, files)], check=True, capture_output=True, timeout=300,
    )
    for path in files:
        reader = pypdf.PdfReader(io.BytesIO((out / path.with_suffix(".pdf").name).read_bytes()))
        form_pages = [p for p in reader.pages if "2024年度预留份额填报表" in "".join(p.extract_text().split())]
        assert len(form_pages) == 1, path.name
        mediabox = reader.pages[0].mediabox
        assert round(float(mediabox.width)) == 595 and round(float(mediabox.height)) == 842  # A4 portrait


def test_the_printed_share_of_the_reserve_is_rounded_down(tmp_path, profile, plan):
    # target 150,000 + 15,000 = 165,000; bought 164,999.99: 99.99%, never 100% beside 尚需采购 0.01
    from desktop832.domain.model import Purchase, Purpose

    bought = [Purchase(date=dt.date(2024, 1, 5), amount=D("164999.99"), order_no="A", purpose=Purpose.CANTEEN,
                       paid_on=dt.date(2024, 1, 6))]
    w = workspace(tmp_path / "unit.sqlite", profile, plan, bought)
    try:
        result = export_year(w, 2024, tmp_path / "out.xlsx")
    finally:
        w.close()
    sheet = load_workbook(result.path)[layout.PRINT_SHEET]
    cells = {(c.row, c.column): c.value for row in sheet.iter_rows() for c in row}
    [(row, column)] = [key for key, value in cells.items() if value == "完成预留份额"]
    assert cells[(row, column + 1)] == "99.99%"
    [(row, column)] = [key for key, value in cells.items() if value == "尚需采购"]
    assert D(str(cells[(row, column + 1)])) == D("0.01")
