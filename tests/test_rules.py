"""Every rule at its boundaries, under the shipped policies."""

import dataclasses
import datetime as dt
from decimal import Decimal as D

import pytest

from desktop832.domain.counting import tally, why_not_counted, counted_purposes
from desktop832.domain.findings import Severity
from desktop832.domain.model import (
    AnnualPlan, CanteenMode, Channel, FilingStatus, Level, OrderState, Purchase, Purpose,
)
from desktop832.domain.model import ratio_of
from desktop832.domain.policy import HINT_CITATION, UNCHECKED_MARK
from desktop832.domain.rules import FORMAT_CHECK, RULES, evaluate


def run(policies, profile, plan, purchases=(), today=dt.date(2024, 2, 1), policy="qinghai-2024"):
    return evaluate(profile, plan, list(purchases), policies[policy], today)


def of(findings, rule_id):
    return [f for f in findings if f.rule_id == rule_id]


def worst(findings, rule_id):
    found = of(findings, rule_id)
    return max((f.severity for f in found), default=None)


# --- canteen ratio ---------------------------------------------------------------------------


def test_exactly_fifteen_percent_is_met(policies, profile, plan):
    f = run(policies, profile, plan)
    assert worst(f, "canteen-ratio") is Severity.OK


def test_one_fen_below_is_an_error_with_the_numbers(policies, profile, plan):
    f = run(policies, profile, plan.with_reserve_amount(D("149999.99")))
    [finding] = of(f, "canteen-ratio")
    assert finding.severity is Severity.ERROR
    assert "149,999.99" in finding.message and "150,000.00" in finding.message and "0.01" in finding.message
    assert finding.citation.startswith("青海省2024年度通知")
    assert "plan.reserve_amount" in finding.fields


def test_minimum_is_rounded_up_to_the_fen(policies, profile, plan):
    odd = plan.with_canteen_total(D("1000000.01"))  # 15% = 150,000.0015 → at least 150,000.01
    assert worst(run(policies, profile, odd.with_reserve_amount(D("150000.00"))), "canteen-ratio") is Severity.ERROR
    assert worst(run(policies, profile, odd.with_reserve_amount(D("150000.01"))), "canteen-ratio") is Severity.OK


def test_ratio_entered_always_satisfies_itself(policies, profile, plan):
    odd = plan.with_canteen_total(D("1000000.01")).with_reserve_ratio(D("15"))
    assert odd.reserve_amount == D("150000.01")
    assert worst(run(policies, profile, odd), "canteen-ratio") is Severity.OK


@pytest.mark.parametrize(
    "amount, total, ratio",
    [
        ("150000.00", "1000000.00", "15.00"),
        ("149999.99", "1000000.00", "14.99"),  # 14.999999%: rounded down, never shown as 15
        ("150000.01", "1000000.01", "15.00"),  # the amount 15% gives (rounded up) reads as 15% again
        ("2.00", "3.00", "66.66"),  # 66.666…%: down, not to the nearest 66.67
        ("1.00", "3.00", "33.33"),
        ("0.01", "1000000.00", "0.00"),  # 0.000001%
        ("1000000.00", "1000000.00", "100.00"),
    ],
)
def test_ratio_derived_from_an_amount_is_rounded_down_to_a_hundredth_point(plan, amount, total, ratio):
    assert ratio_of(D(amount), D(total)) == D(ratio)
    derived = plan.with_canteen_total(D(total)).with_reserve_amount(D(amount))
    assert derived.reserve_ratio == D(ratio) and derived.reserve_amount == D(amount)


def test_no_ratio_of_a_zero_or_missing_total(plan):
    assert ratio_of(D("100.00"), D("0.00")) is None
    assert plan.with_canteen_total(D("0")).reserve_ratio is None
    assert plan.with_canteen_total(None).reserve_ratio is None


def test_2023_floor_is_ten_percent(policies, profile):
    plan = AnnualPlan(2023).with_canteen_total(D("1000000")).with_reserve_amount(D("100000"))
    f = run(policies, profile, plan, policy="zhengzhou-2023", today=dt.date(2023, 3, 1))
    assert worst(f, "canteen-ratio") is Severity.OK
    f = run(policies, profile, plan.with_reserve_amount(D("99999.99")), policy="zhengzhou-2023", today=dt.date(2023, 3, 1))
    assert worst(f, "canteen-ratio") is Severity.ERROR


def test_missing_total_is_an_error(policies, profile):
    f = run(policies, profile, AnnualPlan(2024))
    assert "请填写年度食堂食材采购总额" in of(f, "canteen-ratio")[0].message


def test_no_canteen_drops_the_canteen_rules(policies, profile, plan):
    none = dataclasses.replace(profile, canteen_mode=CanteenMode.NONE)
    f = run(policies, none, plan.with_reserve_amount(D("1")))
    assert not of(f, "canteen-ratio") and not of(f, "canteen-not-below-last-year")
    assert "无食堂" in of(f, "canteen-none")[0].message


def test_provincial_no_canteen_needs_the_letter(policies, profile, plan):
    unit = dataclasses.replace(profile, canteen_mode=CanteenMode.NONE, level=Level.PROVINCIAL)
    [letter] = [x for x in of(run(policies, unit, plan), "canteen-none") if "plan.letter_sent" in x.fields]
    assert letter.severity is Severity.WARNING and "省财政厅政府采购监督管理处" in letter.message
    late = run(policies, unit, plan, today=dt.date(2024, 2, 21))
    assert worst(late, "canteen-none") is Severity.ERROR
    sent = run(policies, unit, plan.with_(letter_sent=True))
    assert any(x.severity is Severity.OK for x in of(sent, "canteen-none"))
    # a municipal unit without a canteen sends no letter under this policy
    municipal = dataclasses.replace(unit, level=Level.MUNICIPAL)
    assert not [x for x in of(run(policies, municipal, plan), "canteen-none") if "plan.letter_sent" in x.fields]


