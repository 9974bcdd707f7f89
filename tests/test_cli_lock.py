"""One writer per data file on the command line too: a command that changes the file takes the
window's lock (desktop832.app.locking). While a window holds the file such a command refuses, names
the holder and writes nothing; commands that only read still work; a lock left by a crashed
instance is taken over."""

import sqlite3
import subprocess
import sys
import textwrap

import pytest

from desktop832.app import locking
from desktop832.cli import main
from desktop832.domain.model import FilingStatus
from desktop832.store.database import Store

from .exchange_helpers import sample_purchases, workspace, write_orders_csv

# another desktop832 instance, as the window takes the lock; it releases or "crashes" on request
HOLDER = textwrap.dedent("""
    import os, sys
    from desktop832.app import locking
    result = locking.acquire(sys.argv[1])
    print("locked" if result.ok else "refused", flush=True)
    for line in sys.stdin:
        if line.strip() == "release":
            result.release()
            print("released", flush=True)
        elif line.strip() == "crash":
            os._exit(0)  # no clean-up: the lock file stays behind
""")
TODAY = ["--today", "2024-02-10"]


@pytest.fixture
def db(tmp_path, profile, plan):
    path = tmp_path / "unit.sqlite"
    workspace(path, profile, plan, sample_purchases(5)).close()
    yield path
    assert locking.held_paths() == []  # no command keeps its lock after it finished


class Holder:
    def __init__(self, path):
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.pid = self.process.pid
        assert self.process.stdout.readline().strip() == "locked"

    def tell(self, what: str) -> None:
        self.process.stdin.write(what + "\n")
        self.process.stdin.flush()

    def release(self) -> None:
        self.tell("release")
        assert self.process.stdout.readline().strip() == "released"

    def crash(self) -> None:
        self.tell("crash")
        assert self.process.wait(timeout=10) == 0

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stdin.close()
        self.process.stdout.close()


@pytest.fixture
def window_holding(db):
    """Another instance (a window) holding the lock on ``db``."""
    holder = Holder(db)
    try:
        yield holder
    finally:
        holder.close()


@pytest.fixture
def orders(tmp_path):
    return write_orders_csv(tmp_path / "orders.csv", "utf-8")


def content(path) -> list[str]:
    """Everything the data file holds, read without writing anything."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def refused(capsys, holder, name="unit.sqlite") -> str:
    err = capsys.readouterr().err
    assert f"数据文件“{name}”正由本机上的 desktop832（进程号 {holder.pid}）" in err
    assert "未写入任何数据" in err and "Traceback" not in err
    return err


def test_import_orders_is_refused_while_a_window_holds_the_file(db, orders, window_holding, capsys):
    before = content(db)
    assert main(["--db", str(db), "import-orders", str(orders)]) == 2
    refused(capsys, window_holding)
    assert content(db) == before
    # the column choice is remembered in the file too: refused as well
    assert main(["--db", str(db), "import-orders", str(orders), "--map", "实付金额=实付金额"]) == 2
    assert content(db) == before


def test_export_is_refused_and_writes_no_file(db, tmp_path, window_holding, capsys):
    before = content(db)
    out = tmp_path / "out"
    out.mkdir()
    assert main(["--db", str(db), "export", "--year", "2024", "-o", str(out), *TODAY]) == 2
    refused(capsys, window_holding)
    assert list(out.iterdir()) == []
    assert content(db) == before


def test_load_is_refused_on_a_file_a_window_holds(tmp_path, capsys):
    target = tmp_path / "new.sqlite"
    source = tmp_path / "unit.json"
    db = tmp_path / "unit.sqlite"
    Store.open(db).close()
    assert main(["--db", str(db), "dump", "-o", str(source)]) == 0
    holder = Holder(target)
    try:
        assert main(["--db", str(target), "load", str(source)]) == 2
        refused(capsys, holder, "new.sqlite")
        assert not target.exists() and not list(tmp_path.glob("new.sqlite.loading*"))
    finally:
        holder.close()


def test_reading_commands_still_work_while_a_window_holds_the_file(db, orders, tmp_path, window_holding, capsys):
    before = content(db)
    assert main(["--db", str(db), "check", "--year", "2024", *TODAY]) in (0, 1)
    assert "年度" in capsys.readouterr().out
    assert main(["--db", str(db), "dump", "-o", str(tmp_path / "unit.json")]) == 0
    assert main(["--db", str(db), "import-orders", str(orders), "--dry-run"]) == 0
    assert "未写入任何数据" in capsys.readouterr().out
    capsys.readouterr()
    # the letter command reads the file; it refuses this unit for its canteen, not for the lock
    assert main(["--db", str(db), "letter", "--year", "2024", "-o", str(tmp_path / "l.pdf"), "--shipped-fonts-only"]) == 1
    assert "食堂情况" in capsys.readouterr().err
    assert content(db) == before
    assert not locking.acquire(db).ok  # and the window still holds it


def test_after_the_window_closes_the_commands_write(db, orders, tmp_path, window_holding, capsys):
    assert main(["--db", str(db), "import-orders", str(orders)]) == 2
    window_holding.release()
    assert main(["--db", str(db), "import-orders", str(orders)]) == 0
    assert main(["--db", str(db), "export", "--year", "2024", "-o", str(tmp_path), *TODAY]) == 0
    with Store.open(db, readonly=True) as store:
        assert {"8322024030100001", "8322024031200004"} <= store.order_numbers()
        assert store.plan(2024).filing_status is FilingStatus.EXPORTED
    assert not locking.lock_path(db).exists()


def test_a_lock_left_by_a_crashed_instance_is_taken_over(db, orders, window_holding, capsys):
    window_holding.crash()
    assert locking.lock_path(db).exists()  # left behind, its process gone
    assert main(["--db", str(db), "import-orders", str(orders)]) == 0
    assert "已导入 4 笔订单" in capsys.readouterr().out
    assert not locking.lock_path(db).exists()


def test_the_command_holds_the_lock_while_it_writes(db, orders, monkeypatch):
    from desktop832.app import importing as orders_module

    seen = []
    real_commit = orders_module.commit

    def commit(store, *args, **kwargs):
        seen.append(locking.lock_path(db) in locking.held_paths())
        other = subprocess.run([sys.executable, "-c", HOLDER, str(db)], input="", capture_output=True, text=True)
        seen.append(other.stdout.strip())
        return real_commit(store, *args, **kwargs)

    monkeypatch.setattr(orders_module, "commit", commit)
    assert main(["--db", str(db), "import-orders", str(orders)]) == 0
    assert seen == [True, "refused"]  # a window opened meanwhile would be offered read-only viewing


def test_a_command_that_fails_to_open_the_file_releases_the_lock(tmp_path, capsys):
    foreign = tmp_path / "x.sqlite"
    foreign.write_text("hello", "utf-8")
    assert main(["--db", str(foreign), "export", "-o", str(tmp_path)]) == 2
    assert "不是 desktop832 数据文件" in capsys.readouterr().err
    assert locking.held_paths() == [] and not locking.lock_path(foreign).exists()


def test_a_lock_this_process_already_holds_is_kept_after_the_command(db, orders):
    mine = locking.acquire(db)  # e.g. a caller in the same process that has the file open
    try:
        assert main(["--db", str(db), "import-orders", str(orders)]) == 0
        assert locking.lock_path(db) in locking.held_paths()  # still the caller's to release
    finally:
        mine.release()
