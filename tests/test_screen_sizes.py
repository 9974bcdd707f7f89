"""Sizes from the screen: the window and its dialogs fit 1024x768 and 1366x768 at 100 % and
1920x1080 at 150 % (1280x720 device-independent pixels), their buttons inside the screen."""

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox, QPushButton, QScrollArea

from desktop832.ui import background_task, screen_fit
from desktop832.ui.main_window import MainWindow
from desktop832.ui.screen_fit import ContentScroll

SCREENS = {"800x600": QRect(0, 0, 800, 600), "1024x768": QRect(0, 0, 1024, 768), "1366x768": QRect(0, 0, 1366, 768), "1920x1080@150%": QRect(0, 0, 1280, 720)}


@pytest.mark.parametrize("name", SCREENS)
def test_the_size_asked_for_is_cut_to_the_free_screen(name):
    space = SCREENS[name]
    size = screen_fit.fitted(QSize(1180, 780), space)
    assert size.width() <= space.width() and size.height() <= space.height()
    assert size.width() == min(1180, int(space.width() * 0.96))


@pytest.mark.parametrize("name", SCREENS)
def test_the_first_window_takes_a_small_screen_whole_and_a_big_one_in_part(qtbot, monkeypatch, name):
    space = SCREENS[name]
    monkeypatch.setattr(screen_fit, "available", lambda widget=None: space)
    window = MainWindow()
    qtbot.addWidget(window)
    # nothing of a 1366-pixel screen is left unused beside the window's frame
    assert space.width() * 0.9 <= window.width() <= space.width(), window.size()
    assert space.height() * 0.8 <= window.height() <= space.height(), window.size()


def test_on_a_big_screen_the_first_window_stays_a_window(qtbot, monkeypatch):
    monkeypatch.setattr(screen_fit, "available", lambda widget=None: QRect(0, 0, 2560, 1440))
    window = MainWindow()
    qtbot.addWidget(window)
    assert (window.width(), window.height()) == (1440, 900)


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


def visible_inside(button, dialog) -> bool:
    """The button is wholly on the dialog and not scrolled out of a scroll area's view."""
    rect = QRect(button.mapTo(dialog, QPoint(0, 0)), button.size())
    if not QRect(QPoint(0, 0), dialog.size()).contains(rect):
        return False
    widget = button.parentWidget()
    while widget is not None and widget is not dialog:
        if isinstance(widget, QScrollArea):
            view = widget.viewport()
            if not QRect(QPoint(0, 0), view.size()).contains(QRect(button.mapTo(view, QPoint(0, 0)), button.size())):
                return False
        widget = widget.parentWidget()
    return True


def _in_scroll(widget, dialog) -> bool:
    while widget is not None and widget is not dialog:
        if isinstance(widget, ContentScroll):
            return True
        widget = widget.parentWidget()
    return False


def _every_dialog(window, tmp_path):
    """Every dialog the window opens, built as the window builds it (not shown)."""
    from desktop832.app.exporting import export_year
    from desktop832.ui.dialogs.about import AboutDialog
    from desktop832.ui.dialogs.backup import BackupDialog, open_failure_box
    from desktop832.ui.dialogs.export import ExportDoneDialog
    from desktop832.ui.dialogs.file_lock import read_only_question
    from desktop832.ui.dialogs.filing_answer import FilingAnswerDialog
    from desktop832.ui.dialogs.import_orders import ImportOrdersDialog
    from desktop832.ui.dialogs.letter import LetterDialog
    from desktop832.ui.dialogs.new_policy import NewPolicyDialog
    from desktop832.ui.dialogs.policy import PolicyDialog
    from desktop832.ui.dialogs.verify import VerifyDialog
    from desktop832.ui.purchases.form import PurchaseDialog
    from desktop832.store.errors import StoreError

    workspace, document = window.workspace, window.document
    year = document.year
    document.save_now()
    exported = export_year(workspace, year, tmp_path / "上报.xlsx")
    yield "关于", AboutDialog(workspace.store.path, window)
    yield "政策文件", PolicyDialog(workspace.library, document.policy, window)
    yield "备份与恢复", BackupDialog(window, workspace.store.path, close_file=lambda: None, reopen_file=lambda p: True)
    yield "导出完成", ExportDoneDialog(window, exported)
    yield "记录审核结果", FilingAnswerDialog(window, workspace, year)
    yield "导入平台订单", ImportOrdersDialog(window, workspace)
    yield "核验上报文件", VerifyDialog(window, workspace.library, tmp_path / "上报.xlsx")
    yield "添加采购记录", PurchaseDialog(year, frozenset(), workspace.today, parent=window.purchase_tab)
    yield "承诺函", LetterDialog(window, document.profile, document.plan, document.policy, workspace.today)
    yield "新建年度政策", NewPolicyDialog(workspace.library, document.policy, window, year=year + 1)
    yield "数据文件正在使用", read_only_question(window, "另一个窗口（进程 1234）", workspace.store.path)
    yield "无法打开数据文件", open_failure_box(window, StoreError("数据文件已损坏" * 8, kind="corrupt"), True)


