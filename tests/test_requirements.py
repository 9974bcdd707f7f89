"""What the policy asks of the unit, computed once for the rules, the overview and the forms."""

import dataclasses
import datetime as dt
from decimal import Decimal as D

import pytest

from desktop832.domain.findings import Severity
from desktop832.domain.model import AnnualPlan, CanteenMode
from desktop832.domain.requirements import (
    CanteenMinimum, DeadlineStatus, UnionMinimum, canteen_minimum, canteen_reserve_applies, deadline_status,
    reserve_target, union_exempt, union_unstated, union_minimum,
)
from desktop832.domain.rules import evaluate


def with_rule(policy, rule_id, **params):
    """The policy with one rule's parameters changed."""
    rule = policy.rules[rule_id]
    return dataclasses.replace(policy, rules={**policy.rules, rule_id: dataclasses.replace(rule, params={**rule.params, **params})})


def without_rule(policy, rule_id):
    return dataclasses.replace(policy, rules={k: v for k, v in policy.rules.items() if k != rule_id})


def findings_of(policies, profile, plan, rule_id, policy="qinghai-2024", today=dt.date(2024, 2, 1)):
    return [f for f in evaluate(profile, plan, [], policies[policy], today) if f.rule_id == rule_id]


# --- canteen ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mode, representative, applies",
    [
        (CanteenMode.OWN, False, True),
        (CanteenMode.OUTSOURCED, False, True),
        (CanteenMode.SHARED, True, True),
        (CanteenMode.SHARED, False, False),
        (CanteenMode.NONE, False, False),
        (CanteenMode.NONE, True, False),
    ],
)
def test_who_reserves_a_canteen_share(profile, mode, representative, applies):
    unit = dataclasses.replace(profile, canteen_mode=mode, is_representative=representative)
    assert canteen_reserve_applies(unit) is applies


def test_canteen_minimum_is_the_floor_of_the_total(policies, profile, plan):
    # 15% of 1,000,000.00
    assert canteen_minimum(profile, plan, policies["qinghai-2024"]) == CanteenMinimum(D("15"), D("150000.00"))
    # 10% under the 2023 Henan policy
    assert canteen_minimum(profile, plan, policies["henan-2023"]).amount == D("100000.00")


def test_canteen_minimum_is_rounded_up_to_the_fen(policies, profile, plan):
    # 15% of 1,000,000.01 = 150,000.0015 → 150,000.01; of 1,000,000.06 = 150,000.009 → 150,000.01
    odd = plan.with_canteen_total(D("1000000.01"))
    assert canteen_minimum(profile, odd, policies["qinghai-2024"]).amount == D("150000.01")
    assert canteen_minimum(profile, plan.with_canteen_total(D("1000000.06")), policies["qinghai-2024"]).amount == D("150000.01")
    # the rule engine judges against the very same figure
    [finding] = findings_of(policies, profile, odd.with_reserve_amount(D("150000.00")), "canteen-ratio")
    assert finding.severity is Severity.ERROR and "应不低于 150,000.01 元，还差 0.01 元" in finding.message


@pytest.mark.parametrize(
    "mode, representative",
    [(CanteenMode.NONE, False), (CanteenMode.SHARED, False)],
)
def test_no_canteen_minimum_where_the_unit_reserves_no_canteen_share(policies, profile, plan, mode, representative):
    unit = dataclasses.replace(profile, canteen_mode=mode, is_representative=representative)
    assert canteen_minimum(unit, plan, policies["qinghai-2024"]) is None
    assert not findings_of(policies, unit, plan.with_reserve_amount(D("1")), "canteen-ratio")


def test_shared_representative_and_outsourced_have_the_minimum(policies, profile, plan):
    for unit in (
        dataclasses.replace(profile, canteen_mode=CanteenMode.SHARED, is_representative=True),
        dataclasses.replace(profile, canteen_mode=CanteenMode.OUTSOURCED),
    ):
        assert canteen_minimum(unit, plan, policies["qinghai-2024"]).amount == D("150000.00")


