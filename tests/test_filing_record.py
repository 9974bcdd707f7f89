"""The filing record: every export a filing event in the data file, re-filing keeping the first
date, the departments' answers with their dates, and a stale filing named field by field."""

import dataclasses
import datetime as dt
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from desktop832.app.exporting import export_year
from desktop832.app.filings import record_answer
from desktop832.app.workspace import Workspace
from desktop832.cli import main
from desktop832.documents import export_layout as layout
from desktop832.documents.verify import verify_file
from desktop832.domain.errors import InputError
from desktop832.domain.filings import EventKind
from desktop832.domain.model import CanteenMode, FilingStatus, Purchase

from .exchange_helpers import sample_purchases, workspace


@pytest.fixture
def ws(tmp_path, profile, plan):
    w = workspace(tmp_path / "unit.sqlite", profile, plan, sample_purchases(24))
    yield w
    w.close()


def _form_texts(path) -> list[str]:
    sheet = load_workbook(path)[layout.PRINT_SHEET]
    return [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]


def test_an_export_is_a_filing_event_with_its_fingerprint_file_name_and_figures(ws, tmp_path):
    result = export_year(ws, 2024, tmp_path / "first.xlsx")
    [event] = ws.store.filing_events(2024)
    assert event.kind is EventKind.FILED and event.year == 2024 and event.on == dt.date(2024, 2, 10)
    assert event.fingerprint == result.fingerprint and event.file_name == "first.xlsx"
    assert event.recorded_at.date() == dt.date.today()
    assert event.snapshot["plan.reserve_amount"] == "150000.00" and event.snapshot["profile.canteen_mode"] == "自有食堂"
    assert event.snapshot["purchases.count"] == 24
    assert event.snapshot["purchases.total"] == f"{sum(p.amount for p in sample_purchases(24)):.2f}"
    assert "plan.filing_status" not in event.snapshot  # the filing's own bookkeeping is not a figure filed
    assert ws.store.plan(2024).filed_on == dt.date(2024, 2, 10)
    assert ws.store.filing_events(2023) == []
    # the record survives closing and reopening the data file
    path = ws.store.path
    ws.close()
    again = Workspace.open(path)
    try:
        assert again.filing_events(2024)[0].fingerprint == result.fingerprint
        assert again.last_filing_fingerprint(2024) == result.fingerprint
    finally:
        again.close()


def test_re_filing_after_the_deadline_keeps_the_first_date_and_the_history(ws, tmp_path):
    first = export_year(ws, 2024, tmp_path / "first.xlsx")
    record_answer(ws, 2024, EventKind.SUPERVISOR_CONFIRMED, dt.date(2024, 2, 10))
    assert ws.store.plan(2024).supervisor_confirmed_on == dt.date(2024, 2, 10)
    later = dt.date(2026, 12, 1)  # the case: 2024 exported again in 2026
    again = export_year(ws, 2024, tmp_path / "again.xlsx", today=later)
    plan = ws.store.plan(2024)
    assert plan.filed_on == dt.date(2024, 2, 10)  # the first filing date stays
    assert plan.filing_status is FilingStatus.EXPORTED and plan.supervisor_confirmed_on is None
    kinds = [(e.kind, e.on) for e in ws.store.filing_events(2024)]
    assert kinds == [
        (EventKind.FILED, dt.date(2024, 2, 10)), (EventKind.SUPERVISOR_CONFIRMED, dt.date(2024, 2, 10)),
        (EventKind.REFILED, later),
    ]
    assert ws.last_filing_fingerprint(2024) == again.fingerprint != first.fingerprint
    # the printed form says both dates: it was filed on time, and filed again later
    assert "填报日期：2024-02-10（重新填报：2026-12-01）" in _form_texts(again.path)
    report = verify_file(again.path, ws.library)
    assert report.unchanged, report.text()


