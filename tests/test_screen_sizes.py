"""Sizes from the screen: the window and its dialogs fit 1024x768 and 1366x768 at 100 % and
1920x1080 at 150 % (1280x720 device-independent pixels), their buttons inside the screen."""

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from desktop832.ui import screen_fit
from desktop832.ui.main_window import MainWindow

SCREENS = {"1024x768": QRect(0, 0, 1024, 768), "1366x768": QRect(0, 0, 1366, 768), "1920x1080@150%": QRect(0, 0, 1280, 720)}


@pytest.mark.parametrize("name", SCREENS)
def test_the_size_asked_for_is_cut_to_the_free_screen(name):
    space = SCREENS[name]
    size = screen_fit.fitted(QSize(1180, 780), space)
    assert size.width() <= space.width() and size.height() <= space.height()
    assert size.width() == min(1180, int(space.width() * 0.96))


def inside(widget, top, space: QRect) -> bool:
    corner = widget.mapTo(top, QPoint(0, 0))
    rect = QRect(corner, widget.size())
    return QRect(QPoint(0, 0), top.size()).contains(rect) and top.width() <= space.width() and top.height() <= space.height()


@pytest.mark.parametrize("name", SCREENS)
def test_window_and_letter_dialog_fit_with_their_buttons_inside(qtbot, make_window, monkeypatch, name):
    from desktop832.ui.dialogs.letter import LetterDialog

    space = SCREENS[name]
    monkeypatch.setattr(screen_fit, "available", lambda widget=None: space)
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.width() <= space.width() and window.height() <= space.height()
    opened = make_window()
    document = opened.document
    dialog = LetterDialog(opened, document.profile, document.plan, document.policy, opened.workspace.today)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    buttons = [b for b in dialog.findChildren(QPushButton) if b.text() and b.isVisible()]
    named = [b for b in buttons if any(word in b.text() for word in ("保存", "打印", "关闭"))]
    assert len(named) >= 3
    for button in named:
        assert inside(button, dialog, space), (button.text(), dialog.size())