def test_no_canteen_minimum_without_a_total_or_a_rule(policies, profile, plan):
    assert canteen_minimum(profile, AnnualPlan(2024), policies["qinghai-2024"]) is None
    # a typed total of zero is not a missing one: its minimum is zero (the rule asks to check it)
    assert canteen_minimum(profile, plan.with_canteen_total(D("0")), policies["qinghai-2024"]).amount == D("0.00")
    assert canteen_minimum(profile, plan, None) is None
    assert canteen_minimum(profile, plan, without_rule(policies["qinghai-2024"], "canteen-ratio")) is None
    # the rule still says what is missing where the unit must reserve
    [finding] = findings_of(policies, profile, AnnualPlan(2024), "canteen-ratio")
    assert finding.message == "请填写年度食堂食材采购总额"


def test_encouraged_ratio_has_its_own_amount(policies, profile, plan):
    policy = with_rule(policies["qinghai-2024"], "canteen-ratio", encouraged_ratio=D("20"))
    odd = plan.with_canteen_total(D("1000000.01"))
    # 20% of 1,000,000.01 = 200,000.002 → 200,000.01
    assert canteen_minimum(profile, odd, policy) == CanteenMinimum(D("15"), D("150000.01"), D("20"), D("200000.01"))
    below = evaluate(profile, odd.with_reserve_amount(D("200000.00")), [], policy, dt.date(2024, 2, 1))
    [finding] = [f for f in below if f.rule_id == "canteen-ratio"]
    assert finding.severity is Severity.INFO and "政策鼓励达到 20%" in finding.message
    met = evaluate(profile, odd.with_reserve_amount(D("200000.01")), [], policy, dt.date(2024, 2, 1))
    assert [f.severity for f in met if f.rule_id == "canteen-ratio"] == [Severity.OK]


def test_reserve_target_leaves_out_a_canteen_share_the_unit_does_not_reserve(profile, plan):
    # plan: canteen reserve 150,000.00, union reserve 15,000.00
    assert reserve_target(profile, plan) == D("165000.00")
    assert reserve_target(dataclasses.replace(profile, canteen_mode=CanteenMode.NONE), plan) == D("15000.00")
    assert reserve_target(profile, AnnualPlan(2024)) == D("0.00")


# --- union -----------------------------------------------------------------------------------

SHARE_STANDARD = "不低于工会年度农副产品采购总额的 15%"
PER_MEMBER_STANDARD = "会员每人每年不低于 300.00 元，或年度福利总额的 15%"


def test_union_minimum_share_of_union_purchases(policies, profile, plan):
    # 15% of 100,000.00
    assert union_minimum(profile, plan, policies["qinghai-2024"]) == UnionMinimum(
        "share-of-union-purchases", D("15000.00"), "工会年度采购农副产品总额 100,000.00 元的 15%", SHARE_STANDARD
    )
    # 15% of 100,000.01 = 15,000.0015 → 15,000.01
    odd = plan.with_(union_farm_total=D("100000.01"))
    assert union_minimum(profile, odd, policies["qinghai-2024"]).amount == D("15000.01")
    [finding] = findings_of(policies, profile, odd.with_(union_reserve=D("15000.00")), "union-standard")
    assert finding.severity is Severity.ERROR and "应不低于 15,000.01 元，还差 0.01 元" in finding.message


def test_union_minimum_waits_for_the_figures(policies, profile, plan):
    missing = union_minimum(profile, plan.with_(union_farm_total=None), policies["qinghai-2024"])
    assert missing == UnionMinimum("share-of-union-purchases", None, "", SHARE_STANDARD)
    unit = dataclasses.replace(profile, union_members=None)
    assert union_minimum(unit, plan, policies["henan-2023"]) == UnionMinimum("per-member-or-welfare-share", None, "", PER_MEMBER_STANDARD)
    assert union_minimum(dataclasses.replace(profile, union_members=0), plan, policies["henan-2023"]).amount is None


