"""工会预算: union funds, members, employees and the union figures the policy judges."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHeaderView, QLabel, QLineEdit, QTableWidget, QTableWidgetItem

from ...domain.overview import UNION_RULES, union_figures
from ...domain.requirements import union_minimum
from ..forms import FormWidget
from .. import palette
from . import fields as f

MET_COLOURS = {True: palette.OK, False: palette.ERROR, None: palette.MUTED}
MET_TEXT = {True: "达标", False: "未达标", None: "—"}


class UnionTab(FormWidget):
    FORM = "union_tab.ui"
    WIDGETS = {
        "u_has_union_funds_check": QCheckBox, "u_union_members_edit": QLineEdit, "u_employees_edit": QLineEdit,
        "no_funds_label": QLabel, "welfare_total_edit": QLineEdit, "union_farm_total_edit": QLineEdit,
        "union_reserve_edit": QLineEdit, "union_minimum_label": QLabel, "figures_table": QTableWidget,
        "union_standard_label": QLabel, "union_funds_total_edit": QLineEdit, "last_year_union_reserve_edit": QLineEdit,
    }

    def __init__(self, parent=None):
        super().__init__(parent)
        table = self.figures_table
        table.setColumnCount(4)
        table.setHorizontalHeaderLabels(["指标", "本单位", "政策标准", "结论"])
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setWordWrap(False)

    def bind(self, b) -> None:
        b.line(self.union_reserve_edit, "plan.union_reserve", f.parser("plan.union_reserve"), f.show_money)
        b.line(self.welfare_total_edit, "plan.welfare_total", f.parser("plan.welfare_total"), f.show_money)
        b.line(self.union_farm_total_edit, "plan.union_farm_total", f.parser("plan.union_farm_total"), f.show_money)
        b.line(self.union_funds_total_edit, "plan.union_funds_total", f.parser("plan.union_funds_total"), f.show_money)
        b.line(
            self.last_year_union_reserve_edit, "plan.last_year_union_reserve", f.parser("plan.last_year_union_reserve"),
            f.show_money,
        )
        b.check(self.u_has_union_funds_check, "profile.has_union_funds")
        b.line(self.u_union_members_edit, "profile.union_members", f.parser("profile.union_members"), f.show_count)
        b.line(self.u_employees_edit, "profile.employees", f.parser("profile.employees"), f.show_count)

    def refresh(self, document) -> None:
        profile, plan, policy = document.profile, document.plan, document.policy
        self.no_funds_label.setVisible(not profile.has_union_funds)
        required = union_minimum(profile, plan, policy)
        self.union_minimum_label.setText(required.summary if required else "")
        figures = union_figures(profile, plan, policy) if policy else []
        table = self.figures_table
        table.setRowCount(len(figures))
        # show every row without an empty band below them
        rows_height = sum(table.rowHeight(r) for r in range(len(figures)))
        table.setFixedHeight(table.horizontalHeader().height() + rows_height + 2 * table.frameWidth() + 2)
        for row, figure in enumerate(figures):
            for column, text in enumerate((figure.label, figure.value, figure.standard, MET_TEXT[figure.met])):
                item = QTableWidgetItem(text)
                if column == 3:
                    item.setForeground(palette.brush(MET_COLOURS[figure.met]))
                table.setItem(row, column, item)
        standard = [x for x in document.findings if x.rule_id in UNION_RULES]
        self.union_standard_label.setText("\n".join(f"{x.severity.label}：{x.message}" for x in standard))
