"""The log file, and what the clerk sees of an unexpected exception: one calm dialog, no traceback."""

import logging
import os
import subprocess
import sys
import textwrap
import threading

import pytest
from PySide6.QtWidgets import QApplication

from desktop832.app import logs
from desktop832 import paths


@pytest.fixture
def logging_to_file():
    root = logging.getLogger()
    level = root.level
    path = logs.setup_logging()
    yield path
    logs.shutdown_logging()
    root.setLevel(level)


def read_log():
    return logs.log_file().read_text("utf-8")


def test_log_goes_to_the_user_log_folder(logging_to_file):
    assert logging_to_file == paths.log_dir() / "desktop832.log"
    logging.getLogger("desktop832.test").warning("数据文件 %s 无法打开", "单位.sqlite")
    text = read_log()
    assert "desktop832 0." in text and "started" in text  # version line for support
    assert "WARNING desktop832.test: 数据文件 单位.sqlite 无法打开" in text
    assert logs.current_log_file() == logging_to_file


def test_setting_up_twice_keeps_one_handler(logging_to_file):
    logs.setup_logging()
    ours = [h for h in logging.getLogger().handlers if getattr(h, "_desktop832_handler", False)]
    assert len(ours) == 1


def test_log_rotates_by_size(monkeypatch):
    monkeypatch.setattr(logs, "MAX_BYTES", 2000)
    root_level = logging.getLogger().level
    try:
        logs.setup_logging()
        for i in range(400):
            logging.getLogger("desktop832.test").info("line %d %s", i, "x" * 40)
    finally:
        logs.shutdown_logging()
        logging.getLogger().setLevel(root_level)
    files = sorted(p.name for p in paths.log_dir().iterdir())
    assert files == ["desktop832.log"] + [f"desktop832.log.{n}" for n in range(1, logs.BACKUP_COUNT + 1)]
    assert all(p.stat().st_size <= 2200 for p in paths.log_dir().iterdir())


def test_an_unwritable_log_folder_does_not_stop_the_app(tmp_path, monkeypatch):
    blocker = tmp_path / "home-is-a-file"
    blocker.write_text("")
    monkeypatch.setenv("DESKTOP832_HOME", str(blocker))
    assert logs.setup_logging() is None
    assert logs.current_log_file() is None


# --- the exception hook, called directly (pytest-qt installs its own hook around each test) ---


@pytest.fixture
def handler(qapp, logging_to_file):
    from desktop832.ui.crash import ExceptionHandler

    handler = ExceptionHandler(qapp, window=lambda: None, burst_seconds=60)
    yield handler
    if handler.box is not None:
        handler.box.done(0)
    handler.deleteLater()


def raise_and_call(handler, exc):
    try:
        raise exc
    except BaseException as caught:  # noqa: BLE001
        handler(type(caught), caught, caught.__traceback__)


def test_exception_is_logged_and_answered_with_a_calm_dialog(qtbot, handler):
    raise_and_call(handler, ZeroDivisionError("division by zero"))
    assert handler.box is None  # opened from the event loop, not inside the failing handler
    qtbot.waitUntil(lambda: handler.box is not None and handler.box.isVisible())
    text = handler.box.text()
    assert text.startswith("程序遇到一个意外问题，刚才的操作可能没有完成。")
    assert str(logs.log_file()) in text
    assert "Traceback" not in text and "ZeroDivisionError" not in text
    assert handler.box.windowTitle() == "出现意外问题"
    log = read_log()
    assert "Unhandled exception" in log and "Traceback" in log and "ZeroDivisionError: division by zero" in log


def test_one_dialog_per_burst(qtbot, handler):
    raise_and_call(handler, ValueError("first"))
    raise_and_call(handler, ValueError("second, before the dialog opened"))
    qtbot.waitUntil(lambda: handler.box is not None)
    first_box = handler.box
    raise_and_call(handler, ValueError("third, while it is open"))
    qtbot.wait(10)
    assert handler.box is first_box
    first_box.done(0)
    assert handler.box is None
    raise_and_call(handler, ValueError("fourth, just after it closed"))
    qtbot.wait(10)
    assert handler.box is None
    assert handler.count == 4 and handler.suppressed == 1  # counted since the dialog closed
    log = read_log()
    assert all(word in log for word in ("first", "second", "third", "fourth"))
    handler.burst_seconds = 0  # the burst is over: the next error gets a dialog again
    raise_and_call(handler, ValueError("fifth"))
    qtbot.waitUntil(lambda: handler.box is not None)


