"""A full disk, a folder that may not be written, a file open in Excel: said in Chinese, with no
half-written or temporary file left behind and nothing changed in the data file."""

import datetime as dt
import dataclasses
import errno
import os
import stat
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import event

from desktop832.cli import main
from desktop832.domain.errors import InputError
from desktop832.domain.model import AnnualPlan, FilingStatus, Purchase
from desktop832.documents.errors import ExchangeError
from desktop832.documents.files import write_atomically
from desktop832.oserrors import write_failure_reason
from desktop832.documents import export_xlsx
from desktop832.app.exporting import export_year
from desktop832.documents.fonts import FontChoice
from desktop832.documents.letter import build_draft
from desktop832.documents.letter_pdf import write_bytes_atomically, write_letter
from desktop832.store import backups
from desktop832.store.errors import StoreError

from .exchange_helpers import sample_purchases, workspace

FULL = "磁盘空间不足"
NO_PERMISSION = "没有写入权限"
ENGLISH = {errno.ENOSPC: "No space left on device", errno.EACCES: "Permission denied"}
CHINESE = {errno.ENOSPC: FULL, errno.EACCES: NO_PERMISSION}
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="file modes and umask are POSIX")


def oserror(code):
    return OSError(code, ENGLISH.get(code, os.strerror(code)))


@pytest.mark.parametrize("code, reason", [
    (errno.ENOSPC, "磁盘空间不足"),
    (errno.EACCES, "没有写入权限，或文件正被其他程序（如 Excel、WPS）打开"),
    (errno.EPERM, "没有写入权限"),
    (errno.EROFS, "只读"),
    (errno.ENOENT, "文件夹不存在"),
    (errno.EBUSY, "文件正被其他程序占用"),
    (errno.ENAMETOOLONG, "文件名或路径太长"),
])
def test_known_reasons_are_chinese(code, reason):
    assert reason in write_failure_reason(OSError(code, os.strerror(code)))


def test_a_file_open_in_excel_on_windows_and_unknown_errors():
    class SharingViolation(OSError):  # what Windows raises when Excel has the file open
        winerror = 32

    assert "文件正被其他程序占用" in write_failure_reason(SharingViolation(errno.EACCES, "拒绝访问。"))
    # an error without a Chinese reason is named by its number, never in the system's English
    assert write_failure_reason(OSError(errno.EXDEV, "Invalid cross-device link")) == f"系统拒绝写入，错误号 {errno.EXDEV}"
    assert write_failure_reason(OSError("something odd")) == "系统拒绝写入"


@pytest.mark.parametrize("code, reason", [
    (errno.EISDIR, "这是文件夹，不是文件"),
    (errno.EACCES, "没有读取权限"),
    (errno.ENOENT, "文件不存在"),
    (errno.ENOTDIR, "路径中有一段不是文件夹"),
    (errno.EXDEV, f"系统无法读取该文件，错误号 {errno.EXDEV}"),
])
def test_reasons_a_read_fails_are_chinese(code, reason):
    from desktop832.oserrors import read_failure_reason

    assert reason in read_failure_reason(OSError(code, os.strerror(code)))


# --- the export ---------------------------------------------------------------------------------


@pytest.fixture
def ws(tmp_path, profile, plan):
    w = workspace(tmp_path / "unit.sqlite", profile, plan, sample_purchases(12))
    yield w
    w.close()


@pytest.fixture
def out_dir(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def refuse_replace(monkeypatch, target: Path, code: int):
    real = os.replace

    def replace(src, dst, **kwargs):
        if Path(dst) == target:
            raise oserror(code)
        return real(src, dst, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES])
def test_export_that_cannot_be_moved_in_place(ws, out_dir, monkeypatch, code):
    target = out_dir / "填报.xlsx"
    refuse_replace(monkeypatch, target, code)
    with pytest.raises(ExchangeError) as info:
        export_year(ws, 2024, target)
    assert info.value.message.startswith(f"无法写入“{target}”：{CHINESE[code]}")
    assert ENGLISH[code] not in info.value.message
    assert list(out_dir.iterdir()) == []  # neither the file nor its temporary copy
    assert ws.store.plan(2024).filing_status is FilingStatus.DRAFT  # the status is not set either


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES])
def test_disk_full_half_way_through_writing_the_workbook(ws, out_dir, monkeypatch, code):
    def partial_save(book, filename):
        Path(filename).write_bytes(b"PK\x03\x04 half a workbook")
        raise oserror(code)

    monkeypatch.setattr(export_xlsx.Workbook, "save", partial_save)
    with pytest.raises(ExchangeError, match=CHINESE[code]):
        export_year(ws, 2024, out_dir / "填报.xlsx")
    assert list(out_dir.iterdir()) == []
    assert ws.store.plan(2024).filing_status is FilingStatus.DRAFT


