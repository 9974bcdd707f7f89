"""The findings panel beside the tabs: every current finding, worst first, with its citation."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSignalBlocker, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QLabel, QListView, QListWidget, QListWidgetItem, QStyle, QStyledItemDelegate,
    QVBoxLayout, QWidget,
)

from ..domain.findings import Finding, Severity
from . import palette
from .icons import severity_icon

FINDING_ROLE = Qt.ItemDataRole.UserRole
ICON, PAD, GAP = 18, 6, 2
WRAP = Qt.TextFlag.TextWordWrap


class FindingDelegate(QStyledItemDelegate):
    """Icon, the message wrapped to the panel's width, and the citation in small grey type."""

    def _fonts(self, option) -> tuple[QFont, QFont]:
        small = QFont(option.font)
        small.setPointSizeF(max(7.0, option.font.pointSizeF() * 0.88))
        return option.font, small

    def _text_width(self, option) -> int:
        view = option.widget
        width = view.viewport().width() if view is not None else option.rect.width()
        return max(80, width - ICON - 3 * PAD)

    def _blocks(self, option, finding: Finding) -> tuple[QRect, QRect]:
        font, small = self._fonts(option)
        width = self._text_width(option)
        message = QFontMetrics(font).boundingRect(QRect(0, 0, width, 10_000), WRAP, finding.message)
        citation = QFontMetrics(small).boundingRect(QRect(0, 0, width, 10_000), WRAP, "依据：" + finding.citation)
        return message, citation

    def sizeHint(self, option, index) -> QSize:
        finding = index.data(FINDING_ROLE)
        message, citation = self._blocks(option, finding)
        return QSize(self._text_width(option), PAD + message.height() + GAP + citation.height() + PAD)

    def paint(self, painter, option, index) -> None:
        finding: Finding = index.data(FINDING_ROLE)
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, palette.selected_row(option.palette.color(QPalette.ColorRole.Highlight)))
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(option.rect, palette.qcolor(palette.HOVER_BACKGROUND))
        rect = option.rect
        severity_icon(finding.severity).paint(painter, QRect(rect.left() + PAD, rect.top() + PAD, ICON, ICON))
        font, small = self._fonts(option)
        message, citation = self._blocks(option, finding)
        left = rect.left() + ICON + 2 * PAD
        painter.setFont(font)
        painter.setPen(option.palette.color(QPalette.ColorRole.Text))
        painter.drawText(QRect(left, rect.top() + PAD, message.width() + 1, message.height()), WRAP, finding.message)
        painter.setFont(small)
        painter.setPen(palette.qcolor(palette.MUTED))
        top = rect.top() + PAD + message.height() + GAP
        painter.drawText(QRect(left, top, citation.width() + 1, citation.height()), WRAP, "依据：" + finding.citation)
        painter.setPen(palette.qcolor(palette.SEPARATOR))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        painter.restore()


class FindingsPanel(QWidget):
    activated = Signal(object)  # Finding: go to its field
    shown_finding = Signal(object)  # Finding: show its field, the list keeping the focus

    def __init__(self, parent=None):
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setObjectName("findings_summary")
        self.show_ok = QCheckBox(self.tr("显示已达标的项(&K)"))
        self.show_ok.setChecked(True)
        self.list = QListWidget()
        self.list.setObjectName("findings_list")
        self.list.setItemDelegate(FindingDelegate(self.list))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)  # re-measure wrapped text on resize
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # a scroll bar that comes and goes would change the width the rows were measured at
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setMouseTracking(True)
        # the arrow keys (or a click) walk the list, showing each finding's field while the list
        # keeps the focus; Enter (or a double click) puts the cursor in the field
        self.list.itemActivated.connect(self._activate)
        self.list.currentItemChanged.connect(lambda item, _previous: item is not None and self.shown_finding.emit(item.data(FINDING_ROLE)))
        self.list.itemClicked.connect(lambda item: self.shown_finding.emit(item.data(FINDING_ROLE)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.show_ok)
        self.show_ok.toggled.connect(lambda _on: self.set_findings(self._findings))
        self._findings: list[Finding] = []

    def set_findings(self, findings: list[Finding]) -> None:
        self._findings = findings
        blocker = QSignalBlocker(self.list)  # refilling is not the clerk walking the list
        self.list.clear()
        for finding in findings:
            if finding.severity is Severity.OK and not self.show_ok.isChecked():
                continue
            item = QListWidgetItem()
            item.setData(FINDING_ROLE, finding)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{finding.severity.label}：{finding.message}")
            item.setToolTip(f"{finding.severity.label}：{finding.message}\n依据：{finding.citation}")
            self.list.addItem(item)
        blocker.unblock()
        errors = sum(f.severity is Severity.ERROR for f in findings)
        warnings = sum(f.severity is Severity.WARNING for f in findings)
        self.summary.setText(f"错误 {errors} 项 · 警告 {warnings} 项")

    def shown(self) -> list[Finding]:
        return [self.list.item(i).data(FINDING_ROLE) for i in range(self.list.count())]

    def messages(self) -> list[str]:
        return [f.message for f in self.shown()]

    def _activate(self, item: QListWidgetItem) -> None:
        self.activated.emit(item.data(FINDING_ROLE))