def test_answers_take_a_date_and_keep_the_history(ws, tmp_path):
    with pytest.raises(InputError, match="还没有填报"):
        record_answer(ws, 2024, EventKind.SUPERVISOR_CONFIRMED, dt.date(2024, 2, 10))
    export_year(ws, 2024, tmp_path / "first.xlsx", today=dt.date(2024, 2, 5))
    with pytest.raises(InputError, match="须写明退回的原因"):
        record_answer(ws, 2024, EventKind.RETURNED, dt.date(2024, 2, 6), "  ")
    with pytest.raises(InputError, match="早于报送日期 2024-02-05"):
        record_answer(ws, 2024, EventKind.SUPERVISOR_CONFIRMED, dt.date(2024, 2, 1))
    with pytest.raises(InputError, match="晚于今天"):
        record_answer(ws, 2024, EventKind.SUPERVISOR_CONFIRMED, dt.date(2024, 3, 1))
    assert [e.kind for e in ws.store.filing_events(2024)] == [EventKind.FILED]  # refusals record nothing
    plan = record_answer(ws, 2024, EventKind.RETURNED, dt.date(2024, 2, 6), "工会预留金额\n与预算不符")
    assert plan.filing_status is FilingStatus.RETURNED and ws.store.plan(2024).filing_status is FilingStatus.RETURNED
    export_year(ws, 2024, tmp_path / "fixed.xlsx", today=dt.date(2024, 2, 8))
    record_answer(ws, 2024, EventKind.SUPERVISOR_CONFIRMED, dt.date(2024, 2, 9))
    plan = record_answer(ws, 2024, EventKind.FINANCE_CONFIRMED, dt.date(2024, 2, 10))
    assert plan.filing_status is FilingStatus.FINANCE_CONFIRMED
    assert (plan.filed_on, plan.supervisor_confirmed_on, plan.finance_confirmed_on) == (
        dt.date(2024, 2, 5), dt.date(2024, 2, 9), dt.date(2024, 2, 10))
    lines = [e.line() for e in ws.store.filing_events(2024)]
    assert [line.split("　")[:2] for line in lines] == [
        ["2024-02-05", "首次填报"], ["2024-02-06", "退回修改"], ["2024-02-08", "重新填报"],
        ["2024-02-09", "主管部门已确认"], ["2024-02-10", "财政部门已确认"],
    ]
    assert lines[1].endswith("原因：工会预留金额 与预算不符") and "fixed.xlsx" in lines[2]


def _stale(ws, year=2024):
    profile, plan = ws.store.profile(), ws.plan(year)
    return [f for f in ws.findings(profile, plan) if f.rule_id == "filing-stale"]


def test_a_changed_canteen_after_export_is_named_with_filed_and_current_values(tmp_path, profile, plan):
    no_canteen = dataclasses.replace(profile, canteen_mode=CanteenMode.NONE, meal_arrangement="职工自行解决午餐")
    ws = workspace(tmp_path / "u.sqlite", no_canteen, plan.with_reserve_amount(None).with_canteen_total(None))
    try:
        export_year(ws, 2024, tmp_path / "x.xlsx")
        assert _stale(ws) == []  # just filed: nothing to say
        ws.store.save_profile(dataclasses.replace(no_canteen, canteen_mode=CanteenMode.OWN))
        ws.store.save_plan(ws.store.plan(2024).with_canteen_total(D("800000")).with_reserve_amount(D("120000")))
        [finding] = _stale(ws)
        assert "报送的文件已过时" in finding.message and "请重新导出并重新填报" in finding.message
        assert "食堂情况：报送时 无食堂，现为 自有食堂" in finding.message
        assert "食堂食材预留金额：报送时 （空），现为 120,000.00 元" in finding.message
        assert "profile.canteen_mode" in finding.fields and "plan.reserve_amount" in finding.fields
        assert finding.citation.startswith("本程序提示")  # no notice says so: a hint, marked as one
        # the overview names it too
        from desktop832.domain.overview import overview

        p, pl = ws.store.profile(), ws.plan(2024)
        policy = ws.policy_for(p, pl)
        view = overview(p, pl, policy, ws.findings(p, pl), ws.tally(2024, policy), ws.today)
        assert "报送的文件已过时" in view.filing.text
    finally:
        ws.close()


def test_imported_orders_after_export_make_the_filing_stale(ws, tmp_path):
    export_year(ws, 2024, tmp_path / "x.xlsx")
    ws.store.add_purchases([Purchase(dt.date(2024, 3, 1), D("880.00"), order_no="832X")])
    ws.purchases_changed()
    [finding] = _stale(ws)
    assert "本年度采购笔数：报送时 24 笔，现为 25 笔" in finding.message
    assert "本年度采购金额合计" in finding.message
    export_year(ws, 2024, tmp_path / "y.xlsx")  # filed again: up to date
    assert _stale(ws) == []


