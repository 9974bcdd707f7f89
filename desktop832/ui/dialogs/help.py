"""帮助 → 使用帮助 (F1): the Chinese help pages, read offline in a ``QTextBrowser``.

The pages are Markdown files in ``docs/help/`` (shipped in the bundle beside ``forms/``): one per
tab, named in ``TAB_PAGES`` in the window's tab order, and the pages they link to. Links between
pages are relative file names, followed inside the browser; nothing is fetched from a network.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog, QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget,
)

from ... import paths
from ..screen_fit import available, fit_to_screen

INDEX = "index.md"
# the page of each tab: 概览, 单位信息, 预留份额, 工会预算, 采购记录 (main_window.TAB_TITLES)
TAB_PAGES = ("overview.md", "profile.md", "quota.md", "union.md", "purchases.md")
DATA_PAGE = "data.md"
KEYS_PAGE = "keyboard.md"


def page_url(name: str) -> QUrl:
    return QUrl.fromLocalFile(str(paths.help_dir() / name))


class HelpDialog(QDialog):
    """The help pages with back, forward and contents; where this machine keeps the data below."""

    def __init__(self, parent: QWidget | None, page: str = INDEX, data_file: Path | str | None = None):
        super().__init__(parent)
        self.setWindowTitle("desktop832 使用帮助")
        self.setObjectName("help_dialog")
        self.browser = QTextBrowser()
        self.browser.setObjectName("help_browser")
        self.browser.setOpenExternalLinks(False)  # offline: a web address is not opened from here
        self.browser.setSearchPaths([str(paths.help_dir())])
        self.back_button = QPushButton("后退(&B)")
        self.forward_button = QPushButton("前进(&F)")
        self.index_button = QPushButton("目录(&I)")
        self.close_button = QPushButton("关闭(&C)")
        self.back_button.clicked.connect(self.browser.backward)
        self.forward_button.clicked.connect(self.browser.forward)
        self.index_button.clicked.connect(lambda: self.show_page(INDEX))
        self.close_button.clicked.connect(self.close)
        self.browser.backwardAvailable.connect(self.back_button.setEnabled)
        self.browser.forwardAvailable.connect(self.forward_button.setEnabled)
        self.back_button.setEnabled(False)
        self.forward_button.setEnabled(False)
        self.where_label = QLabel()
        self.where_label.setObjectName("where_label")
        self.set_data_file(data_file)
        self.where_label.setWordWrap(True)
        self.where_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        for button in (self.back_button, self.forward_button, self.index_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.where_label)
        layout.addLayout(buttons)
        fit_to_screen(self, QSize(760, 680), available(parent) if parent is not None else None)
        self.show_page(page)

    def set_data_file(self, data_file: Path | str | None) -> None:
        """Below the page: where this machine keeps the open data file and its backups."""
        file_text = f"数据文件：{data_file}" if data_file else "尚未打开数据文件"
        self.where_label.setText(f"本机：{file_text}；备份文件夹：{paths.backup_dir()}")

    def show_page(self, name: str) -> None:
        self.browser.setSource(page_url(name))

    def page(self) -> str:
        """The file name of the page shown."""
        return Path(self.browser.source().toLocalFile()).name


def open_data_folder(data_file: Path | str | None) -> None:
    """The folder of the open data file (or the default one) in the system's file manager."""
    folder = Path(data_file).parent if data_file else paths.data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
