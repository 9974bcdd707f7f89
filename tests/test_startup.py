"""Start-up order: the window paints before anything the data needs is loaded, then fills in."""

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QLabel

from desktop832.ui.main_window import TAB_PURCHASES, MainWindow

ROOT = Path(__file__).resolve().parent.parent

# What the app imports up to its first paint, as ``desktop832`` without arguments starts it.
FIRST_PAINT = r"""
import json, sys
from PySide6.QtWidgets import QApplication
import desktop832.cli, desktop832.logs, desktop832.ui.app, desktop832.ui.crash, desktop832.ui.start
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


def test_placeholders_until_the_file_is_open_then_the_findings(qtbot, configured_app, tmp_path):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.findings_dock.widget().text() == "正在检查…"
    assert all(window.tabs.widget(i).text() == "正在打开数据文件…" for i in range(window.tabs.count()))

    assert window.open_database(tmp_path / "unit.sqlite", first_start=True)
    assert window.findings_dock.widget() is window.findings_panel
    assert any("请填写单位全称" in m for m in window.findings_panel.messages())
    assert not any(isinstance(window.tabs.widget(i), QLabel) for i in range(TAB_PURCHASES))