def test_the_commitment_letter_prints_the_last_filings_fingerprint(tmp_path, profile, plan, capsys):
    from .letter_pdf_helpers import glyphs, rows
    from desktop832.documents.letter_layout import FOOT_SIZE

    unit = dataclasses.replace(profile, canteen_mode=CanteenMode.NONE, meal_arrangement="职工自行解决午餐",
                               person_in_charge="李四")
    db = tmp_path / "letter.sqlite"
    ws = workspace(db, unit, plan.with_reserve_amount(None).with_canteen_total(None))
    result = export_year(ws, 2024, tmp_path / "x.xlsx")
    ws.close()
    out = tmp_path / "letter.pdf"
    assert main(["--db", str(db), "letter", "--year", "2024", "--shipped-fonts-only", "-o", str(out)]) in (0, 1)
    foot = rows(glyphs(out.read_bytes())[-1], FOOT_SIZE)
    assert len(foot) == 1 and foot[0].text.endswith(result.fingerprint), capsys.readouterr()


def test_cli_export_says_it_is_a_re_filing_and_what_changes(tmp_path, profile, plan, capsys):
    db = tmp_path / "cli.sqlite"
    workspace(db, profile, plan, sample_purchases(3)).close()
    assert main(["--db", str(db), "export", "--year", "2024", "-o", str(tmp_path / "a.xlsx"), "--today", "2024-02-10"]) == 0
    assert "首次填报" in capsys.readouterr().out
    assert main(["--db", str(db), "export", "--year", "2024", "-o", str(tmp_path / "b.xlsx"), "--today", "2024-03-01"]) == 0
    out = capsys.readouterr().out
    assert "重新填报" in out and "填报日期仍为首次填报的 2024-02-10" in out and "已过填报截止日期" in out


# --- in the window -------------------------------------------------------------------------------


