"""Which file the window opens at start: the demo copy is never remembered, and a missing last file is
never silently replaced by an empty unit."""

import argparse
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from desktop832 import paths
from desktop832.store.database import Store
from desktop832.ui.main_window import MainWindow
from desktop832.ui.settings import app_settings
from desktop832.ui.start import LAST_FILE_KEY, choose_start_file, open_start_file


def args(**given):
    return argparse.Namespace(demo=given.get("demo", False), db=given.get("db"))


def click_in_message_box(text: str, seen: list) -> None:
    """Answer the next modal message box by clicking the button labelled ``text``, as a clerk would."""

    def attempt():
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        if not boxes:
            QTimer.singleShot(10, attempt)
            return
        box = boxes[0]
        seen.append(box.text())
        for button in box.findChildren(QPushButton):
            if re.sub(r"\(&\w\)", "", button.text()) == text:  # 退出(&X): the words, not the letter
                button.click()
                return
        raise AssertionError(f"no button {text!r} in {[b.text() for b in box.findChildren(QPushButton)]}")

    QTimer.singleShot(0, attempt)


@pytest.fixture
def window(qtbot, configured_app):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    yield window
    if window.document is not None:
        window.document.save_now()


def make_unit_file(path, name):
    from desktop832.domain.model import UnitProfile

    with Store.open(path) as store:
        store.save_profile(UnitProfile(name=name))
    return path


def test_demo_copy_is_neither_remembered_nor_backed_up(window, configured_app):
    own = make_unit_file(paths.data_dir() / "own.sqlite", "本单位")
    app_settings().setValue(LAST_FILE_KEY, str(own))

    start = choose_start_file(args(demo=True), app_settings())
    assert start.temporary and start.path != own
    assert open_start_file(window, start)
    assert window.document.profile.name  # the sample unit is open
    window.close()

    assert app_settings().value(LAST_FILE_KEY) == str(own)
    assert not paths.backup_dir().exists() or not any(paths.backup_dir().iterdir())
    again = choose_start_file(args(), app_settings())
    assert again.path == own and again.missing is None and not again.first_start


def test_missing_last_file_is_named_and_the_default_used_only_when_chosen(window, tmp_path):
    gone = tmp_path / "U盘" / "本单位.sqlite"
    app_settings().setValue(LAST_FILE_KEY, str(gone))

    start = choose_start_file(args(), app_settings())
    assert start.missing == gone and start.path == paths.default_database()
    seen = []
    click_in_message_box("使用默认数据文件", seen)
    assert open_start_file(window, start)

    assert str(gone) in seen[0]
    assert Path(window.workspace.store.path) == paths.default_database()
    assert app_settings().value(LAST_FILE_KEY) == str(paths.default_database())


def test_missing_last_file_can_be_found_again(window, tmp_path, monkeypatch):
    moved = make_unit_file(tmp_path / "moved.sqlite", "找回来的单位")
    app_settings().setValue(LAST_FILE_KEY, str(tmp_path / "old-place.sqlite"))
    monkeypatch.setattr(
        "desktop832.ui.file_dialogs.get_open_file_name", lambda *a, **k: (str(moved), "")
    )
    seen = []
    click_in_message_box("查找数据文件…", seen)
    assert open_start_file(window, choose_start_file(args(), app_settings()))

    assert window.document.profile.name == "找回来的单位"
    assert "找回来的单位" in window.windowTitle()
    assert not paths.default_database().exists()  # no empty unit was made on the way


def test_quitting_at_the_missing_file_question_creates_nothing(window, tmp_path):
    app_settings().setValue(LAST_FILE_KEY, str(tmp_path / "gone.sqlite"))
    seen = []
    click_in_message_box("退出", seen)

    assert not open_start_file(window, choose_start_file(args(), app_settings()))
    assert not window.isVisible()
    assert window.document is None
    assert not paths.default_database().exists()


def test_first_start_without_any_file(window):
    start = choose_start_file(args(), app_settings())
    assert start.first_start and start.missing is None
    assert open_start_file(window, start)
    assert paths.default_database().exists()
    assert window.tabs.currentIndex() == 1  # 单位信息, where a new clerk begins
    assert window.profile_tab.welcome_label.isVisible()