def test_no_canteen_letter_unit_is_asked_for_the_meal_arrangement(policies, profile, plan):
    unit = dataclasses.replace(profile, canteen_mode=CanteenMode.NONE, level=Level.PROVINCIAL, meal_arrangement="")

    def meal(u, p=plan):
        return [x for x in of(run(policies, u, p), "canteen-none") if x.fields == ("profile.meal_arrangement",)]

    [finding] = meal(unit)
    assert finding.severity is Severity.INFO and finding.message == "请填写职工就餐方式（写入承诺函）"
    assert finding.citation.startswith("青海省2024年度通知")
    assert meal(dataclasses.replace(unit, meal_arrangement=" \u3000 "))  # blanks are not an arrangement
    assert meal(unit, plan.with_(letter_sent=True))  # the letter was sent, the field is still empty
    assert not meal(dataclasses.replace(unit, meal_arrangement="职工自行解决午餐"))
    # a unit that sends no letter under the policy is not asked
    assert not meal(dataclasses.replace(unit, level=Level.MUNICIPAL))
    assert not meal(dataclasses.replace(unit, canteen_mode=CanteenMode.OWN))


def test_shared_but_not_representative(policies, profile, plan):
    shared = dataclasses.replace(profile, canteen_mode=CanteenMode.SHARED, is_representative=False)
    f = run(policies, shared, plan.with_reserve_amount(D("1")))
    assert not of(f, "canteen-ratio")  # the representative files the reserve
    assert worst(f, "canteen-shared") is Severity.WARNING  # but should note the representative
    named = dataclasses.replace(shared, representative_name="代表单位", representative_code="914403001922038216")
    assert worst(run(policies, named, plan), "canteen-shared") is Severity.OK
    bad_code = dataclasses.replace(named, representative_code="914403001922038217")
    [bad] = of(run(policies, bad_code, plan), "canteen-shared")
    assert "校验位" in bad.message and bad.citation.startswith("GB 32100-2015")


def test_shared_and_representative_files_the_reserve(policies, profile, plan):
    rep = dataclasses.replace(profile, canteen_mode=CanteenMode.SHARED, is_representative=True)
    assert worst(run(policies, rep, plan.with_reserve_amount(D("1"))), "canteen-ratio") is Severity.ERROR


def test_outsourced_without_account(policies, profile, plan):
    out = dataclasses.replace(
        profile, canteen_mode=CanteenMode.OUTSOURCED, contractor_name="承包方", contract_states_policy=True,
        executing_purchaser="承包方", purchaser_account_open=False,
    )
    [finding] = [x for x in of(run(policies, out, plan), "canteen-outsourced") if x.severity is Severity.ERROR]
    assert "交易账号" in finding.message
    assert worst(run(policies, dataclasses.replace(out, purchaser_account_open=True), plan), "canteen-outsourced") is Severity.OK


def test_outsourced_contract_clause_only_from_2024(policies, profile, plan):
    out = dataclasses.replace(
        profile, canteen_mode=CanteenMode.OUTSOURCED, contractor_name="承包方", purchaser_account_open=True,
        contract_states_policy=False,
    )
    assert any("外包合同" in x.message for x in of(run(policies, out, plan), "canteen-outsourced"))
    plan23 = dataclasses.replace(plan, year=2023)
    f = run(policies, out, plan23, policy="zhengzhou-2023", today=dt.date(2023, 3, 1))
    assert worst(f, "canteen-outsourced") is Severity.OK
    # 豫财购〔2023〕2号 says nothing about outsourced canteens: no finding at all, never an error cited to it
    f = run(policies, dataclasses.replace(out, purchaser_account_open=False), plan23, policy="henan-2023", today=dt.date(2023, 3, 1))
    assert not of(f, "canteen-outsourced")
    assert not [x for x in f if x.severity is Severity.ERROR and "外包" in x.message]


# --- last year -------------------------------------------------------------------------------


def test_drop_without_explanation_2024(policies, profile, plan):
    dropped = plan.with_(last_year_amount=D("160000"))
    [finding] = of(run(policies, profile, dropped), "canteen-not-below-last-year")
    assert finding.severity is Severity.ERROR and "说明" in finding.message and "160,000.00" in finding.message
    explained = dropped.with_(drop_explanation="食堂就餐人数减少")
    assert worst(run(policies, profile, explained), "canteen-not-below-last-year") is Severity.INFO


def test_ratio_drop_needs_explanation_too(policies, profile, plan):
    dropped = plan.with_(last_year_amount=D("100000"), last_year_ratio=D("16"))
    assert "比例" in of(run(policies, profile, dropped), "canteen-not-below-last-year")[0].message


def test_equal_to_last_year_is_fine(policies, profile, plan):
    assert worst(run(policies, profile, plan.with_(last_year_amount=D("150000"))), "canteen-not-below-last-year") is Severity.OK


def test_drop_is_a_hard_error_in_2023(policies, profile):
    plan = AnnualPlan(2023).with_canteen_total(D("1000000")).with_reserve_amount(D("100000"))
    dropped = plan.with_(last_year_amount=D("100000.01"), drop_explanation="说明也不行")
    f = run(policies, profile, dropped, policy="henan-2023", today=dt.date(2023, 3, 1))
    [finding] = of(f, "canteen-not-below-last-year")
    assert finding.severity is Severity.ERROR and "不得低于上年度" in finding.message


# --- union -----------------------------------------------------------------------------------


def test_union_per_member_standard_2023(policies, profile):
    plan = AnnualPlan(2023).with_canteen_total(D("1000000")).with_reserve_amount(D("100000"))
    # 100 members × 300 = 30,000; no welfare total given
    f = run(policies, profile, plan.with_(union_reserve=D("29999.99")), policy="henan-2023", today=dt.date(2023, 3, 1))
    # "基层工会组织原则上按照……": in principle, so the policy makes a shortfall a warning
    [short] = of(f, "union-standard")
    assert short.severity is Severity.WARNING and "30,000.00" in short.message and "原则上" in short.citation
    f = run(policies, profile, plan.with_(union_reserve=D("30000")), policy="henan-2023", today=dt.date(2023, 3, 1))
    assert worst(f, "union-standard") is Severity.OK


