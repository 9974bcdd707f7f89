"""The picture of the year: its series from known purchases, its drawing, and the overview's chart
whose months filter the purchase log."""

import dataclasses
import datetime as dt
from pathlib import Path
from decimal import Decimal as D

import pytest

from desktop832.domain.counting import REASON_CHANNEL, REASON_OPEN, REASON_REFUNDED, tally
from desktop832.domain.model import Channel, OrderState, Purchase, Purpose
from desktop832.domain.year_chart import NO_POLICY_NOTE, NO_TARGET_NOTE, year_chart

TODAY = dt.date(2023, 12, 31)


def buy(month, day, amount, **kw):
    date = dt.date(2023, month, day)
    return Purchase(date=date, amount=D(amount), order_no=f"O{month:02}{day:02}{amount}", paid_on=date,
                    delivered_on=date, **kw)


PURCHASES = [
    buy(1, 5, "1000.00"),
    buy(1, 20, "250.50", purpose=Purpose.UNION),
    buy(1, 21, "500.00", channel=Channel.OTHER),  # not on the platform
    buy(3, 3, "2000.00"),
    buy(3, 9, "300.00", state=OrderState.REFUNDED),
    buy(6, 30, "400.00", state=OrderState.OPEN),
    buy(12, 31, "99.99"),
    Purchase(date=dt.date(2022, 12, 31), amount=D("777.00"), order_no="LAST-YEAR"),  # another year
]


def _with_progress(policy, **params):
    rule = policy.rule("purchase-progress")
    rule = dataclasses.replace(rule, params={**rule.params, **params})
    return dataclasses.replace(policy, rules={**policy.rules, "purchase-progress": rule})


def test_counted_purchases_per_month_and_their_running_total(policies):
    policy = policies["henan-2023"]
    chart = year_chart(tally(PURCHASES, policy, 2023, TODAY), D("5000.00"), policy)
    assert chart.year == 2023
    assert chart.by_month == (D("1250.50"), 0, D("2000.00"), 0, 0, 0, 0, 0, 0, 0, 0, D("99.99"))
    assert chart.cumulative[0] == D("1250.50") and chart.cumulative[2] == D("3250.50")
    assert chart.cumulative[11] == D("3350.49") == chart.counted_total
    assert chart.target == D("5000.00")
    # what did not count, by its reason, largest first; the other year is in no series
    assert chart.not_counted == ((REASON_CHANNEL, D("500.00")), (REASON_OPEN, D("400.00")), (REASON_REFUNDED, D("300.00")))
    assert chart.not_counted_total == D("1200.00")
    assert chart.judged and chart.notes == ()


def test_no_pace_line_where_the_policy_names_none(policies):
    # henan-2023 says only "力争10月底前完成": a finishing date, no pace; qinghai-2024 not even a date
    for policy_id in ("henan-2023", "qinghai-2024", "cn-2025"):
        policy = policies[policy_id]
        chart = year_chart(tally([], policy, policy.year, TODAY), D("1000"), policy)
        assert chart.pace is None and chart.pace_citation == ""


def test_a_linear_pace_grows_evenly_from_its_start_to_its_finishing_date(policies):
    # 303 days from 1 January to 31 October: 1,000 yuan a day of a 303,000 yuan reserve
    policy = _with_progress(policies["henan-2023"], pace="linear", pace_start=dt.date(2023, 1, 1))
    chart = year_chart(tally(PURCHASES, policy, 2023, TODAY), D("303000"), policy)
    assert chart.pace[0] == D("30000.00")  # 31 January: 30 days in
    assert chart.pace[1] == D("58000.00")  # 28 February
    assert chart.pace[9] == chart.pace[10] == chart.pace[11] == D("303000.00")
    assert list(chart.pace) == sorted(chart.pace)
    assert "力争10月底前完成年度采购任务" in chart.pace_citation  # the notice's own words


def test_milestones_step_up_at_their_dates(policies):
    milestones = ((dt.date(2023, 6, 30), D("50")), (dt.date(2023, 10, 31), D("100")))
    policy = _with_progress(policies["henan-2023"], pace="milestones", milestones=milestones)
    chart = year_chart(tally([], policy, 2023, TODAY), D("8000"), policy)
    assert chart.pace == (0, 0, 0, 0, 0, D("4000.00"), D("4000.00"), D("4000.00"), D("4000.00"),
                          D("8000.00"), D("8000.00"), D("8000.00"))


