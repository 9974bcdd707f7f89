"""帮助 → 关于: the version, where the data, logs and settings are, and every component shipped with its licence."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QTextBrowser

from ... import __version__, paths
from ..forms import adopt_form
from ..screen_fit import fit_dialog

FORM = "about_dialog.ui"
WIDGETS = {"about_browser": QTextBrowser, "licenses_button": QPushButton, "button_box": QDialogButtonBox}


def about_html(data_file, components, licenses_folder) -> str:
    portable = "（便携版：数据保存在程序旁边的 data 文件夹）" if paths.portable_root() is not None else ""
    parts = [
        f"<h3>desktop832 {escape(__version__)}</h3>",
        "<p>政府采购脱贫地区农副产品（832平台）预留份额填报与采购台账。本程序以 MIT 许可证发布。</p>",
        f"<p>数据文件：{escape(str(data_file))}<br>数据文件夹：{escape(str(paths.data_dir()))}{portable}<br>"
        f"设置：{escape(str(paths.settings_file()))}<br>日志目录：{escape(str(paths.log_dir()))}</p>",
        "<h4>许可证</h4><table cellspacing='4'><tr><th align='left'>组件</th><th align='left'>版本</th>"
        "<th align='left'>许可证</th></tr>",
    ]
    for component in components:
        parts.append(f"<tr><td>{escape(component.name)}</td><td>{escape(component.version)}</td>"
                     f"<td>{escape(component.licence)}</td></tr>")
    parts.append("</table>")
    if licenses_folder is not None:
        parts.append(f"<p>许可证全文，以及 Qt 与 PySide6（LGPL-3.0）的源代码获取方式，在：<br>"
                     f"{escape(str(licenses_folder))}</p>")
    else:
        parts.append("<p>从源代码运行：各组件的许可证全文在其安装包的元数据中；安装版在程序目录的 licenses 文件夹中。</p>")
    return "".join(parts)


class AboutDialog(QDialog):
    def __init__(self, data_file, window):
        super().__init__(window)
        from ...app.licences import components

        self.setWindowTitle("关于 desktop832")
        adopt_form(self, FORM, WIDGETS, buttons_outside=1)
        self.components, self.licenses_folder = components()
        self.browser = self.about_browser
        self.browser.setHtml(about_html(data_file, self.components, self.licenses_folder))
        self.button_box.rejected.connect(self.reject)
        self.licenses_button.setVisible(self.licenses_folder is not None)
        self.licenses_button.clicked.connect(self._open_folder)
        fit_dialog(self)

    def _open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.licenses_folder)))