def test_exception_in_a_thread_gets_the_dialog_in_the_gui_thread(qtbot, handler):
    handler.install()
    try:
        worker = threading.Thread(target=lambda: 1 / 0)
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: handler.box is not None)
        assert handler.box.thread() is QApplication.instance().thread()
    finally:
        handler.uninstall()
    assert "ZeroDivisionError" in read_log()


def test_keyboard_interrupt_is_not_turned_into_a_dialog(qtbot, handler, monkeypatch):
    seen = []
    monkeypatch.setattr(sys, "__excepthook__", lambda *args: seen.append(args[0]))
    raise_and_call(handler, KeyboardInterrupt())
    qtbot.wait(10)
    assert seen == [KeyboardInterrupt] and handler.box is None and handler.count == 0


def test_install_and_uninstall_restore_the_previous_hooks(qapp):
    from desktop832.ui.crash import install_excepthook

    before = sys.excepthook, threading.excepthook
    handler = install_excepthook(qapp, enable_faults=False)
    assert sys.excepthook is handler and threading.excepthook == handler.thread_hook
    handler.uninstall()
    assert (sys.excepthook, threading.excepthook) == before
    handler.deleteLater()


def test_before_dialog_runs_first_and_its_failure_is_only_logged(qtbot, handler):
    calls = []
    handler.before_dialog = lambda: calls.append("saved") or 1 / 0
    raise_and_call(handler, RuntimeError("x"))
    qtbot.waitUntil(lambda: handler.box is not None)
    assert calls == ["saved"]
    assert "before_dialog failed" in read_log()


# --- end to end, in a process of its own: what reaches the clerk -----------------------------

APP = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QPushButton
    from desktop832.app import logs
    from desktop832.ui.crash import install_excepthook

    app = QApplication(sys.argv[:1])
    logs.setup_logging()
    window = QMainWindow()
    broken = QPushButton("broken")
    broken.clicked.connect(lambda: {}["no such key"])
    window.setCentralWidget(broken)
    window.show()
    handler = install_excepthook(app, window=lambda: window)
    clicks = []

    def click_twice():
        broken.click()
        broken.click()  # a second failure in the same burst: no second dialog

    def report():
        boxes = [w for w in app.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        print("boxes", len(boxes))
        print("text", boxes[0].text().replace("\\n", " ") if boxes else "")
        boxes[0].done(0)
        broken.clicked.disconnect()
        broken.clicked.connect(lambda: clicks.append(1))
        broken.click()  # the window still works
        print("usable", window.isEnabled() and clicks == [1])
        app.quit()

    QTimer.singleShot(0, click_twice)
    QTimer.singleShot(100, report)
    app.exec()
    import faulthandler
    print("faulthandler", faulthandler.is_enabled())
""")


def test_no_traceback_reaches_the_clerk(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DESKTOP832_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", APP], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "KeyError" not in done.stderr
    out = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    assert out["boxes"] == "1"
    assert out["text"].startswith("程序遇到一个意外问题") and str(tmp_path / "log" / "desktop832.log") in out["text"]
    assert out["usable"] == "True" and out["faulthandler"] == "True"
    log = (tmp_path / "log" / "desktop832.log").read_text("utf-8")
    assert log.count("KeyError: 'no such key'") == 2


CRASH = textwrap.dedent("""
    import faulthandler
    from PySide6.QtWidgets import QApplication
    from desktop832.ui.crash import enable_faulthandler

    app = QApplication([])
    enable_faulthandler()

    def paint_the_letter():
        faulthandler._sigsegv()

    paint_the_letter()
""")


def test_a_hard_crash_leaves_a_traceback_in_the_crash_log(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DESKTOP832_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", CRASH], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    crash = (tmp_path / "log" / "crash.log").read_text("utf-8")
    assert "desktop832 started" in crash
    assert "Segmentation fault" in crash and "paint_the_letter" in crash
    assert "paint_the_letter" not in done.stderr
