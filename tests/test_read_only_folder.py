"""A healthy data file in a read-only folder is read, not called damaged.

A WAL-mode file needs its ``-shm`` beside it to be read, and in a read-only folder SQLite cannot
create one: read-only viewing used to say "已损坏…可以从备份恢复" about a sound file. Now it is
read as ``immutable`` when no ``-wal`` waits beside it, or through a private temporary copy of the
file and its ``-wal`` when one does, and the window says which.

The folder is made read-only with ``chattr +i`` (which binds root too, as the tests may run as
root); where that is not available the tests are skipped.
"""

import shutil
import sqlite3
import subprocess

import pytest

from desktop832.domain.model import AnnualPlan, UnitProfile
from desktop832.store.database import Store


@pytest.fixture
def read_only_folder(tmp_path):
    folder = tmp_path / "光盘"
    folder.mkdir()
    yield folder
    subprocess.run(["chattr", "-i", str(folder)], capture_output=True)


def freeze(folder):
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
        pytest.skip("chattr +i is not available here")


def make_file(path, name="只读单位"):
    with Store.open(path) as store:
        store.save_profile(UnitProfile(name=name))
        store.save_plan(AnnualPlan(2024, note="计划"))


def test_a_closed_file_in_a_read_only_folder_is_read_as_it_is(read_only_folder, capsys):
    from desktop832.cli import main

    db = read_only_folder / "unit.sqlite"
    make_file(db)
    freeze(read_only_folder)
    with Store.open(db, readonly=True) as store:
        assert store.profile().name == "只读单位" and store.plan(2024).note == "计划"
        assert store.reading_note == "数据文件所在的文件夹是只读的，已直接读取文件的内容"
    assert main(["--db", str(db), "dump"]) == 0  # a reading command works there too
    assert "只读单位" in capsys.readouterr().out
    assert sorted(p.name for p in read_only_folder.iterdir()) == ["unit.sqlite"]


def test_changes_still_in_the_wal_are_shown_too(read_only_folder, tmp_path):
    source = tmp_path / "live.sqlite"
    make_file(source)
    writer = sqlite3.connect(source)  # a writer killed with its last change only in the WAL
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE unit_profile SET name='刚保存的名称'")
    writer.commit()
    db = read_only_folder / "unit.sqlite"
    shutil.copyfile(source, db)
    shutil.copyfile(f"{source}-wal", f"{db}-wal")
    writer.close()
    freeze(read_only_folder)
    with Store.open(db, readonly=True) as store:
        assert store.profile().name == "刚保存的名称"
        assert store.reading_note == "数据文件所在的文件夹是只读的，已读取文件及其未合并修改的临时副本"
        copy = store._source.folder
        assert copy.exists() and oct(copy.stat().st_mode & 0o777) == "0o700"
    assert not copy.exists()  # the temporary copy goes when the file is closed


def test_the_window_views_it_and_says_what_is_true(read_only_folder, make_window, monkeypatch):
    from desktop832.ui.dialogs import file_lock

    db = read_only_folder / "unit.sqlite"
    make_file(db)
    freeze(read_only_folder)
    asked = []
    monkeypatch.setattr(file_lock, "cannot_lock", lambda parent, problem: asked.append(problem) or True)
    window = make_window(db, first_start=False)
    assert asked and "不允许写入" in asked[0]
    assert window.readonly and window.document.profile.name == "只读单位"
    text = window.save_label.text()
    assert "已以只读方式打开" in text and "数据文件所在的文件夹是只读的，已直接读取文件的内容" in text
    assert "损坏" not in text
