"""One writer per data file: a second instance is told who holds it and offered read-only viewing;
a lock left by a crashed instance is taken over."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop832.app import locking
from desktop832.store.database import Store
from desktop832.store.errors import StoreError

HOLDER = textwrap.dedent("""
    import sys, time
    from PySide6.QtCore import QCoreApplication
    app = QCoreApplication(["desktop832"])
    app.setApplicationName("desktop832")
    from desktop832.app import locking
    result = locking.acquire(sys.argv[1])
    print("locked" if result.ok else "refused", flush=True)
    time.sleep(60)
""")


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "unit.sqlite"
    Store.open(path).close()
    yield path
    locking.release(path)


@pytest.fixture
def other_instance(db):
    """Another desktop832 process holding the lock on ``db``."""
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "locked"
        yield child
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        child.stdout.close()


def test_lock_file_beside_the_data_file_and_released(db):
    result = locking.acquire(db)
    assert result.ok and result.holder_description == ""
    assert (db.parent / "unit.sqlite.lock").exists()
    assert locking.acquire(db).ok  # this process opening the same file again is not locked out
    result.release()
    assert not (db.parent / "unit.sqlite.lock").exists()
    locking.release(db)  # releasing twice is harmless


def test_second_instance_is_told_who_holds_the_file(db, other_instance):
    result = locking.acquire(db)
    assert not result.ok and result.problem == "held" and result.lock is None
    assert f"进程号 {other_instance.pid}" in result.holder_description
    assert result.holder_description.startswith("本机上的 desktop832")
    assert "自 " in result.holder_description


def test_lock_of_a_crashed_instance_is_taken_over(db, other_instance):
    assert not locking.acquire(db).ok
    other_instance.send_signal(signal.SIGKILL)
    other_instance.wait()
    assert (db.parent / "unit.sqlite.lock").exists()  # left behind by the crash
    result = locking.acquire(db)
    assert result.ok
    pid = int((db.parent / "unit.sqlite.lock").read_text().split()[0])
    assert pid == os.getpid()


def test_lock_of_a_crashed_instance_is_taken_over_when_its_number_went_to_another_python(db, other_instance):
    """The crashed instance's process number now runs another Python program: Qt's own test
    (number gone, or another program's name) calls that live, and the file stayed locked."""
    other_instance.send_signal(signal.SIGKILL)
    other_instance.wait()
    lock = db.parent / "unit.sqlite.lock"
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lines = lock.read_text().split("\n")
        lines[0] = str(bystander.pid)  # as if the system had given the number to the bystander
        lock.write_text("\n".join(lines))
        from PySide6.QtCore import QLockFile

        qt = QLockFile(str(lock))
        assert not qt.tryLock(0), "Qt alone now takes this lock over: the case is no longer reproduced"
        result = locking.acquire(db)
        assert result.ok
        assert int(lock.read_text().split()[0]) == os.getpid()
    finally:
        bystander.kill()
        bystander.wait()


def test_a_live_instance_keeps_its_lock_whatever_its_lock_file_says(db, other_instance):
    lock = db.parent / "unit.sqlite.lock"
    lines = lock.read_text().split("\n")
    lines[0] = "999999999"  # a number no process has: only the system's lock on the file tells
    lock.write_text("\n".join(lines))
    result = locking.acquire(db)
    assert not result.ok and result.problem == "held"
    assert other_instance.poll() is None and lock.exists()


def test_lock_held_on_another_computer_is_not_taken(db):
    # a live process number on another machine cannot be checked: the lock must be respected
    (db.parent / "unit.sqlite.lock").write_text(f"{os.getpid()}\ndesktop832\nfinance-pc-02\n")
    result = locking.acquire(db)
    assert not result.ok
    assert result.holder_description.startswith("计算机“finance-pc-02”上的 desktop832")


def test_no_lock_possible_in_a_folder_that_cannot_be_written(tmp_path):
    result = locking.acquire(tmp_path / "missing-folder" / "unit.sqlite")
    assert not result.ok and result.problem == "error"
    assert "无法在数据文件所在的文件夹建立锁文件" in result.holder_description


class _Refused:
    """A QLockFile the system refused to create, for a reason told by ``error``."""

    def __init__(self, error):
        self._error = error

    def __call__(self, name):
        self.name = name
        return self

    def setStaleLockTime(self, _ms):
        pass

    def tryLock(self, _timeout=0):
        return False

    def error(self):
        return self._error


@pytest.mark.parametrize("error, free, said, not_said", [
    # a full disk used to be called a read-only folder
    ("UnknownError", 0, "磁盘已满，请清理磁盘空间后再试", "只读"),
    ("PermissionError", 10**9, "该文件夹不允许写入（只读）", "磁盘已满"),
])
def test_a_lock_that_cannot_be_made_says_why_as_it_is(db, monkeypatch, error, free, said, not_said):
    import shutil
    from collections import namedtuple

    from PySide6.QtCore import QLockFile

    monkeypatch.setattr(locking, "QLockFile", _Refused(getattr(QLockFile.LockError, error)))
    monkeypatch.setattr(locking.QLockFile, "LockError", QLockFile.LockError, raising=False)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: usage(10**10, 10**10 - free, free))
    result = locking.acquire(db)
    assert not result.ok and result.problem == "error"
    assert said in result.holder_description and not_said not in result.holder_description


