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
