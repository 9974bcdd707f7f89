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
from desktop832.domain.rules import evaluate


def run(policies, profile, plan, purchases=(), today=dt.date(2024, 2, 1), policy="cn-2024"):
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
    assert finding.citation.startswith("财办库〔2023〕252号")
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
    assert finding.citation.startswith("财办库〔2023〕252号")
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
    assert worst(f, "canteen-shared") is Severity.ERROR  # but must name the representative
    named = dataclasses.replace(shared, representative_name="代表单位", representative_code="914403001922038216")
    assert worst(run(policies, named, plan), "canteen-shared") is Severity.OK
    bad_code = dataclasses.replace(named, representative_code="914403001922038217")
    assert "校验位" in of(run(policies, bad_code, plan), "canteen-shared")[0].message


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
    f = run(policies, out, plan23, policy="henan-2023", today=dt.date(2023, 3, 1))
    assert worst(f, "canteen-outsourced") is Severity.OK


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
    assert worst(f, "union-standard") is Severity.ERROR and "30,000.00" in of(f, "union-standard")[0].message
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
    # without the number of employees there is nothing to divide by
    assert not of(run(policies, dataclasses.replace(profile, employees=None), plan, at_cap + [buy("1.00", purpose=Purpose.UNION)],
                      today=dt.date(2024, 6, 1)), "union-cap")


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
    t = tally(purchases, policies["cn-2024"], 2024, dt.date(2024, 6, 1))
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
        "本年度有 140.00 元采购不计入年度采购总额：已退款，不计入 40.00 元；用途“所属国有企业”按政策不计入 50.00 元；"
        "订单未完结，不计入 20.00 元；非832平台采购，不计入 30.00 元"
    )
    assert finding.citation.startswith("财办库〔2023〕252号")


def test_what_counts_is_silent_when_everything_counts(policies, profile, plan):
    everything = [buy("100.00"), buy("50.00", purpose=Purpose.UNION), buy("999.00", date=dt.date(2023, 12, 31), state=OrderState.OPEN)]
    assert not of(run(policies, profile, plan, everything, today=dt.date(2024, 6, 1)), "what-counts")
    # under 2023 Henan the orders of state-owned enterprises under the unit count
    henan_plan = dataclasses.replace(plan, year=2023)
    state = [buy("50.00", date=dt.date(2023, 3, 1), purpose=Purpose.STATE_ENTERPRISE)]
    assert not of(run(policies, profile, henan_plan, state, today=dt.date(2023, 6, 1), policy="henan-2023"), "what-counts")


def test_performance_evaluation(policies, profile, plan):
    def evaluation(purchases):
        return of(run(policies, profile, plan, purchases, today=dt.date(2024, 6, 1)), "performance-evaluation")

    assert not evaluation([])
    assert not evaluation([buy("100.00", evaluated=True)])
    # only completed platform orders are due for evaluation
    not_due = [
        buy("10.00", state=OrderState.OPEN), buy("20.00", state=OrderState.REFUNDED), buy("30.00", channel=Channel.OTHER),
        buy("40.00", date=dt.date(2023, 12, 31)),
    ]
    assert not evaluation(not_due + [buy("100.00", evaluated=True)])
    [finding] = evaluation(not_due + [buy("100.00", evaluated=True), buy("200.00")])
    assert finding.severity is Severity.INFO and finding.fields == ("purchases",)
    assert finding.message == "1 笔已完结订单尚未在“832平台”进行履约评价"
    [finding] = evaluation([buy("200.00"), buy("300.00", purpose=Purpose.UNION), buy("1.00", evaluated=True)])
    assert finding.message == "2 笔已完结订单尚未在“832平台”进行履约评价"
    # the 2023 Henan policy does not switch the rule on
    henan = run(policies, profile, dataclasses.replace(plan, year=2023), [buy("200.00", date=dt.date(2023, 3, 1))],
                today=dt.date(2023, 6, 1), policy="henan-2023")
    assert not of(henan, "performance-evaluation")


def test_progress_and_pace(policies, profile, plan):
    # target 150,000 + 15,000 = 165,000; on 2024-07-01 with 10,000 bought: behind
    f = run(policies, profile, plan, [buy("10000")], today=dt.date(2024, 7, 1))
    [finding] = of(f, "purchase-progress")
    assert finding.severity is Severity.WARNING and "进度落后" in finding.message
    # 155,000 left over 4 months (Jul–Oct) = 38,750 a month
    assert "38,750.00" in finding.message
    done = run(policies, profile, plan, [buy("165000")], today=dt.date(2024, 7, 1))
    assert worst(done, "purchase-progress") is Severity.OK
    late = run(policies, profile, plan, [buy("10000")], today=dt.date(2024, 11, 1))
    assert "已过" in of(late, "purchase-progress")[0].message


def test_unpaid_past_the_limit(policies, profile, plan):
    purchases = [
        buy("100", order_no="A", date=dt.date(2024, 3, 1)),  # 31 days on 2024-04-01
        buy("200", order_no="B", date=dt.date(2024, 3, 2)),  # exactly 30 days: not yet overdue
        buy("300", order_no="C", date=dt.date(2024, 2, 1), paid_on=dt.date(2024, 2, 5)),
    ]
    [finding] = of(run(policies, profile, plan, purchases, today=dt.date(2024, 4, 1)), "pay-on-time")
    assert finding.severity is Severity.WARNING and finding.message.startswith("1 笔") and "100.00" in finding.message


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


def test_profile_errors_cite_and_name_fields(policies, profile, plan):
    bad = dataclasses.replace(profile, credit_code="91330100716105852E", phone="123", name="")
    f = of(run(policies, bad, plan), "profile-complete")
    fields = {x.fields[0] for x in f}
    assert fields == {"profile.credit_code", "profile.phone", "profile.name"}
    assert all(x.severity is Severity.ERROR and x.citation for x in f)


def test_policy_of_another_year_is_flagged(policies, profile, plan):
    f = run(policies, profile, dataclasses.replace(plan, year=2025), today=dt.date(2025, 1, 5))
    assert worst(f, "policy-year") is Severity.WARNING


def test_findings_are_sorted_worst_first(policies, profile, plan):
    f = run(policies, profile, plan.with_reserve_amount(D("1")), today=dt.date(2024, 3, 1))
    assert [x.severity for x in f] == sorted((x.severity for x in f), reverse=True)


def test_ten_thousand_purchases_tally_once(policies, profile, plan):
    purchases = [buy("1.00", order_no=str(i)) for i in range(10_000)]
    t = tally(purchases, policies["cn-2024"], 2024, dt.date(2024, 6, 1))
    f = evaluate(profile, plan, t, policies["cn-2024"], dt.date(2024, 6, 1))
    assert t.counted_total == D("10000.00") and of(f, "purchase-progress")


def test_another_years_policy_does_not_set_this_years_deadlines(policies, profile, plan):
    later = dataclasses.replace(plan, year=2026)
    f = run(policies, profile, later, [buy("10000", date=dt.date(2026, 3, 1))], today=dt.date(2026, 11, 23))
    [filing] = of(f, "filing-deadline")
    assert filing.severity is Severity.INFO and "以该年度的政策文件为准" in filing.message
    assert not of(f, "confirmation-deadline")
    # the customary finishing day is kept, in this year: 2026-10-31 has passed
    assert "已过 10月31日" in of(f, "purchase-progress")[0].message
    assert worst(f, "policy-year") is Severity.WARNING