def test_a_year_without_a_policy_says_it_is_not_judged():
    chart = year_chart(tally(PURCHASES, None, 2023, TODAY), D("0"), None)
    assert not chart.judged and NO_POLICY_NOTE in chart.notes and NO_TARGET_NOTE in chart.notes
    assert chart.pace is None and chart.target == 0
    # without a policy every completed platform order counts (the tally's own rule)
    assert chart.counted_total == D("3350.49")


# --- the drawing ------------------------------------------------------------------------------


def _drawn(chart):
    from desktop832.documents import fonts
    from desktop832.documents.year_chart import chart_svg, chart_texts

    # every text it writes is in the shipped font: it draws the same on every machine
    fonts.plan_fonts({fonts.Role.BODY: [("图", t) for t in chart_texts(chart)]}, fonts.FontChoice(use_system=False))
    face = fonts.shipped_face(fonts.Role.BODY)
    return chart_svg(chart, fonts.reportlab_font(face), face.family)


def test_the_drawing_labels_months_reserve_and_reasons(policies):
    policy = policies["henan-2023"]
    chart = year_chart(tally(PURCHASES, policy, 2023, TODAY), D("5000.00"), policy)
    svg, geometry = _drawn(chart)
    text = svg.decode("utf-8")
    for words in ("1月", "12月", "预留份额 5,000.00 元", "累计 3,350.49 元", REASON_CHANNEL, "300.00 元", "计入与不计入"):
        assert words in text, words
    assert "政策要求的进度" not in text  # no pace is claimed for a policy that names none
    assert "font-family: 桌面832楷体" in text
    slot = (geometry.plot_right - geometry.plot_left) / 12
    middle = (geometry.plot_top + geometry.plot_bottom) / 2
    assert geometry.month_at(geometry.plot_left + slot * 2.5, middle) == 3
    assert geometry.month_at(geometry.plot_left - 1, middle) is None
    assert geometry.month_at(geometry.plot_left + 1, geometry.plot_bottom + 5) is None


def test_a_pace_line_is_drawn_and_cited_when_the_policy_names_one(policies):
    policy = _with_progress(policies["henan-2023"], pace="linear", pace_start=dt.date(2023, 1, 1))
    chart = year_chart(tally(PURCHASES, policy, 2023, TODAY), D("303000"), policy)
    text = _drawn(chart)[0].decode("utf-8")
    assert "政策要求的进度" in text and "政策进度线依据" in text


@pytest.mark.parametrize("value, top, steps", [
    (D("0"), D("1000"), 5), (D("1"), D("1"), 5), (D("3350.49"), D("5000"), 5), (D("211500"), D("250000"), 5),
    (D("183773.07"), D("200000"), 4), (D("100000"), D("100000"), 5), (D("100000.01"), D("200000"), 4),
])
def test_the_axis_ends_on_a_round_figure_above_every_value(value, top, steps):
    from desktop832.documents.year_chart import axis_label, nice_axis

    assert nice_axis(value) == (top, steps)
    labels = [axis_label(top * i / steps) for i in range(steps + 1)]
    assert all("." not in label for label in labels[1:]) or top < 10


# --- the overview's chart and the purchase log ----------------------------------------------------


@pytest.fixture
def unit_with_purchases(tmp_path, profile, plan):
    from desktop832.store.database import Store

    path = tmp_path / "unit.sqlite"
    store = Store.open(path)
    store.save_profile(profile)
    store.save_plan(plan)
    store.add_purchases([
        Purchase(date=dt.date(2024, month, 10), amount=D(f"{month}000.00"), order_no=f"M{month}-{n}", paid_on=dt.date(2024, month, 11))
        for month in (1, 3, 3, 5) for n in (1, 2)
    ] + [Purchase(date=dt.date(2024, 3, 12), amount=D("80.00"), order_no="M3-other", channel=Channel.OTHER)])
    store.close()
    return path


def _chart_drawn(qtbot, window):
    overview = window.overview_tab
    qtbot.waitUntil(lambda: overview.chart_ready, timeout=15000)
    return overview.chart_view


