"""The picture of the year drawn with reportlab's graphics: one drawing, to SVG for the window's
overview and into the year-end report's PDF.

The series come from :func:`desktop832.domain.year_chart.year_chart`; this module only lays them
out: counted purchases per month as bars, their running total as a line against the reserve (and
the policy's pace where it names one), and below it what counted against what did not, by reason.
:class:`ChartGeometry` tells the window where the months are, so a click on one can filter the
purchase log to it.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import ROUND_HALF_UP, Decimal

from ..domain.money import ZERO, format_money
from ..domain.year_chart import COUNTED_LABEL, MONTHS, YearChart

WIDTH = 640.0
PLOT_HEIGHT = 220.0
LEFT, RIGHT = 70.0, 24.0  # the y axis' labels left of the plot, room for the last label right
LEGEND_HEIGHT = 34.0
MONTH_LABELS = 24.0
REASON_ROW = 30.0
NOTE_LINE = 15.0
FONT_SIZE = 9.0

BAR = "#5b8ccf"
LINE = "#e07b00"
TARGET = "#c62828"
PACE = "#2e7d32"
COUNTED = "#2e7d32"
NOT_COUNTED = "#9e9e9e"
AXIS = "#555555"
GRID = "#dddddd"
TEXT = "#222222"


@dataclasses.dataclass(frozen=True, slots=True)
class ChartGeometry:
    """Where things are, in the drawing's own units (origin top left, as the SVG's viewBox)."""

    width: float
    height: float
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float  # the months' labels end here

    def month_at(self, x: float, y: float) -> int | None:
        """The month whose column holds the point, or ``None`` outside the plot."""
        if not (self.plot_left <= x < self.plot_right and self.plot_top <= y <= self.plot_bottom):
            return None
        slot = (self.plot_right - self.plot_left) / 12
        return min(12, int((x - self.plot_left) // slot) + 1)


_DIVISIONS = {Decimal(1): 5, Decimal(2): 4, Decimal("2.5"): 5, Decimal(5): 5}



def _length(part: Decimal, whole: Decimal, full: float) -> float:
    """How long ``part`` of ``whole`` is drawn on a line ``full`` points long. The amounts are
    divided as Decimal and only the length leaves Decimal, as whole hundredths of a point: money
    never becomes a float, the page's coordinates are lengths."""
    hundredths = (part * int(round(full * 100)) / whole).to_integral_value(ROUND_HALF_UP)
    return int(hundredths) / 100

def nice_axis(value: Decimal) -> tuple[Decimal, int]:
    """The axis' upper end (1, 2, 2.5 or 5 times a power of ten, at least ``value``) and how many
    equal steps divide it into round figures."""
    if value <= 0:
        return Decimal(1000), 5
    power = Decimal(1)
    while power * 10 < value:
        power *= 10
    for step, divisions in _DIVISIONS.items():
        if step * power >= value:
            return step * power, divisions
    return power * 10, 5


def nice_top(value: Decimal) -> Decimal:
    return nice_axis(value)[0]


def axis_label(value: Decimal) -> str:
    """An axis tick: ``150,000`` yuan, ``1.5万`` would hide the figure the clerk filed."""
    return f"{value.normalize():,f}".rstrip("0").rstrip(".") if value % 1 else f"{int(value):,}"


def _height(text_lines: int, reasons: int) -> float:
    # the counted row and at least one more (the reasons, or "没有不计入的采购")
    return LEGEND_HEIGHT + PLOT_HEIGHT + MONTH_LABELS + 34 + REASON_ROW * max(reasons + 1, 2) + NOTE_LINE * text_lines + 8


def wrap(text: str, width: float, measure) -> list[str]:
    """Lines of ``text`` no wider than ``width`` (Chinese breaks anywhere)."""
    lines, line = [], ""
    for char in text:
        if line and measure(line + char) > width:
            lines.append(line)
            line = char
        else:
            line += char
    return lines + ([line] if line else [])


