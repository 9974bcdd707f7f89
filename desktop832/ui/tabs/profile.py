"""单位信息: the unit's profile, canteen situation and union basics."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QGroupBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QStackedWidget, QVBoxLayout, QWidget,
)

from ...domain.model import CanteenMode, Level
from ..forms import FormWidget
from . import fields as f

CANTEEN_HINTS = {
    CanteenMode.OWN: "自有食堂：按政策比例预留食堂食材份额。",
    CanteenMode.OUTSOURCED: "食堂外包：同样须预留份额，并为承包方（采购执行主体）开通832平台交易账号。",
    CanteenMode.SHARED: "共用食堂：共同确定一个单位作为代表填报，其余单位在系统中注明情况。",
    CanteenMode.NONE: "无食堂：在系统中注明“无食堂”，对食堂部分预留份额不作要求。",
}


class ProfileTab(FormWidget):
    FORM = "profile_tab.ui"
    WIDGETS = {
        "welcome_label": QLabel,
        "name_edit": QLineEdit, "credit_code_edit": QLineEdit, "level_combo": QComboBox,
        "directly_affiliated_check": QCheckBox, "province_combo": QComboBox, "city_edit": QLineEdit, "county_edit": QLineEdit,
        "supervising_department_edit": QLineEdit, "person_in_charge_edit": QLineEdit,
        "contact_name_edit": QLineEdit, "phone_edit": QLineEdit,
        "canteen_mode_combo": QComboBox, "canteen_hint_label": QLabel,
        "outsourced_group": QGroupBox, "contractor_name_edit": QLineEdit, "contract_states_policy_check": QCheckBox,
        "executing_purchaser_edit": QLineEdit, "purchaser_account_open_check": QCheckBox,
        "shared_group": QGroupBox, "is_representative_check": QCheckBox, "representative_name_edit": QLineEdit,
        "representative_code_edit": QLineEdit,
        "none_group": QGroupBox, "meal_arrangement_edit": QPlainTextEdit, "letter_button": QPushButton,
        "has_union_funds_check": QCheckBox, "union_members_edit": QLineEdit, "employees_edit": QLineEdit,
    }
    letterRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.letter_button.clicked.connect(self.letterRequested)
        self._stack_canteen_groups()

    def _stack_canteen_groups(self) -> None:
        """The groups of the canteen modes take turns in one place as tall and wide as the largest,
        so choosing another mode (无食堂 among them) changes what is there, not the tab's layout."""
        column = next(layout for layout in self.findChildren(QVBoxLayout) if layout.indexOf(self.outsourced_group) >= 0)
        at = column.indexOf(self.outsourced_group)
        self.canteen_pages = QStackedWidget()
        self.canteen_pages.setObjectName("canteen_pages")
        own = QWidget()  # 自有食堂 needs nothing more
        self._canteen_page = {CanteenMode.OWN: own}
        for mode, group in ((CanteenMode.OUTSOURCED, self.outsourced_group), (CanteenMode.SHARED, self.shared_group),
                            (CanteenMode.NONE, self.none_group)):
            column.removeWidget(group)
            self._canteen_page[mode] = group
        for page in self._canteen_page.values():
            self.canteen_pages.addWidget(page)
        column.insertWidget(at, self.canteen_pages)
        # the hint above changes with the mode: three lines are kept for it whatever its length
        self.canteen_hint_label.setMinimumHeight(3 * self.canteen_hint_label.fontMetrics().lineSpacing() + 2)

    def bind(self, b) -> None:
        b.line(self.name_edit, "profile.name", f.parser("profile.name"), f.show_text)
        b.line(self.credit_code_edit, "profile.credit_code", f.credit_code, f.show_text)
        b.combo(self.level_combo, "profile.level", Level)
        b.check(self.directly_affiliated_check, "profile.directly_affiliated")
        b.editable_combo(self.province_combo, "profile.province")
        b.line(self.city_edit, "profile.city", f.parser("profile.city"), f.show_text)
        b.line(self.county_edit, "profile.county", f.parser("profile.county"), f.show_text)
        b.line(self.supervising_department_edit, "profile.supervising_department", f.parser("profile.supervising_department"), f.show_text)
        b.line(self.person_in_charge_edit, "profile.person_in_charge", f.parser("profile.person_in_charge"), f.show_text)
        b.line(self.contact_name_edit, "profile.contact_name", f.parser("profile.contact_name"), f.show_text)
        b.line(self.phone_edit, "profile.phone", f.phone, f.show_text)
        b.combo(self.canteen_mode_combo, "profile.canteen_mode", CanteenMode)
        b.line(self.contractor_name_edit, "profile.contractor_name", f.parser("profile.contractor_name"), f.show_text)
        b.check(self.contract_states_policy_check, "profile.contract_states_policy")
        b.line(self.executing_purchaser_edit, "profile.executing_purchaser", f.parser("profile.executing_purchaser"), f.show_text)
        b.check(self.purchaser_account_open_check, "profile.purchaser_account_open")
        b.check(self.is_representative_check, "profile.is_representative")
        b.line(self.representative_name_edit, "profile.representative_name", f.parser("profile.representative_name"), f.show_text)
        b.line(self.representative_code_edit, "profile.representative_code", f.representative_code, f.show_text)
        b.text(self.meal_arrangement_edit, "profile.meal_arrangement", f.parser("profile.meal_arrangement"))

    def bind_union(self, b) -> None:
        """The union basics, shown here too; findings about them lead to the union tab."""
        b.check(self.has_union_funds_check, "profile.has_union_funds", leads=False)
        b.line(self.union_members_edit, "profile.union_members", f.parser("profile.union_members"), f.show_count, leads=False)
        b.line(self.employees_edit, "profile.employees", f.parser("profile.employees"), f.show_count, leads=False)

    def refresh(self, document) -> None:
        mode = document.profile.canteen_mode
        self.canteen_pages.setCurrentWidget(self._canteen_page[mode])
        self.canteen_hint_label.setText(CANTEEN_HINTS[mode])
        representative = document.profile.is_representative
        self.representative_name_edit.setEnabled(not representative)
        self.representative_code_edit.setEnabled(not representative)
        funds = document.profile.has_union_funds
        self.union_members_edit.setEnabled(funds)

    def show_welcome(self, visible: bool) -> None:
        self.welcome_label.setVisible(visible)
