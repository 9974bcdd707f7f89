"""Stacking many units' files as a finance department does: only files that verify, each unit once."""

import dataclasses
import shutil
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from desktop832.app.exporting import export_year
from desktop832.cli import main
from desktop832.documents import export_layout as layout
from desktop832.documents.errors import ExchangeError
from desktop832.documents.stack import FILES_SHEET, STACK_SHEET, StackRefused, stack, write_stack
from desktop832.domain.identifiers import credit_check_character

from .exchange_helpers import sample_purchases, workspace


def code(i: int) -> str:
    first = f"91330100716{i:06d}"
    return first + credit_check_character(first)


@pytest.fixture
def files(tmp_path, profile, plan):
    out = []
    for i, (name, amount) in enumerate((("甲单位", "150000"), ("乙单位", "160000.50"), ("丙单位", "170000"))):
        w = workspace(tmp_path / f"{i}.sqlite", dataclasses.replace(profile, name=name, credit_code=code(i)),
                      plan.with_reserve_amount(D(amount)), sample_purchases(3))
        out.append(export_year(w, 2024, tmp_path / f"{i}.xlsx"))
        w.close()
    return out


def _tamper(path):
    wb = load_workbook(path)
    wb[layout.SUMMARY_SHEET]["I2"].value = 999999
    wb.save(path)


def test_three_exports_stack_into_one_table_with_totals_and_their_fingerprints(files, tmp_path):
    paths = [f.path for f in files]
    headers, rows = stack(paths)
    assert headers == layout.SUMMARY_HEADERS
    for column in ("工会年度采购农副产品总额（元）", "上年度预留比例", "无食堂承诺函", "预留份额合计（元）"):
        assert column in headers  # the row a department stacks is complete
    assert [r[1] for r in rows] == ["甲单位", "乙单位", "丙单位"]
    result = write_stack(paths, tmp_path / "all.xlsx")
    assert result.rows == 3 and not result.skipped
    wb = load_workbook(tmp_path / "all.xlsx")
    sheet = wb[STACK_SHEET]
    merged = list(sheet.iter_rows(values_only=True))
    assert list(merged[0]) == headers and len(merged) == 5
    reserve = headers.index("食堂预留金额（元）")
    assert merged[4][1] == "合计（3 个单位）" and D(str(merged[4][reserve])) == D("480000.50")
    assert sheet.cell(5, reserve + 1).number_format == "#,##0.00"
    # wide enough that 999,999,999.99 shows instead of ###: about one unit per character plus margin
    assert all(sheet.column_dimensions[c].width >= 16 for c in ("G", "I", "J"))
    listed = list(wb[FILES_SHEET].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in listed] == ["0.xlsx", "1.xlsx", "2.xlsx"]
    assert [r[5] for r in listed] == [f.fingerprint for f in files]
    assert all(r[6] == "已合并：核验通过" for r in listed)


def test_a_tampered_file_is_refused_or_listed_and_skipped(files, tmp_path, capsys):
    _tamper(files[1].path)
    with pytest.raises(StackRefused, match="1.xlsx：核验未通过"):
        write_stack([f.path for f in files], tmp_path / "all.xlsx")
    assert not (tmp_path / "all.xlsx").exists()
    args = ["stack", *map(str, (f.path for f in files)), "-o", str(tmp_path / "all.xlsx")]
    assert main(args) == 1 and "核验未通过" in capsys.readouterr().err
    assert main([*args, "--skip-bad"]) == 0
    out = capsys.readouterr().out
    assert "跳过 1.xlsx" in out and files[0].fingerprint in out
    wb = load_workbook(tmp_path / "all.xlsx")
    assert [r[1] for r in wb[STACK_SHEET].iter_rows(min_row=2, values_only=True)] == ["甲单位", "丙单位", "合计（2 个单位）"]
    assert "未合并：核验未通过" in wb[FILES_SHEET]["G3"].value


def test_the_same_unit_twice_is_flagged(files, tmp_path):
    copy = tmp_path / "copy.xlsx"
    shutil.copyfile(files[0].path, copy)
    with pytest.raises(StackRefused, match="copy.xlsx：与“0.xlsx”内容相同"):
        write_stack([files[0].path, copy], tmp_path / "all.xlsx")
    with pytest.raises(StackRefused, match="同一个文件，重复列出"):
        write_stack([files[0].path, files[0].path], tmp_path / "all.xlsx")


def test_another_filing_of_the_same_unit_and_year_is_flagged(files, tmp_path, profile, plan):
    w = workspace(tmp_path / "again.sqlite", dataclasses.replace(profile, name="甲单位", credit_code=code(0)),
                  plan.with_reserve_amount(D("151000")), sample_purchases(3))
    again = export_year(w, 2024, tmp_path / "again.xlsx")
    w.close()
    with pytest.raises(StackRefused, match="同一单位的同一年度"):
        write_stack([files[0].path, again.path], tmp_path / "all.xlsx")


def test_stack_never_writes_over_an_input(files, tmp_path, capsys):
    before = files[0].path.read_bytes()
    with pytest.raises(ExchangeError, match="它是本命令正在读取的文件"):
        write_stack([files[0].path, files[1].path], files[0].path)
    assert main(["stack", str(files[0].path), str(files[0].path), "-o", str(files[0].path)]) == 2
    assert "它是本命令正在读取的文件" in capsys.readouterr().err
    assert files[0].path.read_bytes() == before
