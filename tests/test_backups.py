"""Backups: made consistently, rotated by the documented rule, listed, restored without loss."""

import datetime as dt
import shutil
import sqlite3
from decimal import Decimal as D
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop832 import paths
from desktop832.domain.model import AnnualPlan, Purchase
from desktop832.store import backups, schema
from desktop832.store.backups import Backup, to_delete
from desktop832.store.database import Store
from desktop832.store.errors import StoreError

NOW = dt.datetime(2024, 3, 20, 9, 30, 0)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "unit.sqlite"
    with Store.open(path) as store:
        store.save_plan(AnnualPlan(2024).with_canteen_total(D("1000")))
    return path


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "backups"


def canteen_total(path):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("SELECT canteen_total FROM annual_plan WHERE year=2024").fetchone()[0]
    finally:
        con.close()


def set_total(path, amount):
    with Store.open(path) as store:
        store.save_plan(store.plan(2024).with_canteen_total(D(amount)))


# --- making ----------------------------------------------------------------------------------


def test_backup_is_a_sound_standalone_copy(db, folder):
    backup = backups.make_backup(db, folder, backups.MANUAL, now=NOW)
    assert backup.path.name == "unit.20240320-093000.manual.sqlite"
    assert (backup.reason, backup.created, backup.size) == ("manual", NOW, backup.path.stat().st_size)
    con = sqlite3.connect(backup.path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file, no -wal beside it
    con.close()
    assert canteen_total(backup.path) == 100000
    assert sorted(p.name for p in folder.iterdir()) == [backup.path.name]  # no partial file left
    assert schema.inspect(backup.path)[0] is schema.FileState.CURRENT


def test_backup_holds_what_is_still_in_the_wal(db, folder):
    with Store.open(db) as store:
        store.save_plan(store.plan(2024).with_canteen_total(D("2000")))
        # the store is still open: the change may sit in the WAL only
        backup = backups.make_backup(db, folder, now=NOW)
    assert canteen_total(backup.path) == 200000


def test_backups_within_one_second_get_a_sequence(db, folder):
    first = backups.make_backup(db, folder, backups.MANUAL, now=NOW)
    second = backups.make_backup(db, folder, backups.OPEN, now=NOW)
    assert second.path.name == "unit.20240320-093000-2.open.sqlite"
    assert [b.path for b in backups.list_backups(folder, db)] == [second.path, first.path]


def test_open_backup_is_skipped_when_nothing_changed(db, folder):
    first = backups.backup_on_open(db, folder, now=NOW)
    assert first is not None and first.reason == "open"
    assert backups.backup_on_open(db, folder, now=NOW + dt.timedelta(hours=1)) is None
    set_total(db, "3000")
    third = backups.backup_on_open(db, folder, now=NOW + dt.timedelta(hours=2))
    assert third is not None and canteen_total(third.path) == 300000
    assert len(backups.list_backups(folder, db)) == 2


def test_no_backup_of_a_missing_or_empty_file(tmp_path, folder):
    assert backups.backup_on_open(tmp_path / "none.sqlite", folder) is None
    (tmp_path / "empty.sqlite").write_bytes(b"")
    assert backups.backup_on_open(tmp_path / "empty.sqlite", folder) is None
    assert not folder.exists()


def test_a_full_disk_leaves_no_half_backup(db, folder, monkeypatch):
    def full(source, target, connection=None):
        Path(target).write_bytes(b"SQLite format 3\x00 half")
        error = sqlite3.OperationalError("database or disk is full")
        error.sqlite_errorcode = 13  # SQLITE_FULL, as SQLite sets it: the code decides, not the words
        raise error

    monkeypatch.setattr(backups, "_copy_database", full)
    with pytest.raises(StoreError) as info:
        backups.make_backup(db, folder, now=NOW)
    assert info.value.kind == "full" and "磁盘已满" in info.value.message
    assert list(folder.iterdir()) == []


def test_backup_folder_that_cannot_be_made(db, tmp_path):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="无法建立备份文件夹"):
        backups.make_backup(db, blocker / "backups", now=NOW)


# --- listing ---------------------------------------------------------------------------------


