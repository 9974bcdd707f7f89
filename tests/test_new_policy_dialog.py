"""政策 → 新建年度政策…, as a clerk uses it: a 2027 policy made from the 2025 one, the 2027 plan
then judged by it; what the loader refuses is shown in place with its message."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop832 import paths
from desktop832.domain.policy_files import load_policy_file

from .gui_helpers import type_ascii, type_chinese

TODAY = dt.date(2026, 12, 2)


def _menu_action(window, menu_title: str, text: str):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == menu_title)
    return next(a for a in menu.actions() if re.sub(r"\(&\w\)", "", a.text()) == text)


def _unit_with_a_2025_plan(qtbot, make_window):
    window = make_window(today=dt.date(2025, 2, 1))
    type_ascii(qtbot, window.quota_tab.canteen_total_edit, "1000000")
    window.close()
    return make_window(today=TODAY)


def test_a_clerk_makes_the_2027_policy_from_the_2025_one(qtbot, make_window):
    window = _unit_with_a_2025_plan(qtbot, make_window)
    assert window.document.year == 2025 and window.document.policy.id == "cn-2025"
    _menu_action(window, "政策(&P)", "新建年度政策…").trigger()
    dialog = window.policy_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.base_combo.currentData() == "cn-2025"  # the policy of the unit's latest year
    type_ascii(qtbot, dialog.year_spin, "2027")
    assert dialog.year_spin.value() == 2027 and dialog.id_edit.text() == "cn-2027"
    # a notice number not written 〔YYYY〕N号 is refused in place
    type_ascii(qtbot, dialog.number_edit, "2027-1")
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    problem = dialog.header_problems["notice[0].number"]
    assert dialog.pages.currentIndex() == 0 and problem.isVisible() and "文号应写成" in problem.text()
    # the field is marked the way every field of the window is (the palette's one marker)
    assert dialog.number_edit.property("finding") == "error" and dialog.number_edit.styleSheet() == ""
    type_chinese(dialog.number_edit, "财办库〔2026〕300号")
    type_chinese(dialog.title_edit, "关于做好2027年政府采购脱贫地区农副产品工作的通知")
    type_chinese(dialog.issuer_edit, "财政部办公厅")
    type_ascii(qtbot, dialog.date_edit, "2026-12-20")
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == 1 and not problem.isVisible()
    assert dialog.number_edit.property("finding") == ""
    ratio = dialog.rule_editors["canteen-ratio"]
    assert ratio.words["floor_ratio"].text() == "比例不低于 10%"
    # last year's deadline is refused by the loader, beside the field, in its words
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    deadline = dialog.rule_editors["filing-deadline"]
    assert dialog.pages.currentIndex() == 1 and deadline.problems["date"].isVisible()
    assert deadline.problems["date"].text() == "日期 2025-03-31 不在本政策的年度 2027 年内"
    assert deadline.inputs["date"].property("finding") == "error" and "不在本政策的年度" in deadline.inputs["date"].toolTip()
    type_ascii(qtbot, deadline.inputs["date"], "2027-03-31")
    type_ascii(qtbot, ratio.inputs["floor_ratio"], "150")
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert ratio.problems["floor_ratio"].text() == "百分数应在 0 到 100 之间" and not deadline.problems["date"].isVisible()
    assert ratio.inputs["floor_ratio"].property("finding") == "error" and deadline.inputs["date"].property("finding") == ""
    type_ascii(qtbot, ratio.inputs["floor_ratio"], "12")
    assert ratio.words["floor_ratio"].text() == "比例不低于 12%"
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == 2
    changes = {what: (before, after) for what, before, after in dialog.changes()}
    assert changes["年度"] == ("2025", "2027")
    assert changes["食堂预留比例"] == ("比例不低于 10%；鼓励达到 15%", "比例不低于 12%；鼓励达到 15%")
    assert changes["填报期限"][1].startswith("填报截止 2027年3月31日")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    said = window.statusBar().currentMessage()
    assert "已保存政策“全国 2027 年度" in said and said.count("2027 年度") == 1, said  # not “…2027 年度，2027 年度按它检查”
    # the window shows 2027 at once, judged by the new policy
    document = window.document
    assert document.year == 2027 and document.policy.id == "cn-2027"
    assert "本机自建，财办库〔2026〕300号" in window.policy_label.text()
    window.tabs.setCurrentIndex(0)
    QApplication.processEvents()
    assert "适用政策：全国 2027 年度（本机自建，财办库〔2026〕300号）" in window.overview_tab.headline_label.text()
    type_ascii(qtbot, window.quota_tab.canteen_total_edit, "1000000")
    type_ascii(qtbot, window.quota_tab.reserve_amount_edit, "110000")
    QApplication.processEvents()
    cited = [f for f in document.findings if f.rule_id == "canteen-ratio"]
    assert cited and "财办库〔2026〕300号" in cited[0].citation and "12" in cited[0].message
    # the saved file round-trips through the loader
    saved = Path(document.policy.source)
    assert saved.parent == paths.user_policies_dir()
    again = load_policy_file(saved)
    assert again.rule("canteen-ratio")["floor_ratio"] == 12 and again.rule("filing-deadline")["date"] == dt.date(2027, 3, 31)
    assert again.notices[0].number == "财办库〔2026〕300号" and again.year == 2027


def test_quotes_missing_from_the_pasted_notice_are_marked(qtbot, make_window):
    window = make_window()  # 2024
    window.new_policy(window.workspace.library.get("henan-2023"))
    dialog = window.policy_dialog
    quote = dialog.rule_editors["canteen-ratio"].quote_edit.text().split("……")[0]
    type_chinese(dialog.text_edit, f"一、{quote}。")
    dialog._go(1)
    assert dialog.rule_editors["canteen-ratio"].quote_mark.text() == ""
    assert dialog.rule_editors["union-standard"].quote_mark.text().startswith("未在所给通知原文中找到")
    dialog.reject()


def _saved_2027(window):
    from desktop832.app import policy_editing as editing

    library = window.workspace.library
    doc = editing.draft_from(library.get("cn-2025"), year=2027, policy_id="cn-2027", name="全国 2027 年度",
                             notice={"number": "财办库〔2026〕300号", "title": "通知"})
    doc["rules"]["filing-deadline"]["date"] = dt.date(2027, 3, 31)
    return editing.save_draft(library, doc)


def test_remove_asks_and_names_the_years_that_use_the_policy(qtbot, make_window, monkeypatch):
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    window = _unit_with_a_2025_plan(qtbot, make_window)
    policy = _saved_2027(window)
    window._policy_saved(window.workspace.library.get(policy.id))
    assert window.document.year == 2027 and window.document.policy.id == "cn-2027"
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (next(n for n in a[3] if "cn-2027" in n), True))
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    _menu_action(window, "政策(&P)", "删除政策…").trigger()
    assert "本数据文件的 2027 年度按它检查" in asked[0] and Path(policy.source).exists()  # answered No: kept
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    _menu_action(window, "政策(&P)", "删除政策…").trigger()
    assert not Path(policy.source).exists() and window.document.policy is None  # 2027 has no policy again


def test_import_and_export_from_the_menu(qtbot, make_window, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    from desktop832.app import policy_editing as editing
    from desktop832.ui import file_dialogs

    window = make_window()
    policy = _saved_2027(window)
    sent = tmp_path / "sent.toml"
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (next(n for n in a[3] if "cn-2027" in n), True))
    monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, **k: (str(sent), ""))
    _menu_action(window, "政策(&P)", "导出政策文件…").trigger()
    assert load_policy_file(sent).year == 2027
    editing.remove(window.workspace.library, policy.id)
    bad = tmp_path / "bad.toml"
    bad.write_text('format = 1\nid = "x"\n', "utf-8")
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(bad), ""))
    _menu_action(window, "政策(&P)", "导入政策文件…").trigger()
    assert warned and "缺少此项" in warned[0] and not (paths.user_policies_dir() / "x.toml").exists()
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(sent), ""))
    _menu_action(window, "政策(&P)", "导入政策文件…").trigger()
    assert window.workspace.library.get("cn-2027") is not None


def test_editing_a_policy_keeps_its_id_and_file(qtbot, make_window, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    window = make_window()
    policy = _saved_2027(window)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (next(n for n in a[3] if "cn-2027" in n), True))
    _menu_action(window, "政策(&P)", "编辑政策…").trigger()
    dialog = window.policy_dialog
    assert dialog.base_combo.currentData() == "cn-2027" and dialog.year_spin.value() == 2027
    assert dialog.id_edit.text() == "cn-2027" and dialog.number_edit.text() == "财办库〔2026〕300号"
    type_ascii(qtbot, dialog.rule_editors["canteen-ratio"].inputs["floor_ratio"], "13")
    dialog.next_step()
    dialog.next_step()
    assert dialog.message.text() == ""
    assert ("食堂预留比例", "比例不低于 10%；鼓励达到 15%", "比例不低于 13%；鼓励达到 15%") in dialog.changes()
    dialog.save()
    assert load_policy_file(Path(policy.source)).rule("canteen-ratio")["floor_ratio"] == 13
    assert [p.id for p in window.workspace.library if p.year == 2027] == ["cn-2027"]
