"""A data file replaced or changed under the open window: detected before the next write.

``mv`` or ``cp`` of another desktop832 file over the open one used to end as a mix of both (the
other file's profile and purchases with the window's plans). The store now compares the file's
device, inode, size and times (``stat``, never ``open``) and the identity stored inside it
before every write, and once they differ refuses every write with a Chinese message. When the
file was moved away, what the window had saved is kept as a backup and its WAL emptied into the
file it belonged to, so the newcomer stays exactly as it came.
"""

import os
import shutil
import sqlite3

import pytest

from desktop832.domain.model import AnnualPlan, UnitProfile
from desktop832.store import backups
from desktop832.store.database import Store
from desktop832.store.errors import StoreError


def dump(path):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return "\n".join(line for line in con.iterdump())
    finally:
        con.close()


def other_file(path):
    with Store.open(path) as store:
        store.save_profile(UnitProfile(name="另一个单位"))
    return dump(path)


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "unit.sqlite", backup_dir=tmp_path / "backups")
    store.save_profile(UnitProfile(name="本单位"))
    store.save_plan(AnnualPlan(2024, note="本窗口保存的计划"))
    yield store
    store.close()


def test_a_file_moved_over_the_open_one_is_never_written(store, tmp_path):
    other = tmp_path / "other.sqlite"
    theirs = other_file(other)
    os.replace(other, store.path)  # mv other.sqlite unit.sqlite
    with pytest.raises(StoreError) as caught:
        store.save_plan(AnnualPlan(2024, note="不该写入"))
    assert caught.value.kind == "replaced"
    assert "数据文件“unit.sqlite”在打开后已被另一个文件替换。为免两份数据混在一起，本窗口已停止保存" in caught.value.message
    with pytest.raises(StoreError, match="已停止保存"):  # and it stays stopped
        store.save_profile(UnitProfile(name="也不该写入"))
    assert dump(store.path) == theirs  # the newcomer exactly as it came, our WAL not replayed into it
    kept = [b for b in backups.list_backups(tmp_path / "backups", store.path) if b.reason == backups.REPLACED]
    assert len(kept) == 1 and kept[0].path.name in caught.value.message
    with Store.open(kept[0].path, readonly=True) as rescued:  # what the window had saved
        assert rescued.profile().name == "本单位"
        assert rescued.plan(2024).note == "本窗口保存的计划"


def test_a_file_copied_over_the_open_one_is_never_written(store, tmp_path):
    other = tmp_path / "other.sqlite"
    other_file(other)
    shutil.copy2(other, store.path)  # cp -p: same inode, the other file's bytes and times
    with pytest.raises(StoreError) as caught:
        store.save_plan(AnnualPlan(2024, note="不该写入"))
    assert caught.value.kind == "replaced"
    assert "在打开后已被其他程序改动。为免两份数据混在一起，本窗口已停止保存" in caught.value.message


def test_the_identity_inside_the_file_catches_what_stat_cannot(store, tmp_path):
    other = tmp_path / "other.sqlite"
    other_file(other)
    with store.reader() as c:  # the WAL empty, as after a checkpoint: the file alone speaks
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(other, store.path)
    store._seen = store._file_state()  # as if the system's times could not tell (coarse clocks)
    with pytest.raises(StoreError) as caught:
        store.save_plan(AnnualPlan(2024, note="不该写入"))
    assert "在打开后已被另一个数据文件替换" in caught.value.message


def test_a_file_deleted_under_the_window_is_not_recreated(store):
    store.path.unlink()
    with pytest.raises(StoreError, match="在打开后已被移走或删除"):
        store.save_plan(AnnualPlan(2024, note="不该写入"))
    assert not store.path.exists()


def test_own_writes_and_checkpoints_are_not_mistaken_for_a_replacement(store):
    for i in range(300):  # far past the WAL's automatic checkpoint
        store.save_plan(AnnualPlan(2024, note="x" * 2000 + str(i)))
    assert store.plan(2024).note.endswith("299") and not store.replaced


def test_every_file_gets_an_identity_of_its_own(tmp_path):
    with Store.open(tmp_path / "a.sqlite") as a, Store.open(tmp_path / "b.sqlite") as b:
        assert a._identity and b._identity and a._identity != b._identity
        assert a.setting("file.identity") == a._identity


def test_the_window_stops_saving_and_says_so(make_window, tmp_path, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    window = make_window()
    window.document.edit("profile.name", "本单位")
    assert window.document.save_now()
    other = tmp_path / "other.sqlite"
    theirs = other_file(other)
    os.replace(other, window.workspace.store.path)
    window.document.edit("profile.name", "改过的名称")
    assert not window.document.save_now()
    assert window.save_label.text().startswith("未保存：数据文件“unit.sqlite”在打开后已被另一个文件替换")
    assert dump(window.workspace.store.path) == theirs
    asked = []  # closing asks what to do with the edit that could not be saved
    monkeypatch.setattr(QMessageBox, "question", lambda *a: asked.append(a) or QMessageBox.StandardButton.Discard)
    window.close()
    assert asked and "已停止保存" in asked[0][2]
    assert dump(tmp_path / "unit.sqlite") == theirs