def test_list_shows_only_this_files_backups_newest_first(db, folder):
    folder.mkdir()
    for name in (
        "unit.20240101-080000.open.sqlite", "unit.20240301-080000.manual.sqlite",
        "unit.20240201-080000.before-migration-0001.sqlite", "other.20240305-080000.open.sqlite",
        "unit.sqlite", "notes.txt", "unit.2024-bad.open.sqlite", ".unit.sqlite.123.partial",
    ):
        (folder / name).write_bytes(b"x" * 10)
    listed = backups.list_backups(folder, db)
    assert [b.path.name for b in listed] == [
        "unit.20240301-080000.manual.sqlite", "unit.20240201-080000.before-migration-0001.sqlite",
        "unit.20240101-080000.open.sqlite",
    ]
    assert [b.reason_label for b in listed] == ["手动备份", "升级数据格式前（原格式 0001）", "打开时自动备份"]
    assert listed[0].size_label == "10 字节"
    assert len(backups.list_backups(folder)) == 4
    assert backups.list_backups(folder / "missing", db) == []


def test_files_of_the_same_name_in_two_folders_never_share_a_backup_list(tmp_path, folder):
    """Both units' ``unit.sqlite`` are backed up into the one backup folder: each lists, rotates
    and restores only its own backups (a shared list let a restore bring in the other unit)."""
    ours, theirs = tmp_path / "本单位" / "unit.sqlite", tmp_path / "别的单位" / "unit.sqlite"
    for path, total in ((ours, "1000"), (theirs, "9999")):
        path.parent.mkdir()
        with Store.open(path) as store:
            store.save_plan(AnnualPlan(2024).with_canteen_total(D(total)))
    mine = backups.make_backup(ours, folder, backups.OPEN, now=NOW)
    for day in range(15):  # the other unit opened daily: fifteen backups of its own
        backups.backup_on_open(theirs, folder, now=NOW + dt.timedelta(days=day))
        set_total(theirs, str(10000 + day))
    assert backups.list_backups(folder, ours) == [mine]
    listed = backups.list_backups(folder, theirs)
    assert mine not in listed and len(listed) == 10  # rotated by its own count: ten versions
    assert {canteen_total(b.path) for b in listed} == {1000000 + 100 * day for day in range(4, 14)}
    assert mine.path.exists(), "rotating the other unit's backups removed ours"
    assert backups.backup_on_open(ours, folder, now=NOW + dt.timedelta(days=20)) is None  # ours unchanged
    # a restore of ours never offers, nor skips to, the other unit's newer copies
    set_total(ours, "2000")
    kept = backups.restore(backups.list_backups(folder, ours)[-1], ours, folder, now=NOW + dt.timedelta(days=21))
    assert canteen_total(ours) == 100000 and canteen_total(kept.path) == 200000
    assert all(canteen_total(b.path) in (100000, 200000) for b in backups.list_backups(folder, ours))


def test_names_with_dots_and_chinese_round_trip(tmp_path, folder):
    source = tmp_path / "某县 农业局.v2.sqlite"
    Store.open(source).close()
    backup = backups.make_backup(source, folder, now=NOW)
    assert backup.stem == "某县 农业局.v2"
    assert backups.list_backups(folder, source) == [backup]


def test_size_labels():
    assert backups.size_label(1023) == "1023 字节"
    assert backups.size_label(150 * 1024) == "150 KB"
    assert backups.size_label(int(2.5 * 1024 * 1024)) == "2.5 MB"


# --- rotating --------------------------------------------------------------------------------


def fake(day_offset, hour=8, reason="open", stem="unit"):
    created = NOW.replace(hour=hour, minute=0) - dt.timedelta(days=day_offset)
    return Backup(Path(f"{stem}.{created:%Y%m%d-%H%M%S}.{reason}.sqlite"), stem, created, 1, reason, 1)


def test_rotation_keeps_ten_newest_and_each_of_the_last_ten_days():
    # three backups a day for 30 days
    all_ = [fake(day, hour) for day in range(30) for hour in (8, 12, 16)]
    deleted = {b.path for b in to_delete(all_, NOW)}
    kept = [b for b in all_ if b.path not in deleted]
    newest_ten = sorted(all_, key=lambda b: b.created, reverse=True)[:10]
    assert set(newest_ten) <= set(kept)
    days = {b.created.date() for b in kept}
    assert days == {NOW.date() - dt.timedelta(days=d) for d in range(10)}
    for day in range(4, 10):  # past the ten newest: only that day's newest backup stays
        assert [b for b in kept if b.created.date() == NOW.date() - dt.timedelta(days=day)] == [fake(day, 16)]
    assert len(kept) == 10 + 6


def test_rotation_keeps_ten_versions_however_old_and_every_migration_backup():
    old = [fake(100 + day) for day in range(15)] + [fake(400, reason="before-migration-0001")]
    deleted = to_delete(old, NOW)
    assert [b.created for b in deleted] == [fake(100 + day).created for day in range(10, 15)]
    assert to_delete([fake(0), fake(0, 9)], NOW) == []


