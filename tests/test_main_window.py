"""The main window driven as a clerk would: typing into the real widgets and reading what shows."""

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt

from desktop832.domain.findings import Severity
from desktop832.ui.main_window import TAB_OVERVIEW, TAB_PROFILE, TAB_PURCHASES, TAB_QUOTA, TAB_UNION

from .gui_helpers import choose, type_ascii, type_chinese


def panel_messages(window):
    return window.findings_panel.messages()


def any_message(window, text):
    return any(text in m for m in panel_messages(window))


def fill_profile(qtbot, window, province="青海省", city="西宁市"):
    tab = window.profile_tab
    type_chinese(tab.name_edit, "测试市农业技术推广站")
    type_ascii(qtbot, tab.credit_code_edit, "91330100716105852F")
    choose(tab.province_combo, province)
    type_chinese(tab.city_edit, city)
    type_chinese(tab.supervising_department_edit, "测试市农业农村局")
    type_chinese(tab.contact_name_edit, "张三")
    type_ascii(qtbot, tab.phone_edit, "0371-65901234")


def test_first_start_guides_to_the_profile(make_window):
    window = make_window()
    assert window.tabs.currentIndex() == TAB_PROFILE
    assert window.profile_tab.welcome_label.isVisible()
    assert window.profile_tab.name_edit.hasFocus()
    assert any_message(window, "请填写单位全称")


def test_wrong_credit_code_shows_error_and_fixing_clears_it(qtbot, make_window):
    window = make_window()
    field = window.profile_tab.credit_code_edit
    type_ascii(qtbot, field, "91330100716105852e")
    assert any_message(window, "校验位不正确")
    assert field.property("finding") == "warning"  # GB 32100-2015's check, not a notice's requirement
    assert "校验位不正确" in field.toolTip()
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(field, "f")
    assert not any_message(window, "校验位")
    assert field.property("finding") == ""
    assert window.document.profile.credit_code == "91330100716105852F"  # normalised


def test_no_canteen_enables_the_letter_and_drops_canteen_rules(qtbot, make_window):
    window = make_window()
    tab = window.profile_tab
    choose(tab.province_combo, "青海省")  # the 2024 notice with the canteen situations
    assert not tab.letter_button.isVisible()
    assert any_message(window, "请填写年度食堂食材采购总额")
    choose(tab.canteen_mode_combo, "无食堂")
    assert tab.none_group.isVisible() and tab.letter_button.isVisible() and tab.letter_button.isEnabled()
    assert not tab.outsourced_group.isVisible()
    assert not any_message(window, "食堂食材采购总额")
    assert any_message(window, "无食堂")
    assert window.letter_action.isEnabled()


def test_ratio_error_under_2024_and_fixing_it(qtbot, make_window):
    window = make_window()
    fill_profile(qtbot, window)
    window.tabs.setCurrentIndex(TAB_QUOTA)
    quota = window.quota_tab
    type_ascii(qtbot, quota.canteen_total_edit, "1,000,000")
    type_ascii(qtbot, quota.reserve_amount_edit, "100000")
    assert any_message(window, "低于年度食堂食材采购总额 1,000,000.00 元的 15%")
    assert quota.reserve_amount_edit.property("finding") == "error"
    assert quota.reserve_ratio_edit.text() == "10"  # the other one follows
    type_ascii(qtbot, quota.reserve_amount_edit, "150000")
    assert not any_message(window, "低于年度食堂食材采购总额")
    assert quota.reserve_ratio_edit.text() == "15"
    assert quota.reserve_amount_edit.property("finding") == ""
    assert "壹拾伍万元整" in quota.reserve_capital_label.text()


def test_typing_the_ratio_derives_the_amount(qtbot, make_window):
    window = make_window()
    quota = window.quota_tab
    type_ascii(qtbot, quota.canteen_total_edit, "1000000.01")
    type_ascii(qtbot, quota.reserve_ratio_edit, "15")
    assert window.document.plan.reserve_amount == Decimal("150000.01")  # rounded up to the fen
    assert quota.reserve_amount_edit.text() == "150,000.01"


def test_invalid_money_is_shown_but_not_accepted(qtbot, make_window):
    window = make_window()
    field = window.quota_tab.canteen_total_edit
    type_ascii(qtbot, field, "1000")
    qtbot.keyClick(field, Qt.Key.Key_Return)  # typed and finished: the last valid value
    qtbot.keyClicks(field, "a")
    assert field.text() in ("1000a", "1,000.00a")  # reformatted on Return when the window has the focus
    assert field.property("finding") == "error" and "只能包含数字" in field.toolTip()
    assert window.document.plan.canteen_total == Decimal("1000.00")
    # editing another field does not throw away what was typed
    type_ascii(qtbot, window.quota_tab.reserve_amount_edit, "10")
    assert field.text() in ("1000a", "1,000.00a")  # reformatted on Return when the window has the focus


