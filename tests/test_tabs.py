"""The 预留份额 and 工会预算 tabs show the domain's figures and words, nothing computed of their own."""

import dataclasses
import datetime as dt
from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from desktop832.domain.model import CanteenMode, Level
from desktop832.domain.policy import select
from desktop832.domain.rules import evaluate
from desktop832.ui.tabs.quota import QuotaTab
from desktop832.ui.tabs.union import UnionTab


def document(policy, profile, plan, today=dt.date(2024, 2, 1), last_year_planned=False):
    selection = select([policy] if policy else [], plan.year, profile, policy.id if policy else "")
    return SimpleNamespace(
        profile=profile, plan=plan, policy=policy, last_year_planned=last_year_planned, selection=selection,
        workspace=SimpleNamespace(today=today, filing_events=lambda year: [],
                                  store=SimpleNamespace(readonly=False, filing_attachments=lambda year: [])),
        findings=evaluate(profile, plan, [], policy, today) if policy else [],
        undo_stack=None, attachments_changed=lambda: None,  # the filing's attachments (none here)
    )


@pytest.fixture
def quota(qtbot):
    tab = QuotaTab()
    qtbot.addWidget(tab)
    return tab


@pytest.fixture
def union(qtbot):
    tab = UnionTab()
    qtbot.addWidget(tab)
    return tab


def test_canteen_minimum_shown_only_where_the_unit_reserves_one(quota, policies, profile, plan):
    odd = plan.with_canteen_total(D("1000000.01"))  # 15% = 150,000.0015 → 150,000.01
    quota.refresh(document(policies["qinghai-2024"], profile, odd))
    assert quota.minimum_label.text() == "按政策（15%）应不低于 150,000.01 元"
    for mode, representative in ((CanteenMode.NONE, False), (CanteenMode.SHARED, False)):
        unit = dataclasses.replace(profile, canteen_mode=mode, is_representative=representative)
        quota.refresh(document(policies["qinghai-2024"], unit, odd))
        assert quota.minimum_label.text() == ""


def test_deadlines_use_the_overview_wording(quota, policies, profile, plan):
    quota.refresh(document(policies["qinghai-2024"], profile, plan, today=dt.date(2024, 2, 21)))
    assert quota.deadline_label.text() == "2024-02-20（已逾期 1 天）"
    assert quota.confirmation_deadline_label.text() == "2024-02-26（还有 5 天）"
    quota.refresh(document(None, profile, plan))
    assert quota.deadline_label.text() == quota.confirmation_deadline_label.text() == "—（本年度没有政策文件）"
    assert quota.minimum_label.text() == ""
    assert "2024 年度没有适用于本单位的政策文件" in quota.policy_description_label.text()
    # a policy that sets no confirmation date says so, and shows none of another layer's or year's
    quota.refresh(document(policies["cn-2024"], profile, plan, today=dt.date(2024, 2, 21)))
    assert quota.deadline_label.text() == "2024-02-20（已逾期 1 天）"
    assert quota.confirmation_deadline_label.text() == "—（政策未规定）"
    assert "未核对原文：财办库〔2023〕252号" in quota.policy_description_label.text()
    # a provincial Henan unit: its supervising department confirms by 4月20日 (豫财购〔2023〕2号)
    henan_unit = dataclasses.replace(profile, level=Level.PROVINCIAL, province="河南省", city="郑州市")
    quota.refresh(document(policies["henan-2023"], henan_unit, dataclasses.replace(plan, year=2023), today=dt.date(2023, 4, 1)))
    assert quota.deadline_label.text() == "2023-04-15（还有 14 天）"
    assert quota.confirmation_deadline_label.text() == "2023-04-20（还有 19 天）（主管预算单位确认）"


def test_union_minimum_text(union, policies, profile, plan):
    odd = plan.with_(union_farm_total=D("100000.01"))  # 15% = 15,000.0015 → 15,000.01
    union.refresh(document(policies["qinghai-2024"], profile, odd))
    assert union.union_minimum_label.text() == "按政策应不低于 15,000.01 元"
    union.refresh(document(policies["qinghai-2024"], profile, plan.with_(union_farm_total=None)))
    assert union.union_minimum_label.text() == "按政策应不低于工会年度农副产品采购总额的 15%"
    union.refresh(document(policies["henan-2023"], profile, plan.with_(year=2023)))
    assert union.union_minimum_label.text() == "按政策：会员每人每年不低于 300.00 元，或年度福利总额的 15%"
    union.refresh(document(policies["qinghai-2024"], dataclasses.replace(profile, has_union_funds=False), plan))
    assert union.union_minimum_label.text() == ""