def test_union_either_standard_is_enough_2023(policies, profile):
    # 15% of a 100,000 welfare total = 15,000 < 100 × 300: 15,000 satisfies the notice
    plan = AnnualPlan(2023).with_canteen_total(D("1000000")).with_reserve_amount(D("100000"))
    plan = plan.with_(welfare_total=D("100000"), union_reserve=D("15000"))
    f = run(policies, profile, plan, policy="henan-2023", today=dt.date(2023, 3, 1))
    assert worst(f, "union-standard") is Severity.OK


def test_union_share_of_purchases_2024(policies, profile, plan):
    assert worst(run(policies, profile, plan), "union-standard") is Severity.OK  # 15,000 of 100,000
    low = plan.with_(union_reserve=D("14999.99"))
    assert worst(run(policies, profile, low), "union-standard") is Severity.ERROR


def test_no_union_funds(policies, profile, plan):
    unit = dataclasses.replace(profile, has_union_funds=False)
    [finding] = of(run(policies, unit, plan.with_(union_reserve=None)), "union-standard")
    assert finding.severity is Severity.INFO and "无独立工会经费" in finding.message


def test_union_cap_per_employee(policies, profile, plan):
    # 120 employees × 500 = 60,000
    assert not of(run(policies, profile, plan.with_(union_reserve=D("60000"))), "union-cap")
    over = of(run(policies, profile, plan.with_(union_reserve=D("60000.01"))), "union-cap")
    assert over and over[0].severity is Severity.WARNING and "500.00" in over[0].message


def test_union_cap_message_at_the_boundary_does_not_contradict_itself(policies, profile, plan):
    # 60,000.01 / 120 = 500.0000833…: over the cap, so the per-head figure must not read 500.00
    [finding] = of(run(policies, profile, plan.with_(union_reserve=D("60000.01"))), "union-cap")
    assert finding.message == (
        "工会预留金额 60,000.01 元折合职工每人约 500.01 元，超过每人每年 500.00 元的标准"
        "（职工 120 人，合计不超过 60,000.00 元，超出 0.01 元）"
    )
    assert finding.fields == ("plan.union_reserve",)
    assert "每人约 500.00 元" not in finding.message


def test_union_cap_on_counted_union_purchases(policies, profile, plan):
    # 120 employees × 500.00 = 60,000.00; the reserve (15,000.00) is within the cap
    def cap(purchases):
        return of(run(policies, profile, plan, purchases, today=dt.date(2024, 6, 1)), "union-cap")

    at_cap = [buy("30000.00", purpose=Purpose.UNION), buy("30000.00", purpose=Purpose.UNION)]
    assert not cap(at_cap)
    # an unfinished union order and canteen purchases do not count towards the union spend
    assert not cap(at_cap + [buy("0.01", purpose=Purpose.UNION, state=OrderState.OPEN), buy("5000.00")])
    [finding] = cap(at_cap + [buy("0.01", purpose=Purpose.UNION)])
    assert finding.severity is Severity.WARNING and finding.fields == ("purchases",)
    assert finding.message == (
        "本年度已计入的工会福利采购 60,000.01 元折合职工每人约 500.01 元，超过每人每年 500.00 元的标准"
        "（职工 120 人，合计不超过 60,000.00 元，超出 0.01 元）"
    )
    # without the number of employees there is nothing to divide by: the clerk is told, not left guessing
    [ask] = of(run(policies, dataclasses.replace(profile, employees=None), plan, at_cap + [buy("1.00", purpose=Purpose.UNION)],
                   today=dt.date(2024, 6, 1)), "union-cap")
    assert ask.severity is Severity.INFO and ask.message == "请填写职工人数，才能核对职工每人每年不超过 500.00 元的标准"
    assert ask.fields == ("profile.employees",)


# --- purchases -------------------------------------------------------------------------------


def buy(amount, **kw):
    kw.setdefault("date", dt.date(2024, 3, 1))
    return Purchase(amount=D(amount), **kw)


def test_unfinished_and_off_platform_do_not_count(policies):
    purchases = [
        buy("100"), buy("20", state=OrderState.OPEN), buy("30", channel=Channel.OTHER),
        buy("40", state=OrderState.REFUNDED), buy("50", purpose=Purpose.STATE_ENTERPRISE),
        buy("999", date=dt.date(2023, 12, 31)),
    ]
    t = tally(purchases, policies["qinghai-2024"], 2024, dt.date(2024, 6, 1))
    assert t.counted_total == D("100.00")
    assert t.not_counted_total == D("140.00")
    assert t.count == 5
    # under 2023 Henan, state-owned enterprises under the unit count
    t23 = tally([dataclasses.replace(p, date=dt.date(2023, 3, 1)) for p in purchases[:5]], policies["henan-2023"], 2023, dt.date(2023, 6, 1))
    assert t23.counted_total == D("150.00")


def test_reasons():
    purposes = counted_purposes(None)
    assert why_not_counted(Channel.OTHER, OrderState.DONE, Purpose.CANTEEN, purposes) == "非832平台采购，不计入"
    assert why_not_counted(Channel.PLATFORM, OrderState.OPEN, Purpose.CANTEEN, purposes) == "订单未完结，不计入"
    assert why_not_counted(Channel.PLATFORM, OrderState.REFUNDED, Purpose.CANTEEN, purposes) == "已退款，不计入"
    assert why_not_counted(Channel.PLATFORM, OrderState.DONE, Purpose.CANTEEN, purposes) is None


