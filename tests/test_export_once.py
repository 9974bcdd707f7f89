"""One export reads the plan once, runs the rules once and sums the purchases once, from the
window and from the command line; the summary it writes is the one the purchases give."""

import collections
import dataclasses
import datetime as dt

import pytest
from PySide6.QtWidgets import QDialog

from desktop832.app import workspace as workspace_module
from desktop832.documents import export_data
from desktop832.domain import counting, rules
from desktop832.domain.model import Purpose
from desktop832.store import database, purchase_queries
from desktop832.ui.dialogs import export as export_dialog

from .exchange_helpers import sample_purchases, workspace
from .gui_helpers import type_ascii


def count_calls(monkeypatch) -> collections.Counter:
    """Count the rules' runs, the plan's reads and every way the purchases are summed."""
    calls = collections.Counter()

    def spy(owner, name, label):
        real = getattr(owner, name)

        def counted(*args, **kwargs):
            calls[label] += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)

    spy(rules, "evaluate", "rules")
    spy(workspace_module.Workspace, "saved_plan", "plan read")
    spy(workspace_module.Workspace, "plan", "plan read")
    spy(database.Store, "plan", "store plan")
    spy(purchase_queries, "year_tally", "sum")
    spy(purchase_queries, "running_tally", "sum")  # the workspace's one full sum of a year
    spy(counting, "tally", "sum")
    spy(export_data, "tally", "sum")  # the name export_data's evaluate() sums with
    spy(export_data, "summarise", "sum")
    return calls


def test_an_export_from_the_window_runs_the_rules_once_and_reuses_the_windows_tally(qtbot, make_window, tmp_path, monkeypatch, messages):
    window = make_window()
    type_ascii(qtbot, window.quota_tab.canteen_total_edit, "1000000")
    type_ascii(qtbot, window.quota_tab.reserve_amount_edit, "150000")
    target = tmp_path / "上报.xlsx"
    monkeypatch.setattr(export_dialog, "choose_path", lambda *a: target)
    shown = []
    monkeypatch.setattr(export_dialog.ExportDoneDialog, "exec", lambda self: shown.append(self) or QDialog.DialogCode.Accepted)
    window.document.save_now()
    before = list(window.document.findings)
    calls = count_calls(monkeypatch)

    window.export_action.trigger()
    qtbot.waitUntil(lambda: bool(shown) and window.export_action.isEnabled(), timeout=20_000)

    assert target.exists(), messages
    # the rules ran once, on the plan as exported; the window shows those findings without a second run
    assert calls["rules"] == 1, calls
    assert calls["plan read"] == 1 and calls["store plan"] == 2, calls  # the year's plan and last year's, once
    assert calls["sum"] == 0, calls  # the window had summed the year already: its tally is reused
    result = shown[0].result
    assert window.document.plan == result.plan == window.workspace.plan(2024)
    assert result.findings and all(f in window.document.findings for f in result.findings)
    assert window.document.findings != before  # the exported plan's, not the old ones kept


def test_an_export_from_the_command_line_runs_the_rules_once_and_sums_once(tmp_path, profile, plan, monkeypatch, capsys):
    from desktop832.cli import main

    db = tmp_path / "cli.sqlite"
    workspace(db, profile, plan, sample_purchases(30) + sample_purchases(4, 2023)).close()
    calls = count_calls(monkeypatch)
    assert main(["--db", str(db), "export", "--year", "2024", "-o", str(tmp_path), "--today", "2024-02-10"]) == 0
    assert "已导出" in capsys.readouterr().out
    assert calls["rules"] == 1 and calls["sum"] == 1, calls
    assert calls["plan read"] == 1 and calls["store plan"] == 2, calls


@pytest.mark.parametrize("when", ["completed", "paid", "paid-and-accepted"])
def test_the_summary_read_from_the_tally_is_the_one_the_purchases_give(tmp_path, profile, plan, policies, when):
    # the export writes its summary from the tally's sums; verification sums the file's
    # purchases one by one: they must agree for every counting rule
    purchases = sample_purchases(60) + [
        dataclasses.replace(p, delivered_on=p.date + dt.timedelta(days=3)) for p in sample_purchases(20)
    ] + sample_purchases(5, 2023)
    ws = workspace(tmp_path / "s.sqlite", profile, plan, purchases)
    try:
        policy = ws.policy_for(profile, plan)
        info = export_data.PolicyInfo.of(policy, profile.level)
        info = dataclasses.replace(info, counting=dataclasses.replace(info.counting, when=when))
        stored = ws.store.purchases(2024)
        from_tally = export_data.summarise_tally(ws.tally(2024, policy), info.counting)
        one_by_one = export_data.summarise(stored, info.counting, 2024)
        assert from_tally == one_by_one
        assert from_tally.total.count == sum(p.date.year == 2024 for p in stored) > 0
        assert from_tally.by_reason and from_tally.by_purpose[Purpose.CANTEEN].counted > 0
    finally:
        ws.close()


def test_an_export_after_writes_in_the_log_states_the_purchases_as_they_now_are(tmp_path, profile, plan):
    # the summary comes from the running tally's groups: after a write that only updated them,
    # the file must still agree with its own purchases (verification sums those one by one)
    from desktop832.app.exporting import export_year
    from desktop832.documents.verify import verify_file

    ws = workspace(tmp_path / "w.sqlite", profile, plan, sample_purchases(40))
    try:
        policy = ws.policy_for(profile, plan)
        ws.tally(2024, policy)  # summed once, as the window does on opening
        old = ws.store.purchases(2024)[3]
        added = ws.store.add_purchase(dataclasses.replace(sample_purchases(1)[0], id=None, order_no="832NEW1", purpose=Purpose.UNION))
        edited = dataclasses.replace(old, amount=old.amount * 3)
        ws.store.update_purchase(edited)
        ws.purchases_written(removed=[old], added=[added, edited])
        result = export_year(ws, 2024, tmp_path / "after.xlsx")
        report = verify_file(result.path, ws.library)
        assert report.unchanged, report.text()
        stored = ws.store.purchases(2024)
        info = export_data.PolicyInfo.of(policy, profile.level)
        assert export_data.summarise_tally(ws.tally(2024, policy), info.counting) == export_data.summarise(stored, info.counting, 2024)
        assert result.purchase_count == 41
    finally:
        ws.close()
