"""A year with no policy of its own, and the documentation of the format.

Today is late 2026: every clerk prepares a year whose notice is not shipped. Nothing of another year
may show as if it applied: not in the window, the overview, the export, the letter or ``check``.
"""

import dataclasses
import datetime as dt
import json
import re
from decimal import Decimal as D

import pytest
from PySide6.QtCore import Qt

from desktop832.cli import main
from desktop832.domain.findings import Severity
from desktop832.domain.model import AnnualPlan, CanteenMode, Level
from desktop832.domain.policy import RULE_PARAMS
from desktop832.domain.policy_files import _NOTICE_KEYS, _RULE_META_KEYS, _TOP_KEYS
from desktop832.app.exporting import check_export
from desktop832.documents.export_data import ExportError
from desktop832.documents.letter import build_draft, check_letter
from desktop832.app.policy_docs import render
from desktop832.store.database import Store
from desktop832.app.workspace import Workspace

from .conftest import ROOT

TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def unit_2026(tmp_path, profile):
    """A unit with its 2025 plan filed and a 2026 plan in progress, and purchases in 2026."""
    path = tmp_path / "unit.sqlite"
    with Store.open(path) as store:
        store.save_profile(profile)
        store.save_plan(AnnualPlan(2025).with_canteen_total(D("1000000")).with_reserve_amount(D("150000")))
        store.save_plan(AnnualPlan(2026).with_canteen_total(D("1000000")).with_reserve_amount(D("1")))
    return path


@pytest.mark.parametrize("year", [2026, 2027])
def test_check_says_there_is_no_policy_and_exits_1(unit_2026, capsys, year):
    code = main(["--db", str(unit_2026), "check", "--year", str(year), "--today", TODAY.isoformat()])
    out = capsys.readouterr().out
    assert code == 1
    assert f"政策：无（本年度没有适用的政策文件）" in out
    assert f"没有适用于 {year} 年度、青海省西宁市市级单位的政策文件" in out
    errors = re.findall(r"^\[错误\] (.*)$", out, re.M)
    assert len(errors) == 1 and "不借用其他年度或地区的政策" in errors[0] and "加载政策文件" in errors[0] and "政策 → 新建年度政策…" in errors[0]
    # nothing of 2024 or 2025: no deadline, no ratio, no 达标
    assert "2024-02-20" not in out and "2025-03-31" not in out and "15%" not in out and "[达标]" not in out
    assert "错误 1 项" in out