def test_what_counts_reports_what_does_not_count_and_why(policies, profile, plan):
    purchases = [
        buy("100.00"), buy("20.00", state=OrderState.OPEN), buy("30.00", channel=Channel.OTHER),
        buy("40.00", state=OrderState.REFUNDED), buy("50.00", purpose=Purpose.STATE_ENTERPRISE),
        buy("999.00", date=dt.date(2023, 12, 31)),  # last year: not part of this year at all
    ]
    [finding] = of(run(policies, profile, plan, purchases, today=dt.date(2024, 6, 1)), "what-counts")
    assert finding.severity is Severity.INFO and finding.fields == ("purchases",)
    assert finding.message == (
        "本年度有 140.00 元采购未计入年度采购总额：已退款，不计入 40.00 元；"
        "用途“所属国有企业”文件未提及是否计入，暂未计入（提示） 50.00 元；"
        "订单未完结，不计入 20.00 元；非832平台采购，不计入 30.00 元"
    )
    # the 2024 notice is silent on state-owned enterprises: never "按政策不计入"
    assert "按政策不计入" not in finding.message
    assert finding.citation.startswith("青海省2024年度通知")


def test_what_counts_is_silent_when_everything_counts(policies, profile, plan):
    everything = [buy("100.00"), buy("50.00", purpose=Purpose.UNION), buy("999.00", date=dt.date(2023, 12, 31), state=OrderState.OPEN)]
    assert not of(run(policies, profile, plan, everything, today=dt.date(2024, 6, 1)), "what-counts")
    # under 2023 Henan the orders of state-owned enterprises under the unit count
    henan_plan = dataclasses.replace(plan, year=2023)
    state = [buy("50.00", date=dt.date(2023, 3, 1), purpose=Purpose.STATE_ENTERPRISE)]
    assert not of(run(policies, profile, henan_plan, state, today=dt.date(2023, 6, 1), policy="henan-2023"), "what-counts")


def test_performance_evaluation(policies, profile, plan):
    # only Zhengzhou's notice asks for 履约评价 (郑财购〔2023〕3号 二（一）)
    zz_plan = dataclasses.replace(plan, year=2023)

    def buy(amount, **kw):
        kw.setdefault("date", dt.date(2023, 3, 1))
        return Purchase(amount=D(amount), **kw)

    def evaluation(purchases):
        return of(run(policies, profile, zz_plan, purchases, today=dt.date(2023, 6, 1), policy="zhengzhou-2023"),
                  "performance-evaluation")

    assert not evaluation([])
    assert not evaluation([buy("100.00", evaluated=True)])
    # only completed platform orders are due for evaluation
    not_due = [
        buy("10.00", state=OrderState.OPEN), buy("20.00", state=OrderState.REFUNDED), buy("30.00", channel=Channel.OTHER),
        buy("40.00", date=dt.date(2022, 12, 31)),
    ]
    assert not evaluation(not_due + [buy("100.00", evaluated=True)])
    [finding] = evaluation(not_due + [buy("100.00", evaluated=True), buy("200.00")])
    assert finding.severity is Severity.INFO and finding.fields == ("purchases",)
    assert finding.message == "1 笔已完结订单尚未在“832平台”进行履约评价"
    [finding] = evaluation([buy("200.00"), buy("300.00", purpose=Purpose.UNION), buy("1.00", evaluated=True)])
    assert finding.message == "2 笔已完结订单尚未在“832平台”进行履约评价"
    assert finding.citation.startswith("郑财购〔2023〕3号 二（一）")
    # neither the Henan nor the 2024 notice says a word on 履约评价
    henan = run(policies, profile, zz_plan, [buy("200.00")], today=dt.date(2023, 6, 1), policy="henan-2023")
    assert not of(henan, "performance-evaluation")
    assert not of(run(policies, profile, plan, [buy("200.00", date=dt.date(2024, 3, 1))], today=dt.date(2024, 6, 1)),
                  "performance-evaluation")


def test_progress_without_a_finishing_date(policies, profile, plan):
    # the 2024 notice names no finishing date: progress is shown, never "behind" and never "late"
    for today in (dt.date(2024, 1, 2), dt.date(2024, 7, 1), dt.date(2024, 12, 30)):
        [finding] = of(run(policies, profile, plan, [buy("10000")], today=today), "purchase-progress")
        assert finding.severity is Severity.INFO and "政策未规定完成日期" in finding.message
        assert "落后" not in finding.message and "已过" not in finding.message
    done = run(policies, profile, plan, [buy("165000")], today=dt.date(2024, 7, 1))
    assert worst(done, "purchase-progress") is Severity.OK


def test_progress_with_a_finishing_date_but_no_pace(policies, profile):
    # 2023 Henan: "力争10月底前完成" and nothing about a pace: not behind on 2 January nor in July
    plan = AnnualPlan(2023).with_canteen_total(D("1000000")).with_reserve_amount(D("100000")).with_(union_reserve=D("30000"))
    day = lambda m, d: dt.date(2023, m, d)  # noqa: E731
    purchases = [buy("10000", date=day(1, 2))]
    for today in (day(1, 2), day(7, 1)):
        [finding] = of(run(policies, profile, plan, purchases, today=today, policy="henan-2023"), "purchase-progress")
        assert finding.severity is Severity.INFO and "落后" not in finding.message
    # 120,000 left over 4 months (Jul–Oct) = 30,000 a month
    [july] = of(run(policies, profile, plan, purchases, today=day(7, 1), policy="henan-2023"), "purchase-progress")
    assert "30,000.00" in july.message and "2023-10-31" in july.message
    # the finishing day itself is still in time; the day after is late (a warning: "力争")
    assert "已过" not in of(run(policies, profile, plan, purchases, today=day(10, 31), policy="henan-2023"), "purchase-progress")[0].message
    [late] = of(run(policies, profile, plan, purchases, today=day(11, 1), policy="henan-2023"), "purchase-progress")
    assert late.severity is Severity.WARNING and "已过 10月31日" in late.message


