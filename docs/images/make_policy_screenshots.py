"""Remake the screenshots of docs/new-year-policy.md at 1366x768:

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1366x768x24" python docs/images/make_policy_screenshots.py docs/images

A sample unit with a 2025 plan, then 政策 → 新建年度政策… step by step, as the how-to shows it.
"""

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path
os.environ["DESKTOP832_HOME"] = tempfile.mkdtemp()
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from desktop832.ui.main_window import MainWindow
out = Path(sys.argv[1])
db = Path(tempfile.mkdtemp()) / "unit.sqlite"

def pump():
    for _ in range(20):
        app.processEvents()

w = MainWindow(today=dt.date(2025, 2, 1)); w.resize(1366, 740); w.show(); pump()
w.open_database(db); pump()
w.quota_tab.canteen_total_edit.setText("1000000"); w.quota_tab.canteen_total_edit.editingFinished.emit(); pump()
w.close(); pump()
w = MainWindow(today=dt.date(2026, 12, 2)); w.resize(1366, 740); w.show(); pump()
w.open_database(db); pump()
w.new_policy(); pump()
d = w.policy_dialog
d.year_spin.setValue(2027)
d.number_edit.setText("财办库〔2026〕300号"); d.title_edit.setText("关于做好2027年政府采购脱贫地区农副产品工作的通知")
d.issuer_edit.setText("财政部办公厅"); d.date_edit.setText("2026-12-20")
d.text_edit.setPlainText("一、食堂食材预留份额按不低于当年度食堂食材采购总额的12%进行填报。\n二、2027年3月31日前完成填报。")
pump(); d.grab().save(str(out / "policy-1-notice.png"))
d.next_step(); pump()
d.rule_editors["canteen-ratio"].quote_edit.setText("食堂食材预留份额按不低于当年度食堂食材采购总额的12%")
d.rule_editors["filing-deadline"].quote_edit.setText("3月31日前完成填报")
d.next_step(); pump()  # refused: last year's date
d.grab().save(str(out / "policy-2-rules-refused.png"))
d.rule_editors["filing-deadline"].inputs["date"].setText("2027-03-31")
d.rule_editors["canteen-ratio"].inputs["floor_ratio"].setText("12")
d.rules_area.ensureWidgetVisible(d.rule_editors["canteen-ratio"]); pump()
d.grab().save(str(out / "policy-3-rules.png"))
d.next_step(); pump()
d.grab().save(str(out / "policy-4-changes.png"))
d.save(); pump()
w.grab().save(str(out / "policy-5-window.png"))
print(d.size(), w.size(), w.document.year, w.document.policy.id)
