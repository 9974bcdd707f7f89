"""Smaller things a clerk noticed in the window: the welcome that outstays its use, a year said twice."""

import dataclasses

from desktop832.domain.policy import select
from desktop832.ui.main_window import TAB_PROFILE

from .gui_helpers import choose, type_ascii, type_chinese


def test_the_welcome_goes_once_the_profile_is_complete(qtbot, make_window):
    window = make_window()
    tab = window.profile_tab
    assert window.tabs.currentIndex() == TAB_PROFILE and tab.welcome_label.isVisible()
    type_chinese(tab.name_edit, "测试市农业技术推广站")
    type_ascii(qtbot, tab.credit_code_edit, "91330100716105852F")
    choose(tab.province_combo, "青海省")
    type_chinese(tab.supervising_department_edit, "测试市农业农村局")
    assert tab.welcome_label.isVisible()  # the contact and the phone are still missing
    type_chinese(tab.contact_name_edit, "张三")
    type_ascii(qtbot, tab.phone_edit, "0371-65901234")
    assert not tab.welcome_label.isVisible()
    type_chinese(tab.contact_name_edit, "")  # corrected later: the greeting does not come back
    assert not tab.welcome_label.isVisible()


def test_a_unit_with_a_name_opened_again_is_not_welcomed(qtbot, make_window, tmp_path):
    path = tmp_path / "unit.sqlite"
    window = make_window(path)
    type_chinese(window.profile_tab.name_edit, "测试市农业技术推广站")
    window.close()
    again = make_window(path)
    again.tabs.setCurrentIndex(TAB_PROFILE)
    assert not again.profile_tab.welcome_label.isVisible()


def test_a_chosen_policy_of_another_year_names_its_year_once(policies, profile):
    chosen = policies["cn-2024"]
    assert "2024 年度" in chosen.name
    selection = select(policies.values(), 2025, profile, chosen_id="cn-2024")
    assert f"所选政策“{chosen.name}”不适用于 2025 年度" in selection.reason
    assert selection.reason.count("2024 年度") == 1, selection.reason
    unnamed = dataclasses.replace(chosen, name="全国通知")
    assert unnamed.name_with_year == "全国通知（2024 年度）"