def test_unpaid_past_the_limit(policies, profile, plan):
    purchases = [
        buy("100", order_no="A", date=dt.date(2024, 3, 1)),  # 31 days on 2024-04-01
        buy("200", order_no="B", date=dt.date(2024, 3, 2)),  # exactly 30 days: not yet overdue
        buy("300", order_no="C", date=dt.date(2024, 2, 1), paid_on=dt.date(2024, 2, 5)),
    ]
    [finding] = of(run(policies, profile, plan, purchases, today=dt.date(2024, 4, 1)), "pay-on-time")
    assert finding.severity is Severity.WARNING and finding.message.startswith("1 笔") and "100.00" in finding.message
    [finding] = of(run(policies, profile, plan, purchases, today=dt.date(2024, 4, 2)), "pay-on-time")
    assert finding.message.startswith("2 笔") and "共 300.00 元" in finding.message


# --- deadlines -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "today, severity, text",
    [
        (dt.date(2024, 1, 1), Severity.INFO, "还有 50 天"),
        (dt.date(2024, 2, 6), Severity.WARNING, "还有 14 天"),
        (dt.date(2024, 2, 20), Severity.WARNING, "还有 0 天"),
        (dt.date(2024, 2, 21), Severity.ERROR, "逾期 1 天"),
    ],
)
def test_filing_deadline(policies, profile, plan, today, severity, text):
    [finding] = of(run(policies, profile, plan, today=today), "filing-deadline")
    assert finding.severity is severity and text in finding.message


def test_filed_plan_is_past_the_filing_deadline_rule(policies, profile, plan):
    filed = plan.with_(filing_status=FilingStatus.EXPORTED, filed_on=dt.date(2024, 2, 10))
    assert worst(run(policies, profile, filed, today=dt.date(2024, 3, 1)), "filing-deadline") is Severity.OK


def test_confirmation_deadline(policies, profile, plan):
    exported = plan.with_(filing_status=FilingStatus.EXPORTED)
    assert not of(run(policies, profile, exported, today=dt.date(2024, 2, 26)), "confirmation-deadline")
    assert worst(run(policies, profile, exported, today=dt.date(2024, 2, 27)), "confirmation-deadline") is Severity.WARNING
    confirmed = plan.with_(filing_status=FilingStatus.FINANCE_CONFIRMED)
    assert worst(run(policies, profile, confirmed, today=dt.date(2024, 3, 27)), "confirmation-deadline") is Severity.OK


def test_zhengzhou_deadlines_differ_from_henan(policies, profile):
    plan = AnnualPlan(2023).with_canteen_total(D("1000000")).with_reserve_amount(D("100000"))
    day = dt.date(2023, 4, 1)
    assert worst(run(policies, profile, plan, today=day, policy="zhengzhou-2023"), "filing-deadline") is Severity.ERROR
    assert worst(run(policies, profile, plan, today=day, policy="henan-2023"), "filing-deadline") is Severity.WARNING


# --- profile and policy year -----------------------------------------------------------------


def test_profile_checks_cite_the_standard_or_nothing(policies, profile, plan):
    bad = dataclasses.replace(profile, credit_code="91330100716105852E", phone="123", name="")
    f = {x.fields[0]: x for x in of(run(policies, bad, plan), "profile-complete")}
    assert set(f) == {"profile.credit_code", "profile.phone", "profile.name"}
    # the check character is GB 32100-2015's, not a notice's
    assert f["profile.credit_code"].severity is Severity.WARNING
    assert f["profile.credit_code"].citation.startswith("GB 32100-2015")
    # no notice states the contact data: hints without a citation
    assert f["profile.name"].severity is Severity.INFO and f["profile.name"].citation == HINT_CITATION
    assert f["profile.phone"].severity is Severity.WARNING and f["profile.phone"].citation == FORMAT_CHECK
    assert not any("一（一）" in x.citation for x in f.values())


def test_findings_are_sorted_worst_first(policies, profile, plan):
    f = run(policies, profile, plan.with_reserve_amount(D("1")), today=dt.date(2024, 3, 1))
    assert [x.severity for x in f] == sorted((x.severity for x in f), reverse=True)


def test_ten_thousand_purchases_tally_once(policies, profile, plan):
    purchases = [buy("1.00", order_no=str(i)) for i in range(10_000)]
    t = tally(purchases, policies["qinghai-2024"], 2024, dt.date(2024, 6, 1))
    f = evaluate(profile, plan, t, policies["qinghai-2024"], dt.date(2024, 6, 1))
    assert t.counted_total == D("10000.00") and of(f, "purchase-progress")


def test_the_policy_year_rule_is_kept_but_never_fires(policies, profile, plan):
    assert "policy-year" in RULES and not of(run(policies, profile, plan), "policy-year")


def test_a_rule_on_an_unchecked_notice_is_a_warning_at_most_and_says_so(policies, profile, plan):
    # the national 2024 file: 财办库〔2023〕252号 was not checked against its text
    low = plan.with_reserve_amount(D("1"))
    [finding] = of(run(policies, profile, low, policy="cn-2024"), "canteen-ratio")
    assert finding.severity is Severity.WARNING and finding.citation.endswith(UNCHECKED_MARK)
    [late] = of(run(policies, profile, plan, today=dt.date(2024, 3, 1), policy="cn-2024"), "filing-deadline")
    assert late.severity is Severity.WARNING and "逾期" in late.message


def test_the_policy_may_set_a_rules_severity(policies, profile, plan):
    policy = policies["qinghai-2024"]
    rule = dataclasses.replace(policy.rule("canteen-ratio"), severity=Severity.WARNING)
    softened = dataclasses.replace(policy, rules={**policy.rules, "canteen-ratio": rule})
    [finding] = of(evaluate(profile, plan.with_reserve_amount(D("1")), [], softened, dt.date(2024, 2, 1)), "canteen-ratio")
    assert finding.severity is Severity.WARNING
    # an OK stays OK
    [ok] = of(evaluate(profile, plan, [], softened, dt.date(2024, 2, 1)), "canteen-ratio")
    assert ok.severity is Severity.OK