def test_export_over_an_earlier_file_keeps_it_when_the_disk_is_full(ws, out_dir, monkeypatch):
    target = out_dir / "填报.xlsx"
    target.write_bytes(b"the earlier export")
    def fsync(fd):  # where a full disk shows on some systems: when the data is flushed
        raise oserror(errno.ENOSPC)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(ExchangeError, match=FULL):
        export_year(ws, 2024, target)
    assert target.read_bytes() == b"the earlier export"
    assert [p.name for p in out_dir.iterdir()] == ["填报.xlsx"]


def test_export_into_a_folder_that_is_gone(ws, tmp_path):
    with pytest.raises(ExchangeError) as info:
        export_year(ws, 2024, tmp_path / "拔出的U盘" / "填报.xlsx")
    assert info.value.message.startswith(f"无法在“{tmp_path / '拔出的U盘'}”中写入文件：文件夹不存在")


COMMANDS_THAT_WRITE_A_FILE = {
    "export": (["export", "--year", "2024", "--today", "2024-02-10"], "填报.xlsx"),
    "dump": (["dump"], "unit.json"),
    "letter": (["letter", "--year", "2024", "--shipped-fonts-only"], "承诺函.pdf"),
}


@pytest.mark.parametrize("command", COMMANDS_THAT_WRITE_A_FILE)
def test_commands_on_a_full_disk_say_it_in_chinese(command, tmp_path, profile, plan, out_dir, monkeypatch, capsys):
    db = tmp_path / "cli.sqlite"
    if command == "letter":  # a unit the letter is for, complete, so that writing is what fails
        from desktop832.domain.model import CanteenMode

        profile = dataclasses.replace(profile, canteen_mode=CanteenMode.NONE, meal_arrangement="职工自行解决用餐")
    workspace(db, profile, plan, sample_purchases(3)).close()
    words, name = COMMANDS_THAT_WRITE_A_FILE[command]
    target = out_dir / name
    refuse_replace(monkeypatch, target, errno.ENOSPC)
    assert main(["--db", str(db), *words, "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert FULL in err and "No space" not in err and "Traceback" not in err
    assert list(out_dir.iterdir()) == []


# --- the letter ---------------------------------------------------------------------------------


@pytest.fixture
def draft(profile, policies):
    return build_draft(profile, AnnualPlan(2024), policies["qinghai-2024"], dt.date(2024, 2, 19))


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES])
def test_letter_that_cannot_be_moved_in_place(draft, out_dir, monkeypatch, code):
    target = out_dir / "承诺函.pdf"
    refuse_replace(monkeypatch, target, code)
    with pytest.raises(InputError) as info:
        write_letter(target, draft, FontChoice(use_system=False))
    assert info.value.message.startswith(f"无法写入“{target}”：{CHINESE[code]}")
    assert ENGLISH[code] not in info.value.message
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES])
def test_letter_bytes_that_do_not_fit(out_dir, monkeypatch, code):
    """The lowest write fails half way: what was written so far is removed."""
    real_write = Path.write_bytes

    def half(path, data):
        real_write(path, data[: len(data) // 2])
        raise oserror(code)

    monkeypatch.setattr(Path, "write_bytes", half)
    with pytest.raises(InputError, match=CHINESE[code]):
        write_bytes_atomically(out_dir / "承诺函.pdf", b"%PDF-1.4\n" * 100)
    assert list(out_dir.iterdir()) == []





@posix_only
@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664)])
def test_saved_files_have_the_usual_mode_not_owner_only(draft, ws, out_dir, umask, mode):
    """``mkstemp`` makes its file 0600; renamed into place it would stay so, and a colleague
    sharing the folder could not open the letter."""
    old = os.umask(umask)
    try:
        write_letter(out_dir / "承诺函.pdf", draft, FontChoice(use_system=False))
        export_year(ws, 2024, out_dir / "填报.xlsx")
        write_atomically(out_dir / "a.txt", lambda tmp: tmp.write_text("x", "utf-8"))
    finally:
        os.umask(old)
    for name in ("承诺函.pdf", "填报.xlsx", "a.txt"):
        assert stat.S_IMODE((out_dir / name).stat().st_mode) == mode, name