def click(role):
    def exec_(box):
        [button] = [b for b in box.buttons() if box.buttonRole(b) == role]
        button.click()
        return 0

    return exec_


def test_ask_read_only_names_the_holder_and_file(qtbot, monkeypatch):
    from desktop832.ui.dialogs.file_lock import ask_read_only, read_only_question

    box = read_only_question(None, "本机上的 desktop832（进程号 42）", "单位.sqlite")
    qtbot.addWidget(box)
    assert box.text() == "数据文件“单位.sqlite”正由本机上的 desktop832（进程号 42）打开。"
    assert "只读" in box.informativeText()
    assert box.buttonRole(box.defaultButton()) == QMessageBox.ButtonRole.RejectRole  # Enter does not open
    monkeypatch.setattr(QMessageBox, "exec", click(QMessageBox.ButtonRole.AcceptRole))
    assert ask_read_only(None, "x") is True
    monkeypatch.setattr(QMessageBox, "exec", click(QMessageBox.ButtonRole.RejectRole))
    assert ask_read_only(None, "x") is False


def test_second_instance_can_view_read_only_but_not_write(qtbot, db, other_instance, monkeypatch, profile):
    from desktop832.ui.dialogs.file_lock import choose_open_mode

    monkeypatch.setattr(QMessageBox, "exec", click(QMessageBox.ButtonRole.AcceptRole))
    mode, result = choose_open_mode(None, db)
    assert mode == "readonly" and not result.ok
    with Store.open(db, readonly=True) as store:
        assert store.profile().name == ""
        with pytest.raises(StoreError, match="只读"):
            store.save_profile(profile)
    monkeypatch.setattr(QMessageBox, "exec", click(QMessageBox.ButtonRole.RejectRole))
    assert choose_open_mode(None, db)[0] == "cancel"


def test_choose_open_mode_locks_a_free_file(qtbot, db, monkeypatch):
    from desktop832.ui.dialogs.file_lock import choose_open_mode

    monkeypatch.setattr(QMessageBox, "exec", lambda box: pytest.fail("no question for a free file"))
    mode, result = choose_open_mode(None, db)
    assert mode == "write" and result.ok
    result.release()


def _immutable(path):
    """Make ``path`` read-only even for root (the tests run as root), or skip."""
    import shutil

    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
        pytest.skip("chattr +i is not available here")


def test_a_read_only_file_is_offered_read_only_before_anything_fails(qtbot, db, monkeypatch):
    from desktop832.ui.dialogs.file_lock import choose_open_mode

    _immutable(db)
    try:
        assert "只读" in locking.write_problem(db)
        asked = []

        def answer(box):
            asked.append(box.text())
            return click(QMessageBox.ButtonRole.AcceptRole)(box)

        monkeypatch.setattr(QMessageBox, "exec", answer)
        mode, result = choose_open_mode(None, db)
        assert mode == "readonly" and result.problem == "readonly"
        assert asked == ["数据文件“unit.sqlite”是只读的（文件属性或权限不允许修改）。"]
        assert not (db.parent / "unit.sqlite.lock").exists()
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=True)


def test_write_problem_names_a_read_only_folder(db, monkeypatch):
    monkeypatch.setattr(os, "access", lambda path, mode: os.fspath(path) != os.fspath(db.parent))
    assert locking.write_problem(db) == f"数据文件所在的文件夹“{db.parent}”不允许写入"
    monkeypatch.setattr(os, "access", lambda path, mode: True)
    assert locking.write_problem(db) == ""


def test_window_on_a_file_held_elsewhere_opens_read_only(make_window, db, other_instance, monkeypatch):
    from desktop832.ui.dialogs import file_lock

    asked = []
    monkeypatch.setattr(file_lock, "ask_read_only", lambda parent, holder, path=None: asked.append(holder) or True)
    window = make_window(db, first_start=False)
    assert asked and window.readonly
    assert "（只读）" in window.windowTitle()
    assert window.profile_tab.name_edit.isReadOnly() and not window.profile_tab.canteen_mode_combo.isEnabled()
    assert not window.import_action.isEnabled() and not window.export_action.isEnabled()
    assert window.letter_action.isEnabled()
