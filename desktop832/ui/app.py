"""Start the window (placeholder until the main-window issue lands)."""

from __future__ import annotations

import sys


def run_gui(args) -> int:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QTabWidget

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("desktop832")
    tabs = QTabWidget()
    for title in ("单位信息", "预留份额", "工会预算", "采购记录"):
        tabs.addTab(QLabel("建设中"), title)
    window.setCentralWidget(tabs)
    window.resize(900, 600)
    window.show()
    return app.exec()
