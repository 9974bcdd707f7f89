"""帮助 → 政策文件: the policy files found, their notices and the rules each switches on."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QTextBrowser, QVBoxLayout

from ... import paths
from ..forms import load_form

RULE_NAMES = {
    "profile-complete": "单位信息完整", "policy-year": "政策年度", "canteen-ratio": "食堂预留比例",
    "canteen-not-below-last-year": "不低于上年度", "canteen-outsourced": "食堂外包", "canteen-shared": "共用食堂",
    "canteen-none": "无食堂", "union-standard": "工会标准", "union-cap": "职工人均上限", "what-counts": "计入范围",
    "filing-deadline": "填报期限", "confirmation-deadline": "确认汇总期限", "purchase-progress": "采购进度",
    "pay-on-time": "及时付款", "performance-evaluation": "履约评价",
}
FORM = "policy_dialog.ui"
WIDGETS = {"policy_browser": QTextBrowser, "load_button": QPushButton, "folder_button": QPushButton, "button_box": QDialogButtonBox}


def policy_html(library, current) -> str:
    parts = []
    for policy in library or []:
        mark = "（当前适用）" if current is not None and policy.id == current.id else ""
        parts.append(f"<h3>{escape(policy.name)} {mark}</h3><p>{escape(policy.description)}</p><ul>")
        for notice in policy.notices:
            date = f"（{notice.date:%Y-%m-%d}）" if notice.date else ""
            parts.append(f"<li>{escape(notice.number)} {escape(notice.title)}{date}</li>")
        parts.append("</ul><table cellspacing='4'>")
        for rule_id, rule in policy.rules.items():
            parts.append(f"<tr><td>{RULE_NAMES.get(rule_id, rule_id)}</td><td>{escape(rule.citation)}</td></tr>")
        parts.append(f"</table><p><small>{escape(str(policy.source))}</small></p>")
    for error in getattr(library, "errors", []):
        parts.append(f"<p style='color:#c62828'>无法使用：{escape(str(error))}</p>")
    return "".join(parts) or "<p>没有找到政策文件。</p>"


class PolicyDialog(QDialog):
    def __init__(self, library, current, window):
        super().__init__(window)
        self.setWindowTitle("政策文件")
        form = load_form(FORM, self, WIDGETS)
        QVBoxLayout(self).addWidget(form)
        self.browser = form.findChild(QTextBrowser, "policy_browser")
        self.browser.setHtml(policy_html(library, current))
        form.findChild(QDialogButtonBox, "button_box").rejected.connect(self.reject)
        load = form.findChild(QPushButton, "load_button")
        load.setEnabled(library is not None)
        load.clicked.connect(lambda: (self.accept(), window.load_policy_file()))
        form.findChild(QPushButton, "folder_button").clicked.connect(self._open_folder)

    def _open_folder(self) -> None:
        folder = paths.user_policies_dir()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
