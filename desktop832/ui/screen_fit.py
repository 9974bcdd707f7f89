"""Sizes from the screen: a window or dialog asks for the size it would like and gets at most
what the screen it is on has free (the task bar left out), so its buttons are never off screen."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication

MARGIN_WIDTH, MARGIN_HEIGHT = 0.96, 0.90  # room left for the frame and title bar the system adds


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
