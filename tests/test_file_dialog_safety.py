"""Crash safety across a file dialog: no save the window reported is lost.

On POSIX, closing *any* descriptor of a file drops every ``fcntl`` lock the process holds on it,
SQLite's included. Qt's file dialog used to open the data file and its ``-shm`` to sniff their
type for the icons and the 类型 column; the next reading command in another process then took
itself for the last connection, checkpointed and deleted ``-wal`` and ``-shm`` while the window
kept writing into the deleted WAL, and a kill lost every later save.

This test reproduces that sequence with the real window (offscreen): open the data file, save
edits continuously, show a file dialog over the data folder for a while (the window keeps saving
underneath, as it does while a clerk browses), close it, run ``desktop832 dump`` and ``check`` in
other processes, save more, then SIGKILL the window. Every save it reported more than one second
before the kill must be in the file.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

WINDOW = textwrap.dedent("""
    import datetime as dt, os, sys, time
    from decimal import Decimal
    from pathlib import Path

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog

    from desktop832.ui.app import configure_application
    from desktop832.ui.main_window import MainWindow

    db, action_name = Path(sys.argv[1]), sys.argv[2]
    app = QApplication(["desktop832"])
    configure_application(app)
    window = MainWindow(today=dt.date(2024, 2, 1))
    window.show()
    assert window.open_database(db, first_start=True)
    window.document.edit("profile.name", "测试单位")
    assert window.document.save_now()
    k = 0

    def say(*words):
        sys.stdout.write(" ".join(str(w) for w in words) + "\\n")
        sys.stdout.flush()

    def save():  # the autosave of an edit, as the document's timer runs it
        global k
        k += 1
        window.document.edit("plan.note", f"note-{k}")
        if window.document.save_now():
            say("saved", k, repr(time.time()))
        else:
            say("failed", k, window.save_label.text())

    timer = QTimer()
    timer.timeout.connect(save)
    timer.start(40)

    def close_dialog():
        dialogs = [w for w in app.topLevelWidgets() if isinstance(w, QFileDialog) and w.isVisible()]
        if not dialogs:
            QTimer.singleShot(50, close_dialog)
            return
        say("dialog", dialogs[0].directory().absolutePath())
        # let it list the folder and gather icons and types as a clerk browsing would see them
        QTimer.singleShot(1500, dialogs[0].reject)

    target = window
    for part in action_name.split("."):
        target = getattr(target, part)
    if action_name.startswith("purchase_tab."):  # 采购记录 → 导出: the log needs a row to export
        from desktop832.domain.model import Purchase
        from desktop832.ui.main_window import TAB_PURCHASES

        window.workspace.store.add_purchase(Purchase(dt.date(2024, 3, 1), Decimal("12.50"), order_no="P1"))
        window.workspace.purchases_changed()
        window.tabs.setCurrentIndex(TAB_PURCHASES)

    def open_dialog():
        QTimer.singleShot(0, close_dialog)
        # a modal dialog: saves go on in its event loop
        target.trigger() if hasattr(target, "trigger") else target()
        say("dialog-closed")

    QTimer.singleShot(300, open_dialog)
    say("opened")
    app.exec()
""")


def read_until(process, word, timeout=30.0):
    deadline = time.monotonic() + timeout
    lines = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.split()[0] == word:
            return lines
    pytest.fail(f"the window never said {word!r}: {''.join(lines)} {process.stderr.read() if process.poll() is not None else ''}")


@pytest.mark.parametrize("action", ["open_action", "new_action", "purchase_tab.export_shown"])
def test_saves_survive_a_file_dialog_a_reading_command_and_a_kill(tmp_path, action):
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "unit.sqlite"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONDONTWRITEBYTECODE": "1"}
    window = subprocess.Popen(
        [sys.executable, "-c", WINDOW, str(db), action], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env,
    )
    try:
        lines = read_until(window, "dialog")
        assert lines[-1].split()[1] == str(folder)  # the dialog shows the data folder
        lines += read_until(window, "dialog-closed")
        for command in ("dump", "check"):
            done = subprocess.run(
                [sys.executable, "-m", "desktop832", "--db", str(db), command], capture_output=True, text=True,
                env=env, timeout=60,
            )
            assert done.returncode in (0, 1), done.stderr
        # the window goes on saving for a while after the reading commands ended
        until = time.monotonic() + 2.5
        while time.monotonic() < until:
            lines.append(window.stdout.readline())
        killed_at = time.time()
        window.send_signal(signal.SIGKILL)
        window.wait(10)
    finally:
        if window.poll() is None:
            window.kill()
            window.wait(10)
        window.stdout.close()
        window.stderr.close()
    saves = [line.split() for line in lines if line.startswith("saved ")]
    assert not [line for line in lines if line.startswith("failed ")]
    older = [int(k) for _, k, at in saves if float(at) < killed_at - 1.0]
    assert len(older) > 20, "the window saved too little to tell"
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        note = con.execute("SELECT note FROM annual_plan WHERE year = 2024").fetchone()
    finally:
        con.close()
    assert note is not None, "the plan reported saved is gone"
    stored = int(note[0].removeprefix("note-"))
    assert stored >= max(older), f"saves {stored + 1}..{max(older)} were reported saved and are lost"


def test_every_file_dialog_comes_from_the_one_factory():
    """A QFileDialog made anywhere else would sniff file contents again (see file_dialogs)."""
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "desktop832"
    offenders = [
        str(p.relative_to(package)) for p in package.rglob("*.py")
        if "QFileDialog" in p.read_text("utf-8") and p.name != "file_dialogs.py"
    ]
    assert offenders == []


def test_the_dialogs_icon_provider_reads_names_only(qapp, tmp_path):
    """A named pipe blocks whoever opens it: the provider must answer without opening it."""
    from PySide6.QtCore import QFileInfo

    from desktop832.ui.file_dialogs import NameOnlyIconProvider

    pipe = tmp_path / "unit.sqlite-shm"
    os.mkfifo(pipe)
    (tmp_path / "unit.sqlite").write_bytes(b"SQLite format 3\x00")
    provider = NameOnlyIconProvider()
    for name in ("unit.sqlite-shm", "unit.sqlite"):
        info = QFileInfo(str(tmp_path / name))
        assert not provider.icon(info).isNull()
    assert provider.type(QFileInfo(str(tmp_path / "unit.sqlite"))) == "SQLITE 文件"
    assert provider.type(QFileInfo(str(tmp_path))) == "文件夹"