def test_the_window_shows_the_record_warns_before_re_filing_and_records_a_return(qtbot, make_window, tmp_path, monkeypatch, messages):
    from PySide6.QtWidgets import QDialog

    from desktop832.ui.dialogs import export as export_dialog
    from desktop832.ui.dialogs.filing_answer import FilingAnswerDialog
    from desktop832.ui.main_window import TAB_OVERVIEW

    from .gui_helpers import type_ascii

    window = make_window()
    quota = window.quota_tab
    type_ascii(qtbot, quota.canteen_total_edit, "1000000")
    type_ascii(qtbot, quota.reserve_amount_edit, "150000")
    assert "尚未导出上报文件" in quota.filing_history_label.text() and not quota.record_answer_button.isEnabled()
    targets = iter([tmp_path / "第一次.xlsx", tmp_path / "第二次.xlsx"])
    monkeypatch.setattr(export_dialog, "choose_path", lambda *a: next(targets))
    monkeypatch.setattr(export_dialog.ExportDoneDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    asked = []
    monkeypatch.setattr(export_dialog, "_confirm", lambda parent, text: asked.append(text) or True)
    window.export_action.trigger()
    qtbot.waitUntil(lambda: "首次填报" in quota.filing_history_label.text(), timeout=10_000)
    assert "第一次.xlsx" in quota.filing_history_label.text() and asked == []  # a first filing asks nothing
    # an edit after the export: the findings say the filed file is stale, naming the field
    type_ascii(qtbot, quota.reserve_amount_edit, "160000")
    assert any("食堂食材预留金额：报送时 150,000.00 元，现为 160,000.00 元" in m for m in window.findings_panel.messages())
    window.tabs.setCurrentIndex(TAB_OVERVIEW)
    overview = window.overview_tab
    assert "报送的文件已过时" in overview.filing_value.text() and "首次填报" in overview.filing_history_value.text()
    # the supervising department returns it, with a reason (typed as an input method commits it)

    def answer(dialog):
        dialog.kind_combo.setCurrentText("退回修改")
        dialog.date_edit.setText("2024-02-01")
        dialog.record_button.click()  # no reason yet: refused in the dialog
        assert "须写明退回的原因" in dialog.message_label.text() and dialog.result() != QDialog.DialogCode.Accepted
        dialog.reason_edit.setPlainText("预留金额与预算批复不符")
        dialog.record_button.click()
        return dialog.result()

    monkeypatch.setattr(FilingAnswerDialog, "exec", answer)
    window.tabs.setCurrentIndex(window.tabs.indexOf(quota))
    assert quota.record_answer_button.isEnabled()
    quota.record_answer_button.click()
    assert quota.filing_status_combo.currentText() == "退回修改"
    assert "退回修改　原因：预留金额与预算批复不符" in quota.filing_history_label.text()
    # the corrected file: told beforehand that it is a re-filing and what stays
    window.export_action.trigger()
    qtbot.waitUntil(lambda: "重新填报" in quota.filing_history_label.text(), timeout=10_000)
    assert len(asked) == 1 and "这次导出是重新填报" in asked[0] and "填报日期仍为首次填报的 2024-02-01" in asked[0]
    assert quota.filed_on_edit.text() == "2024-02-01"
    assert not any("报送的文件已过时" in m for m in window.findings_panel.messages())


def test_dump_and_load_carry_the_filing_record(tmp_path, profile, plan, capsys):
    import json

    db = tmp_path / "a.sqlite"
    ws = workspace(db, profile, plan, sample_purchases(3))
    export_year(ws, 2024, tmp_path / "x.xlsx")
    record_answer(ws, 2024, EventKind.RETURNED, dt.date(2024, 2, 10), "请补充下降说明")
    before = ws.store.filing_events()
    ws.close()
    dumped = tmp_path / "a.json"
    assert main(["--db", str(db), "dump", "-o", str(dumped)]) == 0
    doc = json.loads(dumped.read_text("utf-8"))
    assert [f["kind"] for f in doc["filings"]] == ["首次填报", "退回修改"] and doc["filings"][1]["reason"] == "请补充下降说明"
    copy = tmp_path / "b.sqlite"
    assert main(["load", str(dumped), "--db", str(copy)]) == 0
    again = Workspace.open(copy)
    try:
        after = again.store.filing_events()
        assert [dataclasses.replace(e, id=None) for e in after] == [dataclasses.replace(e, id=None) for e in before]
    finally:
        again.close()
    capsys.readouterr()
    # a damaged record is refused with the rest, naming where
    doc["filings"][0]["kind"] = "已盖章"
    dumped.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    assert main(["load", str(dumped), "--db", str(tmp_path / "c.sqlite")]) == 2
    assert "$.filings[0].kind" in capsys.readouterr().err and not (tmp_path / "c.sqlite").exists()


def test_the_streamed_dump_with_a_filing_record_is_the_whole_dump(ws, tmp_path):
    import json

    from desktop832.domain.jsonformat import dump, dump_chunks

    export_year(ws, 2024, tmp_path / "x.xlsx")
    args = (ws.store.profile(), ws.store.plans(), ws.store.purchases(), ws.store.filing_events())
    whole = json.dumps(dump(*args), ensure_ascii=False, indent=2) + "\n"
    assert "".join(dump_chunks(args[0], args[1], iter(args[2]), args[3])) == whole


def test_the_filings_command_lists_the_record_and_records_an_answer(tmp_path, profile, plan, capsys):
    db = tmp_path / "cli.sqlite"
    workspace(db, profile, plan, sample_purchases(3)).close()
    assert main(["--db", str(db), "filings", "--year", "2024"]) == 0
    assert "尚未导出上报文件" in capsys.readouterr().out
    assert main(["--db", str(db), "filings", "--year", "2024", "--record", "主管部门已确认", "--date", "2024-02-10"]) == 1
    assert "还没有填报" in capsys.readouterr().err
    assert main(["--db", str(db), "export", "--year", "2024", "-o", str(tmp_path / "a.xlsx"), "--today", "2024-02-10"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "filings", "--year", "2024", "--record", "退回修改", "--date", "2024-02-10"]) == 1
    assert "须写明退回的原因" in capsys.readouterr().err
    assert main(["--db", str(db), "filings", "--year", "2024", "--record", "退回修改", "--date", "2024-02-10",
                 "--reason", "工会预留金额有误"]) == 0
    out = capsys.readouterr().out
    assert "填报状态：退回修改" in out and "首次填报　a.xlsx" in out and "退回修改　原因：工会预留金额有误" in out
