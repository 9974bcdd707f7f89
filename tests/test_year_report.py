"""The year-end report (年度采购情况报告): what it says, read back from the PDF, from the command
line and from the window; a year without a policy says it is not judged; nothing half-written."""

import dataclasses
import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop832.cli import main
from desktop832.domain.model import Channel, OrderState, Purchase, Purpose
from desktop832.domain.money import format_money, format_percent
from desktop832.domain.year_report import UNKNOWN_COUNTY, supplier_county
from desktop832.store.database import Store

HEADINGS = ("一、单位与适用政策", "二、预留份额及填报情况", "三、采购完成情况", "四、按用途", "五、按供应商所在县",
            "六、未付款和未做履约评价的订单", "七、证据索引", "八、检查结果")


def pdf_text(path: Path) -> tuple[int, str]:
    reader = PdfReader(str(path))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def unit(tmp_path, profile, plan):
    """Qinghai 2024 with known purchases: two counties, an unpaid, an unevaluated and a refunded order."""
    path = tmp_path / "unit.sqlite"
    store = Store.open(path)
    store.save_profile(profile)
    store.save_plan(plan)
    store.add_purchases([
        Purchase(dt.date(2024, 1, 10), D("10000.00"), "A-1", "光山县原味农业发展有限公司", paid_on=dt.date(2024, 1, 12),
                 delivered_on=dt.date(2024, 1, 11), evaluated=True),
        Purchase(dt.date(2024, 3, 5), D("2500.50"), "A-2", "河南省信阳市光山县茶业合作社", evaluated=True,
                 delivered_on=dt.date(2024, 3, 6)),  # unpaid
        Purchase(dt.date(2024, 4, 1), D("700.00"), "B-1", "湟中区农牧专业合作社", paid_on=dt.date(2024, 4, 2),
                 purpose=Purpose.UNION),  # not evaluated; no county in its name
        Purchase(dt.date(2024, 4, 2), D("300.00"), "R-1", "光山县原味农业发展有限公司", state=OrderState.REFUNDED),
        Purchase(dt.date(2024, 5, 2), D("45.00"), "X-1", "超市", channel=Channel.OTHER),
    ])
    store.close()
    return path


def _report(unit, tmp_path, *extra, year="2024", today="2024-06-01"):
    out = tmp_path / "报告.pdf"
    assert main(["--db", str(unit), "report", "--year", year, "-o", str(out), "--shipped-fonts-only", *extra]) == 0
    return out


def test_the_report_states_the_unit_the_reserve_and_the_counted_total(unit, tmp_path, capsys, monkeypatch):
    from desktop832.app.workspace import Workspace
    from desktop832.app.year_report import collect

    out = _report(unit, tmp_path)
    assert "已写出" in capsys.readouterr().out
    pages, text = pdf_text(out)
    with Workspace.open(unit, readonly=True, create=False) as ws:
        report = collect(ws, 2024)
    assert 2 <= pages <= 4
    words = flat(text)
    for heading in HEADINGS:
        assert heading in words, heading
    assert "测试市财政局" in words and "2024年度政府采购脱贫地区农副产品年度采购情况报告" in words
    assert report.counted == D("13200.50") and report.target == D("165000.00")  # the known purchases, the plan
    for figure in (format_money(report.counted), format_money(report.target), format_percent(report.share),
                   format_money(report.remaining)):
        assert figure in words, figure
    assert f"第1页共{pages}页" in words
    # by purpose, by county (guessed from the name, said to be a guess), the open orders
    assert "食堂食材" in words and "工会福利" in words and "已退款，不计入" in words
    assert "光山县" in words and UNKNOWN_COUNTY in words and "提示（本程序推断" in words
    assert "A-2" in words and "未付款" in words and "B-1" in words and "未评价" in words
    assert "R-1" not in words.split("六、")[1].split("七、")[0]  # a refunded order owes nothing
    assert "本年度的采购记录还没有附件" in words  # the evidence index, empty
    assert "青海" in words  # the policy that governs it


def test_a_year_without_a_policy_says_its_figures_are_not_judged(unit, tmp_path, plan, capsys):
    store = Store.open(unit)
    store.save_plan(dataclasses.replace(plan, year=2027))
    store.add_purchases([Purchase(dt.date(2027, 2, 1), D("88.00"), "N-1", "光山县原味农业发展有限公司", paid_on=dt.date(2027, 2, 2))])
    store.close()
    out = _report(unit, tmp_path, year="2027")
    assert "没有适用的政策文件" in capsys.readouterr().out
    _pages, text = pdf_text(out)
    words = flat(text)
    assert "2027年度没有适用的政策文件" in words and "未按正式比例判断" in words
    assert "达标：" not in words and "警告：" not in words and "截止日期20" not in words
    assert "本年度没有政策文件，未作检查" in words
    assert "88.00" in words


