"""Helpers for driving the window like a clerk: typing ASCII with keys, Chinese as an input method."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QComboBox


def type_ascii(qtbot, widget, text: str, *, replace: bool = True) -> None:
    """Click into the field, optionally select what is there, and type like a keyboard."""
    widget.setFocus()
    if replace:
        widget.selectAll()
        qtbot.keyClick(widget, Qt.Key.Key_Delete)
    qtbot.keyClicks(widget, text)


def type_chinese(widget, text: str, *, replace: bool = True) -> None:
    """Commit text the way a Chinese input method does (keyClicks cannot send CJK characters)."""
    widget.setFocus()
    if replace:
        widget.selectAll()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def choose(combo: QComboBox, text: str) -> None:
    """Pick an item as the clerk does from the drop-down list."""
    index = combo.findText(text)
    assert index >= 0, f"no item {text!r} in {combo.objectName()}"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def settled(qtbot, dialog, timeout: int = 20_000):
    """A dialog runs each slow step on a worker thread and returns at once: wait until the step
    (and any it led to) has reported, as the clerk waits for the progress dialog to go."""
    qtbot.waitUntil(lambda: not dialog.busy, timeout=timeout)
    return dialog