def chart_drawing(chart: YearChart, font: str, size: float = FONT_SIZE):
    """The drawing and its geometry. ``font``: a reportlab font name registered for every
    character the chart writes (``documents.fonts.reportlab_font``)."""
    from reportlab.graphics.shapes import Circle, Drawing, Line, Rect, String
    from reportlab.lib.colors import HexColor
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def measure(text: str) -> float:
        return stringWidth(text, font, size)

    def text(x, y, words, colour=TEXT, anchor="start", font_size=size):
        return String(x, y, words, fontName=font, fontSize=font_size, fillColor=HexColor(colour), textAnchor=anchor)

    note_lines = [line for note in chart.notes for line in wrap(note, WIDTH - 16, measure)]
    if chart.pace_citation:
        note_lines += wrap("政策进度线依据：" + chart.pace_citation, WIDTH - 16, measure)
    height = _height(len(note_lines), len(chart.not_counted))
    drawing = Drawing(WIDTH, height)
    # reportlab's y grows upward; "top" below is measured from the drawing's top edge
    def y_of(top: float) -> float:
        return height - top

    plot_top = LEGEND_HEIGHT
    plot_bottom = LEGEND_HEIGHT + PLOT_HEIGHT
    left, right = LEFT, WIDTH - RIGHT
    slot = (right - left) / 12
    scale, divisions = nice_axis(chart.top)

    def y_amount(amount: Decimal) -> float:
        return y_of(plot_bottom) + _length(amount, scale, PLOT_HEIGHT)

    drawing.add(Rect(0, 0, WIDTH, height, fillColor=HexColor("#ffffff"), strokeColor=None))
    # legend
    x = left
    legend = [(BAR, "每月计入的采购", "bar"), (LINE, "累计计入", "line")]
    if chart.target:
        legend.append((TARGET, f"预留份额 {format_money(chart.target)} 元", "dash"))
    if chart.pace is not None:
        legend.append((PACE, "政策要求的进度", "dash"))
    for colour, words, kind in legend:
        mid = y_of(14)
        if kind == "bar":
            drawing.add(Rect(x, mid - 4, 14, 9, fillColor=HexColor(colour), strokeColor=None))
        else:
            drawing.add(Line(x, mid, x + 16, mid, strokeColor=HexColor(colour), strokeWidth=2,
                             strokeDashArray=[4, 3] if kind == "dash" else None))
        drawing.add(text(x + 20, mid - size * 0.35, words))
        x += 20 + measure(words) + 18
    # grid and y axis
    for step in range(divisions + 1):
        value = scale * step / divisions
        y = y_amount(value)
        drawing.add(Line(left, y, right, y, strokeColor=HexColor(GRID if step else AXIS), strokeWidth=0.6))
        drawing.add(text(left - 6, y - size * 0.35, axis_label(value), AXIS, "end"))
    drawing.add(text(left - 6, y_of(plot_top) + 8, "元", AXIS, "end"))
    # bars and month labels
    for index, amount in enumerate(chart.by_month):
        x0 = left + slot * index
        if amount > 0:
            drawing.add(Rect(x0 + slot * 0.2, y_amount(ZERO), slot * 0.6, y_amount(amount) - y_amount(ZERO),
                             fillColor=HexColor(BAR), strokeColor=None))
        drawing.add(text(x0 + slot / 2, y_of(plot_bottom + 15), f"{MONTHS[index]}月", AXIS, "middle"))
    # the reserve, the pace and the running total
    if chart.target:
        y = y_amount(chart.target)
        drawing.add(Line(left, y, right, y, strokeColor=HexColor(TARGET), strokeWidth=1.4, strokeDashArray=[6, 3]))
    if chart.pace is not None:
        points = [(left, y_amount(ZERO))] + [(left + slot * (i + 1), y_amount(v)) for i, v in enumerate(chart.pace)]
        for (xa, ya), (xb, yb) in zip(points, points[1:]):
            drawing.add(Line(xa, ya, xb, yb, strokeColor=HexColor(PACE), strokeWidth=1.4, strokeDashArray=[3, 2]))
    # segments, not a PolyLine: SVG viewers fill an open polyline unless told not to
    shown = chart.cumulative[: chart.months_past]
    points = [(left + slot * (i + 0.5), y_amount(v)) for i, v in enumerate(shown)]
    for (xa, ya), (xb, yb) in zip(points, points[1:]):
        drawing.add(Line(xa, ya, xb, yb, strokeColor=HexColor(LINE), strokeWidth=1.8))
    for cx, cy in points:
        drawing.add(Circle(cx, cy, 2.2, fillColor=HexColor(LINE), strokeColor=None))
    if points:
        last = shown[-1]
        end_label = f"累计 {format_money(last)} 元"
        x_end = min(right, points[-1][0] + measure(end_label) / 2)
        x_label = max(x_end, left + measure(end_label))
        # above the last point if the plot has room there, else under the line: the running total
        # only rises, so under its lowest point within the label's width the line never passes
        above = y_amount(last) + 6
        under = min(y for x, y in points if x >= x_label - measure(end_label) - slot) - size - 4
        drawing.add(text(x_label, above if above + size <= y_of(plot_top) else under, end_label, LINE, "end"))
    # counted against not counted, by reason
    top = plot_bottom + MONTH_LABELS + 10
    drawing.add(text(8, y_of(top + 10), "计入与不计入（按原因）", TEXT, font_size=size + 1))
    rows = [(COUNTED_LABEL, chart.counted_total, COUNTED)] + [(r, a, NOT_COUNTED) for r, a in chart.not_counted]
    biggest = max((a for _l, a, _c in rows), default=ZERO) or Decimal(1)
    bar_left, bar_right = 8.0, WIDTH - 130
    for number, (label, amount, colour) in enumerate(rows):
        row_top = top + 20 + REASON_ROW * number
        shown = label if measure(label) <= bar_right - bar_left else wrap(label, bar_right - bar_left - measure("…"), measure)[0] + "…"
        drawing.add(text(bar_left, y_of(row_top + 9), shown))
        width = max(1.0, _length(amount, biggest, bar_right - bar_left)) if amount else 0.0
        if width:
            drawing.add(Rect(bar_left, y_of(row_top + 22), width, 9, fillColor=HexColor(colour), strokeColor=None))
        drawing.add(text(bar_left + width + 6, y_of(row_top + 21), f"{format_money(amount)} 元"))
    if len(rows) == 1:
        drawing.add(text(bar_left, y_of(top + 20 + REASON_ROW + 9), "没有不计入的采购", AXIS))
    note_top = top + 20 + REASON_ROW * (max(len(rows), 2)) + 4
    for number, line in enumerate(note_lines):
        drawing.add(text(8, y_of(note_top + NOTE_LINE * number + 10), line, AXIS))
    geometry = ChartGeometry(WIDTH, height, left, right, plot_top, plot_bottom + MONTH_LABELS)
    return drawing, geometry