def test_check_json_for_a_year_without_a_policy(unit_2026, capsys):
    assert main(["--db", str(unit_2026), "check", "--year", "2026", "--json", "--today", TODAY.isoformat()]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["policy"] is None and out["errors"] == 1
    assert [f["rule"] for f in out["findings"] if f["severity"] == "error"] == ["no-policy"]
    assert all(f["severity"] in ("error", "info") for f in out["findings"])


def test_a_year_with_a_policy_next_to_one_without(unit_2026, capsys):
    # 2025: the national file governs (unchecked: warnings at most)
    code = main(["--db", str(unit_2026), "check", "--year", "2025", "--json", "--today", "2025-02-01"])
    out = json.loads(capsys.readouterr().out)
    assert out["policy"]["id"] == "cn-2025" and code == 0
    assert {f["rule"] for f in out["findings"]} >= {"canteen-ratio", "filing-deadline"}


def test_workspace_overview_export_and_letter_borrow_nothing(unit_2026, profile):
    ws = Workspace(Store.open(unit_2026), today=TODAY)
    try:
        plan = ws.plan(2026)
        assert ws.policy_for(profile, plan) is None
        findings = ws.findings(profile, plan)
        assert [f.rule_id for f in findings if f.severity >= Severity.WARNING] == ["no-policy"]
        with pytest.raises(ExportError, match="没有适用于 2026 年度的政策文件.*不能导出"):
            check_export(ws, 2026, TODAY)
    finally:
        ws.close()

    unit = dataclasses.replace(profile, canteen_mode=CanteenMode.NONE, level=Level.PROVINCIAL)
    draft = build_draft(unit, plan, None, TODAY)
    text = "".join(draft.body)
    assert "2024" not in text and "252号" not in text and "政府采购监督管理处" not in draft.addressee
    assert any("没有适用于2026年度的政策文件" in p.message for p in check_letter(draft, unit, None))


def test_the_window_shows_the_truth_about_2026(qtbot, make_window, unit_2026):
    window = make_window(unit_2026, today=TODAY)
    assert window.document.year == 2026 and window.document.policy is None
    assert window.policy_label.text() == "2026 年度没有适用的政策文件"
    assert "没有适用于 2026 年度" in window.policy_label.toolTip()
    errors = [f for f in window.document.findings if f.severity is Severity.ERROR]
    assert [f.rule_id for f in errors] == ["no-policy"]
    assert any("不借用其他年度" in m for m in window.findings_panel.messages())
    assert "没有适用于 2026 年度的政策文件" in window.overview_tab.headline_label.text()
    quota = window.quota_tab
    assert quota.deadline_label.text() == quota.confirmation_deadline_label.text() == "—（本年度没有政策文件）"
    assert quota.minimum_label.text() == ""
    offered = [quota.policy_combo.itemData(i) for i in range(quota.policy_combo.count())]
    assert offered == [""] and "无（本年度没有政策文件）" in quota.policy_combo.itemText(0)


def test_switching_to_a_year_without_a_policy_leaves_nothing_of_the_other_year(qtbot, make_window, unit_2026):
    from .gui_helpers import choose

    window = make_window(unit_2026, today=TODAY)
    choose(window.year_combo, "2025 年度")
    overview = window.overview_tab
    assert window.document.policy.id == "cn-2025" and "2025-03-31" in overview.filing_value.text()
    choose(window.year_combo, "2026 年度")
    assert window.document.policy is None
    for label in (overview.filing_value, overview.canteen_value, overview.union_value, overview.progress_value):
        assert "本年度没有政策文件" in label.text() and "2025" not in label.text()
    assert overview.counts_value.text().startswith("错误 1 项")
    assert "没有适用于 2026 年度" in overview.first_problem_label.text()
    qtbot.mouseClick(overview.first_problem_button, Qt.MouseButton.LeftButton)
    assert window.quota_tab.policy_combo.hasFocus()  # where a policy file is chosen or loaded


def test_rules_md_is_what_the_code_says(policies):
    assert (ROOT / "docs" / "rules.md").read_text("utf-8") == render(policies), (
        "docs/rules.md is generated: python -m desktop832.app.policy_docs docs/rules.md"
    )


def test_policy_format_md_documents_every_key_and_rule():
    text = (ROOT / "docs" / "policy-format.md").read_text("utf-8")
    rules = (ROOT / "docs" / "rules.md").read_text("utf-8")
    for key in _TOP_KEYS | _NOTICE_KEYS | _RULE_META_KEYS:
        assert f"`{key}`" in text, key
    for rule_id, params in RULE_PARAMS.items():
        assert f"## `{rule_id}`" in rules
        for name in params:
            assert f"| `{name}` |" in rules, (rule_id, name)


def test_a_fresh_file_today_shows_the_truth_about_2026(qtbot, make_window, tmp_path, capsys):
    """The first thing a clerk sees in December 2026: no file of 2026, and nothing borrowed from 2025."""
    window = make_window(tmp_path / "new.sqlite", today=TODAY)
    assert window.document.year == 2026 and window.document.policy is None
    assert window.policy_label.text() == "2026 年度没有适用的政策文件"
    overview = window.overview_tab
    for label in (overview.filing_value, overview.canteen_value, overview.union_value, overview.progress_value):
        assert "本年度没有政策文件" in label.text() and "2025" not in label.text()
    quota = window.quota_tab
    assert quota.deadline_label.text() == "—（本年度没有政策文件）" and quota.minimum_label.text() == ""
    shown = " ".join(window.findings_panel.messages())
    assert "2025-03-31" not in shown and "10%" not in shown
    assert not any(f.severity is Severity.OK for f in window.document.findings)  # no 达标 mark
    assert [f.rule_id for f in window.document.findings if f.severity is Severity.ERROR] == ["no-policy"]
    assert window.document.save_now()
    path = window.workspace.store.path
    window.close()
    # the export refuses the year, and check says the same and exits 1
    ws = Workspace(Store.open(path), today=TODAY)
    try:
        with pytest.raises(ExportError):
            check_export(ws, 2026, TODAY)
    finally:
        ws.close()
    assert main(["--db", str(path), "check", "--today", TODAY.isoformat()]) == 1
    out = capsys.readouterr().out
    assert "2026 年度" in out and "政策：无（本年度没有适用的政策文件）" in out and "2025-03-31" not in out