# --- filing dates judged against the deadline ---------------------------------------------------


@pytest.mark.parametrize(
    "filed_on, severity, text",
    [
        (dt.date(2024, 2, 20), Severity.OK, "已于 2024-02-20 填报（截止日期 2024-02-20）"),
        (dt.date(2024, 2, 21), Severity.WARNING, "晚于截止日期 2024-02-20 1 天（逾期填报）"),
        (dt.date(2024, 3, 1), Severity.WARNING, "晚于截止日期 2024-02-20 10 天（逾期填报）"),
    ],
)
def test_a_filing_dated_after_the_deadline_is_late_by_so_many_days(policies, profile, plan, filed_on, severity, text):
    for status in (FilingStatus.EXPORTED, FilingStatus.SUPERVISOR_CONFIRMED, FilingStatus.FINANCE_CONFIRMED):
        filed = plan.with_(filing_status=status, filed_on=filed_on)
        [finding] = of(run(policies, profile, filed, today=dt.date(2024, 3, 5)), "filing-deadline")
        assert finding.severity is severity and text in finding.message


def test_a_filed_state_without_a_date_cannot_be_judged(policies, profile, plan):
    filed = plan.with_(filing_status=FilingStatus.EXPORTED, filed_on=None)
    [finding] = of(run(policies, profile, filed, today=dt.date(2024, 3, 5)), "filing-deadline")
    assert finding.severity is Severity.WARNING and "没有填报日期" in finding.message
    assert finding.fields == ("plan.filed_on",)
    future = plan.with_(filing_status=FilingStatus.EXPORTED, filed_on=dt.date(2024, 3, 6))
    assert "晚于今天" in of(run(policies, profile, future, today=dt.date(2024, 3, 5)), "filing-deadline")[0].message


def test_a_late_confirmation_says_by_how_much(policies, profile, plan):
    confirmed = plan.with_(filing_status=FilingStatus.FINANCE_CONFIRMED, filed_on=dt.date(2024, 2, 1),
                           finance_confirmed_on=dt.date(2024, 2, 28))
    [finding] = of(run(policies, profile, confirmed, today=dt.date(2024, 3, 5)), "confirmation-deadline")
    assert finding.severity is Severity.WARNING and "晚于截止日期 2024-02-26 2 天" in finding.message


def test_deadlines_by_level_under_zhengzhou(policies, profile):
    plan = AnnualPlan(2023).with_canteen_total(D("1000000")).with_reserve_amount(D("100000"))
    exported = plan.with_(filing_status=FilingStatus.EXPORTED, filed_on=dt.date(2023, 3, 1))
    county = dataclasses.replace(profile, level=Level.COUNTY)
    municipal = dataclasses.replace(profile, level=Level.MUNICIPAL)
    day = dt.date(2023, 3, 26)
    [c] = of(run(policies, county, exported, today=day, policy="zhengzhou-2023"), "confirmation-deadline")
    assert c.severity is Severity.WARNING and "2023-03-25" in c.message and c.citation.startswith("郑财购〔2023〕3号 一（二）")
    # municipal units: Zhengzhou names no date, Henan's 4月20日 stands (cited to Henan)
    assert not of(run(policies, municipal, exported, today=day, policy="zhengzhou-2023"), "confirmation-deadline")
    [m] = of(run(policies, municipal, exported, today=dt.date(2023, 4, 21), policy="zhengzhou-2023"), "confirmation-deadline")
    assert "2023-04-20" in m.message and m.citation.startswith("豫财购〔2023〕2号")


def test_a_provincial_henan_unit_is_confirmed_by_its_supervisor(policies, profile):
    plan = AnnualPlan(2023).with_canteen_total(D("1000000")).with_reserve_amount(D("100000"))
    unit = dataclasses.replace(profile, level=Level.PROVINCIAL, province="河南省", city="郑州市")
    exported = plan.with_(filing_status=FilingStatus.EXPORTED, filed_on=dt.date(2023, 4, 10))
    f = run(policies, unit, exported, today=dt.date(2023, 4, 21), policy="henan-2023")
    [s] = of(f, "supervisor-deadline")
    assert s.severity is Severity.WARNING and "主管预算单位确认截止日期 2023-04-20 已过" in s.message
    assert not of(f, "confirmation-deadline")
    assert worst(f, "filing-deadline") is Severity.OK  # filed on 4月10日, before 4月15日


# --- pace the policy names ---------------------------------------------------------------------


def _with_progress(policies, **params):
    policy = policies["qinghai-2024"]
    rule = policy.rule("purchase-progress")
    rule = dataclasses.replace(rule, params={**rule.params, **params})
    return dataclasses.replace(policy, rules={**policy.rules, "purchase-progress": rule})


def test_linear_pace_from_the_start_the_policy_names(policies, profile, plan):
    policy = _with_progress(policies, pace="linear", pace_start=dt.date(2024, 3, 1), finish_by=dt.date(2024, 10, 31))
    # target 165,000; nothing expected before the start
    [before] = of(evaluate(profile, plan, [buy("1.00")], policy, dt.date(2024, 2, 28)), "purchase-progress")
    assert before.severity is Severity.INFO
    # on the start day itself nobody is behind; a day later one fen short of the line is
    [start] = of(evaluate(profile, plan, [buy("1.00")], policy, dt.date(2024, 3, 1)), "purchase-progress")
    assert start.severity is Severity.INFO
    # 2024-07-01: 122 of 244 days = half: 82,500
    [behind] = of(evaluate(profile, plan, [buy("82499.99")], policy, dt.date(2024, 7, 1)), "purchase-progress")
    assert behind.severity is Severity.WARNING and "低于按时间均匀推进应达到的 50%" in behind.message
    [on_line] = of(evaluate(profile, plan, [buy("82500.00")], policy, dt.date(2024, 7, 1)), "purchase-progress")
    assert on_line.severity is Severity.INFO