_FONT_FAMILY = re.compile(r"font-family: ?([^;\"]+);")


def chart_svg(chart: YearChart, font: str, family: str = "") -> tuple[bytes, ChartGeometry]:
    """The drawing as SVG; ``family`` replaces reportlab's internal font name so the viewer's
    own font of that family is used (a viewer without it falls back to its Chinese font)."""
    from reportlab.graphics import renderSVG

    drawing, geometry = chart_drawing(chart, font)
    svg = renderSVG.drawToString(drawing)
    if family:
        svg = _FONT_FAMILY.sub(lambda m: f"font-family: {family};" if m.group(1).strip() == font else m.group(0), svg)
    return svg.encode("utf-8"), geometry


def chart_texts(chart: YearChart) -> list[str]:
    """Every text the drawing writes (to check the font covers them)."""
    texts = ["每月计入的采购", "累计计入", "预留份额", "政策要求的进度", "计入与不计入（按原因）", "没有不计入的采购", "元",
             "累计", "政策进度线依据：", chart.pace_citation, *chart.notes, COUNTED_LABEL, "…0123456789,.月 "]
    texts += [reason for reason, _amount in chart.not_counted]
    return texts


__all__ = ["ChartGeometry", "axis_label", "nice_axis", "chart_drawing", "chart_svg", "chart_texts", "nice_top", "wrap"]
