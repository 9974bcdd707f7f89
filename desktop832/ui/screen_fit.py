"""Sizes from the screen: a window or dialog asks for the size it would like and gets at most
what the screen it is on has free (the task bar left out), so its buttons are never off screen.

Every dialog takes its size from :func:`fit_dialog`; one whose content can be taller or wider
than a small screen puts that content in a :class:`ContentScroll` (:func:`scroll_content`) and
keeps its buttons below it, outside the scrolling part, where they are always visible.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QLayout, QScrollArea, QVBoxLayout, QWidget

MARGIN_WIDTH, MARGIN_HEIGHT = 0.96, 0.90  # room left for the frame and title bar the system adds
SCROLL_MINIMUM = QSize(200, 120)  # a scrolled content area shrinks to this before the dialog stops


def available(widget=None) -> QRect:
    """The free part of the screen ``widget`` is on (or of the primary screen)."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 768)


def fitted(wanted: QSize, space: QRect) -> QSize:
    """``wanted``, shrunk to fit ``space`` with room for the window frame."""
    return QSize(
        min(wanted.width(), int(space.width() * MARGIN_WIDTH)),
        min(wanted.height(), int(space.height() * MARGIN_HEIGHT)),
    )


def fit_to_screen(widget, wanted: QSize, space: QRect | None = None) -> QSize:
    """Resize ``widget`` to ``wanted`` or what its screen has room for, whichever is smaller."""
    size = fitted(wanted, space if space is not None else available(widget))
    widget.resize(size)
    return size


def fit_dialog(dialog: QWidget, wanted: QSize | None = None) -> QSize:
    """Size ``dialog`` from the screen its parent window is on: what its content asks for (at
    least ``wanted``), at most what that screen has free. Call it once the content is built;
    it is measured again as the dialog is shown (wrapped texts know their height only then)."""
    size = _fit_dialog(dialog, wanted)
    _RefitOnShow(dialog, wanted, size)
    return size


def _fit_dialog(dialog: QWidget, wanted: QSize | None) -> QSize:
    parent = dialog.parentWidget()
    space = available(parent.window() if parent is not None else dialog)
    for scroll in dialog.findChildren(ContentScroll):
        scroll.updateGeometry()  # the layout's cached hint for it predates its content's texts
    size = dialog.sizeHint()
    if wanted is not None:
        size = size.expandedTo(wanted)
    return fit_to_screen(dialog, size, space)


class _RefitOnShow(QObject):
    """Once, as the dialog is shown (before it is painted): fit it again, unless it was resized
    meanwhile by someone else."""

    def __init__(self, dialog: QWidget, wanted: QSize | None, size: QSize):
        super().__init__(dialog)
        self.wanted, self.size = wanted, size
        dialog.installEventFilter(self)

    def eventFilter(self, dialog, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Show:
            dialog.removeEventFilter(self)
            if dialog.size() == self.size:
                _fit_dialog(dialog, self.wanted)
            self.deleteLater()
        return False


class ContentScroll(QScrollArea):
    """A dialog's content, scrolled when the screen is smaller than it.

    It asks for the whole size of its content (a plain ``QScrollArea`` asks for at most about
    36 by 24 lines), so on a large screen nothing scrolls, but it can shrink far below that, so a
    small screen never pushes the buttons below it off the screen."""

    def __init__(self, content: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("content_scroll")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidget(content)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes through the content, not to the area

    def sizeHint(self) -> QSize:
        content = self.widget()
        hint = content.sizeHint().expandedTo(content.minimumSize())
        if content.hasHeightForWidth():  # wrapped labels: as tall as they are at that width
            hint.setHeight(max(hint.height(), content.heightForWidth(hint.width())))
        frame = 2 * self.frameWidth()
        return QSize(hint.width() + frame, hint.height() + frame)

    def minimumSizeHint(self) -> QSize:
        return SCROLL_MINIMUM.boundedTo(self.sizeHint())


def scroll_content(owner: QWidget, content: QWidget, inner: QLayout | None = None, outside: int = 1) -> ContentScroll:
    """Make ``owner``'s layout ``content`` in a :class:`ContentScroll` with the last ``outside``
    items of ``inner`` (``content``'s own layout unless given: the row of buttons, a message
    beside them) taken out of it and put below, outside the scrolling part."""
    inner = inner if inner is not None else content.layout()
    below = QVBoxLayout()
    below.setObjectName("buttons_outside_scroll")
    below.setContentsMargins(0, 0, 0, 0)
    items = [inner.takeAt(inner.count() - 1) for _ in range(min(outside, inner.count()))]
    for item in reversed(items):
        if item.widget() is not None:
            below.addWidget(item.widget())
        elif item.layout() is not None:
            layout = item.layout()
            layout.setParent(None)
            below.addLayout(layout)
        else:
            below.addItem(item)
    # the dialog's own margins frame both the content and the buttons, aligned on one edge
    inner.setContentsMargins(0, 0, 0, 0)
    layout = QWidget.layout(owner) or QVBoxLayout(owner)  # (a dialog may name an attribute 'layout')
    scroll = ContentScroll(content, owner)
    layout.addWidget(scroll, 1)
    layout.addLayout(below)
    return scroll