def test_union_minimum_per_member_or_welfare_takes_the_lower(policies, profile, plan):
    henan = policies["henan-2023"]
    # 100 members × 300.00 = 30,000.00
    assert union_minimum(profile, plan, henan) == UnionMinimum(
        "per-member-or-welfare-share", D("30000.00"), "会员 100 人 × 300.00 元", PER_MEMBER_STANDARD
    )
    # 15% of a 100,000.00 welfare total = 15,000.00 < 30,000.00
    both = union_minimum(profile, plan.with_(welfare_total=D("100000")), henan)
    assert both.amount == D("15000.00")
    assert both.basis == "年度福利总额 100,000.00 元的 15%（两项标准满足其一即可）"
    # 15% of 300,000.00 = 45,000.00 > 30,000.00: the per-member standard is the lower one
    assert union_minimum(profile, plan.with_(welfare_total=D("300000")), henan).amount == D("30000.00")


def test_no_union_minimum_for_an_exempt_unit(policies, profile, plan):
    no_funds = dataclasses.replace(profile, has_union_funds=False)
    assert union_exempt(no_funds, policies["qinghai-2024"]) and union_minimum(no_funds, plan, policies["qinghai-2024"]) is None
    assert not union_exempt(profile, policies["qinghai-2024"])
    # a policy whose notice says nothing of units without union funds neither exempts them nor
    # computes a minimum for them: no verdict the notice does not support
    silent = with_rule(policies["qinghai-2024"], "union-standard", no_funds_exempt=False)
    assert not union_exempt(no_funds, silent) and union_unstated(no_funds, silent)
    assert union_minimum(no_funds, plan, silent) is None
    assert union_minimum(profile, plan, silent).amount == D("15000.00")
    assert union_minimum(profile, plan, None) is None
    assert union_minimum(profile, plan, without_rule(policies["qinghai-2024"], "union-standard")) is None


# --- deadlines -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "today, days, overdue, text",
    [
        (dt.date(2024, 2, 19), 1, False, "还有 1 天"),
        (dt.date(2024, 2, 20), 0, False, "还有 0 天"),  # the deadline day is still in time
        (dt.date(2024, 2, 21), -1, True, "已逾期 1 天"),
        (dt.date(2024, 3, 1), -10, True, "已逾期 10 天"),
    ],
)
def test_deadline_status(today, days, overdue, text):
    status = deadline_status(dt.date(2024, 2, 20), today)
    assert status == DeadlineStatus(dt.date(2024, 2, 20), days)
    assert status.overdue is overdue and status.text == text


def test_no_deadline_no_status():
    assert deadline_status(None, dt.date(2024, 2, 21)) is None


def test_filing_deadline_rule_words_it_the_same_way(policies, profile, plan):
    [late] = findings_of(policies, profile, plan, "filing-deadline", today=dt.date(2024, 2, 21))
    assert late.message == "已超过填报截止日期 2024-02-20（已逾期 1 天），请尽快填报"
    [due] = findings_of(policies, profile, plan, "filing-deadline", today=dt.date(2024, 2, 20))
    assert due.message == "距填报截止日期 2024-02-20 还有 0 天"


@pytest.mark.parametrize(
    "mode, members, welfare, amount",
    [
        ("per-member", 100, "100000", "30000.00"),  # 100 × 300, the welfare total is not a standard here
        ("per-member", None, "100000", None),
        ("welfare-share", 100, "100000", "15000.00"),  # 15% of 100,000
        ("welfare-share", 100, None, None),
        ("per-member-or-welfare-share", 100, "100000", "15000.00"),  # either: the lower
        ("per-member-and-welfare-share", 100, "100000", "30000.00"),  # both: the higher
        ("per-member-and-welfare-share", 100, None, None),  # both needed: one figure is not enough
    ],
)
def test_union_standard_modes(policies, profile, plan, mode, members, welfare, amount):
    policy = with_rule(policies["henan-2023"], "union-standard", mode=mode)
    unit = dataclasses.replace(profile, union_members=members)
    year = plan.with_(welfare_total=None if welfare is None else D(welfare))
    found = union_minimum(unit, year, policy)
    assert (found.amount if found else None) == (None if amount is None else D(amount))
