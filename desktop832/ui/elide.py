"""Texts that do not fit their place: shortened with “…” and shown whole in the tooltip, rather
than cut off mid-glyph. Designer forms use these classes by name (``forms.load_form`` registers
them with the loader), and ``text()`` is always the whole text."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy, QStyle, QStyleOptionComboBox, QStylePainter

MIN_CHARACTERS = 4  # an elided text shows at least this many characters before its “…”


def join_tip(full: str, note: str) -> str:
    return "\n".join(part for part in (full, note) if part)


class ElidedLabel(QLabel):
    """A one-line label that shortens its text with “…” when narrower than it; the whole text is
    then its tooltip (with ``setNote``'s explanation, if any, below it)."""

    def __init__(self, parent=None, text: str = "", mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight):
        super().__init__(parent)  # parent first: the form loader makes it as ``ElidedLabel(parent)``
        self._full, self._note, self._mode = "", "", mode
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)
        # its whole width when there is room, down to a few characters and “…” when there is not
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setText(text)

    # the whole text, as a QLabel's text() would be
    def text(self) -> str:  # noqa: D102
        return self._full

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        self._full = text or ""
        self.updateGeometry()
        self._elide()

    def setNote(self, note: str) -> None:  # noqa: N802
        """An explanation always shown in the tooltip, below the whole text when that is cut."""
        self._note = note
        self._elide()

    def setElideMode(self, mode: Qt.TextElideMode) -> None:  # noqa: N802
        self._mode = mode
        self._elide()

    def setWordWrap(self, on: bool) -> None:  # noqa: N802  (one line: a wrapped line is never elided)
        super().setWordWrap(False)

    def shown_text(self) -> str:
        return super().text()

    def is_elided(self) -> bool:
        return self.shown_text() != self._full

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        margins = self.contentsMargins()
        extra = margins.left() + margins.right() + 2 * self.margin() + 2 * self.frameWidth() + 2
        return QSize(metrics.horizontalAdvance(self._full) + extra, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        width = metrics.horizontalAdvance(self._full[:MIN_CHARACTERS] + "…")
        return QSize(min(width, self.sizeHint().width()), super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width() - 2 * self.margin()
        shown = self.fontMetrics().elidedText(self._full, self._mode, max(0, width)) if self._full else ""
        super().setText(shown)
        self.setToolTip(join_tip(self._full if shown != self._full else "", self._note))


class ElidedComboBox(QComboBox):
    """A combo box that may be narrower than its longest item: the chosen text is shortened with
    “…” and shown whole in the tooltip (the list itself is as wide as it needs)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._note = ""
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(8)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.currentIndexChanged.connect(lambda _i: self._tip())

    def setNote(self, note: str) -> None:  # noqa: N802
        self._note = note
        self._tip()

    def _label_rect(self):
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        return self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self)

    def shown_text(self) -> str:
        return self.fontMetrics().elidedText(self.currentText(), Qt.TextElideMode.ElideRight, self._label_rect().width())

    def is_elided(self) -> bool:
        return self.shown_text() != self.currentText()

    def _tip(self) -> None:
        self.setToolTip(join_tip(self.currentText() if self.is_elided() else "", self._note))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._tip()

    def showPopup(self) -> None:  # noqa: N802  (the list shows every item whole)
        view = self.view()
        widest = view.sizeHintForColumn(0)
        view.setMinimumWidth(max(self.width(), widest + self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)))
        super().showPopup()

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QStylePainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self.shown_text()
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)


CUSTOM_WIDGETS = (ElidedLabel, ElidedComboBox)
