"""预留份额: the policy in force, the canteen reserve, last year's figures and the filing status."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QWidget

from ...domain.model import FilingStatus
from ...domain.money import to_capital
from ...domain.requirements import canteen_minimum, deadline_status
from ..forms import FormWidget
from . import fields as f

AUTOMATIC = ""  # policy_combo item data meaning "choose from region, level and year"


class QuotaTab(FormWidget):
    FORM = "quota_tab.ui"
    WIDGETS = {
        "policy_combo": QComboBox, "load_policy_button": QPushButton, "policy_description_label": QLabel,
        "canteen_total_edit": QLineEdit, "reserve_ratio_edit": QLineEdit, "reserve_amount_edit": QLineEdit,
        "reserve_capital_label": QLabel, "minimum_label": QLabel,
        "last_year_amount_edit": QLineEdit, "last_year_ratio_edit": QLineEdit,
        "last_year_amount_edit_label": QLabel, "last_year_ratio_edit_label": QLabel,
        "drop_explanation_edit": QPlainTextEdit, "drop_explanation_edit_label": QLabel,
        "deadline_label": QLabel, "confirmation_deadline_label": QLabel, "filing_status_combo": QComboBox,
        "filed_on_edit": QLineEdit, "supervisor_confirmed_on_edit": QLineEdit, "finance_confirmed_on_edit": QLineEdit,
        "letter_sent_check": QCheckBox, "note_edit": QPlainTextEdit,
        "filing_history_label": QLabel, "record_answer_button": QPushButton, "filing_group_form": QFormLayout,
    }
    policyChosen = Signal(str)  # policy id, "" for automatic
    loadPolicyRequested = Signal()
    recordAnswerRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.attachments = self.attachments_view = None  # the year's filing evidence, from the first refresh
        self.load_policy_button.clicked.connect(self.loadPolicyRequested)
        self.record_answer_button.clicked.connect(self.recordAnswerRequested)
        self.policy_combo.activated.connect(lambda i: self.policyChosen.emit(self.policy_combo.itemData(i) or AUTOMATIC))

    def bind(self, b) -> None:
        b.line(self.canteen_total_edit, "plan.canteen_total", f.parser("plan.canteen_total"), f.show_money)
        b.line(self.reserve_amount_edit, "plan.reserve_amount", f.parser("plan.reserve_amount"), f.show_money)
        b.line(self.reserve_ratio_edit, "plan.reserve_ratio", f.parser("plan.reserve_ratio"), f.show_percent)
        b.line(self.last_year_amount_edit, "plan.last_year_amount", f.parser("plan.last_year_amount"), f.show_money)
        b.line(self.last_year_ratio_edit, "plan.last_year_ratio", f.parser("plan.last_year_ratio"), f.show_percent)
        b.text(self.drop_explanation_edit, "plan.drop_explanation", f.parser("plan.drop_explanation"))
        b.combo(self.filing_status_combo, "plan.filing_status", FilingStatus)
        b.line(self.filed_on_edit, "plan.filed_on", f.parser("plan.filed_on"), f.show_date)
        b.line(self.supervisor_confirmed_on_edit, "plan.supervisor_confirmed_on", f.parser("plan.supervisor_confirmed_on"), f.show_date)
        b.line(self.finance_confirmed_on_edit, "plan.finance_confirmed_on", f.parser("plan.finance_confirmed_on"), f.show_date)
        b.check(self.letter_sent_check, "plan.letter_sent")
        b.text(self.note_edit, "plan.note", f.parser("plan.note"))

    def set_policies(self, policies, automatic_name: str, chosen_id: str) -> None:
        self.policy_combo.clear()
        self.policy_combo.addItem(f"自动选择：{automatic_name}", AUTOMATIC)
        for policy in policies:
            self.policy_combo.addItem(f"{policy.name}（{policy.region}）", policy.id)
        index = self.policy_combo.findData(chosen_id) if chosen_id else 0
        self.policy_combo.setCurrentIndex(max(0, index))

    def refresh(self, document) -> None:
        plan, policy, today = document.plan, document.policy, document.workspace.today
        amount = plan.reserve_amount
        self.reserve_capital_label.setText(f"大写：{to_capital(amount)}" if amount is not None else "")
        minimum = canteen_minimum(document.profile, plan, policy)
        self.minimum_label.setText(minimum.summary if minimum else "")
        # with a plan for last year in the file its figures come from there (the window locks them)
        planned = document.last_year_planned
        for label, what in (
            (self.last_year_amount_edit_label, "预留金额（元）"), (self.last_year_ratio_edit_label, "预留比例（%）"),
        ):
            label.setText(f"{plan.year - 1} 年度{what}" if planned else f"上年度{what}")
            label.setToolTip(f"取自 {plan.year - 1} 年度的计划；要更正，请在“年度”中选择 {plan.year - 1} 年度修改。" if planned else "")
        # the explanation becomes required when the reserve drops below last year's
        required = plan.drops_below_last_year()
        self.drop_explanation_edit_label.setText("下降说明（必填）" if required else "下降说明")
        self.drop_explanation_edit.setEnabled(required or bool(plan.drop_explanation))
        self.policy_description_label.setText(policy_text(document))
        events = document.workspace.filing_events(plan.year)
        self.filing_history_label.setText(filing_history_text(events))
        self.record_answer_button.setEnabled(any(e.kind.is_filing for e in events) and not document.workspace.store.readonly)
        self._show_attachments(document)
        level = document.profile.level
        for label, rule_ids in (
            (self.deadline_label, ("filing-deadline",)),
            # a 省直 unit's filing is confirmed by its supervising department (豫财购〔2023〕2号), the
            # others' by the finance department: show whichever date the policy sets for this level
            (self.confirmation_deadline_label, ("confirmation-deadline", "supervisor-deadline")),
        ):
            found = [(rule_id, policy.deadline(rule_id, level)) for rule_id in rule_ids] if policy else []
            rule_id, due = next(((r, d) for r, d in found if d is not None), (None, None))
            status = deadline_status(due.date if due else None, today)
            who = "（主管预算单位确认）" if rule_id == "supervisor-deadline" else ""
            label.setText(
                ("—（本年度没有政策文件）" if policy is None else "—（政策未规定）") if status is None
                else f"{due.date:%Y-%m-%d}（{status.text}）{who}"
            )


    def _show_attachments(self, document) -> None:
        """The filing's evidence (the stamped letter, a department's confirmation) for the year shown."""
        from ...domain.attachments import FILING_KINDS
        from ..attachments import AttachmentList, AttachmentsView

        workspace, year = document.workspace, document.plan.year
        model = self.attachments
        if model is not None and model.workspace is workspace and model.year == year:
            return
        if self.attachments_view is not None:
            self.filing_group_form.removeRow(self.attachments_view)  # deletes the view and its label
        self.attachments = AttachmentList(workspace, year=year, on_change=document.attachments_changed)
        self.attachments_view = AttachmentsView(
            self.attachments, document.undo_stack, FILING_KINDS, self, read_only=workspace.store.readonly)
        self.attachments_view.setObjectName("filing_attachments")
        self.attachments_view.setToolTip("盖章的无食堂承诺函、主管部门或财政部门的确认等，随数据文件保存")
        after = self.record_answer_button.nextInFocusChain()  # what Tab reached after the filing record
        self.filing_group_form.addRow("填报附件", self.attachments_view)
        view = self.attachments_view
        chain = [self.record_answer_button, view.kind_combo, view.add_button, view.preview_button, view.open_button,
                 view.remove_button, view.list, after]
        for before, then in zip(chain, chain[1:]):
            QWidget.setTabOrder(before, then)


def filing_history_text(events) -> str:
    """The year's filing record, one line per filing or answer, oldest first."""
    if not events:
        return "尚未导出上报文件（每次导出和主管部门、财政部门的审核结果都会记在这里）"
    return "\n".join(e.line() for e in events)


def policy_text(document) -> str:
    """What governs the year and why: the policy's line, its notices, the reason it was chosen and
    the files passed over; for a year without a policy, what to do about it."""
    policy, selection = document.policy, document.selection
    lines = []
    if policy is None:
        lines.append(f"{document.plan.year} 年度没有适用于本单位的政策文件：不显示其他年度的截止日期和比例。"
                     "收到该年度的通知后，用“政策 → 新建年度政策…”按通知建立，或点“加载政策文件…”加载。")
    else:
        lines.append(policy.description)
        lines.append(f"文件依据：{policy.notice_numbers}")
        unchecked = policy.unchecked_notices
        if unchecked:
            lines.append("未核对原文：" + "、".join(n.number for n in unchecked) + "（据其得出的结论最多为警告）")
    if selection is not None:
        lines.extend("选择：" + line if i == 0 else line for i, line in enumerate(selection.lines))
    return "\n".join(lines)