# --- the data file and its backups --------------------------------------------------------------


def fill_up(store, spare_pages: int = 2) -> None:
    """Let the data file grow by only a few pages: SQLite then fails with SQLITE_FULL, as on a
    full disk."""
    with store._engine.connect() as con:
        pages = con.exec_driver_sql("PRAGMA page_count").scalar()
    event.listen(store._engine, "connect", lambda c, _r: c.execute(f"PRAGMA max_page_count={pages + spare_pages}"))
    store.reconnect()


def test_a_full_data_file_says_so_in_chinese_and_keeps_what_was_saved(ws):
    before = ws.store.purchase_count()
    fill_up(ws.store)
    rows = [Purchase(dt.date(2024, 5, 1), Decimal(1), order_no=f"F{i}", supplier="某合作社" * 20) for i in range(3000)]
    with pytest.raises(StoreError) as info:
        ws.store.add_purchases(rows)
    assert info.value.kind == "full" and info.value.message.startswith("磁盘已满，刚才的修改没有保存")
    assert ws.store.purchase_count() == before and ws.store.integrity_ok()


def test_the_window_keeps_an_edit_it_could_not_save_on_a_full_disk(qapp, ws):
    from PySide6.QtGui import QUndoStack

    from desktop832.ui.document import UnitDocument

    document = UnitDocument(ws, QUndoStack())
    document.load_year(2024)
    said = []
    document.saveStateChanged.connect(lambda text, ok: said.append((text, ok)))
    fill_up(ws.store, spare_pages=0)
    document.edit("plan.note", "很长的说明" * 3000)
    assert not document.save_now()
    assert said[-1] == ("未保存：磁盘已满，刚才的修改没有保存。请清理磁盘空间后再试，已保存的数据不受影响。", False)
    assert document.dirty and ws.store.plan(2024).note != document.plan.note


def test_a_backup_refused_by_the_system_says_why_in_chinese(ws, tmp_path, monkeypatch):
    folder = tmp_path / "backups"
    real = os.replace

    def refuse(src, dst):
        if Path(dst).parent == folder:
            raise oserror(errno.EACCES)
        return real(src, dst)

    monkeypatch.setattr(backups.os, "replace", refuse)
    with pytest.raises(StoreError) as info:
        backups.make_backup(ws.store.path, folder)
    assert "备份失败，数据文件未受影响" in info.value.message and NO_PERMISSION in info.value.message
    assert "Permission denied" not in info.value.message
    assert list(folder.iterdir()) == []


def test_temporary_files_left_by_a_killed_export_are_removed_by_the_next(tmp_path):
    """A kill between creating the hidden temporary file and renaming it left it behind (0 bytes)."""
    import time

    from desktop832.documents.files import STALE_AFTER_S, write_atomically

    stale = tmp_path / ".填报.1a2b3c4d.tmp.xlsx"
    fresh = tmp_path / ".填报.5e6f7a8b.tmp.xlsx"  # another write going on right now: left alone
    other = tmp_path / ".别的.1a2b3c4d.tmp.xlsx"
    for leftover in (stale, fresh, other):
        leftover.write_bytes(b"")
    old = time.time() - STALE_AFTER_S - 60
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    write_atomically(tmp_path / "填报.xlsx", lambda tmp: tmp.write_bytes(b"PK"))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["填报.xlsx", fresh.name, other.name])


def test_a_full_disk_during_a_backup_does_not_claim_an_edit_was_lost(tmp_path, monkeypatch):
    import sqlite3 as sqlite

    from desktop832.store import backups
    from desktop832.store.database import Store
    from desktop832.store.errors import StoreError

    db = tmp_path / "unit.sqlite"
    Store.open(db).close()

    def full(source, target, connection=None):
        error = sqlite.OperationalError("database or disk is full")
        error.sqlite_errorcode = 13  # SQLITE_FULL
        raise error

    monkeypatch.setattr(backups, "_copy_database", full)
    with pytest.raises(StoreError) as info:
        backups.make_backup(db, tmp_path / "backups")
    assert info.value.message == "磁盘已满，备份失败，数据文件未受影响。请清理磁盘空间后再试。"
    assert "刚才的修改" not in info.value.message