def test_drop_below_last_year_demands_an_explanation(qtbot, make_window):
    window = make_window()
    choose(window.profile_tab.province_combo, "青海省")  # its notice asks for an explanation of a drop
    quota = window.quota_tab
    type_ascii(qtbot, quota.canteen_total_edit, "1000000")
    type_ascii(qtbot, quota.reserve_amount_edit, "150000")
    assert not quota.drop_explanation_edit.isEnabled()
    type_ascii(qtbot, quota.last_year_amount_edit, "160000")
    assert any_message(window, "请填写下降说明")
    assert quota.drop_explanation_edit.isEnabled()
    assert "必填" in quota.drop_explanation_edit_label.text()
    assert quota.drop_explanation_edit.property("finding") == "error"
    type_chinese(quota.drop_explanation_edit, "食堂就餐人数减少")
    assert not any_message(window, "请填写下降说明")
    assert any_message(window, "已填写下降说明")


def test_union_per_member_rule_of_2023(qtbot, make_window):
    window = make_window(today=dt.date(2023, 3, 1))
    fill_profile(qtbot, window, "河南省", "郑州市")
    assert window.document.year == 2023 and window.document.policy.id == "zhengzhou-2023"
    union = window.union_tab
    window.tabs.setCurrentIndex(TAB_UNION)
    type_ascii(qtbot, union.u_union_members_edit, "100")
    type_ascii(qtbot, union.union_reserve_edit, "29999.99")
    assert any_message(window, "应不低于 30,000.00 元")
    # "基层工会组织原则上按照……": the Henan file makes a shortfall a warning
    assert union.union_reserve_edit.property("finding") == "warning"
    figures = {union.figures_table.item(r, 0).text(): union.figures_table.item(r, 3).text() for r in range(union.figures_table.rowCount())}
    assert figures["人均（每名会员）"] == "未达标"
    type_ascii(qtbot, union.union_reserve_edit, "30000")
    assert not any_message(window, "应不低于 30,000.00 元")
    assert any_message(window, "达到标准")
    # the same field on the profile tab shows the same value
    assert window.profile_tab.union_members_edit.text() == "100"


def test_close_and_restart_keeps_everything_typed(qtbot, make_window, tmp_path):
    path = tmp_path / "unit.sqlite"
    window = make_window(path)
    fill_profile(qtbot, window)
    quota = window.quota_tab
    window.tabs.setCurrentIndex(TAB_QUOTA)
    type_ascii(qtbot, quota.canteen_total_edit, "2,000,000")
    type_ascii(qtbot, quota.reserve_ratio_edit, "16")
    window.tabs.setCurrentIndex(TAB_PROFILE)
    type_chinese(window.profile_tab.meal_arrangement_edit, "在附近单位食堂就餐")
    type_ascii(qtbot, window.profile_tab.phone_edit, "13812345678")
    assert window.profile_tab.phone_edit.hasFocus()  # still typing when the window closes
    window.close()
    again = make_window(path)
    assert again.profile_tab.name_edit.text() == "测试市农业技术推广站"
    assert again.profile_tab.phone_edit.text() == "13812345678"
    assert again.profile_tab.meal_arrangement_edit.toPlainText() == "在附近单位食堂就餐"
    assert again.quota_tab.reserve_amount_edit.text() == "320,000.00"
    assert again.tabs.currentIndex() == TAB_PROFILE  # last tab remembered


def test_saves_within_a_second_without_a_save_button(qtbot, make_window, tmp_path):
    window = make_window()
    type_ascii(qtbot, window.quota_tab.canteen_total_edit, "5000")
    assert window.isWindowModified()
    qtbot.waitUntil(lambda: window.save_label.text().startswith("已保存"), timeout=1000)
    assert not window.isWindowModified()
    assert window.workspace.store.plan(2024).canteen_total == Decimal("5000.00")


def test_ctrl_s_saves_at_once(qtbot, make_window):
    window = make_window()
    type_ascii(qtbot, window.quota_tab.canteen_total_edit, "7000")
    window.save_action.trigger()
    assert window.workspace.store.plan(2024).canteen_total == Decimal("7000.00")
    assert window.save_action.shortcut().toString() == "Ctrl+S"


