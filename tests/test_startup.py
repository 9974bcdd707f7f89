"""Start-up order: the window paints before anything the data needs is loaded, then fills in."""

import json
import os
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from desktop832.domain.findings import Finding, Severity
from desktop832.domain.model import AnnualPlan
from desktop832.store.database import Store
from desktop832.ui.main_window import FORM_TABS, TAB_OVERVIEW, TAB_PROFILE, TAB_PURCHASES, TAB_QUOTA, TAB_UNION, MainWindow

ROOT = Path(__file__).resolve().parent.parent

# What the app imports up to its first paint, as ``desktop832`` without arguments starts it.
FIRST_PAINT = r"""
import json, sys
from PySide6.QtWidgets import QApplication
import desktop832.cli, desktop832.app.logs, desktop832.ui.app, desktop832.ui.crash, desktop832.ui.start
from desktop832.ui.main_window import MainWindow

app = QApplication(sys.argv[:1])
desktop832.ui.app.configure_application(app)
window = MainWindow()
window.show()
app.processEvents()
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic", "openpyxl", "reportlab")
                        or m.startswith(("desktop832.store", "desktop832.ui.findings_panel", "desktop832.ui.tabs")))))
"""


def test_the_first_paint_loads_nothing_the_data_needs(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DESKTOP832_HOME=str(tmp_path))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", FIRST_PAINT], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []


def form_tabs_in_place(window) -> list[bool]:
    return [not isinstance(window.tabs.widget(i), QLabel) for i in FORM_TABS]


def test_placeholders_until_the_file_is_open_then_the_tab_on_screen_then_the_rest(qtbot, configured_app, tmp_path):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.findings_dock.widget().text() == "正在检查…"
    assert all(window.tabs.widget(i).text() == "正在打开数据文件…" for i in range(window.tabs.count()))

    assert window.open_database(tmp_path / "unit.sqlite", first_start=True)
    assert window.findings_dock.widget() is window.findings_panel
    assert any("请填写单位全称" in m for m in window.findings_panel.messages())
    # the data is shown on the tab the clerk sees; the other forms follow in the next turns
    assert window.tabs.currentIndex() == TAB_PROFILE and window.profile_tab.welcome_label.isVisible()
    assert form_tabs_in_place(window) == [False, True, False, False]
    qtbot.waitUntil(lambda: all(form_tabs_in_place(window)))
    assert isinstance(window.tabs.widget(TAB_PURCHASES), QLabel)  # the log waits until it is shown


@pytest.fixture
def unit_with_a_low_reserve(tmp_path, profile):
    path = tmp_path / "unit.sqlite"
    with Store.open(path) as store:
        store.save_profile(profile)
        store.save_plan(AnnualPlan(2023).with_canteen_total(D("900000")).with_reserve_amount(D("135000")))
        store.save_plan(AnnualPlan(2024).with_canteen_total(D("1000000")).with_reserve_amount(D("100000")))
    return path


def test_a_tab_built_after_the_file_opened_shows_its_values_marks_and_locks(qtbot, make_window, unit_with_a_low_reserve):
    window = make_window(unit_with_a_low_reserve, first_start=False)
    assert window.tabs.currentIndex() == TAB_OVERVIEW
    assert form_tabs_in_place(window) == [True, False, False, False]

    window.tabs.setCurrentIndex(TAB_QUOTA)  # before the idle turns built it: built now
    quota = window.quota_tab
    assert window.tabs.widget(TAB_QUOTA) is quota
    assert quota.canteen_total_edit.text() == "1,000,000.00"
    assert quota.reserve_amount_edit.property("finding") == "error"
    assert "低于年度食堂食材采购总额" in quota.reserve_amount_edit.toolTip()
    assert quota.last_year_amount_edit.text() == "135,000.00" and quota.last_year_amount_edit.isReadOnly()
    assert quota.policy_combo.count() > 1  # the policy files are offered


def test_findings_about_union_basics_lead_to_the_union_tab_whichever_tab_was_built_first(qtbot, make_window):
    window = make_window()  # a first start: the profile tab, which shows the union basics too, comes first
    assert window.tabs.currentIndex() == TAB_PROFILE and isinstance(window.tabs.widget(TAB_UNION), QLabel)
    window.go_to_finding(Finding("union-standard", Severity.ERROR, "请填写工会会员人数", "通知", ("profile.union_members",)))
    assert window.tabs.currentIndex() == TAB_UNION
    assert window.union_tab.u_union_members_edit.hasFocus()


def test_a_start_on_the_purchase_log_builds_the_forms_afterwards(qtbot, make_window, unit_with_a_low_reserve):
    from desktop832.ui.settings import app_settings

    app_settings().setValue("window/tab", TAB_PURCHASES)  # where the clerk left the window last time
    window = make_window(unit_with_a_low_reserve, first_start=False)
    assert window.tabs.currentIndex() == TAB_PURCHASES
    assert window.tabs.widget(TAB_PURCHASES) is window.purchase_tab
    assert form_tabs_in_place(window) == [False] * 4
    assert any("低于年度食堂食材采购总额" in m for m in window.findings_panel.messages())
    qtbot.waitUntil(lambda: all(form_tabs_in_place(window)))
    assert window.quota_tab.reserve_amount_edit.property("finding") == "error"


def test_a_tab_built_after_a_read_only_open_cannot_be_edited(qtbot, make_window, unit_with_a_low_reserve, monkeypatch):
    from desktop832.app import locking
    from desktop832.ui.dialogs import file_lock

    viewing = locking.LockResult(False, "另一个窗口正在使用", None, "held", unit_with_a_low_reserve)
    monkeypatch.setattr(file_lock, "choose_open_mode", lambda parent, path: ("readonly", viewing))
    window = make_window(unit_with_a_low_reserve, first_start=False)
    assert window.readonly and isinstance(window.tabs.widget(TAB_PROFILE), QLabel)
    window.tabs.setCurrentIndex(TAB_PROFILE)
    profile = window.profile_tab
    assert profile.name_edit.text() and profile.name_edit.isReadOnly()
    assert not profile.canteen_mode_combo.isEnabled() and not profile.has_union_funds_check.isEnabled()