def test_the_overview_shows_the_years_chart_and_a_month_click_filters_the_log(qtbot, make_window, unit_with_purchases):
    from PySide6.QtCore import QPoint, Qt

    from desktop832.ui.main_window import TAB_OVERVIEW, TAB_PURCHASES

    window = make_window(unit_with_purchases, today=dt.date(2024, 6, 1))
    window.tabs.setCurrentIndex(TAB_OVERVIEW)
    view = _chart_drawn(qtbot, window)
    assert view.chart.by_month[2] == D("12000.00") and view.chart.target == D("165000.00")
    assert view.isVisible() and view.height() > 100
    assert "点击" in window.overview_tab.chart_hint.text()
    # a search typed in the log earlier does not hide the month's orders
    window.tabs.setCurrentIndex(TAB_PURCHASES)
    window.purchase_tab.search_edit.setText("nothing-matches")
    window.purchase_tab.apply_filters()
    assert window.purchase_tab.model.rowCount() == 0
    window.tabs.setCurrentIndex(TAB_OVERVIEW)
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.point_of(3).toPoint())
    assert window.tabs.currentIndex() == TAB_PURCHASES
    log = window.purchase_tab
    assert log.month_filter.currentData() == 3 and log.search_edit.text() == ""
    rows = [log.model.purchase(row) for row in range(log.model.rowCount())]
    assert sorted(p.order_no for p in rows) == ["M3-1", "M3-1", "M3-2", "M3-2", "M3-other"]
    assert "筛选出 5 笔" in log.shown_label.text()
    # a click beside the plot (on the legend) changes nothing
    window.tabs.setCurrentIndex(TAB_OVERVIEW)
    # (QTest clicks the middle for a null point: (0, 0) is never passed)
    corner = view.drawn_rect().topLeft().toPoint() + QPoint(3, 3)
    assert view.month_at(corner) is None
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=corner)
    assert window.tabs.currentIndex() == TAB_OVERVIEW


def test_the_chart_follows_the_reserve_typed_in_the_quota_tab(qtbot, make_window, unit_with_purchases):
    from tests.gui_helpers import type_ascii

    window = make_window(unit_with_purchases, today=dt.date(2024, 6, 1))
    view = _chart_drawn(qtbot, window)
    type_ascii(qtbot, window.quota_tab.reserve_amount_edit, "200000")
    window.quota_tab.reserve_amount_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: window.overview_tab.chart_ready and view.chart.target == D("215000.00"), timeout=15000)


def test_a_year_without_a_policy_draws_its_chart_and_says_it_is_not_judged(qtbot, make_window, tmp_path, profile, plan):
    from desktop832.store.database import Store

    path = tmp_path / "unit.sqlite"
    store = Store.open(path)
    store.save_profile(profile)
    store.save_plan(dataclasses.replace(plan, year=2027))
    store.add_purchases([Purchase(date=dt.date(2027, 2, 1), amount=D("10.00"), order_no="X")])
    store.close()
    window = make_window(path, today=dt.date(2027, 3, 1))
    view = _chart_drawn(qtbot, window)
    assert not view.chart.judged and NO_POLICY_NOTE in view.chart.notes


def test_in_the_current_year_the_running_total_stops_at_this_month(policies):
    policy = policies["henan-2023"]
    t = tally(PURCHASES, policy, 2023, TODAY)
    assert year_chart(t, D("5000"), policy, dt.date(2023, 3, 15)).months_past == 12  # one is dated 31 December
    assert year_chart(tally(PURCHASES[:5], policy, 2023, TODAY), D("5000"), policy, dt.date(2023, 6, 15)).months_past == 6
    assert year_chart(t, D("5000"), policy, dt.date(2024, 1, 2)).months_past == 12  # a year gone by
    # purchases dated ahead of today (the last, 31 December) keep the line to their month
    assert year_chart(t, D("5000"), policy, dt.date(2022, 12, 1)).months_past == 12
    early = tally(PURCHASES[:5], policy, 2023, TODAY)  # January to March
    assert year_chart(early, D("5000"), policy, dt.date(2022, 12, 1)).months_past == 3
    assert year_chart(early, D("5000"), policy, dt.date(2023, 2, 1)).months_past == 3
    text = _drawn(year_chart(early, D("5000"), policy, dt.date(2023, 3, 15)))[0].decode("utf-8")
    assert "累计 3,250.50 元" in text


def test_the_chart_measures_amounts_as_decimal_and_only_lengths_leave_it():
    from desktop832.documents import year_chart as drawing

    # a third of a line split in Decimal: exact hundredths of a point, whatever float would round to
    assert drawing._length(D("1") / 3 * 3, D("1"), 90) == 90.0
    assert drawing._length(D("0.01"), D("3"), 300) == 1.0
    assert drawing._length(D("245209.65"), D("250000"), 180) == 176.55
    source = Path(drawing.__file__).read_text("utf-8")
    assert "float(" not in source  # money is never turned into a float on its way to the page