def test_rotate_deletes_files_of_this_data_file_only(db, folder):
    folder.mkdir()
    for day in range(25):
        for b in (fake(day), fake(day, stem="other")):
            (folder / b.path.name).write_bytes(b"x")
    removed = backups.rotate(folder, db, now=NOW)
    assert len(removed) == 15
    assert len(backups.list_backups(folder, db)) == 10
    assert len(backups.list_backups(folder, folder / "other.sqlite")) == 25


def test_migration_backup_goes_to_the_user_backup_folder(db, monkeypatch):
    from desktop832.app.workspace import Workspace

    # pretend the file is one revision behind a newer head
    monkeypatch.setattr(schema, "HEAD_REVISION", "9998")
    monkeypatch.setattr(schema, "KNOWN_REVISIONS", (*schema.KNOWN_REVISIONS, "9998"))
    Workspace.open(db).close()
    [backup] = backups.list_backups(paths.backup_dir(), db)
    assert backup.reason == f"before-migration-{schema.KNOWN_REVISIONS[-2]}" and not backup.rotatable
    assert canteen_total(backup.path) == 100000


# --- restoring -------------------------------------------------------------------------------


def test_restore_replaces_the_file_and_keeps_the_current_one(db, folder):
    old = backups.make_backup(db, folder, now=NOW)
    set_total(db, "5000")
    kept = backups.restore(old, db, folder, now=NOW + dt.timedelta(minutes=5))
    assert canteen_total(db) == 100000
    assert kept.reason == "before-restore" and canteen_total(kept.path) == 500000
    with Store.open(db) as store:  # the restored file opens and is written as usual
        assert store.integrity_ok()
        store.save_plan(store.plan(2024).with_canteen_total(D("6000")))
    assert canteen_total(db) == 600000


def test_restore_does_not_replay_the_old_wal(db, folder, tmp_path):
    old = backups.make_backup(db, folder, now=NOW)
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    with Store.open(db) as store:
        store.add_purchase(Purchase(dt.date(2024, 3, 1), D("77.00")))
        # a copy taken while the store is open: the purchase lives in the WAL, as after a crash
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{db}{suffix}").exists():
                shutil.copyfile(f"{db}{suffix}", crashed / f"unit.sqlite{suffix}")
    target = crashed / "unit.sqlite"
    assert (crashed / "unit.sqlite-wal").exists()
    kept = backups.restore(old, target, folder, now=NOW + dt.timedelta(minutes=1))
    assert not (crashed / "unit.sqlite-wal").exists()
    con = sqlite3.connect(target)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*) FROM purchase").fetchone()[0] == 0
    con.close()
    con = sqlite3.connect(kept.path)  # the purchase from the WAL is in the before-restore copy
    assert con.execute("SELECT amount FROM purchase").fetchall() == [(7700,)]
    con.close()


def test_restore_keeps_a_damaged_file_byte_for_byte(db, folder):
    good = backups.make_backup(db, folder, now=NOW)
    damaged = bytearray(db.read_bytes())
    damaged[100:4096] = b"\xff" * (4096 - 100)
    db.write_bytes(bytes(damaged))
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    kept = backups.restore(good, db, folder, now=NOW + dt.timedelta(minutes=1))
    assert kept.path.read_bytes() == bytes(damaged)
    assert canteen_total(db) == 100000


@pytest.mark.parametrize("damage, message", [
    (lambda p: p.write_bytes(p.read_bytes()[:100] + b"\xff" * 4000), "损坏"),
    (lambda p: p.write_text("not a database"), "不是 desktop832 数据文件"),
    (lambda p: p.write_bytes(b""), "空的"),
])
def test_a_bad_backup_is_refused_and_the_file_untouched(db, folder, damage, message):
    bad = backups.make_backup(db, folder, now=NOW)
    damage(bad.path)
    before = db.read_bytes()
    with pytest.raises(StoreError, match=message):
        backups.restore(bad, db, folder, now=NOW)
    assert db.read_bytes() == before
    assert len(backups.list_backups(folder, db)) == 1  # no before-restore copy either


def test_a_backup_from_a_newer_version_is_refused(db, folder):
    newer = backups.make_backup(db, folder, now=NOW)
    con = sqlite3.connect(newer.path)
    con.execute("UPDATE alembic_version SET version_num='9999'")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="更新版本"):
        backups.restore(newer, db, folder, now=NOW)