def test_undo_and_redo_a_field(qtbot, make_window):
    window = make_window()
    field = window.quota_tab.canteen_total_edit
    type_ascii(qtbot, field, "1000")
    type_ascii(qtbot, window.quota_tab.reserve_amount_edit, "150")
    window.undo_action.trigger()
    assert window.document.plan.reserve_amount is None
    window.undo_action.trigger()
    assert window.document.plan.canteen_total is None and field.text() == ""
    window.redo_action.trigger()
    assert window.document.plan.canteen_total == Decimal("1000.00") and field.text() == "1,000.00"


def test_clicking_a_finding_goes_to_its_field(qtbot, make_window):
    window = make_window()
    window.tabs.setCurrentIndex(TAB_OVERVIEW)
    panel = window.findings_panel
    [row] = [i for i, f in enumerate(panel.shown()) if f.rule_id == "canteen-ratio"]
    item = panel.list.item(row)
    panel.list.scrollToItem(item)
    rect = panel.list.visualItemRect(item)
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.tabs.currentIndex() == TAB_QUOTA  # shown; the list keeps the focus for the arrow keys
    assert panel.list.hasFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    assert window.quota_tab.canteen_total_edit.hasFocus()


def test_the_findings_list_is_walked_with_the_arrow_keys_and_enter_goes_to_the_field(qtbot, make_window):
    window = make_window()
    window.tabs.setCurrentIndex(TAB_OVERVIEW)
    panel = window.findings_panel
    shown = panel.shown()
    panel.list.setFocus()
    panel.list.setCurrentRow(0)
    tabs_seen = set()
    for row in range(1, len(shown)):
        qtbot.keyClick(panel.list, Qt.Key.Key_Down)
        assert panel.list.currentRow() == row and panel.list.hasFocus()
        tabs_seen.add(window.tabs.currentIndex())
    assert {TAB_PROFILE, TAB_QUOTA} <= tabs_seen  # each finding's field was shown on its tab
    [row] = [i for i, f in enumerate(shown) if f.rule_id == "canteen-ratio"]
    panel.list.setCurrentRow(row)
    qtbot.keyClick(panel.list, Qt.Key.Key_Enter)
    assert window.tabs.currentIndex() == TAB_QUOTA and window.quota_tab.canteen_total_edit.hasFocus()


def test_at_start_the_first_field_of_the_tab_on_screen_has_the_focus(qtbot, make_window, tmp_path):
    window = make_window()
    type_chinese(window.profile_tab.name_edit, "测试单位")
    window.tabs.setCurrentIndex(TAB_QUOTA)
    window.close()
    again = make_window(tmp_path / "unit.sqlite")
    assert again.tabs.currentIndex() == TAB_QUOTA
    focused = again.focusWidget()
    assert focused is not None and again.quota_tab.isAncestorOf(focused) and focused.isEnabled()
    qtbot.keyClick(focused, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)  # the keyboard works at once
    assert again.tabs.currentIndex() == TAB_UNION


def test_purchase_findings_lead_to_the_purchase_log(make_window):
    window = make_window()
    from desktop832.domain.findings import Finding

    window.go_to_finding(Finding("pay-on-time", Severity.WARNING, "x", "y", ("purchases",)))
    assert window.tabs.currentIndex() == TAB_PURCHASES


def test_overview_answers_are_we_fine(qtbot, make_window):
    window = make_window()
    choose(window.profile_tab.province_combo, "青海省")
    overview = window.overview_tab
    assert "错误" in overview.counts_value.text()
    assert "项错误需要处理" in overview.headline_label.text()
    assert "还有 19 天" in overview.filing_value.text()
    assert not overview.first_problem_button.isHidden()


def test_status_bar_shows_the_policy(make_window):
    window = make_window()
    assert "财办库〔2023〕252号" in window.policy_label.text()


def test_choosing_another_policy(qtbot, make_window):
    window = make_window()  # 2024; the unit's province is not filled in yet: the national file
    combo = window.quota_tab.policy_combo
    offered = [combo.itemData(i) for i in range(combo.count())]
    # only files of the plan's year are offered: another year's never governs this one
    assert offered == ["", "qinghai-2024", "cn-2024"] and combo.itemText(0).startswith("自动选择：全国 2024 年度")
    assert window.document.policy.id == "cn-2024"
    choose(combo, next(combo.itemText(i) for i in range(combo.count()) if combo.itemData(i) == "qinghai-2024"))
    assert window.document.policy.id == "qinghai-2024"
    assert "青海省" in window.policy_label.text()
    assert "注意：该文件适用于青海省" in window.policy_label.toolTip()
    assert "注意：该文件适用于青海省" in window.quota_tab.policy_description_label.text()