@pytest.mark.parametrize("name", SCREENS)
def test_every_dialog_fits_the_screen_with_its_buttons_visible(qtbot, make_window, monkeypatch, tmp_path, name):
    space = SCREENS[name]
    monkeypatch.setattr(screen_fit, "available", lambda widget=None: space)
    window = make_window()
    window.tabs.setCurrentIndex(4)  # the purchase log: the purchase dialog's parent
    seen = []
    for title, dialog in _every_dialog(window, tmp_path):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert dialog.width() <= space.width() and dialog.height() <= space.height(), (title, dialog.size())
        buttons = [b for b in dialog.findChildren(QAbstractButton) if b.isVisibleTo(dialog) and b.text()]
        fixed = [b for b in buttons if not _in_scroll(b, dialog)]  # the row below the scrolled content
        assert fixed, title
        for button in fixed:
            assert visible_inside(button, dialog), (title, button.text(), dialog.size())
        assert any(visible_inside(b, dialog) and any(w in b.text() for w in ("关闭", "取消", "确定")) for b in buttons), title
        scroll = dialog.findChild(ContentScroll)
        if scroll is not None:  # framed by the dialog's margins, not flush with its edge
            assert scroll.mapTo(dialog, QPoint(0, 0)).x() >= 4, title
        if scroll is not None and name == "1366x768":
            # room enough: the content is shown whole, nothing scrolls
            assert scroll.verticalScrollBar().maximum() == 0 and scroll.horizontalScrollBar().maximum() == 0, title
        seen.append(title)
        dialog.close()
        # a dialog that works on a worker (核验 reads its file) closes once the work has
        # reported: before the next one, so nothing of this test reports into the next
        qtbot.waitUntil(lambda: not background_task.running(), timeout=10_000)
    assert len(seen) == 12


def test_a_long_form_scrolls_and_keeps_its_buttons_below(qtbot, make_window, monkeypatch):
    """On a screen too low for the purchase form its fields scroll; 确定 and 取消 stay in view."""
    from desktop832.ui.purchases.form import PurchaseDialog

    space = QRect(0, 0, 800, 360)
    monkeypatch.setattr(screen_fit, "available", lambda widget=None: space)
    window = make_window()
    dialog = PurchaseDialog(2024, frozenset(), window.workspace.today, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.height() <= space.height()
    scroll = dialog.findChild(ContentScroll)
    assert scroll.verticalScrollBar().maximum() > 0  # the fields are taller than the room: they scroll
    ok = dialog.form.button_box.button(QDialogButtonBox.StandardButton.Ok)
    assert not _in_scroll(ok, dialog) and visible_inside(ok, dialog)
    assert not _in_scroll(dialog.form.error_label, dialog)  # the reason for a refusal beside the buttons


ROUNDING = """
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from desktop832.ui.app import create_application
# as Qt 5 had it, and as a platform may default: 150 % rounded to 200 %
QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.Round)
app = create_application()
print(QGuiApplication.highDpiScaleFactorRoundingPolicy().name, app.devicePixelRatio())
"""


@pytest.mark.parametrize("scale", ["1", "1.5"])
def test_the_app_scales_by_the_display_factor_not_a_rounded_one(tmp_path, scale):
    """The one place the app is made sets Qt's rounding policy to PassThrough before making it,
    so a 150 % display is drawn at 1.5, not rounded to 2 (a fresh process: the policy only counts
    before the QApplication exists)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "QT_SCALE_FACTOR_ROUNDING_POLICY"}
    done = subprocess.run(
        [sys.executable, "-c", ROUNDING], capture_output=True, text=True, timeout=120,
        env=dict(env, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR=scale, DESKTOP832_HOME=str(tmp_path)),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    policy, ratio = done.stdout.split()
    assert policy == "PassThrough" and float(ratio) == float(scale)


def test_the_program_makes_its_qapplication_in_one_place():
    import re
    from pathlib import Path

    import desktop832

    makers = [p for p in Path(desktop832.__file__).parent.rglob("*.py")
              if re.search(r"\bQApplication\(", p.read_text("utf-8"))]
    assert [p.name for p in makers] == ["app.py"]


def test_a_dialog_with_room_shows_its_content_whole_without_scroll_bars(qtbot, configured_app, tmp_path):
    """Its wrapped texts know their height only once shown: the dialog is measured again then
    (measured once, the backup dialog came up 16 px too low, with scroll bars)."""
    from desktop832.ui.dialogs.backup import BackupDialog

    dialog = BackupDialog(None, tmp_path / "unit.sqlite", backup_dir=tmp_path / "backups")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    scroll = dialog.findChild(ContentScroll)
    assert scroll.viewport().height() >= scroll.widget().sizeHint().height()
    assert scroll.verticalScrollBar().maximum() == 0 and scroll.horizontalScrollBar().maximum() == 0