def test_a_failed_replace_leaves_the_file_and_its_wal(db, folder, monkeypatch):
    old = backups.make_backup(db, folder, now=NOW)
    set_total(db, "9000")
    real_replace = backups.os.replace

    def refuse(src, dst):
        if Path(dst) == db:
            raise PermissionError(13, "文件正被其他程序使用")
        return real_replace(src, dst)

    monkeypatch.setattr(backups.os, "replace", refuse)
    with pytest.raises(StoreError, match="恢复失败，数据文件未被替换"):
        backups.restore(old, db, folder, now=NOW + dt.timedelta(minutes=1))
    assert canteen_total(db) == 900000
    assert not list(db.parent.glob(".unit.sqlite*"))


# --- the dialog ------------------------------------------------------------------------------


@pytest.fixture
def dialog_for(qtbot, folder):
    from desktop832.ui.dialogs.backup import BackupDialog

    def make(db, **kwargs):
        kwargs.setdefault("confirm", lambda title, text: True)
        dialog = BackupDialog(None, db, backup_dir=folder, **kwargs)
        qtbot.addWidget(dialog)
        return dialog

    return make


def rows(dialog):
    table = dialog.table
    return [[table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())]


def test_dialog_lists_backups_and_backs_up_now(dialog_for, db, folder):
    backups.make_backup(db, folder, backups.OPEN, now=NOW)
    dialog = dialog_for(db)
    assert rows(dialog) == [["2024-03-20 09:30:00", backups.list_backups(folder, db)[0].size_label, "打开时自动备份"]]
    assert not dialog.panel.restore_button.isVisibleTo(dialog)  # no close/reopen given: backups only
    assert [b.text() for b in dialog.panel.button_box.buttons()] == ["关闭(&C)"]
    made = dialog.backup_now()
    assert made.reason == "manual"
    assert rows(dialog)[0][2] == "手动备份" and len(rows(dialog)) == 2
    assert dialog.selected() == made
    assert "已备份" in dialog.status_label.text()


def test_dialog_refuses_to_back_up_when_edits_cannot_be_saved(dialog_for, db, folder):
    dialog = dialog_for(db, save_pending=lambda: False)
    assert dialog.backup_now() is None
    assert "未能保存" in dialog.status_label.text()
    assert not folder.exists() or not list(folder.iterdir())


def test_dialog_restores_through_the_callers_close_and_reopen(dialog_for, db, folder):
    old = backups.make_backup(db, folder, now=NOW)
    set_total(db, "4000")
    calls = []
    dialog = dialog_for(
        db, close_file=lambda: calls.append("close"),
        reopen_file=lambda path: calls.append(("reopen", path, canteen_total(path))) or True,
    )
    dialog.table.selectRow(0)
    assert dialog.selected() == old
    assert dialog.restore_selected()
    assert calls == ["close", ("reopen", db, 100000)]
    assert [r[2] for r in rows(dialog)] == ["恢复备份前的数据文件", "手动备份"]
    assert "已恢复 2024-03-20 09:30:00 的备份" in dialog.status_label.text()
    assert dialog.restored


def test_dialog_does_not_restore_without_confirmation_or_with_unsaved_edits(dialog_for, db, folder):
    backups.make_backup(db, folder, now=NOW)
    set_total(db, "4000")
    calls = []
    for confirm, save in ((lambda t, x: False, lambda: True), (lambda t, x: True, lambda: False)):
        dialog = dialog_for(db, confirm=confirm, save_pending=save, close_file=lambda: calls.append("close"),
                            reopen_file=lambda p: calls.append("reopen") or True)
        dialog.table.selectRow(0)
        assert not dialog.restore_selected()
    assert calls == [] and canteen_total(db) == 400000


def test_dialog_reopens_the_old_file_when_the_restore_fails(dialog_for, db, folder):
    bad = backups.make_backup(db, folder, now=NOW)
    set_total(db, "4000")
    calls = []
    dialog = dialog_for(db, close_file=lambda: calls.append("close"), reopen_file=lambda p: calls.append("reopen") or True)
    dialog.table.selectRow(0)
    bad.path.write_bytes(b"garbage")  # damaged after it was listed
    assert not dialog.restore_selected()
    assert calls == []  # checked before closing anything
    assert "不是 desktop832 数据文件" in dialog.status_label.text()
    assert canteen_total(db) == 400000