def test_milestones(policies, profile, plan):
    policy = _with_progress(policies, pace="milestones", finish_by=dt.date(2024, 12, 31),
                            milestones=((dt.date(2024, 6, 30), D("50")),))
    # 50% of 165,000 = 82,500 by 30 June: judged from 1 July
    [day_of] = of(evaluate(profile, plan, [buy("1.00")], policy, dt.date(2024, 6, 30)), "purchase-progress")
    assert day_of.severity is Severity.INFO
    [missed] = of(evaluate(profile, plan, [buy("82499.99")], policy, dt.date(2024, 7, 1)), "purchase-progress")
    assert missed.severity is Severity.WARNING and "未达到 6月30日前完成 50% 的进度要求" in missed.message
    [met] = of(evaluate(profile, plan, [buy("82500.00")], policy, dt.date(2024, 7, 1)), "purchase-progress")
    assert met.severity is Severity.INFO


def test_a_share_is_rounded_down(policies, profile):
    plan = AnnualPlan(2023).with_canteen_total(D("1000000")).with_reserve_amount(D("100000")).with_(union_reserve=D("50000"))
    [finding] = of(run(policies, profile, plan, [buy("149999.99", date=dt.date(2023, 3, 1))], today=dt.date(2023, 7, 1),
                       policy="henan-2023"), "purchase-progress")
    assert "99.99%" in finding.message and "100%" not in finding.message


# --- smaller items -------------------------------------------------------------------------------


def test_a_typed_canteen_total_of_zero_is_not_reported_as_missing(policies, profile, plan):
    zero = plan.with_canteen_total(D("0"))
    [finding] = of(run(policies, profile, zero), "canteen-ratio")
    assert finding.severity is Severity.WARNING and "请填写" not in finding.message
    assert "填的是 0 元" in finding.message and finding.fields == ("plan.canteen_total",)
    [missing] = of(run(policies, profile, plan.with_canteen_total(None)), "canteen-ratio")
    assert missing.message == "请填写年度食堂食材采购总额"


def test_the_payment_rule_names_the_contract_term_and_the_date_it_counts_from(policies, profile, plan):
    [finding] = of(run(policies, profile, plan, [buy("100", order_no="A")], today=dt.date(2024, 4, 1)), "pay-on-time")
    assert "合同另有约定的，付款期限最长不超过 60 天" in finding.message and "1 笔没有收货日期，按下单日计算" in finding.message
    assert finding.citation.startswith("国务院令第728号 第八条") and finding.citation.endswith(UNCHECKED_MARK)


def test_the_payment_term_runs_from_delivery(policies, profile, plan):
    ordered = dt.date(2024, 3, 1)
    # delivered 2024-03-10: 30 days later (2024-04-09) is still in time, the day after is not
    late_delivery = buy("100", order_no="A", date=ordered, delivered_on=dt.date(2024, 3, 10))
    assert not of(run(policies, profile, plan, [late_delivery], today=dt.date(2024, 4, 9)), "pay-on-time")
    [finding] = of(run(policies, profile, plan, [late_delivery], today=dt.date(2024, 4, 10)), "pay-on-time")
    assert "自收货之日起超过 30 天" in finding.message and "按下单日计算" not in finding.message
    # beyond the longest contract term of 60 days
    [beyond] = of(run(policies, profile, plan, [late_delivery], today=dt.date(2024, 5, 10)), "pay-on-time")
    assert "其中 1 笔已超过合同另有约定时的最长期限 60 天" in beyond.message
    # the SQL tally and the Python one agree on the delivery date
    assert tally([late_delivery], policies["qinghai-2024"], 2024, dt.date(2024, 4, 10)).overdue[0].days == 31


def test_not_below_last_year_in_principle_is_a_warning(policies, profile, plan):
    policy = policies["qinghai-2024"]
    rule = dataclasses.replace(policy.rule("canteen-not-below-last-year"), params={"mode": "in-principle"})
    soft = dataclasses.replace(policy, rules={**policy.rules, "canteen-not-below-last-year": rule})
    [finding] = of(evaluate(profile, plan.with_(last_year_amount=D("160000")), [], soft, dt.date(2024, 2, 1)),
                   "canteen-not-below-last-year")
    assert finding.severity is Severity.WARNING and "原则上不低于上年度" in finding.message


def test_units_without_union_funds_under_a_notice_silent_on_them(policies, profile):
    # 2023: no word on 无独立工会经费 in either notice: no exemption cited to them, and no verdict
    plan = AnnualPlan(2023).with_canteen_total(D("1000000")).with_reserve_amount(D("100000"))
    unit = dataclasses.replace(profile, has_union_funds=False)
    [finding] = of(run(policies, unit, plan, today=dt.date(2023, 3, 1), policy="henan-2023"), "union-standard")
    assert finding.severity is Severity.INFO and "政策文件未提及" in finding.message
    assert "豫财购" not in finding.citation and "不作要求" not in finding.message


def test_a_per_employee_minimum(policies, profile, plan):
    # e.g. "不低于每人每年500元": 120 employees × 500 = 60,000
    policy = policies["qinghai-2024"]
    rule = dataclasses.replace(policy.rule("union-cap"), params={"per_employee_max": None, "per_employee_min": D("500")})
    floor = dataclasses.replace(policy, rules={**policy.rules, "union-cap": rule})
    [low] = of(evaluate(profile, plan.with_(union_reserve=D("59999.99")), [], floor, dt.date(2024, 2, 1)), "union-cap")
    assert low.severity is Severity.ERROR and "应不低于 60,000.00 元" in low.message
    assert not of(evaluate(profile, plan.with_(union_reserve=D("60000.00")), [], floor, dt.date(2024, 2, 1)), "union-cap")
    [ask] = of(evaluate(dataclasses.replace(profile, employees=None), plan, [], floor, dt.date(2024, 2, 1)), "union-cap")
    assert ask.message == "请填写职工人数，才能核对职工每人每年不低于 500.00 元的标准"


