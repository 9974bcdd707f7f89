"""Store errors are classified by SQLite's result code and the system's errno, never by words in
the message: a message may quote a path, and a folder may be called anything."""

import errno
import os
import sqlite3

import pytest

from desktop832.store.database import Store
from desktop832.store.errors import kind_of, translate


def test_a_missing_file_in_a_folder_named_locked_usb_is_missing_not_in_use(tmp_path):
    folder = tmp_path / "locked-usb"  # a USB stick the clerk labelled, not plugged in today
    with pytest.raises(OSError) as caught:
        open(folder / "unit.sqlite", "rb")
    assert "locked" in str(caught.value)  # the path is in the message …
    known = translate(caught.value, folder / "unit.sqlite")
    assert known.kind == "missing" and "正被其他程序占用" not in known.message  # … and does not decide


def test_sqlite_refusing_to_open_a_file_in_such_a_folder_is_missing(tmp_path):
    path = tmp_path / "busy-readonly-locked" / "unit.sqlite"
    with pytest.raises(sqlite3.OperationalError) as caught:
        sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    assert translate(caught.value, path).kind == "missing"


def test_a_file_that_is_not_a_database_is_corrupt_by_its_code(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"these are not the pages of a database, this is text " * 100)
    connection = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError) as caught:
        connection.execute("select * from sqlite_master").fetchall()
    connection.close()
    assert caught.value.sqlite_errorcode & 0xFF == 26  # SQLITE_NOTADB
    assert translate(caught.value, path).kind == "corrupt"


def test_a_file_held_by_another_connection_is_locked_by_its_code(tmp_path):
    path = tmp_path / "unit.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("create table t (x)")
    holder.execute("begin exclusive")
    other = sqlite3.connect(path, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as caught:
        other.execute("select * from t").fetchall()
    other.close()
    holder.execute("rollback")
    holder.close()
    assert translate(caught.value, path).kind == "locked"


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root writes read-only files")
def test_a_read_only_file_is_read_only_by_its_code(tmp_path):
    path = tmp_path / "unit.sqlite"
    Store.open(path).close()
    path.chmod(0o444)
    connection = sqlite3.connect(path)
    with pytest.raises(sqlite3.OperationalError) as caught:
        connection.execute("create table t (x)")
    connection.close()
    assert translate(caught.value, path).kind == "readonly"


class _Coded(sqlite3.OperationalError):
    def __init__(self, message, code):
        super().__init__(message)
        self.sqlite_errorcode = code


@pytest.mark.parametrize("message, code, kind", [
    ("database is locked", 5, "locked"),
    ("attempt to write a readonly database", 8, "readonly"),
    ("attempt to write a readonly database", 8 | (1 << 8), "readonly"),  # SQLITE_READONLY_RECOVERY
    ("disk I/O error", 10 | (3 << 8), "io"),  # SQLITE_IOERR_WRITE
    ("database disk image is malformed", 11, "corrupt"),
    ("database or disk is full", 13, "full"),
    ("unable to open database file", 14, "missing"),
    ("file is not a database", 26, "corrupt"),
    # the words say "locked", the code says a syntax error: that is a bug, not the clerk's problem
    ("near \"locked\": syntax error", 1, None),
])
def test_the_result_code_decides_not_the_words(message, code, kind):
    assert kind_of(_Coded(message, code)) == kind


@pytest.mark.parametrize("number, kind", [
    (errno.ENOENT, "missing"), (errno.EACCES, "readonly"), (errno.EROFS, "readonly"),
    (errno.ENOSPC, "full"), (errno.EIO, "io"), (errno.EEXIST, None),
])
def test_os_errors_by_errno(number, kind):
    assert kind_of(OSError(number, "readonly locked full busy", "/media/locked-usb/unit.sqlite")) == kind
