"""Last year's reserve comes from last year's plan when the file has one, and follows corrections."""

from decimal import Decimal as D

from desktop832.domain.model import AnnualPlan, sets_last_year
from desktop832.store.database import Store
from desktop832.ui.main_window import TAB_QUOTA
from desktop832.app.workspace import Workspace

from .gui_helpers import choose, type_ascii


def test_a_plan_follows_last_years_plan():
    this = AnnualPlan(2024).with_(last_year_amount=D("100000"), last_year_ratio=D("10"))
    last = AnnualPlan(2023).with_canteen_total(D("800000")).with_reserve_amount(D("120000"))

    followed = this.following(last)
    assert (followed.last_year_amount, followed.last_year_ratio) == (D("120000.00"), D("15.00"))
    assert this.following(None) == this  # the first year in the file: the typed figures stay
    assert this.following(AnnualPlan(2023)) == this  # last year planned nothing yet: the same


def test_the_workspace_reads_a_corrected_last_year(tmp_path, profile, plan):
    path = tmp_path / "unit.sqlite"
    with Store.open(path) as store:
        store.save_profile(profile)
        store.save_plan(AnnualPlan(2023).with_canteen_total(D("800000")).with_reserve_amount(D("100000")))
        store.save_plan(plan.with_(last_year_amount=D("100000"), last_year_ratio=D("12.5")))
        store.save_plan(AnnualPlan(2023).with_canteen_total(D("800000")).with_reserve_amount(D("160000")))
        workspace = Workspace(store)
        assert workspace.plan(2024).last_year_amount == D("160000.00")
        assert workspace.plan(2024).last_year_ratio == D("20.00")
        assert sets_last_year(store.plan(2023)) and not sets_last_year(store.plan(2022))


def test_correcting_last_year_changes_this_years_check(qtbot, make_window, tmp_path, profile, plan):
    path = tmp_path / "unit.sqlite"
    with Store.open(path) as store:
        store.save_profile(profile)
        store.save_plan(AnnualPlan(2023).with_canteen_total(D("800000")).with_reserve_amount(D("120000")))
        store.save_plan(plan)  # 2024: 1,000,000 total, 150,000 reserve
    window = make_window(path)
    quota = window.quota_tab
    window.tabs.setCurrentIndex(TAB_QUOTA)
    assert window.document.year == 2024
    assert quota.last_year_amount_edit.text() == "120,000.00" and quota.last_year_amount_edit.isReadOnly()
    assert quota.last_year_amount_edit_label.text() == "2023 年度预留金额（元）"
    assert not any("降至" in m for m in window.findings_panel.messages())

    choose(window.year_combo, "2023 年度")  # the clerk corrects last year's reserve
    assert not quota.last_year_amount_edit.isReadOnly()  # 2022 has no plan: typed by hand
    type_ascii(qtbot, quota.reserve_amount_edit, "200000")
    choose(window.year_combo, "2024 年度")

    assert quota.last_year_amount_edit.text() == "200,000.00"
    assert any("预留金额由上年度 200,000.00 元降至 150,000.00 元" in m for m in window.findings_panel.messages())
    window.document.save_now()
    with Store.open(path) as store:
        assert store.plan(2024).last_year_amount == D("200000.00")  # the file says what is shown
