"""The add/edit form of one purchase, as a dialog over the purchase log.

Fields carry the same validators as the table's cells; OK reads every field through its parser
and, on the first refusal, says why beside the buttons and puts the cursor in that field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QGroupBox, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget,
)
from PySide6.QtCore import QSize

from ...domain.counting import why_not_counted
from ...domain.errors import InputError
from ...domain.model import Channel, FeeSource, OrderState, Purchase, Purpose
from ...domain.money import ZERO, format_money
from . import fields as fields
from ..forms import FormWidget
from ..screen_fit import fit_dialog, scroll_content
from .delegate import mark_problem
from ..palette import set_tone
from ..validators import ParserValidator

_LINES = ("date", "amount", "order_no", "supplier", "description", "paid_on", "delivered_on", "invoice_no")
_DATES = ("paid_on", "delivered_on")  # optional dates: empty when not given
_COMBOS = {"purpose": Purpose, "channel": Channel, "state": OrderState, "fee_source": FeeSource}


class PurchaseForm(FormWidget):
    FORM = "purchase_form.ui"
    WIDGETS = {
        "date_edit": QLineEdit, "amount_edit": QLineEdit, "order_no_edit": QLineEdit, "supplier_edit": QLineEdit,
        "description_edit": QLineEdit, "purpose_combo": QComboBox, "channel_combo": QComboBox,
        "state_combo": QComboBox, "counted_label": QLabel, "paid_on_edit": QLineEdit,
        "delivered_on_edit": QLineEdit, "invoice_no_edit": QLineEdit, "fee_source_combo": QComboBox,
        "evaluated_check": QCheckBox, "note_edit": QPlainTextEdit, "error_label": QLabel,
        "button_box": QDialogButtonBox,
    }


class PurchaseDialog(QDialog):
    """``purchase`` None adds a purchase dated ``today`` (within ``year``); otherwise edits it.

    With ``workspace`` the dialog lists the purchase's attachments: an edited purchase's are
    stored as they are added (undoable on ``undo_stack``), a new one's when it is saved
    (:attr:`attachments`, whose ``commit`` the log calls with the new id)."""

    def __init__(
        self, year: int, purposes: frozenset[Purpose], today: dt.date, purchase: Purchase | None = None, parent=None,
        excluded: frozenset[Purpose] | None = None, when: str = "completed", *, workspace=None, undo_stack=None,
        on_attachments_changed=None,
    ):
        super().__init__(parent)
        self.when = when  # the policy's count_when: payment (and delivery) may decide counting
        self.year = year
        self.purposes = purposes
        self.excluded = excluded
        self.original = purchase
        self.result_purchase: Purchase | None = None
        self.setWindowTitle("修改采购记录" if purchase else "添加采购记录")
        self.form = PurchaseForm(self)
        # the fields scroll on a small screen; the message and the buttons stay below them
        scroll_content(self, self.form, self.form.form.layout(), outside=2)
        # O and C are the labels' (订单号(&O), 渠道(&C)): the buttons take letters of their own
        self.form.button_box.button(QDialogButtonBox.StandardButton.Ok).setText("确定(&K)")
        self.form.button_box.button(QDialogButtonBox.StandardButton.Cancel).setText("取消(&X)")
        self.form.button_box.accepted.connect(self.accept)
        self.form.button_box.rejected.connect(self.reject)
        for key in _LINES:
            edit = self.line(key)
            edit.setValidator(ParserValidator(fields.PARSERS[key], edit))
            edit.textEdited.connect(lambda _text, e=edit: self._mark(e))
        for key, enum_type in _COMBOS.items():
            combo = self.combo(key)
            for member in enum_type:
                combo.addItem(member.value or "（未填）", member.value)
            combo.currentIndexChanged.connect(self._show_counted)
        self.form.paid_on_edit.textChanged.connect(self._show_counted)
        self.form.delivered_on_edit.textChanged.connect(self._show_counted)
        self.attachments = self.attachments_view = None
        if workspace is not None:
            self._add_attachments(workspace, undo_stack, purchase, on_attachments_changed)
        self.form.note_edit.setTabChangesFocus(True)
        self._fill(purchase or Purchase(date=today if today.year == year else dt.date(year, 1, 1), amount=ZERO))
        if purchase is None:
            self.form.amount_edit.clear()
        fit_dialog(self, QSize(460, 0))

    def _add_attachments(self, workspace, undo_stack, purchase, on_change) -> None:
        from ...domain.attachments import PURCHASE_KINDS
        from ..attachments import AttachmentList, AttachmentsView

        self.attachments = AttachmentList(workspace, purchase_id=purchase.id if purchase else None, on_change=on_change)
        box = QGroupBox("附件（发票、验收单、订单截图）", self.form)
        box.setObjectName("attachments_group")
        layout = QVBoxLayout(box)
        self.attachments_view = AttachmentsView(self.attachments, undo_stack, PURCHASE_KINDS, box,
                                                read_only=workspace.store.readonly)
        layout.addWidget(self.attachments_view)
        self.form.form.layout().addWidget(box)  # below the fields, scrolled with them on a small screen
        # Tab goes on from the note down into the attachments, then to the buttons as before
        buttons, widget = [], self.form.note_edit.nextInFocusChain()
        while widget is not self.form.note_edit and len(buttons) < len(self.form.button_box.buttons()):
            if widget in self.form.button_box.buttons():
                buttons.append(widget)
            widget = widget.nextInFocusChain()
        view = self.attachments_view
        chain = [self.form.note_edit, view.kind_combo, view.add_button, view.preview_button, view.open_button,
                 view.remove_button, view.list, *buttons]
        for before, after in zip(chain, chain[1:]):
            QWidget.setTabOrder(before, after)

    def line(self, key: str) -> QLineEdit:
        return getattr(self.form, f"{key}_edit")

    def combo(self, key: str) -> QComboBox:
        return getattr(self.form, f"{key}_combo")

    def _fill(self, p: Purchase) -> None:
        self.line("date").setText(f"{p.date:%Y-%m-%d}")
        self.line("amount").setText(format_money(p.amount))
        for key in ("order_no", "supplier", "description"):
            self.line(key).setText(getattr(p, key))
        for key in _DATES:
            value = getattr(p, key)
            self.line(key).setText(f"{value:%Y-%m-%d}" if value else "")
        self.line("invoice_no").setText(p.invoice_no)
        for key in _COMBOS:
            combo = self.combo(key)
            combo.setCurrentIndex(max(0, combo.findData(getattr(p, key).value)))
        self.form.evaluated_check.setChecked(p.evaluated)
        self.form.note_edit.setPlainText(p.note)
        self._show_counted()

    def _show_counted(self) -> None:
        reason = why_not_counted(
            Channel(self.combo("channel").currentText()), OrderState(self.combo("state").currentText()),
            Purpose(self.combo("purpose").currentText()), self.purposes, self.excluded,
            paid=bool(self.form.paid_on_edit.text().strip()),
            accepted=bool(self.form.delivered_on_edit.text().strip()), when=self.when,
        )
        self.form.counted_label.setText(reason or "计入年度采购总额")
        set_tone(self.form.counted_label, "warning" if reason else "ok")

    def _mark(self, edit: QLineEdit) -> None:
        problem = edit.validator().problem(edit.text())
        mark_problem(edit, problem)
        self.form.error_label.setText(problem or "")

    def read(self) -> Purchase:
        """The purchase the fields describe; raises InputError (field set) on the first bad one."""
        values = {}
        for key in _LINES:
            try:
                values[key] = fields.PARSERS[key](self.line(key).text())
                if key == "date":
                    fields.check_year(values[key], self.year)
            except InputError as exc:
                raise InputError(exc.message, key) from None
        for key, enum_type in _COMBOS.items():
            values[key] = enum_type(self.combo(key).currentData())
        try:
            values["note"] = fields.PARSERS["note"](self.form.note_edit.toPlainText())
        except InputError as exc:
            raise InputError(exc.message, "note") from None
        values["evaluated"] = self.form.evaluated_check.isChecked()
        if self.original is not None:
            return dataclasses.replace(self.original, **values)
        return Purchase(**values)

    def accept(self) -> None:
        try:
            self.result_purchase = self.read()
        except InputError as exc:
            self.form.error_label.setText(exc.message)
            widget = self.form.note_edit if exc.field == "note" else self.line(exc.field)
            mark_problem(widget, exc.message)
            widget.setFocus()
            return
        super().accept()
