"""概览: where the unit stands this year, answered in one look."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QProgressBar, QPushButton

from ...domain.findings import Severity
from ...domain.overview import Status
from ..forms import FormWidget
from .. import palette

COLOURS = {None: palette.MUTED, Severity.OK: palette.OK, Severity.INFO: palette.HINT, Severity.WARNING: palette.WARNING,
           Severity.ERROR: palette.ERROR}
CHART_AFTER_MS = 300  # the first chart is drawn this long after the data is shown
MARKS = {None: "○", Severity.OK: "✔", Severity.INFO: "✔", Severity.WARNING: "▲", Severity.ERROR: "✖"}


def status_html(status) -> str:
    colour = COLOURS[status.severity]
    return f'<span style="color:{colour}; font-weight:bold">{MARKS[status.severity]}</span> {escape(status.text)}'


class OverviewTab(FormWidget):
    FORM = "overview_tab.ui"
    WIDGETS = {
        "headline_label": QLabel, "filing_value": QLabel, "canteen_value": QLabel, "union_value": QLabel,
        "progress_bar": QProgressBar, "progress_value": QLabel, "counts_value": QLabel,
        "first_problem_label": QLabel, "first_problem_button": QPushButton, "filing_history_value": QLabel,
        "chart_group": QGroupBox, "chart_hint": QLabel,
    }
    findingActivated = Signal(object)
    monthActivated = Signal(int)  # a month of the chart was clicked: show its purchases

    def __init__(self, parent=None):
        super().__init__(parent)
        self._first = None
        self.first_problem_button.clicked.connect(lambda: self._first and self.findingActivated.emit(self._first))
        self.chart_view = None  # built with the first chart drawn
        self._chart = None  # the series last asked for
        self._drawing = None  # the task drawing it
        self._chart_timer = QTimer(self, singleShot=True)
        self._chart_timer.timeout.connect(self._draw_chart)

    def refresh(self, document) -> None:
        from .quota import filing_history_text

        self.filing_history_value.setText(filing_history_text(document.workspace.filing_events(document.year)))
        self._refresh_chart(document)
        view = document.overview()
        name = escape(document.profile.name or "（未填写单位名称）")
        if view is None:
            self._show_without_policy(document, name)
            return
        errors, warnings = view.errors, view.warnings
        verdict = (
            palette.span("一切正常", "ok") if not errors and not warnings
            else palette.span(f"有 {errors} 项错误需要处理", "error") if errors
            else palette.span(f"有 {warnings} 项需要注意", "warning")
        )
        self.headline_label.setText(f"<h2>{name} · {view.year} 年度</h2>{verdict}　<small>适用政策：{escape(view.policy_name)}</small>")
        self.filing_value.setText(status_html(view.filing))
        self.canteen_value.setText(status_html(view.canteen))
        self.union_value.setText(status_html(view.union))
        self.progress_bar.setValue(view.progress_percent)
        self.progress_bar.setFormat(view.progress_label)
        self.progress_value.setText(view.progress.text)
        self.counts_value.setText(f"错误 {errors} 项，警告 {warnings} 项")
        self._first = view.first_problem
        if view.first_problem:
            colour = COLOURS[view.first_problem.severity]
            self.first_problem_label.setText(
                f'<span style="color:{colour}">{escape(view.first_problem.message)}</span><br>'
                f"<small>依据：{escape(view.first_problem.citation)}</small>"
            )
        else:
            self.first_problem_label.setText("没有需要处理的问题。")
        self.first_problem_button.setVisible(view.first_problem is not None)

    # --- the picture of the year ------------------------------------------------------------------

    def _refresh_chart(self, document) -> None:
        """Draw the year's chart when its series changed (on a worker: see ``ui/tabs/year_chart.py``).

        The first drawing waits :data:`CHART_AFTER_MS`, so a file's data and findings are painted
        before reportlab is imported; later changes are drawn at the next turn of the event loop
        (a burst of keystrokes draws only the last chart)."""
        from ...domain.requirements import reserve_target
        from ...domain.year_chart import year_chart

        tally = document.tally
        if tally is None:  # a year without a policy: what the tally has, said to be unjudged
            tally = document.workspace.tally(document.year, None)
        chart = year_chart(tally, reserve_target(document.profile, document.plan), document.policy, document.workspace.today)
        if chart == self._chart:
            return
        self._chart = chart
        self._chart_timer.start(0 if self.chart_view is not None else CHART_AFTER_MS)

    def _draw_chart(self) -> None:
        from ..background_task import BackgroundTask
        from .year_chart import render_chart

        if self._drawing is not None:  # one drawing at a time: the next follows when it ends
            return
        chart = self._chart
        task = BackgroundTask(lambda _progress: (chart, *render_chart(chart)), name="desktop832-year-chart")
        task.succeeded.connect(self._chart_drawn)  # a bound method: nothing arrives once the tab is gone
        task.failed.connect(self._chart_failed)
        self._drawing = task
        task.start()

    def _chart_drawn(self, result) -> None:
        chart, svg, geometry = result
        self._drawing = None
        if chart != self._chart:  # changed while it was drawn: draw the newest
            self._chart_timer.start(0)
            return
        if self.chart_view is None:
            from .year_chart import YearChartView

            self.chart_view = YearChartView(self.chart_group)
            self.chart_view.monthClicked.connect(self.monthActivated)
            self.chart_group.layout().insertWidget(0, self.chart_view)
            self.chart_view.show()  # added to a tab already on screen
        self.chart_view.show_chart(chart, svg, geometry)
        self.chart_hint.setText("点击某个月份的柱子，查看该月的采购记录。")

    def _chart_failed(self, error: BaseException) -> None:
        from ...domain.errors import ClerkError

        self._drawing = None
        self._chart = None  # drawn again at the next change
        if not isinstance(error, ClerkError):
            raise error
        self.chart_hint.setText(f"无法绘制本年度采购图：{error.message}")

    @property
    def chart_ready(self) -> bool:
        """Whether the chart on screen is the one last asked for (tests wait for it)."""
        return (self._drawing is None and not self._chart_timer.isActive() and self.chart_view is not None
                and self.chart_view.chart == self._chart)

    def _show_without_policy(self, document, name: str) -> None:
        """A year without its own policy: every line says so (nothing of another year's stays on
        screen), and the one problem is the missing policy, leading to where one is loaded."""
        year = document.year
        self.headline_label.setText(
            f"<h2>{name} · {year} 年度</h2>"
            f'{palette.span(f"没有适用于 {year} 年度的政策文件", "error")}：收到通知后用“政策 → 新建年度政策…”建立，或在“预留份额”中加载政策文件。'
        )
        none = status_html(Status(None, "—（本年度没有政策文件，不作判断）"))
        for label in (self.filing_value, self.canteen_value, self.union_value):
            label.setText(none)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("—")
        self.progress_value.setText("—（本年度没有政策文件）")
        errors = [f for f in document.findings if f.severity is Severity.ERROR]
        warnings = [f for f in document.findings if f.severity is Severity.WARNING]
        self.counts_value.setText(f"错误 {len(errors)} 项，警告 {len(warnings)} 项")
        self._first = errors[0] if errors else None
        if self._first is not None:
            self.first_problem_label.setText(
                f'<span style="color:{COLOURS[Severity.ERROR]}">{escape(self._first.message)}</span>'
            )
        else:
            self.first_problem_label.setText("")
        self.first_problem_button.setVisible(self._first is not None)
