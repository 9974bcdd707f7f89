"""帮助 → 政策文件: the policy files found, their notices and the rules each switches on."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QTextBrowser

from ... import paths
from ...domain.policy import RULE_TITLES
from ...domain import rules as _rules  # noqa: F401  (registers every rule's name)
from ..forms import adopt_form
from .. import palette
from ..screen_fit import fit_dialog

FORM = "policy_dialog.ui"
WIDGETS = {"policy_browser": QTextBrowser, "load_button": QPushButton, "folder_button": QPushButton, "button_box": QDialogButtonBox}


HOW_TO = (
    "<h3>没有本年度的政策文件时</h3><p>程序不借用其他年度或地区的政策。收到新年度的通知后，用“政策 → "
    "新建年度政策…”从上一年度的政策开始，按通知逐条改写并核对原文；或点“加载政策文件…”加载别处做好的政策文件；"
    "也可以复制一个自带的文件（“打开政策文件夹”）用文本编辑器改写 "
    "<code>id</code>、<code>year</code>、适用范围（<code>province</code>、<code>city</code>、<code>levels</code>）、"
    "日期和比例，每条规则写明依据的通知（<code>notice</code>）、条款（<code>clause</code>）和通知原文"
    "（<code>quote</code>）；通知未规定的要求不要写成规则。未核对原文的通知写 <code>checked = false</code>，"
    "据其得出的结论最多为警告。</p>"
)


def policy_html(library, current) -> str:
    parts = []
    for policy in library or []:
        mark = "（当前适用）" if current is not None and policy.id == current.id else ""
        parts.append(f"<h3>{escape(policy.name)} {mark}</h3><p>{escape(policy.description)}</p>")
        layer = f"；在“{escape(policy.extends)}”之上，只改写本文件写明的规则" if policy.extends else ""
        parts.append(f"<p>适用范围：{escape(policy.scope.text)}{layer}</p><ul>")
        for notice in policy.notices:
            date = f"（{notice.date:%Y-%m-%d}）" if notice.date else ""
            checked = "" if notice.checked else f"<br><small>未核对原文：{escape(notice.source or '来源未说明')}</small>"
            parts.append(f"<li>{escape(notice.number)} {escape(notice.title)}{date}{checked}</li>")
        parts.append("</ul><table cellspacing='4'>")
        for rule_id, rule in policy.rules.items():
            parts.append(f"<tr><td>{escape(RULE_TITLES.get(rule_id, rule_id))}</td><td>{escape(rule.citation)}</td></tr>")
        parts.append(f"</table><p><small>{escape(str(policy.source))}</small></p>")
    for error in getattr(library, "errors", []):
        parts.append(f"<p>{palette.span('无法使用：' + escape(str(error)), 'error')}</p>")
    return ("".join(parts) or "<p>没有找到政策文件。</p>") + HOW_TO


class PolicyDialog(QDialog):
    def __init__(self, library, current, window):
        super().__init__(window)
        self.setWindowTitle("政策文件")
        adopt_form(self, FORM, WIDGETS, buttons_outside=1)
        self.browser = self.policy_browser
        self.browser.setHtml(policy_html(library, current))
        self.button_box.rejected.connect(self.reject)
        self.load_button.setEnabled(library is not None)
        self.load_button.clicked.connect(lambda: (self.accept(), window.load_policy_file()))
        self.folder_button.clicked.connect(self._open_folder)
        fit_dialog(self)

    def _open_folder(self) -> None:
        folder = paths.user_policies_dir()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
