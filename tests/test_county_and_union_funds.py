"""A county's own policy file chosen by the county the clerk types; the union's annual funds and
last year's union reserve typed on the union tab, the latter taken from last year's plan where the
file has one."""

import datetime as dt
from decimal import Decimal as D

from desktop832.app.policies import PolicyLibrary
from desktop832.domain.model import AnnualPlan, CanteenMode, Level, UnitProfile
from desktop832.store.database import Store

from .conftest import ROOT
from .gui_helpers import choose, type_ascii, type_chinese


def _county_policy(tmp_path):
    """中牟县's 2023 file on top of Zhengzhou's (a made-up notice: a share of union funds for units
    without a canteen), loaded into the clerk's policy folder."""
    text = (
        'format = 1\nid = "zhongmou-2023"\nname = "中牟县 2023 年度（测试）"\nyear = 2023\nprovince = "河南省"\n'
        'city = "郑州市"\ncounty = "中牟县"\nlevels = ["县级"]\nextends = "zhengzhou-2023"\n'
        '[[notice]]\nkey = "zm"\nnumber = "牟财购〔2023〕1号"\ntitle = "测试通知"\n'
        '[rules.union-funds-share]\nfunds_share = 20\nnotice = "zm"\nclause = "一"\n'
        '[rules.union-not-below-last-year]\nmode = "hard"\nnotice = "zm"\nclause = "二"\n'
    )
    source = tmp_path / "zhongmou-2023.toml"
    source.write_text(text, "utf-8")
    PolicyLibrary().add_file(source)


def test_the_county_typed_chooses_the_countys_file(qtbot, make_window, tmp_path):
    _county_policy(tmp_path)
    window = make_window(today=dt.date(2023, 3, 1))
    tab = window.profile_tab
    choose(tab.province_combo, "河南省")
    type_chinese(tab.city_edit, "郑州市")
    choose(tab.level_combo, "县级")
    assert window.document.policy.id == "zhengzhou-2023"
    type_chinese(tab.county_edit, "中牟县")
    assert window.document.profile.county == "中牟县"
    assert window.document.policy.id == "zhongmou-2023"
    assert "中牟县" in window.document.selection.reason
    # the county's union rules, cited to its notice
    choose(tab.canteen_mode_combo, CanteenMode.NONE.value)
    funds = [f for f in window.document.findings if f.rule_id == "union-funds-share"]
    assert funds and funds[0].citation.startswith("牟财购〔2023〕1号 一")
    union = window.union_tab
    type_ascii(qtbot, union.union_funds_total_edit, "100000")
    type_ascii(qtbot, union.union_reserve_edit, "19999.99")
    [short] = [f for f in window.document.findings if f.rule_id == "union-funds-share"]
    assert "还差 0.01 元" in short.message
    type_ascii(qtbot, union.union_reserve_edit, "20000")
    [met] = [f for f in window.document.findings if f.rule_id == "union-funds-share"]
    assert met.message.startswith("工会预留金额 20,000.00 元不低于")
    type_ascii(qtbot, union.last_year_union_reserve_edit, "25000")
    [drop] = [f for f in window.document.findings if f.rule_id == "union-not-below-last-year"]
    assert "由上年度 25,000.00 元降至 20,000.00 元" in drop.message
    assert window.document.save_now()
    with Store.open(window.workspace.store.path, readonly=True) as store:
        assert store.profile().county == "中牟县"
        saved = store.plan(2023)
        assert saved.union_funds_total == D("100000.00") and saved.last_year_union_reserve == D("25000.00")


def test_last_years_union_reserve_is_read_from_last_years_plan(qtbot, make_window, tmp_path):
    path = tmp_path / "unit.sqlite"
    with Store.open(path) as store:
        store.save_profile(UnitProfile(name="某单位", province="河南省", city="郑州市", level=Level.COUNTY))
        store.save_plan(AnnualPlan(2022).with_(union_reserve=D("12000")))
        store.save_plan(AnnualPlan(2023).with_(union_reserve=D("13000")))
    window = make_window(path, today=dt.date(2023, 3, 1))
    edit = window.union_tab.last_year_union_reserve_edit
    assert window.document.plan.year == 2023
    assert edit.text() == "12,000.00" and edit.isReadOnly()
    assert window.document.plan.last_year_union_reserve == D("12000.00")