def test_a_deadline_on_a_public_holiday_is_said_so(policies, profile, plan):
    policy = policies["qinghai-2024"]
    rule = policy.rule("filing-deadline")
    rule = dataclasses.replace(rule, params={**rule.params, "holidays": (dt.date(2024, 2, 20),)})
    holiday = dataclasses.replace(policy, rules={**policy.rules, "filing-deadline": rule},
                                  own_rules={**policy.own_rules, "filing-deadline": rule})
    [finding] = of(evaluate(profile, plan, [], holiday, dt.date(2024, 2, 10)), "filing-deadline")
    assert "还有 10 天" in finding.message and "2024-02-20 为法定节假日，天数按日历日计算" in finding.message
    [plain] = of(run(policies, profile, plan, today=dt.date(2024, 2, 10)), "filing-deadline")
    assert "节假日" not in plain.message


# --- union: a share of union funds, not below last year's union reserve --------------------------


def _with_rule(policy, rule_id, **params):
    from desktop832.domain.policy import Rule

    base = policy.rule("union-standard")
    rule = Rule(rule_id, params, base.notice, "（测试）", (), None, policy.id)
    return dataclasses.replace(policy, rules={**policy.rules, rule_id: rule})


def test_a_share_of_union_funds_for_units_without_a_canteen(policies, profile, plan):
    # e.g. 博州: 无食堂 units reserve not less than 20% of union funds
    policy = _with_rule(policies["qinghai-2024"], "union-funds-share", funds_share=D("20"), canteen_modes=(CanteenMode.NONE,))
    none = dataclasses.replace(profile, canteen_mode=CanteenMode.NONE)
    funds = plan.with_(union_funds_total=D("100000.01"))  # 20% = 20,000.002 → 20,000.01
    [low] = of(evaluate(none, funds.with_(union_reserve=D("20000.00")), [], policy, dt.date(2024, 2, 1)), "union-funds-share")
    assert low.severity is Severity.ERROR and "应不低于工会年度经费总额 100,000.01 元的 20%（20,000.01 元），还差 0.01 元" in low.message
    [met] = of(evaluate(none, funds.with_(union_reserve=D("20000.01")), [], policy, dt.date(2024, 2, 1)), "union-funds-share")
    assert met.severity is Severity.OK
    [ask] = of(evaluate(none, plan, [], policy, dt.date(2024, 2, 1)), "union-funds-share")
    assert ask.severity is Severity.ERROR and ask.fields == ("plan.union_funds_total",)
    # a unit with its own canteen is not asked
    assert not of(evaluate(profile, plan, [], policy, dt.date(2024, 2, 1)), "union-funds-share")


@pytest.mark.parametrize(
    "mode, explanation, severity",
    [("hard", "", Severity.ERROR), ("in-principle", "", Severity.WARNING), ("explain", "", Severity.ERROR),
     ("explain", "会员减少", Severity.INFO)],
)
def test_union_reserve_not_below_last_year(policies, profile, plan, mode, explanation, severity):
    policy = _with_rule(policies["qinghai-2024"], "union-not-below-last-year", mode=mode)
    # this year's union reserve is 15,000.00
    drop = plan.with_(last_year_union_reserve=D("15000.01"), drop_explanation=explanation)
    [finding] = of(evaluate(profile, drop, [], policy, dt.date(2024, 2, 1)), "union-not-below-last-year")
    assert finding.severity is severity and "由上年度 15,000.01 元降至 15,000.00 元" in finding.message
    same = plan.with_(last_year_union_reserve=D("15000.00"))
    [ok] = of(evaluate(profile, same, [], policy, dt.date(2024, 2, 1)), "union-not-below-last-year")
    assert ok.severity is Severity.OK
    [unknown] = of(evaluate(profile, plan, [], policy, dt.date(2024, 2, 1)), "union-not-below-last-year")
    assert unknown.severity is Severity.INFO and unknown.fields == ("plan.last_year_union_reserve",)


def test_last_years_union_reserve_comes_from_last_years_plan():
    from desktop832.domain.model import plan_for_year

    last = AnnualPlan(2024).with_(union_reserve=D("12000"))
    typed = AnnualPlan(2025).with_(last_year_union_reserve=D("1"))
    assert plan_for_year(2025, typed, last).last_year_union_reserve == D("12000")
    assert plan_for_year(2025, None, last).last_year_union_reserve == D("12000")
    # the first year in the file keeps what the clerk typed
    assert plan_for_year(2025, typed, None).last_year_union_reserve == D("1")
    assert plan_for_year(2025, typed, AnnualPlan(2024)).last_year_union_reserve == D("1")


def test_the_state_of_a_filing_and_its_dates_are_judged_together(policies, profile, plan):
    # a draft carrying a filing date: judged as a draft (overdue), and the contradiction is named
    draft = plan.with_(filing_status=FilingStatus.DRAFT, filed_on=dt.date(2024, 2, 10))
    found = of(run(policies, profile, draft, today=dt.date(2024, 3, 5)), "filing-deadline")
    assert {f.severity for f in found} == {Severity.ERROR, Severity.WARNING}
    assert any("状态为“草稿”，但填有填报日期 2024-02-10" in f.message for f in found)
    assert not any("草稿" in f.message for f in of(run(policies, profile, plan, today=dt.date(2024, 3, 5)), "filing-deadline"))
    # a confirmation dated before the filing it confirms
    early = plan.with_(filing_status=FilingStatus.FINANCE_CONFIRMED, filed_on=dt.date(2024, 2, 10),
                       finance_confirmed_on=dt.date(2024, 2, 9))
    [finding] = of(run(policies, profile, early, today=dt.date(2024, 3, 5)), "confirmation-deadline")
    assert finding.severity is Severity.WARNING and "早于填报日期 2024-02-10" in finding.message
    same_day = early.with_(finance_confirmed_on=dt.date(2024, 2, 10))
    assert worst(run(policies, profile, same_day, today=dt.date(2024, 3, 5)), "confirmation-deadline") is Severity.OK
