"""The window ended by the system (logout, shutdown, kill) ends as if the clerk had closed it."""

import os
import signal
import subprocess
import sys
import time

import pytest

from desktop832.store.database import Store

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGTERM is how POSIX systems end a program")


def start_window(args, home, tmp):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DESKTOP832_HOME=str(home), TMPDIR=str(tmp))
    return subprocess.Popen(
        [sys.executable, "-m", "desktop832", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_sigterm_closes_the_window_and_frees_the_file(tmp_path):
    db = tmp_path / "unit.sqlite"
    lock = tmp_path / "unit.sqlite.lock"
    window = start_window(["--db", str(db)], tmp_path / "home", tmp_path)
    wait_for(lambda: lock.exists() and db.exists())  # open, and holding the file
    window.send_signal(signal.SIGTERM)
    _, err = window.communicate(timeout=30)

    assert window.returncode == 0, err[-2000:]
    assert not lock.exists()  # the next start does not have to take over a stale lock
    with Store.open(db) as store:
        assert store.years()  # the year started on first open was saved


def test_sigterm_cleans_up_the_demo_copy(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    window = start_window(["--demo"], tmp_path / "home", scratch)
    wait_for(lambda: any(scratch.glob("desktop832-demo-*/*.lock")))
    window.send_signal(signal.SIGTERM)
    _, err = window.communicate(timeout=30)

    assert window.returncode == 0, err[-2000:]
    assert list(scratch.iterdir()) == []