def test_nothing_is_written_when_a_character_has_no_font(unit, tmp_path, profile, capsys):
    store = Store.open(unit)
    store.save_profile(dataclasses.replace(profile, name="测试𠀀单位"))  # in no shipped font
    store.close()
    out = tmp_path / "报告.pdf"
    out.write_bytes(b"old")
    status = main(["--db", str(unit), "report", "--year", "2024", "-o", str(out), "--shipped-fonts-only"])
    err = capsys.readouterr().err
    assert status != 0 and "𠀀" in err and "Traceback" not in err
    assert out.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_the_report_refuses_to_write_over_the_data_file(unit, capsys):
    import shutil

    data = unit.with_name("单位数据.pdf")  # a data file whatever its name
    shutil.copy(unit, data)
    before = data.read_bytes()
    assert main(["--db", str(data), "report", "-o", str(data)]) != 0
    assert data.read_bytes() == before and "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("name, county", [
    ("光山县原味农业发展有限公司", "光山县"), ("河南省信阳市光山县茶业合作社", "光山县"),
    ("科尔沁右翼中旗草原牧业", "科尔沁右翼中旗"), ("宁夏盐池县滩羊肉业有限公司", "盐池县"),
    ("湖南湘西土家族苗族自治州泸溪县椪柑", "泸溪县"), ("内蒙古科尔沁右翼中旗牛肉", "科尔沁右翼中旗"), ("镇宁布依族苗族自治县蜂业", "镇宁布依族苗族自治县"),
    ("郑州好味道餐饮管理有限公司", UNKNOWN_COUNTY), ("湟中区农牧专业合作社", UNKNOWN_COUNTY), ("", UNKNOWN_COUNTY),
])
def test_the_suppliers_county_is_read_from_the_start_of_its_name(name, county):
    assert supplier_county(name) == county


def test_the_report_from_the_window_menu(qtbot, make_window, unit, tmp_path, monkeypatch):
    from desktop832.ui import file_dialogs

    out = tmp_path / "窗口报告.pdf"
    monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, **k: (str(out), ""))
    window = make_window(unit, today=dt.date(2024, 6, 1))
    assert window.report_action.isEnabled() and window.report_action in window.menuBar().actions()[0].menu().actions()
    window.report_action.trigger()
    assert not window.report_action.isEnabled()  # one report at a time
    qtbot.waitUntil(lambda: out.exists() and "已写出" in window.statusBar().currentMessage(), timeout=30000)
    qtbot.waitUntil(window.report_action.isEnabled, timeout=5000)
    pages, text = pdf_text(out)
    assert pages >= 2 and "测试市财政局" in flat(text)


@pytest.mark.parametrize("menu", ["report", "evidence"])
def test_the_report_and_the_pack_ask_where_in_the_last_folder_and_keep_their_suffix(qtbot, make_window, unit, tmp_path, monkeypatch, menu):
    """Both menu entries suggest the unit's file name in the folder the last one went to, add the
    suffix the clerk left out, and say in the status bar where the file went."""
    from desktop832.ui import file_dialogs

    folder = tmp_path / "年终材料"
    folder.mkdir()
    asked = []

    def ask(parent, title, suggested, file_filter):
        asked.append((title, suggested, file_filter))
        return str(folder / "第一份"), ""  # typed without a suffix

    monkeypatch.setattr(file_dialogs, "get_save_file_name", ask)
    window = make_window(unit, today=dt.date(2024, 6, 1))
    action = window.report_action if menu == "report" else window.evidence_action
    suffix, title, name = {"report": (".pdf", "年度采购情况报告", "测试市财政局-2024年度采购情况报告.pdf"),
                           "evidence": (".zip", "导出证据包", "测试市财政局-2024年度证据包.zip")}[menu]
    action.trigger()
    out = folder / ("第一份" + suffix)
    qtbot.waitUntil(lambda: out.exists() and "已写出" in window.statusBar().currentMessage(), timeout=30000)
    qtbot.waitUntil(action.isEnabled, timeout=5000)
    assert str(out) in window.statusBar().currentMessage()
    assert asked[0][0] == title and Path(asked[0][1]).name == name and suffix[1:] in asked[0][2]
    assert Path(asked[0][1]).parent == unit.parent  # the first time: beside the data file
    action.trigger()  # the second time: where the first went
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=5000)
    assert Path(asked[1][1]).parent == folder
    qtbot.waitUntil(action.isEnabled, timeout=30000)


@pytest.mark.parametrize("menu", ["report", "evidence"])
def test_a_year_without_a_filing_gets_a_message_and_no_file_dialog(qtbot, make_window, unit, monkeypatch, menu):
    from PySide6.QtWidgets import QMessageBox

    from desktop832.ui import file_dialogs
    from desktop832.ui.dialogs.year_report import pack_with_dialog, report_with_dialog

    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, **k: pytest.fail("asked where"))
    window = make_window(unit, today=dt.date(2024, 6, 1))
    start = report_with_dialog if menu == "report" else pack_with_dialog
    assert start(window, window.workspace, 2031) is None
    assert told == [f"2031 年度还没有填报数据，无法{'生成报告' if menu == 'report' else '导出证据包'}。"]
