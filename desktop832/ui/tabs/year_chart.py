"""The picture of the year on the overview: the report's own chart, drawn as SVG in a QSvgWidget.

The series are the domain's (:func:`desktop832.domain.year_chart.year_chart`), the drawing the
document layer's (:mod:`desktop832.documents.year_chart`), the same one the year-end report
prints. Drawing it imports reportlab and reads the chart's font (about 0.3 s the first time), so
it is drawn on a worker thread (:class:`~desktop832.ui.background_task.BackgroundTask`) and shown
when ready; a chart equal to the one shown is not drawn again. Clicking a month emits
``monthClicked(month)``.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import QSizePolicy

from ...domain.money import format_money


def render_chart(chart) -> tuple[bytes, object]:
    """The chart as SVG and its geometry (on any thread: the chart's font is registered once)."""
    from ...documents import fonts
    from ...documents.year_chart import chart_svg

    face = fonts.shipped_face(fonts.Role.BODY)
    return chart_svg(chart, fonts.reportlab_font(face), face.family)


class YearChartView(QSvgWidget):
    monthClicked = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("year_chart")
        self.chart = None
        self.geometry_ = None
        self.renderer().setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMouseTracking(True)
        self.setMaximumWidth(960)  # on a wide screen it stays a picture, not a wall

    def show_chart(self, chart, svg: bytes, geometry) -> None:
        self.chart, self.geometry_ = chart, geometry
        self.load(svg)
        self.renderer().setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        self.setMinimumHeight(int(geometry.height * 0.6))
        self.updateGeometry()
        self.setAccessibleName(f"{chart.year} 年度每月计入的采购与累计；点击某月查看该月的采购记录")

    # --- size ---------------------------------------------------------------------------------

    def hasHeightForWidth(self) -> bool:
        return self.geometry_ is not None

    def heightForWidth(self, width: int) -> int:
        g = self.geometry_
        return int(width * g.height / g.width) if g is not None else super().heightForWidth(width)

    def sizeHint(self) -> QSize:
        g = self.geometry_
        return QSize(int(g.width), int(g.height)) if g is not None else QSize(640, 400)

    # --- where a point is -------------------------------------------------------------------------

    def drawn_rect(self) -> QRectF:
        """Where the drawing lands in the widget (kept in proportion, centred)."""
        g = self.geometry_
        scale = min(self.width() / g.width, self.height() / g.height)
        w, h = g.width * scale, g.height * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def month_at(self, point: QPointF) -> int | None:
        if self.geometry_ is None or self.width() <= 0 or self.height() <= 0:
            return None
        rect = self.drawn_rect()
        g = self.geometry_
        x = (point.x() - rect.left()) * g.width / rect.width()
        y = (point.y() - rect.top()) * g.height / rect.height()
        return g.month_at(x, y)

    def point_of(self, month: int) -> QPointF:
        """The middle of a month's column in widget coordinates (for tests and accessibility)."""
        g, rect = self.geometry_, self.drawn_rect()
        slot = (g.plot_right - g.plot_left) / 12
        x = g.plot_left + slot * (month - 0.5)
        y = (g.plot_top + g.plot_bottom) / 2
        return QPointF(rect.left() + x * rect.width() / g.width, rect.top() + y * rect.height() / g.height)

    # --- the mouse ----------------------------------------------------------------------------

    def mouseMoveEvent(self, event) -> None:
        month = self.month_at(event.position())
        if month is None or self.chart is None:
            self.unsetCursor()
            self.setToolTip("")
        else:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            total = f"，累计 {format_money(self.chart.cumulative[month - 1])} 元" if month <= self.chart.months_past else ""
            self.setToolTip(f"{month}月：计入 {format_money(self.chart.by_month[month - 1])} 元{total}\n点击查看该月的采购记录")
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            month = self.month_at(event.position())
            if month is not None:
                self.monthClicked.emit(month)
                event.accept()
                return
        super().mouseReleaseEvent(event)


__all__ = ["YearChartView", "render_chart"]