def test_main_window_backup_menu_restores_into_the_open_window(make_window, monkeypatch, tmp_path):
    from desktop832.ui.dialogs import backup as backup_dialog

    window = make_window()
    window.document.edit("plan.canteen_total", D("1000"))
    assert window.document.save_now()
    backups.make_backup(window.workspace.store.path, paths.backup_dir(), now=NOW)
    window.document.edit("plan.canteen_total", D("2000"))  # not yet saved: the dialog saves it first

    def drive(dialog):
        dialog.confirm = lambda title, text: True
        dialog.table.selectRow(dialog.table.rowCount() - 1)  # the oldest: the one made above
        assert dialog.restore_selected(), dialog.status_label.text()
        return 0

    monkeypatch.setattr(backup_dialog.BackupDialog, "exec", drive)
    assert backup_dialog.run_backup(window)
    assert window.document.plan.canteen_total == D("1000.00")
    assert window.quota_tab.canteen_total_edit.text() == "1,000.00"
    kept = [b for b in backups.list_backups(paths.backup_dir(), window.workspace.store.path) if b.reason == "before-restore"]
    assert canteen_total(kept[0].path) == 200000


def test_open_failure_offers_backups_only_where_they_help(qtbot, db, folder):
    from desktop832.ui.dialogs.backup import open_failure_box

    for kind, offer in (("corrupt", True), ("newer", False)):
        box = open_failure_box(None, StoreError("数据文件已损坏", kind), offer)
        qtbot.addWidget(box)
        roles = [box.buttonRole(b) for b in box.buttons()]
        assert (QMessageBox.ButtonRole.AcceptRole in roles) is offer
        assert box.text() == "数据文件已损坏"


def test_explain_open_failure_restores_a_damaged_file(qtbot, db, folder, monkeypatch):
    from desktop832.ui.dialogs import backup as backup_dialog

    backups.make_backup(db, folder, now=NOW)
    db.write_bytes(db.read_bytes()[:100] + b"\xff" * 8000)
    with pytest.raises(StoreError) as info:
        Store.open(db)

    def choose_restore(box):
        [restore] = [b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole]
        restore.click()
        return 0

    def drive(dialog):
        dialog.confirm = lambda title, text: True
        dialog.table.selectRow(0)
        dialog.restore_selected()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", choose_restore)
    monkeypatch.setattr(backup_dialog.BackupDialog, "exec", drive)
    opened = []
    assert backup_dialog.explain_open_failure(None, db, info.value, reopen=lambda p: opened.append(p) or True, backup_dir=folder)
    assert opened == [db] and canteen_total(db) == 100000


def test_backup_on_open_runs_off_the_gui_thread_and_reports_back(qtbot, db, folder, qapp):
    import threading

    from desktop832.ui.dialogs.backup import OPEN_BACKUP, open_backup_task, wait_for_open_backups

    job = open_backup_task(db, folder)
    threads = []
    job.work = (lambda work: lambda progress: threads.append(threading.current_thread()) or work(progress))(job.work)
    with qtbot.waitSignal(job.succeeded, timeout=10_000) as signal:
        job.start()
    backup, problem = signal.args[0]
    assert problem == "" and backup.reason == "open" and canteen_total(backup.path) == 100000
    assert threads == [job.thread] and job.thread is not threading.main_thread() and job.thread.name == OPEN_BACKUP
    again = open_backup_task(db, folder)
    with qtbot.waitSignal(again.succeeded, timeout=10_000) as signal:
        again.start()
        wait_for_open_backups()
        assert again.done  # the restore's wait: the copy has ended before it goes on
    assert signal.args == [(None, "")]  # nothing changed: no second copy


def test_backup_on_open_reports_a_problem_in_chinese(qtbot, db, tmp_path, monkeypatch):
    from desktop832.ui.dialogs.backup import start_open_backup, wait_for_open_backups

    blocker = tmp_path / "home-is-a-file"
    blocker.write_text("x")
    monkeypatch.setenv("DESKTOP832_HOME", str(blocker))  # the user data folder cannot be made
    problems = []
    start_open_backup(None, db, problems.append)
    wait_for_open_backups()
    qtbot.waitUntil(lambda: bool(problems))
    assert problems == [f"自动备份未能完成：无法建立备份文件夹：{blocker / 'data' / 'backups'}（路径中有一段不是文件夹（被同名的文件挡住了））"]


def test_rotation_removes_half_made_copies_left_by_a_crash(db, folder):
    import os
    import time

    folder.mkdir()
    old, fresh = folder / ".unit.sqlite.111.partial", folder / ".unit.sqlite.222.partial"
    for partial in (old, fresh):
        partial.write_bytes(b"half")
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    backups.rotate(folder, db)
    assert not old.exists() and fresh.exists()  # a fresh one may be another instance's, still writing