def test_new_year_starts_from_last_years_figures(qtbot, make_window):
    window = make_window()
    type_ascii(qtbot, window.quota_tab.canteen_total_edit, "1000000")
    type_ascii(qtbot, window.quota_tab.reserve_amount_edit, "150000")
    combo = window.year_combo
    choose(combo, "新建 2025 年度…")
    assert window.document.year == 2025
    assert window.quota_tab.last_year_amount_edit.text() == "150,000.00"
    assert window.quota_tab.canteen_total_edit.text() == "1,000,000.00"
    assert [combo.itemData(i) for i in range(combo.count())][:2] == [2024, 2025]
    choose(combo, "2024 年度")
    assert window.document.year == 2024


def test_window_geometry_is_remembered(qtbot, make_window, tmp_path):
    window = make_window()
    window.resize(700, 500)
    window.close()
    again = make_window()
    assert again.size().width() == 700


def test_title_names_the_unit_and_file(qtbot, make_window):
    window = make_window()
    type_chinese(window.profile_tab.name_edit, "测试单位<&>")
    assert window.windowTitle().startswith("测试单位<&> — unit.sqlite")


def test_standard_shortcuts(make_window):
    window = make_window()
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    assert window.open_action.shortcut().toString() == "Ctrl+O"
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"


def test_tab_order_follows_reading_order(make_window):
    window = make_window()
    tab = window.profile_tab
    order = [tab.name_edit, tab.credit_code_edit, tab.level_combo, tab.directly_affiliated_check, tab.province_combo]
    for current, following in zip(order, order[1:]):
        nxt = current.nextInFocusChain()
        while nxt is not None and not (nxt.focusPolicy() & Qt.FocusPolicy.TabFocus):
            nxt = nxt.nextInFocusChain()
        # an editable combo box focuses its line edit
        assert nxt is following or following.isAncestorOf(nxt), (current.objectName(), nxt.objectName())


def test_standard_dialog_buttons_speak_chinese(configured_app):
    from PySide6.QtWidgets import QDialogButtonBox

    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    texts = {b.text() for b in box.buttons()}
    box.deleteLater()
    assert any("确定" in t for t in texts) and any("取消" in t for t in texts), texts


def test_purchase_log_summary_follows_the_canteen_mode_and_undo(qtbot, make_window):
    window = make_window()
    quota, log = window.quota_tab, window.purchase_tab
    type_ascii(qtbot, quota.canteen_total_edit, "1000000")
    type_ascii(qtbot, quota.reserve_amount_edit, "150000")

    def shown_reserve():
        window.tabs.setCurrentIndex(TAB_PURCHASES)  # a hidden log catches up when the clerk looks
        text = log.reserve_value_label.text()
        window.tabs.setCurrentIndex(TAB_QUOTA)
        return text

    assert shown_reserve() == "150,000.00 元"
    choose(window.profile_tab.canteen_mode_combo, "无食堂")  # no canteen share any more, before any save
    assert shown_reserve() == "尚未填写"
    window.undo_action.trigger()
    assert shown_reserve() == "150,000.00 元"
    window.undo_action.trigger()
    assert shown_reserve() == "尚未填写"


def test_the_year_selector_offers_every_year_to_next_year_with_the_gaps(qtbot, make_window):
    import datetime as dt

    window = make_window()  # today 2024-02-01, a new file
    offered = [window.year_combo.itemText(i) for i in range(window.year_combo.count())]
    assert offered == ["2024 年度", "新建 2025 年度…"]
    type_ascii(qtbot, window.quota_tab.canteen_total_edit, "1000000")  # the 2024 plan is kept
    window.close()
    window = make_window(today=dt.date(2026, 12, 2))  # the clerk skipped 2025 and 2026
    combo = window.year_combo
    offered = [(combo.itemData(i), combo.itemText(i)) for i in range(combo.count())]
    assert offered == [(2024, "2024 年度"), (2025, "新建 2025 年度…"), (2026, "新建 2026 年度…"), (2027, "新建 2027 年度…")]
    choose(combo, "新建 2025 年度…")  # a skipped year in between can be entered
    assert window.document.year == 2025 and window.document.years() == [2024, 2025]
    assert window.quota_tab.canteen_total_edit.text() == "1,000,000.00"  # from last year's figures
    assert combo.itemText(combo.findData(2025)) == "2025 年度" and combo.itemText(combo.findData(2026)) == "新建 2026 年度…"
