"""The 概览 figures: the filing line and the target, from the same domain values as the rules."""

import dataclasses
import datetime as dt
from decimal import Decimal as D

import pytest

from desktop832.domain.counting import tally
from desktop832.domain.findings import Severity
from desktop832.domain.model import CanteenMode, FilingStatus
from desktop832.domain.overview import overview
from desktop832.domain.rules import evaluate


def view(policies, profile, plan, today, policy="qinghai-2024"):
    p = policies[policy]
    t = tally([], p, plan.year, today)
    return overview(profile, plan, p, evaluate(profile, plan, t, p, today), t, today)


@pytest.mark.parametrize(
    "today, text, severity",
    [
        (dt.date(2024, 2, 6), "草稿 · 填报截止 2024-02-20（还有 14 天）", Severity.WARNING),
        (dt.date(2024, 2, 20), "草稿 · 填报截止 2024-02-20（还有 0 天）", Severity.WARNING),
        (dt.date(2024, 2, 21), "草稿 · 填报截止 2024-02-20（已逾期 1 天）", Severity.ERROR),
    ],
)
def test_filing_line_counts_the_days_like_the_rule(policies, profile, plan, today, text, severity):
    filing = view(policies, profile, plan, today).filing
    assert filing == type(filing)(severity, text)


def test_filed_plan_shows_its_status(policies, profile, plan):
    filed = plan.with_(filing_status=FilingStatus.EXPORTED, filed_on=dt.date(2024, 2, 10))
    filing = view(policies, profile, filed, dt.date(2024, 2, 21)).filing
    assert filing.text == "已导出待确认（2024-02-10 填报）" and filing.severity is Severity.OK


def test_target_leaves_out_the_canteen_share_of_a_unit_without_a_canteen(policies, profile, plan):
    # canteen reserve 150,000.00 + union reserve 15,000.00
    assert view(policies, profile, plan, dt.date(2024, 2, 1)).target == D("165000.00")
    none = dataclasses.replace(profile, canteen_mode=CanteenMode.NONE)
    assert view(policies, none, plan.with_reserve_amount(D("1")), dt.date(2024, 2, 1)).target == D("15000.00")


# --- the union figures beside their standards -----------------------------------------------------


def _union_policy(policies, **params):
    policy = policies["henan-2023"]
    rule = policy.rule("union-standard")
    rule = dataclasses.replace(rule, params={**rule.params, **params})
    return dataclasses.replace(policy, rules={**policy.rules, "union-standard": rule})


def _figures(profile, plan, policy):
    from desktop832.domain.overview import union_figures

    return {f.label: f for f in union_figures(profile, plan, policy)}


def test_a_union_figure_below_its_minimum_never_reads_as_the_minimum(policies, profile):
    # 2,999.99 for 10 members = 299.999 each: shown 299.99 beside "不低于 300.00 元", not 300.00
    from desktop832.domain.model import AnnualPlan

    members = dataclasses.replace(profile, union_members=10, employees=None)
    plan = AnnualPlan(2023).with_(union_reserve=D("2999.99"), welfare_total=D("20000.01"))
    policy = _union_policy(policies, mode="per-member")
    member = _figures(members, plan, policy)["人均（每名会员）"]
    assert member.value == "299.99 元" and member.standard == "不低于 300.00 元" and member.met is False
    # 2,999.99 of 20,000.01 is 14.99995%: 14.99%, never 15% beside "不低于 15%"
    welfare = _figures(members, plan, _union_policy(policies, mode="welfare-share"))["占年度福利总额"]
    assert welfare.value == "14.99%" and welfare.standard == "不低于 15%" and welfare.met is False


@pytest.mark.parametrize(
    "mode, member_standard, welfare_standard, member_met, welfare_met",
    [
        ("per-member", "不低于 300.00 元", "—", False, None),
        ("welfare-share", "—", "不低于 15%", None, True),
        ("per-member-or-welfare-share", "不低于 300.00 元（与福利占比满足其一）", "不低于 15%（与人均满足其一）", True, True),
        ("per-member-and-welfare-share", "不低于 300.00 元（与福利占比都要达到）", "不低于 15%（与人均都要达到）", False, True),
    ],
)
def test_every_union_mode_shows_its_standard(policies, profile, mode, member_standard, welfare_standard, member_met, welfare_met):
    from desktop832.domain.model import AnnualPlan

    # 100 members: 29,999.99 is below 300 each; it is 15% of 199,999.93
    plan = AnnualPlan(2023).with_(union_reserve=D("29999.99"), welfare_total=D("199999.93"))
    figures = _figures(profile, plan, _union_policy(policies, mode=mode))
    member, welfare = figures["人均（每名会员）"], figures["占年度福利总额"]
    assert (member.standard, welfare.standard) == (member_standard, welfare_standard)
    assert (member.met, welfare.met) == (member_met, welfare_met)


def test_the_per_employee_figure_is_rounded_up_against_a_cap(policies, profile, plan):
    # 60,000.01 for 120 employees = 500.0000083 each: over the 500-yuan cap, shown 500.01
    figure = _figures(profile, plan.with_(union_reserve=D("60000.01")), policies["qinghai-2024"])["人均（每名职工）"]
    assert figure.value == "500.01 元" and figure.standard == "不超过 500.00 元" and figure.met is False
    at_cap = _figures(profile, plan.with_(union_reserve=D("60000.00")), policies["qinghai-2024"])["人均（每名职工）"]
    assert at_cap.value == "500.00 元" and at_cap.met is True


def test_no_union_mark_where_the_notice_is_silent_on_units_without_union_funds(policies, profile):
    from desktop832.domain.model import AnnualPlan

    unit = dataclasses.replace(profile, has_union_funds=False)
    plan = AnnualPlan(2023).with_(union_reserve=D("1"), welfare_total=D("100"))
    figures = _figures(unit, plan, policies["henan-2023"])
    assert {f.met for f in figures.values()} == {None}
